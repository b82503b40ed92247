# Each target sets up .venv on first use, so a fresh clone needs only `make run` or `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run check test test-stock tools extension lint format clean

# torch is pinned first: the [lens] extra's range alone would pull a CUDA build of several GB.
$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev,lens,dask]"
	touch $(STAMP)

# The REPL, with a library program loaded and a banner of what to try.
run: $(STAMP)
	$(BIN)/rasp repl programs/positional/reverse.py

# Verify every library program, as CI does.
check: $(STAMP)
	$(BIN)/rasp check programs/

test: $(STAMP) tools extension
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q -n 2 --dist loadgroup  # two workers (CI machines have two cores); tests of one xdist_group share a worker

# Programs the tests drive besides Python: Node.js and npm (tests/lsp/test_node_client.py),
# Neovim (tests/lsp/test_neovim.py), tmux (tests/repl/test_terminal.py) and bubblewrap (the
# worker's sandbox, tests/engine/). The last three are
# installed from Debian when running as root.
DEBIAN_TOOLS := nvim:neovim tmux:tmux bwrap:bubblewrap

tools:
	@command -v node >/dev/null && command -v npm >/dev/null || \
		{ echo "make test needs Node.js 20 and npm on PATH"; exit 1; }
	@missing=""; for pair in $(DEBIAN_TOOLS); do \
		command -v $${pair%%:*} >/dev/null || missing="$$missing $${pair#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "make test needs:$$missing; run 'sudo apt-get install -y$$missing'"; exit 1; \
		fi; \
	fi

# The VS Code extension: its Node packages (from package-lock.json), the bundle, its mocha tests
# (unit tests, and activation against the real server from .venv), and the .vsix.
extension: $(STAMP) tools
	cd editor-extension && npm ci --no-audit --no-fund --loglevel=error && npm run build \
		&& npm test && npm run package

# Every library program's reference against stock tracr's compiled model (minutes; not in CI).
test-stock: $(STAMP)
	RASP_STOCK_ALL=1 $(BIN)/pytest -q -n 2 tests/test_library.py -k stock

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) build *.egg-info editor-extension/node_modules editor-extension/out \
		editor-extension/dist editor-extension/*.vsix
