"""How many images an animated PNG (APNG) or WebP holds, read from its chunks without decoding.

OpenCV decodes the first image of either alone. An APNG announces its frames in an ``acTL``
chunk before its image data; the image data is a frame of its own only when a frame control
chunk (``fcTL``) comes before it. An animated WebP holds one ``ANMF`` chunk per frame. A file
whose chunks do not parse counts as one image and is left to the decoder to judge.
"""

from __future__ import annotations

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: chunks walked in all: a real file has a few (APNG: before its image data) to thousands
#: (WebP: one per frame). One crafted of millions of empty chunks is walked for 0.2 s at
#: most, then counts as what was met so far.
_MAX_CHUNKS = 200_000


def apng_frames(data: bytes | memoryview) -> int:
    """The number of images of APNG ``data``; 1 for a still PNG or anything else."""
    if bytes(data[:len(_PNG_SIGNATURE)]) != _PNG_SIGNATURE:
        return 1
    at, frames, control_first = len(_PNG_SIGNATURE), 0, False
    for _ in range(_MAX_CHUNKS):  # each chunk: length (4 bytes, big-endian), type (4), data, CRC
        if at + 8 > len(data):
            break
        kind = bytes(data[at + 4:at + 8])
        if kind == b"IDAT":
            return max(frames + (frames > 0 and not control_first), 1)
        if kind == b"acTL" and at + 12 <= len(data):
            frames = int.from_bytes(data[at + 8:at + 12], "big")
        control_first |= kind == b"fcTL"
        at += 12 + int.from_bytes(data[at:at + 4], "big")
    return 1


def webp_frames(data: bytes | memoryview) -> int:
    """The number of images of WebP ``data``; 1 for a still WebP or anything else."""
    if bytes(data[:4]) != b"RIFF" or bytes(data[8:12]) != b"WEBP":
        return 1
    at, frames = 12, 0
    for _ in range(_MAX_CHUNKS):  # each chunk: type (4), length (4, little-endian), even data
        if at + 8 > len(data):
            break
        frames += bytes(data[at:at + 4]) == b"ANMF"
        size = int.from_bytes(data[at + 4:at + 8], "little")
        at += 8 + size + size % 2
    return max(frames, 1)
