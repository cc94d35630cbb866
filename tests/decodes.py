"""Counting the images the pipeline decodes: the real decoder runs, and each call is counted,
so a test can tell a file screened from one known by its bytes alone."""

from __future__ import annotations

import pytest

from malariascope.core import pipeline


def count_decodes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, the size in bytes of each image the pipeline decodes, in any thread."""
    decoded: list[int] = []
    decode = pipeline.decode_image

    def counted(data):
        decoded.append(data.size)
        return decode(data)

    monkeypatch.setattr(pipeline, "decode_image", counted)
    return decoded
