#!/usr/bin/env node
// scripts/golden/gpt2_tokens.js — writes tests/golden/gpt2_tokens.jsonl: GPT-2 token ids for
// several hundred test strings, produced by the npm package gpt-3-encoder's own JavaScript
// encoder (an implementation independent of w2s). Nothing of that package is committed: it is
// `npm pack`ed into a temporary folder, used, and deleted.
//
//   node scripts/golden/gpt2_tokens.js            # needs npm and network access to the registry
//
// Deterministic: a fixed list plus strings from a seeded PRNG (mulberry32, seed below).
//
// Inputs deliberately left out (where the JS encoder, or JS itself, disagrees with byte-level
// BPE over UTF-8 for reasons that are not tokenizer bugs in w2s):
//  * Lone UTF-16 surrogates: they cannot occur in UTF-8 text at all; in JS the regex sees the
//    surrogate, then TextEncoder turns it into U+FFFD, which no UTF-8 input reproduces.
//  * U+0085, U+180E, U+FEFF: JavaScript's \s excludes U+0085 and U+180E and includes U+FEFF;
//    PCRE2's \s (with UCP) is the other way round, as is the Unicode White_Space property that
//    Python's `regex` (GPT-2's encoder.py) uses for the first two.
//  * Characters assigned after Unicode 14 (PCRE2 10.42's tables): Node's newer tables may class
//    them as letters where PCRE2 sees unassigned code points. Pools below use old characters.
//  * The JS encoder keys its merge table by pair.join(','), so two different pairs whose pieces
//    join to the same string with a comma could collide; no two GPT-2 merges collide that way
//    (checked below), and every string is still checked to decode back to itself.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execSync } = require('child_process');

const PACKAGE = 'gpt-3-encoder@1.1.4';
const SEED = 20231127;
const N_RANDOM = 360;

function loadEncoder() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'w2s-gpt3enc-'));
  execSync(`npm pack --silent ${PACKAGE}`, { cwd: tmp, stdio: ['ignore', 'pipe', 'inherit'] });
  const tgz = fs.readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  execSync(`tar -xzf ${tgz}`, { cwd: tmp });
  const enc = require(path.join(tmp, 'package', 'Encoder.js'));
  const merges = fs.readFileSync(path.join(tmp, 'package', 'vocab.bpe'), 'utf-8').split('\n');
  return { enc, merges, tmp };
}

function checkNoCommaCollisions(lines) {
  const seen = new Set();
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const key = line.split(' ').join(',');
    if (seen.has(key)) throw new Error(`merge key collision in the JS encoder: ${line}`);
    seen.add(key);
  }
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pools = {
  english: [
    'Hello world', 'hello world', 'Hello, world!', 'The quick brown fox jumps over the lazy dog.',
    'It is a truth universally acknowledged', 'tokenization', 'Tokenizer', 'antidisestablishmentarianism',
    'supercalifragilisticexpialidocious', 'New York', 'U.S.A.', 'e.g.', 'Mr. Smith', 'a', 'I', 'the',
    'pneumonoultramicroscopicsilicovolcanoconiosis', 'CamelCaseIdentifier', 'snake_case_name',
    'ALL CAPS SENTENCE', 'MiXeD cAsE', 'Weak-to-strong generalization',
  ],
  contractions: [
    "I'LL", "I'll", "don't", "DON'T", "Don't", "it's", "IT'S", "we're", "WE'RE", "they've",
    "THEY'VE", "I'm", "I'M", "he'd", "HE'D", "'s", "'S", "''", "'", "rock 'n' roll", "o'clock",
    "y'all", "can't", "won't", "shan't", "'tis", "goin'", "James's", "it’s", "we’re", "'ll'",
    "'re're", "you'd've", "ma'am", "I'd'nt", " 's", "x's", "'d'd'd",
  ],
  accents: [
    'café', 'naïve', 'Ångström', 'Zoë', 'façade', 'jalapeño', 'Größenwahn Straße', 'İstanbul',
    'ığdır', 'Zażółć gęślą jaźń', "L'été dernier, j'ai mangé des crêpes", '¿Qué tal? ¡Muy bien!',
    'Þórður', 'Dvořák', 'São Paulo', 'Nguyễn', 'Xin chào thế giới', 'e\u0301', 'a\u0308o\u0308',
    'n\u0303', 'Z\u0324\u0354\u0367\u0311\u0313a\u0308\u0356\u032dl\u036e\u0312\u036bg\u0301o',
    'ﬁnance ﬂow', 'Æsir', 'Œuvre', 'ŉ',
  ],
  scripts: [
    'Καλημέρα κόσμε', 'Привет, мир!', 'Съешь же ещё этих мягких французских булок',
    'مرحبا بالعالم', 'שלום עולם', 'नमस्ते दुनिया', 'হ্যালো বিশ্ব', 'வணக்கம் உலகம்',
    'สวัสดีชาวโลก', '안녕하세요 세계', 'こんにちは世界', 'カタカナとひらがな', '你好，世界！',
    '中华人民共和国', '機械学習', 'გამარჯობა მსოფლიო', 'Բարեւ աշխարհ', 'ሰላም ልዑል',
    'Ελληνικά', 'ᚠᛇᚻ᛫ᛒᛦᚦ', 'ꦲꦤꦕꦫꦏ', 'ᐊᐃᓐᓇᐃᑦ', 'ܫܠܡܐ', 'ދިވެހި', '\u1100\u1161\u11a8',
    'ｶﾀｶﾅ', 'ＡＢＣ　ｘｙｚ',
  ],
  emoji: [
    '😀', '😀😃😄', '👍', '👍🏽', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🇺🇸', '🇺🇸🇯🇵🇩🇪', '1️⃣', '#️⃣', '❤️', '🧑🏿‍🚀',
    '👩‍💻', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '☃', '♥', '✨🎉', '🤖 + 🧠 = ?', '🙂🙃', '🐍🦀', '🍕🍔🍟',
  ],
  digits: [
    '0', '7', '42', '1234567890', '3.14159265358979', '1,000,000', '1e-10', '-273.15',
    '0x1F2E', '2023-11-27', '12:30:45', '+1 (555) 123-4567', '٠١٢٣٤٥', '१२३४', '１２３',
    '²³', 'Ⅻ', '½ ¾', '10%', '$19.99', '#1', 'v1.2.3', 'ID: 00042', '9'.repeat(100),
    '1234567890'.repeat(7), '12345678901234567890123456789012345678901234567890',
  ],
  whitespace: [
    ' ', '  ', '   ', '\t', '\t\t', '\n', '\n\n', '\n\n\n', '\r\n', '\r\n\r\n', ' \n ', '\n ',
    ' \t \n ', '\u00a0', '\u3000', '\u2028', '\u2003', '\u000b', '\u000c', '\r', ' '.repeat(40),
    '\n'.repeat(20), '\t \t \t',
  ],
  punctuation: [
    '!!!', '...', '?!?!', '---', '***', '~~~', '<<>>', '((()))', '[[[]]]', '{}{}', '#@$%^&*',
    '“quoted”', '«guillemets»', '—', '–', '…', ',,,', ',.,.', 'a,b,c', '1,2,3', ',"', '","',
    ':-)', ';-)', '^_^', '¯\\_(ツ)_/¯', '!?', '.,;:', '§¶†‡', '©®™', '<|endoftext|>',
    '<|endoftext|>Hello', '|>', '<|', '==>', '!=', '&&', '||', '//', '/* */', '\\\\',
  ],
  code: [
    'int main() {\n  return 0;\n}\n',
    'def f(x):\n    return x ** 2\n',
    '{"key": [1, 2, 3], "nested": {"a": null, "b": true}}',
    '<div class="x">Hi &amp; bye</div>',
    'ls -la | grep foo > out.txt 2>&1',
    '^\\s*(\\d+)\\s*$',
    'https://example.com/path?q=1&r=2#frag',
    'user.name+tag@example.org',
    'SELECT * FROM users WHERE id = 42;',
    'const add = (a, b) => a + b;',
    '# Title\n\n- item one\n- item two\n',
    '\\frac{a}{b} + \\sum_{i=1}^{n} x_i',
    'for (size_t i = 0; i < n; ++i) {\n\tsum += v[i];\n}',
    '    indented = True\n        more = False\n',
    'std::vector<int64_t> ids;',
    'x = torch.zeros((B, T, C))  # (B, T, C)',
    '#!/usr/bin/env bash\nset -euo pipefail\n',
    '∑_{i=1}^{n} x² ≤ ∞', '√2 ≈ 1.414', '∀x∈ℝ: x² ≥ 0', '€100 £50 ¥1000 ₹500',
  ],
};

const separators = ['', ' ', '  ', '\n', '\t', ', ', '. ', '\n\n', ' \n', "'", '-'];

function pick(rng, arr) {
  return arr[Math.floor(rng() * arr.length)];
}

// Random code points from blocks assigned long before Unicode 14.
const ranges = [
  [0x20, 0x7e], [0xa1, 0xff], [0x100, 0x17f], [0x391, 0x3c9], [0x410, 0x44f], [0x5d0, 0x5ea],
  [0x627, 0x64a], [0x905, 0x939], [0xe01, 0xe2e], [0x3041, 0x3094], [0x30a1, 0x30f4],
  [0x4e00, 0x9fa5], [0xac00, 0xd7a3], [0x1f600, 0x1f640], [0x2200, 0x22ff], [0x2190, 0x21ff],
];

function randomString(rng) {
  const kind = rng();
  if (kind < 0.45) {  // fragments from the pools joined by separators
    const n = 1 + Math.floor(rng() * 6);
    const keys = Object.keys(pools);
    let s = '';
    for (let i = 0; i < n; i++) {
      if (i > 0) s += pick(rng, separators);
      s += pick(rng, pools[pick(rng, keys)]);
    }
    if (rng() < 0.2) s = ' ' + s;
    if (rng() < 0.2) s = s + pick(rng, [' ', '  ', '\n', '\t']);
    return s;
  }
  if (kind < 0.75) {  // printable ASCII soup: punctuation runs, quotes, digits, spaces
    const alphabet = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`' +
      'abcdefghijklmnopqrstuvwxyz{|}~\n\t';
    const n = 1 + Math.floor(rng() * 48);
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(rng() * alphabet.length)];
    return s;
  }
  // code points from several scripts, with spaces
  const n = 1 + Math.floor(rng() * 24);
  let s = '';
  for (let i = 0; i < n; i++) {
    if (rng() < 0.15) {
      s += pick(rng, [' ', ' ', '  ', '\n', '\u00a0']);
      continue;
    }
    const [lo, hi] = pick(rng, ranges);
    s += String.fromCodePoint(lo + Math.floor(rng() * (hi - lo + 1)));
  }
  return s;
}

function main() {
  const { enc, merges, tmp } = loadEncoder();
  try {
    checkNoCommaCollisions(merges);
    const texts = [''];
    for (const key of Object.keys(pools)) texts.push(...pools[key]);
    texts.push('Hello world', ' Hello world', 'Hello world ', '  Hello   world  ');
    const rng = mulberry32(SEED);
    for (let i = 0; i < N_RANDOM; i++) texts.push(randomString(rng));

    const seen = new Set();
    const lines = [];
    for (const text of texts) {
      if (seen.has(text)) continue;
      seen.add(text);
      if (/[\ud800-\udfff]/u.test(text)) throw new Error('lone surrogate in a test string');
      if (/[\u0085\u180e\ufeff]/.test(text)) throw new Error('excluded whitespace character');
      const ids = enc.encode(text);
      if (!ids.every(Number.isInteger)) throw new Error(`JS encoder gave a non-id for ${JSON.stringify(text)}`);
      if (enc.decode(ids) !== text) throw new Error(`JS round trip failed for ${JSON.stringify(text)}`);
      lines.push(JSON.stringify({ text, ids }));
    }
    const out = path.join(__dirname, '..', '..', 'tests', 'golden', 'gpt2_tokens.jsonl');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, lines.join('\n') + '\n');
    console.log(`[golden] ${lines.length} strings -> ${path.relative(process.cwd(), out)}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
