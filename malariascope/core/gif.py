"""How many images (frames) a GIF file holds, read from its blocks without decoding.

A GIF is a header, a logical screen descriptor and an optional global colour table, then
blocks closed by a trailer: extensions and images, each followed by its data in sub-blocks (a
length byte, then that many bytes; a zero length ends them). OpenCV decodes the first image
alone. A file whose blocks do not lead to the trailer counts as one image and is left to the
decoder, which refuses it: OpenCV walks the same blocks before decoding and gives up there too.
"""

from __future__ import annotations

_SIGNATURES = (b"GIF87a", b"GIF89a")
_SCREEN = 13  # signature (6), width and height (2 each), flags, background, aspect ratio
_EXTENSION, _IMAGE, _TRAILER = 0x21, 0x2C, 0x3B
_DESCRIPTOR = 10  # an image's separator, left, top, width, height (2 bytes each), flags
#: blocks and sub-blocks walked in all. Encoders write sub-blocks of 255 bytes, so a GIF within
#: the 128 MB a file may hold has about 520,000. One crafted of 40 million empty blocks took
#: 10 s to walk whole; the walk stops here after 0.2 s, and the file counts as one image.
_MAX_BLOCKS = 1_000_000


class _Unparsed(ValueError):
    """The blocks are of no kind a GIF holds, or more than :data:`_MAX_BLOCKS`."""


def frames(data: bytes | memoryview) -> int:
    """The number of images of GIF ``data``; 1 for anything else."""
    if bytes(data[:6]) not in _SIGNATURES or len(data) < _SCREEN:
        return 1
    try:
        return max(_walk(data), 1)
    except (IndexError, _Unparsed):  # IndexError: the file ends before its trailer
        return 1


def _walk(data: bytes | memoryview) -> int:
    """The images met from the first block to the trailer."""
    at = _SCREEN + _colour_table(data[10])
    images = walked = 0
    while (kind := data[at]) != _TRAILER:
        if kind == _EXTENSION:  # introducer, label, then sub-blocks
            data_at = at + 2
        elif kind == _IMAGE:  # descriptor, local colour table, LZW code size, then sub-blocks
            data_at = at + _DESCRIPTOR + _colour_table(data[at + _DESCRIPTOR - 1]) + 1
            images += 1
        else:
            raise _Unparsed
        at, walked = _skip_sub_blocks(data, data_at, walked + 1)
    return images


def _skip_sub_blocks(data: bytes | memoryview, at: int, walked: int) -> tuple[int, int]:
    """Where the block after the sub-blocks starting at ``at`` begins, and ``walked`` counting
    them too; raises :class:`_Unparsed` once that is over :data:`_MAX_BLOCKS`."""
    while walked <= _MAX_BLOCKS and (length := data[at]):
        walked += 1
        at += length + 1
    if walked > _MAX_BLOCKS:
        raise _Unparsed
    return at + 1, walked


def _colour_table(flags: int) -> int:
    """Bytes of the colour table ``flags`` (the screen's or an image's) announce: bit 7 says
    there is one, bits 0-2 its size, 2 ** (n + 1) colours of 3 bytes."""
    return 3 * 2 ** ((flags & 0x07) + 1) if flags & 0x80 else 0
