"""Counting a TIFF's full images from its directories: pages, thumbnails, and files made to
mislead the count (loops, offsets past the end, directories claiming huge entry counts)."""

from __future__ import annotations

import struct

import pytest

from malariascope.core.tiff import full_images

REDUCED = 1  # NewSubfileType: a reduced-resolution copy


def tiff_of(subfile_types: list[int], big: bool = False, last_points_to: int = 0) -> bytes:
    """A TIFF (no pixels: only its chain of directories), one directory per entry of
    ``subfile_types``, each holding one NewSubfileType entry; the last points to
    ``last_points_to``."""
    offset, count, tag = ("Q", "Q", "<HHQQ") if big else ("I", "H", "<HHII")
    header = (b"II" + struct.pack("<HHHQ", 43, 8, 0, 16) if big
              else b"II" + struct.pack("<HI", 42, 8))
    size = struct.calcsize("<" + count) + struct.calcsize(tag) + struct.calcsize("<" + offset)
    data = header
    for i, kind in enumerate(subfile_types):
        following = len(data) + size if i + 1 < len(subfile_types) else last_points_to
        data += (struct.pack("<" + count, 1) + struct.pack(tag, 254, 4, 1, kind)
                 + struct.pack("<" + offset, following))
    return data


@pytest.mark.parametrize("big", [False, True], ids=["TIFF", "BigTIFF"])
def test_pages_are_counted_and_thumbnails_are_not(big):
    assert full_images(tiff_of([0], big)) == 1
    assert full_images(tiff_of([0, 0, 0], big)) == 3
    assert full_images(tiff_of([0, REDUCED, REDUCED], big)) == 1  # one image, two thumbnails
    assert full_images(tiff_of([0, REDUCED, 0], big)) == 2


def test_a_chain_that_loops_or_points_past_the_end_is_walked_once():
    assert full_images(tiff_of([0, 0], last_points_to=8)) == 2  # back to the first
    assert full_images(tiff_of([0, 0], last_points_to=10**9)) == 2


def test_a_directory_claiming_more_entries_than_the_file_holds_is_bounded():
    data = bytearray(tiff_of([0, 0]))
    struct.pack_into("<H", data, 8, 60_000)  # the first directory's entry count
    assert full_images(bytes(data)) == 1


def test_directories_made_to_take_minutes_to_walk_count_as_one_image():
    """1,000 directories 4 bytes apart, each claiming 60,000 entries over the same 720 kB:
    walked whole, that is 60 million entries (minutes of Python)."""
    directories, entries = 1_000, 60_000
    pointers = 8 + 2 + entries * 12  # where the first directory's "next" lies
    data = bytearray(pointers + 4 * directories)
    data[:8] = b"II" + struct.pack("<HI", 42, 8)
    for k in range(directories):
        struct.pack_into("<H", data, 8 + 4 * k, entries)
        following = 8 + 4 * (k + 1) if k + 1 < directories else 0
        struct.pack_into("<I", data, pointers + 4 * k, following)
    assert full_images(bytes(data)) == 1


def test_other_files_are_one_image():
    assert full_images(b"\x89PNG\r\n\x1a\n") == 1
    assert full_images(b"II") == 1 and full_images(b"") == 1
