# Two commands: `make run` and `make test`. Everything else is what they call.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
DEMO_MEMBERS ?= 3000
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup venv assets fonts migrate demo lint types check bench clean

$(BIN)/.installed: requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

venv: $(BIN)/.installed

static/vendor/.stamp: package.json package-lock.json scripts/vendor_assets.sh
	npm ci --no-audit --no-fund --loglevel=error
	./scripts/vendor_assets.sh

assets: static/vendor/.stamp

# Chinese glyphs for PDFs and screenshots come from Debian's fonts-noto-cjk (best effort: needs root).
fonts:
	@fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || (command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	  (apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq fonts-noto-cjk >/dev/null)) ) || \
	  echo "提示：未安装中文字体 fonts-noto-cjk（PDF 中文需要）：sudo apt-get install fonts-noto-cjk"

setup: venv assets fonts
	mkdir -p var

migrate: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) points_seed_rules
	$(MANAGE) collectstatic --noinput -v 0

demo: migrate
	DEMO_MODE=1 $(MANAGE) seed_demo --if-empty --members $(DEMO_MEMBERS)

run: demo
	@echo "智慧党建云平台: http://$(HOST):$(PORT)/  (演示账号见 README.md)"
	@trap 'kill 0' EXIT INT TERM; \
	DEMO_MODE=1 $(MANAGE) run_huey --workers 2 & \
	DEMO_MODE=1 $(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers 3 --timeout 120 --access-logfile - & \
	wait

test: setup
	$(MANAGE) collectstatic --noinput -v 0 --settings=config.settings_test
	$(BIN)/pytest -n 2 -rs -p no:cacheprovider $(PYTEST_ARGS)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types:
	$(BIN)/mypy

check: setup lint types
	$(MANAGE) makemigrations --check --dry-run --settings=config.settings_test

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles var
