#!/usr/bin/env bash
# The documents' pictures in docs/screenshots: the demo as it stands on 25 January 2027, the
# signed medborgarlöfte of Skärholmen 2027 (page 1) and the committee paper of its 2026
# year-end compilation (pages 1 and 5), rendered by pdftoppm (poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LOFTE_DATA_DIR="$work" LOFTE_USE_SERVICE=false LOFTE_NOW=2027-01-25T10:00:00+01:00
actor=brottsforebyggande@polisen.example.se
.venv/bin/lofte init >/dev/null
.venv/bin/lofte demo --today 2027-01-25 >/dev/null
.venv/bin/lofte document promise 10 -o "$work/promise.pdf" --actor "$actor"
.venv/bin/lofte compilation show 9 --format pdf -o "$work/compilation.pdf" --actor "$actor"
out=docs/screenshots
pdftoppm -r 80 -png -f 1 -l 1 -singlefile "$work/promise.pdf" "$out/promise-document"
pdftoppm -r 80 -png -f 1 -l 1 -singlefile "$work/compilation.pdf" "$out/compilation-paper-1"
pdftoppm -r 80 -png -f 5 -l 5 -singlefile "$work/compilation.pdf" "$out/compilation-paper-goals"
