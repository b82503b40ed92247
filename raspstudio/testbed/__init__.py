"""Testbed folders, read without their source: run them, derive their circuit, check it.

A testbed (`rasp export`, docs/export.md) is plain data: `model.json`, the weights as
safetensors (no pickle, no code), the inputs it was verified on with their expected outputs
(`examples.json`) and its ground-truth circuit (`circuit.json`). This layer reads those files
and nothing else: it never imports `program.py`, so a folder received from anyone can be
checked here. It imports only the root modules; `lens.py` also needs the `[lens]` extra
(PyTorch and TransformerLens), imported only when it is used.
"""
