"""What crosses the worker boundary, and how: plain data, never pickle.

Unpickling runs whatever code the pickle names, so a reply shaped by user code could run code
in a front end. Here a message is JSON: numbers, strings, lists and string-keyed objects, plus
a few tagged shapes, each decoded by this module alone into inert values:

- tuples, sets and dicts with non-string keys (tokens may be ints);
- NumPy arrays, as raw bytes with dtype and shape (numeric dtypes only); a mostly-zero one
  (tracr's weights are: every layer is padded to the widest) as its non-zero entries and
  their flat positions, at most `MAX_ELEMENTS` entries in all;
- the report types of `raspstudio.report` and the judge's evidence (`raspstudio.evidence`),
  an allow-list (`TYPES`), rebuilt field by field.

Encoding anything else (a user's object, a function) raises `NotPlainData`; the worker turns
that into an error reply. Decoding never calls anything but these constructors. NumPy is
imported only to decode an array: a front end that never receives one never loads it.
"""

import base64
import dataclasses
import json
import sys
from typing import Any

from raspstudio import evidence, report

TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        report.Span,
        report.Related,
        report.Site,
        report.Diagnostic,
        report.LayerBlock,
        report.ModelSummary,
        report.ProgramReport,
        report.ExpressionView,
        report.ProgramView,
        report.FileReport,
        report.Echo,
        report.Outcome,
        report.TracedVariable,
        report.TraceStage,
        report.ResidualTrace,
        evidence.ModelConfig,
        evidence.CategoricalEncoding,
        evidence.NumericalEncoding,
        evidence.FastModel,
        evidence.Evidence,
        evidence.Operation,
        evidence.Node,
        evidence.ModelEvidence,
    )
}
_NUMERIC = "biuf"  # NumPy dtype kinds an array may have: bool, ints, floats
_SCALARS = {type(None), bool, int, float, str}  # exact types JSON writes as they are
MAX_ELEMENTS = 1 << 28  # entries of a sparse array: its size is not bounded by the message's


class NotPlainData(TypeError):
    """A value that may not cross the boundary."""


def encode(value: Any) -> bytes:
    return json.dumps(_plain(value), separators=(",", ":")).encode()


def decode(data: bytes) -> Any:
    return _inert(json.loads(data))


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str) or _plain_list(value):
        return value
    np = sys.modules.get("numpy")  # no NumPy loaded: no value can be an array
    if np is not None and isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return {"__tuple__": [_plain(v) for v in value]}
    if isinstance(value, set | frozenset):
        return {"__set__": [_plain(v) for v in value]}
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("__") for k in value):
            return {k: _plain(v) for k, v in value.items()}
        return {"__dict__": [[_plain(k), _plain(v)] for k, v in value.items()]}
    if np is not None and isinstance(value, np.ndarray) and value.dtype.kind in _NUMERIC:
        return {"__array__": _array(np, np.ascontiguousarray(value))}
    if dataclasses.is_dataclass(value) and TYPES.get(type(value).__name__) is type(value):
        fields = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__type__": type(value).__name__, **fields}
    raise NotPlainData(f"a {type(value).__name__} cannot leave the worker (plain data only)")


def _array(np: Any, array: Any) -> dict:
    spec = {"dtype": array.dtype.str, "shape": list(array.shape)}
    at = np.flatnonzero(array)
    if array.size >= 1024 and at.size <= array.size // 4:
        values = array.reshape(-1)[at]
        return {**spec, "at": _b64(at.astype("<i8")), "data": _b64(values)}
    return {**spec, "data": _b64(array)}


def _b64(array: Any) -> str:
    return base64.b64encode(array.tobytes()).decode("ascii")


def _plain_list(value: Any) -> bool:
    """A list of scalars, or of lists of scalars (inputs, outputs): JSON as it is, checked fast."""
    return type(value) is list and all(
        type(v) in _SCALARS or (type(v) is list and all(type(x) in _SCALARS for x in v))
        for v in value
    )


def _inert(value: Any) -> Any:
    if isinstance(value, list):
        if all(type(v) is not dict and (type(v) is not list or _plain_list(v)) for v in value):
            return value  # nothing tagged inside: JSON's lists are already inert
        return [_inert(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__tuple__" in value:
        return tuple(_inert(v) for v in value["__tuple__"])
    if "__set__" in value:
        return set(_inert(v) for v in value["__set__"])
    if "__dict__" in value:
        return {_hashable(_inert(k)): _inert(v) for k, v in value["__dict__"]}
    if "__array__" in value:
        import numpy as np

        return _decoded_array(np, value["__array__"])
    if "__type__" in value:
        fields = {k: _inert(v) for k, v in value.items() if k != "__type__"}
        cls = TYPES.get(value["__type__"])
        if cls is None:
            raise ValueError(f"unknown type {value['__type__']!r} refused")
        return cls(**fields)
    return {k: _inert(v) for k, v in value.items()}


def _decoded_array(np: Any, spec: dict) -> Any:
    dtype = np.dtype(spec["dtype"])
    if dtype.kind not in _NUMERIC:
        raise ValueError(f"array of dtype {dtype} refused")
    values = np.frombuffer(base64.b64decode(spec["data"]), dtype=dtype)
    if "at" not in spec:
        return values.reshape(spec["shape"]).copy()
    shape = [int(n) for n in spec["shape"]]
    size = int(np.prod(shape, dtype=object))
    at = np.frombuffer(base64.b64decode(spec["at"]), dtype="<i8")
    if min(shape, default=0) < 0 or size > MAX_ELEMENTS:
        raise ValueError(f"sparse array of shape {shape} refused")
    if at.size != values.size or (at.size and (at.min() < 0 or at.max() >= size)):
        raise ValueError("sparse array with positions outside it refused")
    array = np.zeros(size, dtype=dtype)  # untouched zero pages cost no memory
    array[at] = values
    return array.reshape(shape)


def _hashable(key: Any) -> Any:
    if isinstance(key, list | dict | set):
        raise ValueError("a dictionary key must be a token, a number or a string")
    return key
