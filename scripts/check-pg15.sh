#!/bin/sh
# Applies every migration to the machine's Debian PostgreSQL 15 (when it is installed), so that both
# PostgreSQL 15 and the embedded 16 are covered.  Skips with a message when PostgreSQL 15 is absent.
set -eu
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d /usr/lib/postgresql/15 ] || [ "$(id -u)" != "0" ]; then
  echo "PostgreSQL 15 check: skipped (no Debian PostgreSQL 15 cluster available to this user)."
  exit 0
fi
pg_ctlcluster 15 main status >/dev/null 2>&1 || pg_ctlcluster 15 main start
su postgres -c "psql -q -c \"DROP DATABASE IF EXISTS compostela_pg15_check\"" >/dev/null
su postgres -c "psql -q -c \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='compostela_ci') THEN CREATE ROLE compostela_ci LOGIN PASSWORD 'compostela_ci' CREATEDB; END IF; END\\\$\\\$\"" >/dev/null
su postgres -c "psql -q -c \"CREATE DATABASE compostela_pg15_check OWNER compostela_ci\"" >/dev/null
DATABASE_URL=postgres://compostela_ci:compostela_ci@127.0.0.1:5432/compostela_pg15_check \
  .venv/bin/python manage.py migrate --noinput >/dev/null
version=$(su postgres -c "psql -tAq -c 'SHOW server_version'")
echo "PostgreSQL 15 check: all migrations applied on PostgreSQL $version."
su postgres -c "psql -q -c \"DROP DATABASE compostela_pg15_check\"" >/dev/null
