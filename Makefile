# The commands people type. `make run` and `make test` set up everything they need first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Links in mail (confirm, unsubscribe, data access) must reach the running site: unless SITE_URL
# is set, it is this machine at the port served.
SITE_URL ?= http://127.0.0.1:$(PORT)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install install-dev database run serve serve-local test check lint format superuser demo bench bench-scale bench-curve browser smoke clean

help:
	@echo "make run        set up, load the demo content and serve http://127.0.0.1:$(PORT)"
	@echo "make serve-local  production settings on plain http://127.0.0.1:$(PORT), to try them"
	@echo "make test       set up and run the whole test suite (with lint and checks)"
	@echo "make superuser  create an admin account for /admin/"
	@echo "make bench      run the benchmarks (on demand, not part of make test)"
	@echo "make bench-scale  time every page on PostgreSQL at 1M comments (on demand)"
	@echo "make bench-import  time a 1M-comment WXR import and the export on PostgreSQL (on demand)"
	@echo "make bench-curve  the main pages at 10k, 100k, 1M and 10M comments (on demand)"

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || \
	  { echo "Python 3.12 or newer is needed (found $$($(PYTHON) --version)). Install it, or run: make PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.installed-base: requirements/base.txt $(VENV)/.python-ok
	$(PY) -m pip install --quiet --require-hashes -r requirements/base.txt
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt $(VENV)/.installed-base
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed-base node_modules/.installed
install-dev: $(VENV)/.installed-dev node_modules/.installed

# Migrate; a database this step creates gets the demo content, once. Later starts keep what the
# owner changed, deletions included (`make demo` loads it again into a site without articles).
database: install
	@if DJANGO_DEBUG=1 $(PY) manage.py showmigrations articles 2>/dev/null | grep -q '\[X\]'; then \
	  DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput; \
	else \
	  DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput && DJANGO_DEBUG=1 $(PY) manage.py load_demo; \
	fi

demo: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_demo

run: database
	DJANGO_DEBUG=1 SITE_URL='$(SITE_URL)' $(PY) manage.py runserver 127.0.0.1:$(PORT)

superuser: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py createsuperuser

# Production-style serving: gunicorn + whitenoise. Needs DJANGO_SECRET_KEY and
# DJANGO_ALLOWED_HOSTS; DATABASE_URL and REDIS_URL point at PostgreSQL and Redis. Without
# REDIS_URL the workers share the database cache (createcachetable makes its table).
# The access log leaves out client IP addresses and query strings (see /privacy/).
serve: install
	DJANGO_DEBUG=0 $(PY) manage.py collectstatic --noinput -v 0
	DJANGO_DEBUG=0 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=0 $(PY) manage.py createcachetable
	DJANGO_DEBUG=0 SITE_URL='$(SITE_URL)' $(VENV)/bin/gunicorn config.wsgi --bind 127.0.0.1:$(PORT) \
	  --workers $${WEB_CONCURRENCY:-2} --access-logfile - \
	  --access-logformat '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms' 

# `make serve` with production settings on plain http on this machine (DJANGO_LOCAL_HTTP: no
# https redirect, no HSTS, cookies without Secure, mail printed here), with a fresh secret key
# unless DJANGO_SECRET_KEY is set (so a restart signs everyone out). Never on a public server.
serve-local: database
	DJANGO_LOCAL_HTTP=1 DJANGO_ALLOWED_HOSTS='127.0.0.1,localhost' \
	  DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	  $(MAKE) --no-print-directory serve

# Debian's Chromium for the browser tests (never a downloaded browser build).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: install-dev
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=check-deploy-$$RANDOM-$$RANDOM-$$RANDOM-$$RANDOM-$$RANDOM-$$RANDOM-abcdefghijklmnop \
	  DJANGO_ALLOWED_HOSTS=news.example.org DEFAULT_FROM_EMAIL=news@news.example.org \
	  SITE_URL=https://news.example.org DJANGO_TASKS_BACKEND=database \
	  $(PY) manage.py check --deploy --fail-level WARNING

test: install-dev browser lint check
	$(PY) -m pytest

bench: install-dev
	$(PY) bench/run.py

# Every page at a newsroom's size (PostgreSQL, BENCH_SCALE_URL): make bench-scale ARGS='--comments 100000'
bench-scale: install-dev
	$(PY) bench/scale.py $(ARGS)

# A generated WordPress export imported into PostgreSQL (BENCH_IMPORT_URL), then exported:
# make bench-import ARGS='--comments 100000'
bench-import: install-dev
	$(PY) bench/import_scale.py $(ARGS)

# The same pages at 10k, 100k, 1M and 10M comments, and how each grows (about 15 min, 12 GB).
bench-curve: install-dev
	$(PY) bench/scale.py --curve $(ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles
