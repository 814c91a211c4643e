#!/usr/bin/env bash
# The Danish word-form dictionary of the search (meetings/search_config.py), built from
# Debian's hunspell-da and put into the tsearch_data folder of every PostgreSQL installed on
# this machine. Run as root, with a Python that has snowballstemmer (PYTHON, default
# .venv/bin/python); scripts/setup.sh runs it when the dictionary or this script changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
shopt -s nullglob
targets=(/usr/share/postgresql/*/tsearch_data)
if [ ${#targets[@]} -eq 0 ]; then
    echo "Ingen PostgreSQL-installation fundet under /usr/share/postgresql." >&2
    exit 1
fi
"$PYTHON" scripts/build_danish_dictionary.py "${targets[@]}"
