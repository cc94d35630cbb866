"""How many full images a TIFF file holds, read from its directories without decoding.

A TIFF may hold several images (pages: a z-stack, colour channels, a time series), each
described by a directory (IFD) that points to the next. OpenCV decodes the first alone. A
directory whose NewSubfileType marks a reduced-resolution copy (a thumbnail) is no image of
its own. Classic TIFF and BigTIFF are read; anything that does not parse counts as one image
and is left for the decoder to judge, which libtiff does without a word on the terminal.
"""

from __future__ import annotations

_ORDERS = {b"II": "little", b"MM": "big"}
#: per version: bytes of an offset, of a directory's entry count, of one entry
_LAYOUTS = {42: (4, 2, 12), 43: (8, 8, 20)}
_NEW_SUBFILE_TYPE = 254
_REDUCED_RESOLUTION = 1  # bit 0 of NewSubfileType
_MAX_DIRECTORIES = 10_000  # a chain longer than this, or one that loops, is not followed
#: entries looked at in all (a real TIFF's directory holds tens): a crafted file of many
#: directories of huge entry counts would otherwise take minutes to walk
_MAX_ENTRIES = 100_000


def full_images(data: bytes | memoryview) -> int:
    """The number of full-resolution images of TIFF ``data``; 1 for anything else."""
    order = _ORDERS.get(bytes(data[:2]))
    layout = _LAYOUTS.get(int.from_bytes(data[2:4], order)) if order else None
    if layout is None:
        return 1
    offset_size, count_size, entry_size = layout

    def number(at: int, size: int) -> int:
        return int.from_bytes(data[at:at + size], order)

    at = number(4 if offset_size == 4 else 8, offset_size)
    seen: set[int] = set()
    images = looked_at = 0
    while 0 < at < len(data) and at not in seen and len(seen) < _MAX_DIRECTORIES:
        seen.add(at)
        first = at + count_size
        entries = min(number(at, count_size), max(len(data) - first, 0) // entry_size)
        looked_at += entries
        if looked_at > _MAX_ENTRIES:
            return 1
        subfile_type = next((number(entry + 4 + offset_size, 4)  # tag, type, count, value
                             for entry in range(first, first + entries * entry_size, entry_size)
                             if number(entry, 2) == _NEW_SUBFILE_TYPE), 0)
        images += not subfile_type & _REDUCED_RESOLUTION
        at = number(first + entries * entry_size, offset_size)
    return max(images, 1)
