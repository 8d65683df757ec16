# Two commands for a newcomer: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test setup migrate demo bench bench-fanout bench-export bench-variants bench-reliability screenshots messages clean scaled

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Journeyboard needs Python 3.10 or newer (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

migrate: setup
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py ensure_demo

run: demo
	@echo "Journeyboard is starting on http://$(HOST):$(PORT)/"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/board_render.py
	$(BIN)/python bench/grid.py
	$(BIN)/python bench/versions.py

bench-fanout: $(VENV)/.installed-dev
	$(BIN)/python bench/fanout.py

bench-export: $(VENV)/.installed-dev
	$(BIN)/python bench/export.py

# The shipped server set-up against Django's and Channels' defaults, side by side (docs/architecture.md).
bench-variants: $(VENV)/.installed-dev
	$(BIN)/python bench/variants.py
	$(BIN)/python bench/variants.py --fanout

screenshots: $(VENV)/.installed-dev
	$(BIN)/python scripts/screenshots.py

# For developers, after marking or changing UI text: extract it into locale/{nl,de}/LC_MESSAGES/django.po
# (then translate the new entries by hand), and compile the .mo files the app reads. Both are
# committed, so `make run` and `make test` need no gettext; this target does (apt-get install gettext).
MESSAGES_IGNORE = --ignore=.venv --ignore=var --ignore=staticfiles --ignore=tests --ignore=bench --ignore=scripts
messages: setup
	@command -v msgfmt >/dev/null || { echo "make messages needs GNU gettext: apt-get install gettext"; exit 1; }
	$(BIN)/python manage.py makemessages -l nl -l de --no-obsolete $(MESSAGES_IGNORE)
	$(BIN)/python manage.py compilemessages -l nl -l de $(MESSAGES_IGNORE)

clean:
	rm -rf $(VENV) var staticfiles

# The production set-up on this machine (docs/deploy.md): DEBUG off, PostgreSQL, Redis,
# collected static files, two daphne workers in the foreground. Ctrl+C stops both.
SCALED_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/journeyboard
SCALED_REDIS_URL    ?= redis://127.0.0.1:6379/1
SCALED_PORTS        ?= 8001 8002

scaled: setup
	$(BIN)/python scripts/scaled.py --database-url $(SCALED_DATABASE_URL) --redis-url $(SCALED_REDIS_URL) --ports $(SCALED_PORTS)

# 200 pages on two processes, then a killed process, Redis down and frozen, PostgreSQL
# restarted (docs/reliability.md). Starts its own Redis and PostgreSQL cluster on free
# ports, so it needs redis-server and PostgreSQL's server binaries, not running services.
bench-reliability: $(VENV)/.installed-dev
	$(BIN)/python bench/reliability.py
