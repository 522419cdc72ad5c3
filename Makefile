# gridgov — setup, demo and test. `make demo` and `make test` are the whole contract.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STATIC := src/gridgov/static/vendor
OUTLINES := src/gridgov/demo/data/outlines
PORT   ?= 8000

.PHONY: setup demo test lint serve worker messages clean

setup: $(VENV)/.installed $(STATIC)/.copied $(OUTLINES)/.fetched

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	@touch $@

$(STATIC)/.copied: package.json package-lock.json scripts/copy-vendor.sh
	npm ci --silent --no-audit --no-fund
	sh scripts/copy-vendor.sh $(STATIC)
	@touch $@

$(OUTLINES)/.fetched: scripts/fetch-outline.sh
	sh scripts/fetch-outline.sh $(OUTLINES)
	@touch $@

demo: setup
	$(BIN)/gridgov demo --port $(PORT)

# Lint (ruff) and the floors (import-linter's contract in pyproject.toml): both take seconds.
lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

serve: setup
	$(BIN)/gridgov serve --port $(PORT)

worker: setup
	$(BIN)/gridgov worker

# Regenerate the zh-hans translations after changing user-facing strings.
messages: setup
	cd src/gridgov && ../../$(BIN)/django-admin makemessages -l zh_Hans --settings=gridgov.settings && ../../$(BIN)/django-admin compilemessages --settings=gridgov.settings

clean:
	rm -rf $(VENV) node_modules $(STATIC) $(OUTLINES) var
