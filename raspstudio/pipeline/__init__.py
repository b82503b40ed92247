"""Judging a program, one module per stage, in the order `check.py` runs them.

`load` (a file to programs, with `spans` recording where each expression was made) →
`inputs` (the input space) → `validate` (static checks) → `interpret/` (the RASP interpreter)
→ `rasp_to_model` (tracr's passes to a layer table) → `numpy_model` / `run_model` (the
compiled transformer) → `check` (comparison and diagnostics). `probe` runs one program on one
input; `residual_trace` reads operations back from the residual stream.

Runs user code: only the worker imports this package.
"""

from raspstudio import lazy_tracr

lazy_tracr.install()
