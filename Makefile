# dialog — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: run test upgrade lint typecheck pytest pytest-postgres install messages bench screenshots clean

# uv installs exactly what uv.lock names (hashes checked), so a fresh machine on a later day
# gets the versions the suite passed with. uv itself comes pinned from PyPI into .tools/.
UV_VERSION := 0.13.9
UV         := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --python $(PYTHON) --quiet
	touch $(STAMP)

# The Nu Html Checker (vnu-jar, run with Java) for the HTML validity test, exactly as
# package-lock.json names it; its install script (a Java download) is not run.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(NODE_STAMP)

# Newer versions within pyproject's ranges into uv.lock, then the whole suite on them.
upgrade: $(UV)
	$(UV) lock --upgrade
	$(MAKE) test

install: $(STAMP) $(NODE_STAMP)

run: $(STAMP)
	$(BIN)/dialog migrate
	$(BIN)/dialog demo
	$(BIN)/dialog serve --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy dialog moderation tests bench

pytest: $(STAMP) $(NODE_STAMP)
	DIALOG_TEST_BACKEND=sqlite $(BIN)/pytest -q $(PYTEST_ARGS)

# The same suite on PostgreSQL and Redis, when DIALOG_TEST_DATABASE_URL is set (.ci/run sets it).
pytest-postgres: $(STAMP)
	@if [ -n "$$DIALOG_TEST_DATABASE_URL" ]; then \
	  DIALOG_TEST_BACKEND=postgres $(BIN)/pytest -q -m "not browser" $(PYTEST_ARGS); \
	else echo "DIALOG_TEST_DATABASE_URL not set: PostgreSQL run left out"; fi

test: lint typecheck pytest pytest-postgres

messages: $(STAMP)
	$(BIN)/python -m dialog.i18n_tools missing

bench: $(STAMP)
	$(BIN)/python -m bench

# docs/screenshots/*.png for the README, from the demo data in Debian's Chromium.
screenshots: $(STAMP)
	$(BIN)/python -m tests.browser.screenshots

clean:
	rm -rf $(VENV) .tools node_modules var .mypy_cache .ruff_cache .pytest_cache
