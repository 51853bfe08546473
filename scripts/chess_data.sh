#!/usr/bin/env bash
# scripts/chess_data.sh — the chess setting's data, made with Debian's stockfish (issue #18):
#   data/chess/games.jsonl          self-play games for pretraining (seed 0)
#   data/chess/games_puzzles.jsonl  other self-play games, the puzzles' source (seed 1)
#   data/chess/puzzles.jsonl        engine-labelled best-move puzzles, leak-checked against the
#                                   pretraining games (the repository ships this one)
#   data/chess/corpus/{corpus,heldout}.txt   the pretraining games as text
#   data/chess/tokenizer/tokenizer.json      a byte-level BPE trained on that text
#   data/chess/manifest.json        engine version, options, counts and digests
# Every step resumes where it stopped when rerun (games and labels are written as they finish).
#   CHESS_GAMES=20000 CHESS_PUZZLE_GAMES=5000 CHESS_LIMITS="nodes 100000" bash scripts/chess_data.sh
# CHESS_RANDOM_PLIES_MIN: random opening moves per game, at least. The default 2 reproduces the
# shipped puzzles and the family's corpus (manifest.json's digests); 2 repeats 4.6 % of games, so
# new data should use 4 or more (w2s chess games' own default), in a new folder (W2S_DATA).
set -euo pipefail
cd "$(dirname "$0")/.."
w2s="${W2S_BIN:-build/w2s}"
out="${W2S_DATA:-data}/chess"
games="${CHESS_GAMES:-20000}"
puzzle_games="${CHESS_PUZZLE_GAMES:-5000}"
limits="${CHESS_LIMITS:-nodes 100000}"
confirm="${CHESS_CONFIRM_LIMITS:-nodes 400000}"
random_min="${CHESS_RANDOM_PLIES_MIN:-2}"
vocab="${CHESS_VOCAB:-2048}"
mkdir -p "$out"
start=$SECONDS

"$w2s" chess games --out "$out/games.jsonl" --games "$games" --seed 0 --random-plies-min "$random_min"
"$w2s" chess games --out "$out/games_puzzles.jsonl" --games "$puzzle_games" --seed 1 --random-plies-min "$random_min"
"$w2s" chess puzzles --games "$out/games_puzzles.jsonl" --exclude "$out/games.jsonl" \
  --out "$out/puzzles.jsonl" --limits "$limits"
# Keep only the puzzles whose solution a 4× deeper search still plays (an overturned solution is
# no only move).
"$w2s" chess confirm --puzzles "$out/puzzles.jsonl" --limits "$confirm" --out "$out/puzzles.jsonl"
"$w2s" chess corpus --games "$out/games.jsonl" --out "$out/corpus"
"$w2s" tokenizer train --input "$out/corpus/corpus.txt" --out "$out/tokenizer/tokenizer.json" \
  --vocab-size "$vocab" --special-tokens "<|endoftext|>" --pattern ' ?\S+|\s+'  # whole moves are words

digest() { sha256sum "$1" | cut -d' ' -f1; }
cat > "$out/manifest.json.tmp" <<JSON
{
  "engine": "$(dpkg-query -W -f='stockfish ${Version}' stockfish 2>/dev/null || echo unknown)",
  "pgn_extract": "$(dpkg-query -W -f='${Version}' pgn-extract 2>/dev/null || echo unknown)",
  "w2s_commit": "$(git rev-parse HEAD 2>/dev/null || echo unknown)",
  "pretraining_games": {"count": $games, "seed": 0, "random_plies_min": $random_min, "sha256": "$(digest "$out/games.jsonl")"},
  "puzzle_games": {"count": $puzzle_games, "seed": 1, "random_plies_min": $random_min, "sha256": "$(digest "$out/games_puzzles.jsonl")"},
  "puzzles": {"count": $(wc -l < "$out/puzzles.jsonl"), "limits": "$limits", "sha256": "$(digest "$out/puzzles.jsonl")", "leak_check": "positions (placement, side to move, castling)", "confirm_limits": "$confirm"},
  "tokenizer": {"vocab_size": $vocab, "sha256": "$(digest "$out/tokenizer/tokenizer.json")"}
}
JSON
mv "$out/manifest.json.tmp" "$out/manifest.json"
echo "[chess] data ready in $out ($((SECONDS - start)) s)"
