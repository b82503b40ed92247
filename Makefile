# Each target sets up .venv on first use, so a fresh clone needs only `make run` or `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test tools lint format clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/rasp check programs/
	$(BIN)/rasp compile programs/positional/reverse.py

test: $(STAMP) tools
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q

# Programs the editor tests drive besides Python: Node.js and npm (tests/test_lsp_node_client.py)
# and Neovim (tests/test_lsp_neovim.py). Neovim is installed from Debian when running as root.
tools:
	@command -v node >/dev/null && command -v npm >/dev/null || \
		{ echo "make test needs Node.js 20 and npm on PATH"; exit 1; }
	@command -v nvim >/dev/null || \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim; \
		else \
			echo "make test needs Neovim >= 0.7: run 'sudo apt-get install -y neovim'"; exit 1; \
		fi

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) build *.egg-info
