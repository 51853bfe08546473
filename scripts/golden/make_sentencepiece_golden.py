#!/usr/bin/python3
"""Golden encodings for w2s's SentencePiece-style BPE (Llama 2 / Mistral tokenizer.json files).

Trains a small SentencePiece BPE model the way Llama 2's was configured (identity normalization,
a dummy "▁" prefix, extra spaces kept, byte fallback, digits split) on the Austen chapters in
tests/tokenizer/data, writes it as a Hugging Face tokenizer.json in the Llama 2 ("legacy") layout
and in the newer Metaspace layout, and records SentencePiece's own encodings and decodings of
held-out text, of characters the vocabulary lacks (they fall back to "<0xNN>" byte pieces), of
newlines and of runs of spaces. SentencePiece is the independent reference: w2s must produce its
ids from the tokenizer.json alone.

The tokenizer.json merges are derived from the vocabulary as the conversion to Hugging Face does it
in substance: every split of a piece into two pieces of the vocabulary is a merge, ranked by the
merged piece's score (higher first), ties by the ids of the halves.

Run with Debian's SentencePiece (apt-get install python3-sentencepiece):
  /usr/bin/python3 scripts/golden/make_sentencepiece_golden.py
Writes tests/golden/tokenizer/sentencepiece/. Deterministic: rerunning rewrites identical files.
"""
import io
import json
import os

import sentencepiece as spm

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DATA = os.path.join(ROOT, "tests", "tokenizer", "data")
OUT = os.path.join(ROOT, "tests", "golden", "tokenizer", "sentencepiece")
VOCAB_SIZE = 700


def train():
    with open(os.path.join(DATA, "pride_and_prejudice_ch1-6.txt"), encoding="utf-8") as f:
        lines = [line for line in f.read().split("\n") if line.strip()]
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        model_type="bpe",
        vocab_size=VOCAB_SIZE,
        normalization_rule_name="identity",
        add_dummy_prefix=True,
        remove_extra_whitespaces=False,
        byte_fallback=True,
        split_digits=True,
        character_coverage=0.9995,
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
        num_threads=1,
        minloglevel=2,
    )
    return spm.SentencePieceProcessor(model_proto=model.getvalue())


def merges_of(sp):
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    ranked = []
    for piece, pid in vocab.items():
        if sp.is_control(pid) or sp.is_unknown(pid) or sp.is_byte(pid):
            continue
        halves = [(piece[:k], piece[k:]) for k in range(1, len(piece))]
        halves = [(a, b) for a, b in halves if a in vocab and b in vocab]
        halves.sort(key=lambda ab: (vocab[ab[0]], vocab[ab[1]]))
        ranked.extend((-sp.get_score(pid), pid, a, b) for a, b in halves)
    ranked.sort(key=lambda r: (r[0], r[1]))  # stable within a piece: the halves' order above
    return vocab, [[a, b] for _, _, a, b in ranked]


def tokenizer_json(sp, layout):
    vocab, merges = merges_of(sp)
    special = lambda i: {"id": i, "content": sp.id_to_piece(i), "single_word": False, "lstrip": False,
                         "rstrip": False, "normalized": False, "special": True}
    j = {"version": "1.0", "truncation": None, "padding": None,
         "added_tokens": [special(0), special(1), special(2)]}
    if layout == "legacy":
        j["normalizer"] = {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "\u2581"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]}
        j["pre_tokenizer"] = None
    else:
        j["normalizer"] = None
        j["pre_tokenizer"] = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "first",
                              "split": False}
    bos = sp.id_to_piece(1)
    j["post_processor"] = {
        "type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                 {"SpecialToken": {"id": bos, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {bos: {"id": bos, "ids": [1], "tokens": [bos]}}}
    if layout == "legacy":
        j["decoder"] = {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
            {"type": "ByteFallback"}, {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
    else:
        j["decoder"] = {"type": "Sequence", "decoders": [
            {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "first", "split": False},
            {"type": "ByteFallback"}, {"type": "Fuse"}]}
    j["model"] = {"type": "BPE", "dropout": None, "unk_token": sp.id_to_piece(0),
                  "continuing_subword_prefix": None, "end_of_word_suffix": None, "fuse_unk": True,
                  "byte_fallback": True, "ignore_merges": False, "vocab": vocab, "merges": merges}
    return j


def cases(sp):
    with open(os.path.join(DATA, "pride_and_prejudice_ch7_part.txt"), encoding="utf-8") as f:
        held_out = [p.strip() for p in f.read().split("\n\n") if p.strip()][:6]
    texts = held_out + [
        "Hello world",
        " leading space, and trailing space ",
        "runs  of   spaces",
        "line one\nline two\n",
        "na\u00efve caf\u00e9 \u2014 \u6771\u4eac \U0001F642",   # naïve café — 東京 🙂: outside the vocabulary
        "Mr. Bennet, 1813: 42 letters; 7 sisters?",
        "\u2581already\u2581marked",
        "\t tab",
        "",
    ]
    out = []
    for text in texts:
        ids = sp.encode(text, out_type=int)
        out.append({"text": text, "ids": ids, "pieces": [sp.id_to_piece(i) for i in ids],
                    "decoded": sp.decode(ids)})
    return out


def main():
    sp = train()
    os.makedirs(OUT, exist_ok=True)
    for layout, name in (("legacy", "tokenizer.json"), ("metaspace", "tokenizer_metaspace.json")):
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
            json.dump(tokenizer_json(sp, layout), f, ensure_ascii=False, indent=1)
            f.write("\n")
    with open(os.path.join(OUT, "cases.json"), "w", encoding="utf-8") as f:
        json.dump({"sentencepiece": spm.__version__, "vocab_size": sp.get_piece_size(), "cases": cases(sp)},
                  f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: {sp.get_piece_size()} pieces")


if __name__ == "__main__":
    main()
