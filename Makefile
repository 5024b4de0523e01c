# The two commands: `make run` (example portal, site + backend on 127.0.0.1:8000) and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: run test venv bench screenshots clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/portal serve . --host 127.0.0.1 --port 8000

test: $(STAMP)
	bash scripts/test-deps.sh
	$(PY) -m pytest -q -n 2 --dist loadfile
	# the backend suite once more on PostgreSQL (Debian's, started in a temporary folder: tests/pg_harness.py)
	PORTAL_TEST_DATABASE=postgresql $(PY) -m pytest -q -n 2 --dist loadfile tests/support tests/unit/support

bench: $(STAMP)
	bash scripts/test-deps.sh
	$(PY) -m bench

# Refreshes docs/screenshots/*.png through the browser test harness (tests/e2e/test_screenshots.py).
screenshots: $(STAMP)
	bash scripts/test-deps.sh
	$(PY) -m pytest -q tests/e2e --screenshots

clean:
	rm -rf site .portal-data $(VENV)
