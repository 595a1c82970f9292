# The commands people type. `make run` and `make test` set up everything they need first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install install-dev run serve test check lint format superuser demo bench browser smoke clean

help:
	@echo "make run        set up, load the demo content and serve http://127.0.0.1:$(PORT)"
	@echo "make test       set up and run the whole test suite (with lint and checks)"
	@echo "make superuser  create an admin account for /admin/"
	@echo "make bench      run the benchmarks (on demand, not part of make test)"

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

demo: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_demo

run: demo
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

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
	DJANGO_DEBUG=0 $(VENV)/bin/gunicorn config.wsgi --bind 127.0.0.1:$(PORT) \
	  --workers $${WEB_CONCURRENCY:-2} --access-logfile - \
	  --access-logformat '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms' 

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
	  DJANGO_ALLOWED_HOSTS=news.example.org $(PY) manage.py check --deploy --fail-level WARNING

test: install-dev browser lint check
	$(PY) -m pytest

bench: install-dev
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules staticfiles
