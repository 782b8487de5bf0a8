#!/usr/bin/env bash
# Create .venv with Python >= 3.12 and install the project with its test extra.
# Usage: ./setup.sh [extra]   (extra defaults to "test"; e.g. ./setup.sh dev or ./setup.sh notebooks)
set -euo pipefail
cd "$(dirname "$0")"
extra="${1:-test}"

find_python() {
  for candidate in python3.13 python3.12 python3; do
    for exe in $(command -v -a "$candidate" 2>/dev/null) \
               /root/.pyenv/versions/3.1[2-9]*/bin/"$candidate" \
               "$HOME"/.pyenv/versions/3.1[2-9]*/bin/"$candidate"; do
      [ -x "$exe" ] || continue
      if "$exe" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
        echo "$exe"; return 0
      fi
    done
  done
  return 1
}

if [ ! -x .venv/bin/python ]; then
  python=$(find_python) || { echo "setup.sh: no Python >= 3.12 found (install one, or put it on PATH)" >&2; exit 1; }
  echo "setup.sh: creating .venv with $python"
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[$extra]"
echo "setup.sh: ready. Put balloon on your PATH with: source .venv/bin/activate"
echo "setup.sh: then try: balloon run scenarios/andes_history_calibrated.yaml --posterior"
