#!/usr/bin/env bash
# The whole set-up of a development or CI machine, idempotent and quick when nothing changed:
# Debian packages, PostgreSQL and Redis running, .venv with every Python package, the
# front-end packages from the npm registry, and the database.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
DB_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/referat}
STAMPS=.venv/.stamps

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "Kan ikke installere systempakker: kør som root eller installer sudo." >&2; return 1
    fi
}

# --- Debian packages: WeasyPrint's libraries, fonts, Chromium for browser tests, services,
#     the Danish Hunspell dictionary that the search's word forms are built from, and nginx
#     (the cache in front of the public portal that `bench public` measures; not started).
need_pkgs=()
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation \
           chromium poppler-utils postgresql redis-server hunspell-da nginx-light; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need_pkgs+=("$pkg")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
    say "Installerer Debian-pakker: ${need_pkgs[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}"
fi

# --- The RUM index of the search, for every PostgreSQL installed (postgresql-NN-rum).
need_pkgs=()
for dir in /usr/lib/postgresql/*/; do
    pkg="postgresql-$(basename "$dir")-rum"
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need_pkgs+=("$pkg")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
    say "Installerer Debian-pakker: ${need_pkgs[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}"
fi

# --- PostgreSQL and Redis on localhost: start them when they are down.
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    say "Starter PostgreSQL"
    cluster=$(ls /etc/postgresql | sort -V | tail -1)
    as_root pg_ctlcluster --skip-systemctl-redirect "$cluster" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    say "Starter Redis"
    as_root mkdir -p /var/lib/redis /var/log/redis
    as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
        --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
    for _ in $(seq 1 30); do redis-cli ping >/dev/null 2>&1 && break; sleep 1; done
fi

# --- Python packages, reinstalled only when pyproject.toml changed.
if [ ! -x .venv/bin/python ]; then
    say "Opretter .venv"
    "$PYTHON" -m venv .venv
fi
mkdir -p "$STAMPS"
py_hash=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$STAMPS/pyproject" 2>/dev/null)" != "$py_hash" ]; then
    say "Installerer Python-pakker"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[dev]"
    echo "$py_hash" > "$STAMPS/pyproject"
fi

# --- The search's Danish word-form dictionary (meetings/search_config.py) in the tsearch_data
#     folder of PostgreSQL, rebuilt when hunspell-da or its builder changed.
dict_file=$(.venv/bin/python -c 'import sys; sys.path.insert(0, "."); from meetings.search_config import FORMS_FILE; print(FORMS_FILE)').syn
dict_hash=$(cat scripts/build_danish_dictionary.py meetings/search_config.py \
            /usr/share/hunspell/da_DK.dic /usr/share/hunspell/da_DK.aff | sha256sum | cut -d' ' -f1)
dict_missing=0
for dir in /usr/share/postgresql/*/tsearch_data; do [ -f "$dir/$dict_file" ] || dict_missing=1; done
if [ "$dict_missing" = 1 ] || [ "$(cat "$STAMPS/danish-dictionary" 2>/dev/null)" != "$dict_hash" ]; then
    say "Bygger søgningens danske ordformer fra hunspell-da"
    as_root env PYTHON=.venv/bin/python ./scripts/install-danish-dictionary.sh
    echo "$dict_hash" > "$STAMPS/danish-dictionary"
fi

# --- Front-end packages from the npm registry, served by the app itself.
npm_hash=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat "$STAMPS/npm" 2>/dev/null)" != "$npm_hash" ]; then
    say "Installerer front-end-pakker (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$npm_hash" > "$STAMPS/npm"
fi

mkdir -p staticfiles

# --- The database named by DATABASE_URL.
db_name=${DB_URL##*/}
db_name=${db_name%%\?*}
if ! psql "${DB_URL%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$db_name'" | grep -q 1; then
    say "Opretter databasen $db_name"
    psql "${DB_URL%/*}/postgres" -qc "CREATE DATABASE \"$db_name\""
fi
