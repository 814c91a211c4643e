#!/bin/sh
# Run once by the postgres image on an empty data volume (/docker-entrypoint-initdb.d/), as
# the superuser, against the database POSTGRES_DB that the image has just created.
#
# The app connects as REFERAT_DB_USER (default referat_app): it owns the database, its schema
# and so every table it migrates, but it is not a superuser, cannot create roles or
# databases, and cannot reach another database's files. The superuser stays with the db
# container. A non-superuser cannot create most extensions, so the ones the migrations need
# are created here beforehand (the migrations use CREATE EXTENSION IF NOT EXISTS).
#
# On a plain server, run it the same way as the superuser:
#   POSTGRES_USER=postgres POSTGRES_DB=referat REFERAT_DB_PASSWORD=… sh 10-referat-app-role.sh
set -eu

: "${POSTGRES_USER:?}" "${POSTGRES_DB:?}" "${REFERAT_DB_PASSWORD:?set REFERAT_DB_PASSWORD}"
app_user="${REFERAT_DB_USER:-referat_app}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    --set app_user="$app_user" --set app_password="$REFERAT_DB_PASSWORD" \
    --set db="$POSTGRES_DB" <<'SQL'
CREATE ROLE :"app_user" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
    PASSWORD :'app_password';
ALTER DATABASE :"db" OWNER TO :"app_user";
ALTER SCHEMA public OWNER TO :"app_user";
-- Trigram similarity for the search's near misses (meetings/migrations/0004_search_index).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
-- The RUM index, which gives full-text matches in order of rank (0017_search_rank_in_rum_index).
CREATE EXTENSION IF NOT EXISTS rum;
SQL
