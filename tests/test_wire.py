"""The worker boundary's encoding: our data round-trips, nothing else crosses, decoding runs
nothing."""

import base64
import json

import numpy as np
import pytest

from raspstudio import wire
from raspstudio.report import Diagnostic, FileReport, ProgramReport, Related, Site, Span


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(
        array.astype("<i8" if array.dtype.kind == "i" else "<f8").tobytes()
    ).decode()


def test_reports_tokens_and_arrays_round_trip():
    report = FileReport(
        path="/p.py",
        programs=[ProgramReport("program", 3, compiled=True, verified_inputs=7)],
        diagnostics=[
            Diagnostic(
                "RASP501",
                "m",
                Span(1, 2, 1, 5),
                related=[
                    Related(Span(3, 1, 3, 2), "here"),
                    Related(Span(6, 11, 6, 19), "call", "/c.py"),
                ],
                path="/helpers.py",
            )
        ],
    )
    value = {
        "report": report,
        "pair": (1, "a"),
        "tokens": {1, 2},
        "by_token": {1: "a", "b": 2},
        "weights": np.arange(6, dtype=np.float32).reshape(2, 3),
        "scalar": np.int64(4),
    }
    back = wire.decode(wire.encode(value))
    assert back["report"] == report
    assert back["pair"] == (1, "a") and back["tokens"] == {1, 2}
    assert back["by_token"] == {1: "a", "b": 2}
    assert back["weights"].dtype == np.float32 and back["weights"].tolist() == [
        [0, 1, 2],
        [3, 4, 5],
    ]
    assert back["scalar"] == 4 and type(back["scalar"]) is int


def test_mostly_zero_weights_cross_as_their_nonzero_entries():
    """tracr pads every layer to the widest, so a model of 140M parameters may have 50k that
    are not zero; sent dense, its message alone exhausted the worker's memory."""
    weights = np.zeros((400, 3000), dtype=np.float32)
    weights[7, 11], weights[399, 2999], weights[0, 0] = 1.5, -2.0, 3e-8
    message = wire.encode({"w": weights})
    assert len(message) < 1000  # the dense bytes would be 4.8 MB
    back = wire.decode(message)["w"]
    assert back.dtype == np.float32 and back.shape == (400, 3000)
    assert np.array_equal(back, weights)


@pytest.mark.parametrize(
    "spec",
    [
        {"shape": [1 << 20, 1 << 20], "at": "", "data": ""},  # 2^40 entries claimed
        {"shape": [4], "at": _b64(np.array([4])), "data": _b64(np.array([1.0]))},
        {"shape": [4], "at": _b64(np.array([-1])), "data": _b64(np.array([1.0]))},
        {"shape": [4], "at": _b64(np.array([0, 1])), "data": _b64(np.array([1.0]))},
    ],
)
def test_sparse_arrays_outside_their_shape_are_refused(spec):
    message = {"__array__": {"dtype": "<f8", **spec}}
    with pytest.raises(ValueError):
        wire.decode(json.dumps(message).encode())


class Rider:
    def __reduce__(self):
        return (print, ("ran",))


def test_a_users_dict_that_looks_like_a_tag_stays_a_dict():
    looks_like_a_tag = {"__type__": "Popen", "args": ["sh"]}
    assert wire.decode(wire.encode(looks_like_a_tag)) == looks_like_a_tag


@pytest.mark.parametrize("value", [Rider(), print, np.array([Rider()], dtype=object)])
def test_anything_else_cannot_leave(value):
    with pytest.raises(wire.NotPlainData):
        wire.encode(value)


@pytest.mark.parametrize(
    "message",
    [
        {"__type__": "Popen", "args": ["sh"]},
        {"__array__": {"dtype": "|O", "shape": [1], "data": ""}},
        {"__dict__": [[[1], 2]]},
    ],
)
def test_decoding_refuses_unknown_shapes(message):
    with pytest.raises(ValueError):
        wire.decode(json.dumps(message).encode())


def test_sites_and_related_locations_cross_and_are_checked_as_they_are_decoded():
    call = Related(Span(6, 11, 6, 19), "`make_x()` is called here")
    site = Site(Span(12, 5, 12, 30), "/project/helpers.py", [call])
    assert wire.decode(wire.encode(site)) == site
    span = {"__type__": "Span", "line": 1, "column": 1, "end_line": 1, "end_column": 2}
    forged = [
        {"__type__": "Related", "span": "line 3", "message": "m", "path": None},
        {"__type__": "Related", "span": span, "message": "m", "path": 7},
        {"__type__": "Site", "span": span, "path": None, "calls": [5]},
    ]
    for message in forged:
        with pytest.raises(ValueError):
            wire.decode(json.dumps(message).encode())
