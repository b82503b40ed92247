"""rasp-studio: check, compile and verify tracr RASP programs; the layers are the sub-packages.

The root modules are leaves every layer may use (diagnostic codes, report types, configuration,
token parsing, terminal text). `engine/` is the front ends' one door to the worker process;
`worker/` is that process, the only place user code runs; `pipeline/` judges a program, one
module per stage; `drafting/` turns a spec into a verified program; `cli/`, `lsp/` and `repl/`
are the front ends. `tests/test_layers.py` enforces who may import whom.

Importing this package imports nothing else: `rasp --help` must stay fast.
"""
