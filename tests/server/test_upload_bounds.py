"""One bounded upload reader (server.api.common.bounded_chunks) for the SAE, requests and
accounts file routes: a declared length over the bound is refused before a byte is read, a
stream that passes it is cut as soon as it does, both with the same Spanish 413."""
from __future__ import annotations

import asyncio

import pytest
from starlette.requests import Request

from server.api.common import bounded_chunks, read_bounded_body
from server.errors import ApiError

MB = 1024 * 1024


def _request(chunks: list[bytes], declared: int | None = None):
    """A Starlette request streaming ``chunks``; returns it and the list of chunks it has handed out."""
    pending = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    handed: list[bytes] = []

    async def receive():
        message = pending.pop(0)
        handed.append(message["body"])
        return message

    headers = [(b"content-length", str(declared).encode())] if declared is not None else []
    scope = {"type": "http", "method": "POST", "path": "/", "query_string": b"", "headers": headers}
    return Request(scope, receive), handed


def test_a_body_within_the_bound_is_read_whole():
    request, _ = _request([b"a" * 10, b"b" * 10, b""])
    assert asyncio.run(read_bounded_body(request, MB)) == b"a" * 10 + b"b" * 10


def test_a_declared_length_over_the_bound_is_refused_before_reading():
    request, handed = _request([b"x" * 10], declared=3 * MB)
    with pytest.raises(ApiError) as refused:
        asyncio.run(read_bounded_body(request, 2 * MB))
    assert handed == []
    error = refused.value
    assert (error.status, error.code, error.field) == (413, "payload_too_large", "file")
    assert error.message == "El archivo supera el máximo de 2 MB."


def test_a_stream_that_passes_the_bound_is_cut_there():
    request, handed = _request([b"x" * MB] * 5)  # no Content-Length: a chunked upload

    async def consume():
        got = []
        async for chunk in bounded_chunks(request, 2 * MB, field="archivo"):
            got.append(chunk)
        return got

    with pytest.raises(ApiError) as refused:
        asyncio.run(consume())
    assert len(handed) == 3  # the chunk that passed the bound is the last one read
    assert (refused.value.status, refused.value.field) == (413, "archivo")
