# Caveat: two commands for a fresh machine.
#   make run   set up, build the extension, start the lookup server on the bundled list
#   make test  set up everything the tests need (Python, browsers, nginx, wrk, npm tools), run every test

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test setup setup-test system-packages node-tools build bench reliability clean

# Runtime install only: what a self-hoster needs to serve the list and build the extension.
$(VENV)/.runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

# Test install: the runtime plus the `test` extra.
$(VENV)/.test: $(VENV)/.runtime pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

setup: $(VENV)/.runtime
setup-test: $(VENV)/.test node_modules/.installed system-packages

# Debian's Chromium, Firefox ESR, nginx and wrk (Playwright's own browser download is not used).
system-packages:
	@scripts/ensure-system-packages.sh

build: setup
	$(BIN)/python build.py

run: setup
	$(BIN)/caveat init
	$(BIN)/python build.py --server-url http://$(HOST):$(PORT)
	@scripts/print-load-instructions.sh $(HOST) $(PORT)
	$(BIN)/caveat serve --bind $(HOST):$(PORT)

test: setup-test
	node --test tests/js/
	$(BIN)/pytest --junitxml=test-results/pytest.xml
	$(BIN)/python scripts/check_no_skips.py test-results/pytest.xml

clean:
	rm -rf dist test-results .pytest_cache

# Benchmarks (20–25 minutes; not part of `make test`, which smoke-runs each script):
# figures and ratios against same-run baselines into bench/results/*.json (bench/README.md).
bench: setup-test
	node bench/matcher_bench.js
	$(BIN)/python -m bench.server_bench
	$(BIN)/python -m bench.request_cost
	$(BIN)/python -m bench.transfer_bench
	$(BIN)/python -m bench.build_bench
	$(BIN)/python -m bench.extension_bench

# Long reliability runs (about 20 minutes; not part of `make test`, which runs the
# same tests with small counts): large property and schemathesis fuzz, ten kill -9
# rounds, a longer concurrent run, and a 3-minute soak at measured capacity
# (docs/reliability.md).
reliability: $(VENV)/.test
	CAVEAT_FUZZ_EXAMPLES=5000 $(BIN)/pytest -q tests/test_fuzz_domains.py tests/test_fuzz_entries.py
	CAVEAT_FUZZ_EXAMPLES=300 $(BIN)/pytest -q tests/test_schemathesis.py
	CAVEAT_RELIABILITY_ROUNDS=10 CAVEAT_RELIABILITY_WRITES=250 CAVEAT_RELIABILITY_READS=400 \
		$(BIN)/pytest -q -s tests/reliability
	$(BIN)/python -m tests.reliability.soak --duration 180
