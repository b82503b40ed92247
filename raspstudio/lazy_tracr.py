"""Let the engine import tracr's compiler passes without importing JAX.

`tracr/compiler/__init__.py` imports `compiling`, which imports `assemble`, which imports JAX and
haiku: a second of start-up for every worker, although the default NumPy backend never uses
them. `install()` registers the `tracr.compiler` package without running that `__init__`;
its one public name, `compile_rasp_to_model`, is still there, imported on first use. Submodules
(`from tracr.compiler import lib`) import as usual.
"""

import importlib
import importlib.util
import sys
from typing import Any


def _lazy_attribute(name: str) -> Any:
    if name == "compile_rasp_to_model":
        return importlib.import_module("tracr.compiler.compiling").compile_rasp_to_model
    raise AttributeError(f"module 'tracr.compiler' has no attribute {name!r}")


def install() -> None:
    if "tracr.compiler" in sys.modules:
        return
    import tracr  # an empty package

    spec = importlib.util.find_spec("tracr.compiler")
    package = importlib.util.module_from_spec(spec)  # created, not executed
    package.__getattr__ = _lazy_attribute
    package.__all__ = ["compile_rasp_to_model"]
    sys.modules["tracr.compiler"] = package
    tracr.compiler = package
