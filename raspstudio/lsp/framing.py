"""LSP messages from the client's byte stream, recovering from framing errors.

Each message is a header block (`Content-Length: N`, then a blank line) and N bytes of JSON.
pygls's own reader trusts N: a wrong length leaves it reading the following messages as the
body and every later header as junk (alive but deaf for good), and a huge one makes it try to
read gigabytes at once. Here a header block is recognised by its shape wherever it is, so:

- a length that runs past the next header block (too long) ends the message at that header;
- the rest of a body whose length was too short is skipped up to the next header block;
- a length above `MAX_MESSAGE` is refused, and its body skipped the same way.

A header block cannot occur inside a JSON body: it needs a raw line break and an unquoted
`Content-Length:`, which JSON allows in neither strings nor between tokens.
"""

import asyncio
import json
import logging
import os
import re
from collections.abc import Iterator
from typing import Any

MAX_MESSAGE = 64 * 1024 * 1024  # bytes; a document of this size is far beyond any program file
_FIELD = rb"[A-Za-z][A-Za-z0-9-]{0,63}:[^\r\n]{0,1024}\r\n"  # bounded: no slow backtracking
HEADER = re.compile(
    rb"(?:%s)*?Content-Length:[ \t]*(\d+)[ \t]*\r\n(?:%s)*\r\n" % (_FIELD, _FIELD), re.IGNORECASE
)
_FIELD_LINE = re.compile(_FIELD)
_LENGTH = re.compile(rb"Content-Length:", re.IGNORECASE)  # a literal: searched fast
_KEEP = 4096  # bytes kept while no header is in sight: the start of one may be among them


def find_header(buffer: bytearray, start: int = 0, end: int | None = None) -> re.Match | None:
    """The first header block beginning in buffer[start:end], with the lines before its
    Content-Length that are header fields too."""
    end = len(buffer) if end is None else end
    for candidate in _LENGTH.finditer(buffer, start, end):
        begin = candidate.start()
        while begin - 2 >= start and buffer[begin - 2 : begin] == b"\r\n":
            line_break = buffer.rfind(b"\r\n", start, begin - 2)
            previous = start if line_break < 0 else line_break + 2
            if not _FIELD_LINE.fullmatch(buffer, previous, begin):
                break
            begin = previous
        header = HEADER.match(buffer, begin)
        if header is not None:
            return header
    return None


logger = logging.getLogger(__name__)


class Framer:
    """Bodies out of a byte stream fed in pieces; `problems` says what was skipped and why."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.problems: list[str] = []
        self._scanned = 0  # how far the body being received has been searched for a header

    def feed(self, data: bytes) -> Iterator[bytes]:
        self.buffer += data
        while True:
            header = find_header(self.buffer)  # cheap: found at once, or the buffer is short
            if header is None:
                self._skip(max(0, len(self.buffer) - _KEEP))
                return
            length, start = int(header.group(1)), header.end() - header.start()
            self._skip(header.start())  # (the match reads the buffer: use it before this)
            if length > MAX_MESSAGE:
                self.problems.append(f"refused a message of {length} bytes (most {MAX_MESSAGE})")
                del self.buffer[:start]
                continue
            inside = find_header(self.buffer, max(start, self._scanned - _KEEP), start + length)
            if inside is not None:  # the declared length runs into the next message
                self.problems.append(f"Content-Length {length} runs past the message's end")
                self._skip(inside.start(), report=False)
                continue
            if len(self.buffer) < start + length:
                self._scanned = len(self.buffer)
                return  # the rest of the body is still on its way
            body = bytes(self.buffer[start : start + length])
            del self.buffer[: start + length]
            self._scanned = 0
            yield body

    def _skip(self, end: int, report: bool = True) -> None:
        """Drop the first `end` bytes; saying so unless they are blank lines between messages."""
        if report and self.buffer[:end].strip():
            self.problems.append(f"skipped {end} bytes that were not part of a message")
        if end:
            del self.buffer[:end]
            self._scanned = 0


async def read_messages(stream: Any, protocol: Any, stop: Any, on_error: Any) -> None:
    """Hand each message from `stream` (a binary file) to pygls's `protocol` until end of file.

    A body that is not JSON, or not a message, is reported through `on_error` like pygls does,
    and reading goes on with the next one.
    """
    loop = asyncio.get_running_loop()
    framer = Framer()
    while not stop.is_set():
        data = await loop.run_in_executor(None, os.read, stream.fileno(), 1 << 16)
        if not data:
            return
        for body in framer.feed(data):
            try:
                protocol.handle_message(json.loads(body, object_hook=protocol.structure_message))
            except Exception as error:  # noqa: BLE001 - one bad message must not end the server
                logger.error("unable to handle a message: %s", error)
                on_error(error)
        for problem in framer.problems:
            logger.error("framing: %s", problem)
        framer.problems.clear()
