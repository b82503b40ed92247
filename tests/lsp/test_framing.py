"""The reader's framing (raspstudio/lsp/framing.py) on byte streams, whole and in pieces."""

import json

import pytest

from raspstudio.lsp.framing import MAX_MESSAGE, Framer


def _message(number: int) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": number, "method": "m", "params": {}}).encode()


def _framed(body: bytes, length: int | None = None) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % (len(body) if length is None else length) + body


def _ids(framer: Framer, *chunks: bytes) -> list:
    ids = []
    for chunk in chunks:
        for body in framer.feed(chunk):
            try:
                ids.append(json.loads(body)["id"])
            except ValueError:
                ids.append("not json")
    return ids


def test_messages_in_one_piece_and_byte_by_byte():
    stream = _framed(_message(1)) + _framed(_message(2))
    assert _ids(Framer(), stream) == [1, 2]
    assert _ids(Framer(), *(stream[i : i + 1] for i in range(len(stream)))) == [1, 2]


def test_other_headers_and_any_case_are_read():
    body = _message(1)
    stream = b"content-type: application/vscode-jsonrpc\r\ncontent-length: %d\r\n\r\n" % len(body)
    framer = Framer()
    assert _ids(framer, stream + body, stream + body) == [1, 1]
    assert framer.problems == []


def test_a_length_too_short_costs_only_that_message():
    framer = Framer()
    body = _message(1)
    assert _ids(framer, _framed(body, len(body) - 5) + _framed(_message(2))) == ["not json", 2]
    assert framer.problems == ["skipped 5 bytes that were not part of a message"]


def test_a_length_too_long_ends_at_the_next_header():
    framer = Framer()
    ids = _ids(framer, _framed(_message(1), 500), _framed(_message(2)), _framed(_message(3)))
    assert ids == [2, 3]
    assert "runs past the message's end" in framer.problems[0]


def test_a_huge_length_is_refused_and_its_body_skipped():
    framer = Framer()
    junk = b"x" * 10_000
    assert _ids(framer, _framed(junk, 10**11), _framed(_message(2))) == [2]
    assert framer.problems[0] == f"refused a message of {10**11} bytes (most {MAX_MESSAGE})"
    assert len(framer.buffer) == 0


@pytest.mark.parametrize("junk", [b"\xff\xfe garbage\r\n", b"Content-Length: x\r\n\r\n", b"{}"])
def test_junk_between_messages_is_skipped(junk: bytes):
    assert _ids(Framer(), _framed(_message(1)) + junk + _framed(_message(2))) == [1, 2]


def test_json_that_mentions_headers_is_one_message():
    body = json.dumps({"id": 1, "text": "Content-Length: 3\r\n\r\nabc"}).encode()
    assert _ids(Framer(), _framed(body) + _framed(_message(2))) == [1, 2]


def test_a_large_message_in_small_pieces_is_read_once():
    body = json.dumps({"id": 7, "text": "x" * 2_000_000}).encode()
    stream = _framed(body)
    framer = Framer()
    assert _ids(framer, *(stream[i : i + 4096] for i in range(0, len(stream), 4096))) == [7]
    assert framer.problems == []
