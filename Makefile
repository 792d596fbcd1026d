# Two commands on a fresh Debian machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
CHROMIUM := /usr/bin/chromium
PG_BIN := /usr/lib/postgresql/15/bin
# gunicorn workers for serve-prod: the usual 2 x cores + 1.
WORKERS ?= $(shell echo $$((2 * $$(nproc) + 1)))
# Extra pytest arguments for both runs of `make test`, e.g. PYTEST_ARGS="-x -m 'not browser'".
PYTEST_ARGS ?=

.PHONY: install run demo test lint format bench chromium postgresql serve-prod deploy prod-key clean

# Reinstall only when pyproject.toml changes; the stamp file records the last install.
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
		echo "python3-venv is missing; installing it with apt-get"; \
		apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo

run: demo
	$(BIN)/python manage.py demo_account --address $(HOST)
	$(BIN)/python manage.py runserver $(HOST)

# Browser tests drive Debian's Chromium; install it when it is missing.
chromium:
	@test -x $(CHROMIUM) || { \
		echo "Chromium is missing; installing Debian's chromium with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# The second test run starts a throwaway cluster with Debian's PostgreSQL 15 binaries;
# install them when they are missing (without Debian's default cluster, which we never use).
postgresql:
	@test -x $(PG_BIN)/initdb || { \
		echo "PostgreSQL 15 is missing; installing Debian's postgresql-15 with apt-get"; \
		mkdir -p /etc/postgresql-common/createcluster.d && \
		echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/reader.conf && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15; }

# mypy with django-stubs on reader/, bench/ (so a moved name cannot break a benchmark unseen)
# and tests/pgcluster.py, which bench/ imports: the files and settings in pyproject.toml
# (check_untyped_defs, strict equality, no implicit Optional; not --strict: untyped
# parameters are allowed).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The whole suite twice: on SQLite, then on a throwaway PostgreSQL cluster (tests/pgcluster.py)
# that exists only while the second run lasts.
test: install chromium postgresql lint
	env -u DATABASE_URL $(BIN)/python manage.py makemigrations --check --dry-run
	@echo "== the whole suite on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)
	@echo "== the whole suite on PostgreSQL 15 =="
	$(BIN)/python -m tests.pgcluster $(BIN)/pytest $(PYTEST_ARGS)

# Production settings under gunicorn with $(WORKERS) workers on $(HOST): SQLite by default,
# PostgreSQL with DATABASE_URL. Without DJANGO_SECRET_KEY, a key is made once into .secret_key
# (untracked) for a local try-out; a real deployment sets its own. gunicorn speaks plain HTTP:
# HTTPS, and redirecting HTTP to it, is the job of the proxy in front, so Django's own redirect
# is off here unless READER_SSL_REDIRECT=1 (secure cookies and HSTS stay on; browsers accept
# secure cookies from http://127.0.0.1 and http://localhost, so the try-out works as is).
serve-prod: install prod-key
	@set -e; \
	export READER_PRODUCTION=1; \
	export DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .secret_key)}"; \
	export DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"; \
	export READER_SSL_REDIRECT="$${READER_SSL_REDIRECT:-0}"; \
	database="$${DATABASE_URL:-sqlite:db.sqlite3}"; \
	if [ "$$(cat $(DEPLOYED) 2>/dev/null)" != "$$database" ] \
		|| [ -n "$$(find reader/migrations static -newer $(DEPLOYED) -print -quit)" ] \
		|| { [ -z "$$DATABASE_URL" ] && [ ! -s db.sqlite3 ]; }; then \
		$(DEPLOY_STEPS); fi; \
	echo "Serving http://$(HOST)/ with $(WORKERS) gunicorn workers on $${DATABASE_URL:+the DATABASE_URL database}$${DATABASE_URL:-SQLite}"; \
	exec $(BIN)/gunicorn reader.wsgi:application --config gunicorn.conf.py --bind $(HOST) \
		--workers $(WORKERS) --preload --timeout 120 --access-logfile - --error-logfile -

# The deployment steps: static files, migrations and the sign-in limits' cache table. They
# run once per release and database, not on every start: serve-prod runs them only when the
# database it is given, a migration or a static file changed since the last run (the
# stamp $(DEPLOYED) names the database), or the SQLite file is missing.
DEPLOYED := .deployed
DEPLOY_STEPS = $(BIN)/python manage.py collectstatic --noinput -v 0 \
	&& $(BIN)/python manage.py migrate --noinput -v 0 \
	&& $(BIN)/python manage.py createcachetable \
	&& echo "$${DATABASE_URL:-sqlite:db.sqlite3}" > $(DEPLOYED)
prod-key:
	@test -n "$$DJANGO_SECRET_KEY" || test -s .secret_key || { \
		echo "DJANGO_SECRET_KEY is not set; making a local one in .secret_key"; \
		umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > .secret_key; }

deploy: install prod-key
	@set -e; \
	export READER_PRODUCTION=1; \
	export DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .secret_key)}"; \
	export DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"; \
	$(DEPLOY_STEPS)

# Every figure of issue 6 on SQLite and PostgreSQL (suite.py), the poll's cost, and the
# load run; faults.py is separate (it kills workers and restarts the database).
bench: install postgresql
	$(BIN)/python bench/suite.py --database both
	$(BIN)/python bench/poll.py
	$(BIN)/python bench/reanchor.py
	$(BIN)/python bench/load.py --database both --seconds 60

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .secret_key .deployed
