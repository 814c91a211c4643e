#!/usr/bin/env bash
# Restore drill: proves that a backup can be restored, on this server, without touching the
# database it is taken from.
#
#   scripts/restore-drill.sh          dumps the database in DATABASE_URL
#   scripts/restore-drill.sh --demo   dumps a scratch database it fills with `manage.py loaddemo`
#
# It dumps with pg_dump -Fc, restores into a fresh scratch database with pg_restore, runs
# `manage.py check --database default` and `migrate --check` against the copy, and compares
# the row count of every table; it archives MEDIA_ROOT with tar, unpacks it elsewhere and
# compares every file's SHA-256. Scratch databases and files are removed whatever happens.
# Exit status 0: the restore is complete; anything else: it is not, and the output says why.
#
# Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/referat; a role that
# may create databases), MEDIA_ROOT (default ./media; a missing folder counts as empty),
# PYTHON (default .venv/bin/python, else python3), DJANGO_SETTINGS_MODULE as for manage.py.
set -euo pipefail
cd "$(dirname "$0")/.."

DB_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/referat}
MEDIA=${MEDIA_ROOT:-media}
if [ -z "${PYTHON:-}" ]; then
    if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
demo=false
case "${1:-}" in
    --demo) demo=true ;;
    "") ;;
    *) echo "Brug: $0 [--demo]" >&2; exit 2 ;;
esac

say() { printf '==> %s\n' "$*"; }
fail() { printf 'FEJL: %s\n' "$*" >&2; exit 1; }

# postgres://user:pw@host:port/name?options -> the server part and the database name.
server_url=${DB_URL%/*}
source_db=${DB_URL##*/}
source_db=${source_db%%\?*}
[ -n "$source_db" ] || fail "DATABASE_URL nævner ingen database."
scratch_prefix="drill_${source_db}_$$"
restored_db="${scratch_prefix}_restore"
work=$(mktemp -d)
created=()

cleanup() {
    for db in "${created[@]+"${created[@]}"}"; do
        psql -X -q "$server_url/postgres" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" \
            >/dev/null 2>&1 || echo "Kunne ikke fjerne kladdedatabasen $db" >&2
    done
    rm -rf "$work"
}
trap cleanup EXIT

create_db() {
    psql -X -q -v ON_ERROR_STOP=1 "$server_url/postgres" -c "CREATE DATABASE \"$1\"" >/dev/null
    created+=("$1")
}

manage() { DATABASE_URL="$1" "$PYTHON" manage.py "${@:2}"; }

if $demo; then
    source_db="${scratch_prefix}_source"
    say "Opretter kladdedatabasen $source_db med demo-data"
    create_db "$source_db"
    manage "$server_url/$source_db" migrate --noinput >/dev/null
    manage "$server_url/$source_db" loaddemo >/dev/null
fi
source_url="$server_url/$source_db"

say "Tager backup af $source_db (pg_dump -Fc)"
pg_dump -Fc --no-owner -f "$work/db.dump" "$source_url"

say "Genskaber i $restored_db (pg_restore)"
create_db "$restored_db"
pg_restore --exit-on-error --no-owner -d "$server_url/$restored_db" "$work/db.dump"
restored_url="$server_url/$restored_db"

say "manage.py check og migrate --check mod kopien"
manage "$restored_url" check --database default >/dev/null
manage "$restored_url" migrate --check >/dev/null || fail "kopien mangler migreringer"

# One line per table in public: "name count".
row_counts() {
    local query
    query=$(psql -X -At "$1" -c "
        SELECT string_agg(format('SELECT %L, count(*) FROM %I', tablename, tablename),
                          ' UNION ALL ' ORDER BY tablename)
        FROM pg_tables WHERE schemaname = 'public'")
    [ -n "$query" ] || return 0
    psql -X -At -F ' ' "$1" -c "$query ORDER BY 1"
}
row_counts "$source_url" >"$work/source.counts"
row_counts "$restored_url" >"$work/restored.counts"
tables=$(wc -l <"$work/source.counts")
[ "$tables" -gt 0 ] || fail "$source_db har ingen tabeller"
if ! diff -u "$work/source.counts" "$work/restored.counts"; then
    fail "rækketallene i kopien afviger fra originalen (se ovenfor)"
fi
for main in meetings_body meetings_meeting meetings_agendaitem meetings_decision auth_user; do
    grep "^$main " "$work/source.counts" || fail "hovedtabellen $main findes ikke"
done | sed 's/^/    /'
say "Rækketal ens i alle $tables tabeller"

say "Tager backup af mediemappen $MEDIA (tar) og pakker den ud et andet sted"
mkdir -p "$work/media-restored"
if [ -d "$MEDIA" ]; then
    tar -C "$MEDIA" -cf "$work/media.tar" .
    tar -C "$work/media-restored" -xf "$work/media.tar"
    source_media=$MEDIA
else
    echo "    (mediemappen findes ikke; sammenlignes som tom)"
    source_media="$work/media-empty"
    mkdir -p "$source_media"
fi
checksums() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum); }
checksums "$source_media" >"$work/media.sums"
checksums "$work/media-restored" >"$work/restored.sums"
if ! diff -u "$work/media.sums" "$work/restored.sums"; then
    fail "filerne i den genskabte mediemappe afviger (se ovenfor)"
fi
say "Kontrolsummer ens for $(wc -l <"$work/media.sums") filer"
say "Genskabelsen er fuldstændig"
