# Compostela.  The README's two commands: `make run` and `make test`.  Everything else is set up by them.
SHELL := /bin/sh
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LOCK_HASH := $(shell sha1sum requirements.lock | cut -c1-12)
VENV_STAMP := $(VENV)/.installed-$(LOCK_HASH)
MO_FILES := locale/ja/LC_MESSAGES/django.mo

.PHONY: run test setup db lint format messages lock db-roles bench serve loadtest backup restore system-deps-run system-deps-test

$(VENV_STAMP): requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $@

.env:
	cp .env.example .env

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(VENV_STAMP)
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null

system-deps-run:
	sh scripts/system-deps.sh run

system-deps-test:
	sh scripts/system-deps.sh test

setup: $(VENV_STAMP) .env system-deps-run $(MO_FILES)

db: setup
	$(PY) manage.py migrate --noinput

# Production: the owner role and the application role of README "Database roles" (run after every migrate,
# with the owner's DATABASE_URL).
db-roles: setup
	$(PY) manage.py db_roles

run: db
	$(PY) manage.py seed_demo
	@echo "Serving http://127.0.0.1:8000 — log in with one of the demo logins above."
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup system-deps-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run
	sh scripts/check-pg15.sh
	$(VENV)/bin/pytest -n 2

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: setup
	$(PY) manage.py makemessages --locale ja --ignore=.venv --ignore=.pgdata --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

# Re-pin requirements.lock from requirements.in in a throwaway virtualenv.
lock:
	rm -rf /tmp/compostela-lock && $(PYTHON) -m venv /tmp/compostela-lock
	/tmp/compostela-lock/bin/pip install --quiet -r requirements.in
	/tmp/compostela-lock/bin/pip freeze --exclude-editable > requirements.lock

# Benchmark on the issue-11 data set (built first when missing: seed_demo --offices 50 … ~2 minutes).
bench: db
	$(PY) manage.py bench --build

# Production serving on loopback for the load test: DEBUG off, collectstatic (hashed + compressed files for
# WhiteNoise), gunicorn on 127.0.0.1:8001.  Plain HTTP on loopback, so the HTTPS-only settings are relaxed
# here (never in production; see README "Production serving").
SERVE_ENV := DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false \
	CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0 GUNICORN_BIND=127.0.0.1:8001 GUNICORN_ACCESS_LOG= CONN_MAX_AGE=60 \
	SECRET_KEY=$${SECRET_KEY:-local-serve-$$(hostname)-not-for-production-0123456789abcdef}
serve: db
	env $(SERVE_ENV) $(PY) manage.py collectstatic --noinput -v0
	env $(SERVE_ENV) $(VENV)/bin/gunicorn -c gunicorn.conf.py compostela.wsgi

# Load test (locust, loopback only, 50 staff for 2 minutes; stops by itself): results in bench/loadtest.*
loadtest: db
	env $(SERVE_ENV) LOCUST=$${LOCUST:-$(VENV)/bin/locust} PY=$(PY) sh loadtest/run.sh

# Backups (compostela/backup.py): a compressed, timestamped pg_dump in backups/ (git-ignored).
backup: setup
	$(PY) manage.py backup_db

# make restore FILE=backups/compostela-….dump [DB=new_database_name]
# Without DB the configured database is the target, and it must be empty; with DB a new database is created.
restore: setup
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/<file>.dump [DB=new_database_name]"; exit 2; }
	$(PY) manage.py restore_db "$(FILE)" $(if $(DB),--name "$(DB)")
