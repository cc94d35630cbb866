"""Counting a GIF's images from its blocks: extensions of every kind, colour tables, files cut
short, and files made to take seconds to walk (millions of tiny sub-blocks or empty blocks)."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from malariascope.core.gif import frames
from tests.images import make_cell

#: 1 x 1 px, a global table of 2 colours (flags 0x80), then the blocks
SCREEN = b"GIF89a" + bytes([1, 0, 1, 0, 0x80, 0, 0]) + bytes(6)
#: LZW minimum code size 2, one sub-block of 2 bytes (clear, colour 0, end), the terminator
PIXEL = b"\x02\x02\x44\x01\x00"
TRAILER = b"\x3b"


def image(local_table: bool = False) -> bytes:
    """An image block of 1 x 1 px, with a local table of 2 colours when ``local_table``."""
    at_and_size = bytes([0, 0, 0, 0, 1, 0, 1, 0])  # left, top, width, height
    return b"\x2c" + at_and_size + (b"\x80" + bytes(6) if local_table else b"\x00") + PIXEL


def extension(label: int, *sub_blocks: bytes) -> bytes:
    return bytes([0x21, label]) + b"".join(bytes([len(b)]) + b for b in sub_blocks) + b"\x00"


CONTROL = extension(0xF9, b"\x00\x0a\x00\x00")  # graphic control: a delay of 0.1 s
COMMENT = extension(0xFE, b"; , ! the bytes of a trailer, an image and an extension")
LOOP = extension(0xFF, b"NETSCAPE2.0", b"\x01\x00\x00")
PLAIN_TEXT = extension(0x01, bytes(12), b"text")


def opencv_frames(data: bytes) -> int:
    """The images OpenCV decodes from ``data``; 0 when it refuses the file."""
    ok, images = cv2.imdecodemulti(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return len(images) if ok else 0


def test_images_are_counted_and_extensions_are_not():
    one = SCREEN + CONTROL + COMMENT + LOOP + image() + TRAILER
    three = (SCREEN + LOOP + CONTROL + image() + COMMENT + PLAIN_TEXT + image(local_table=True)
             + CONTROL + image() + TRAILER)
    assert (frames(one), frames(three)) == (1, 3)
    assert (opencv_frames(one), opencv_frames(three)) == (1, 3)


@pytest.mark.parametrize("options", [{}, {"comment": b"slide 4", "duration": 100, "loop": 0},
                                     {"interlace": True, "optimize": False}],
                         ids=["plain", "comment, delay, loop", "interlaced"])
@pytest.mark.parametrize("count", [1, 2, 3])
def test_gifs_pillow_writes_are_counted_as_pillow_and_opencv_count_them(count, options):
    cells = [Image.fromarray(make_cell(size=60, parasitized=i % 2 == 1, seed=i))
             for i in range(count)]
    buffer = io.BytesIO()
    cells[0].save(buffer, "GIF", save_all=True, append_images=cells[1:], **options)
    data = buffer.getvalue()
    assert frames(data) == Image.open(buffer).n_frames == opencv_frames(data) == count


def test_a_gif_cut_short_anywhere_counts_as_one_image_which_opencv_refuses():
    whole = SCREEN + CONTROL + image() + COMMENT + image(local_table=True) + TRAILER
    assert frames(whole) == 2
    for end in range(1, len(whole)):  # the empty file: test_other_files_are_one_image
        assert frames(whole[:end]) == 1, end
        assert opencv_frames(whole[:end]) == 0, end


def test_a_block_of_no_gif_kind_counts_as_one_image_which_opencv_refuses():
    unknown = b"\x22" + COMMENT[1:]  # a comment but for its introducer
    data = SCREEN + image() + unknown + image() + TRAILER
    assert (frames(data), opencv_frames(data)) == (1, 0)


@pytest.mark.parametrize("filler", [
    extension(0xFE, *[b"x"] * 1_100_000),  # 2.2 MB of 1-byte sub-blocks
    extension(0xFE) * 1_100_000,  # 3.3 MB of empty comments
], ids=["tiny sub-blocks", "empty blocks"])
def test_walks_made_to_take_seconds_stop_at_the_cap_and_count_as_one_image(filler):
    """Past a million blocks and sub-blocks the walk stops: the file's two images count as one.
    A file of 128 MB holds 60 million such sub-blocks or 40 million such comments: 5 and 10 s
    to walk whole."""
    data = np.frombuffer(SCREEN + image() + filler + image() + TRAILER, np.uint8)
    assert frames(memoryview(data)) == 1  # uncapped, the walk reaches the second image


def test_other_files_are_one_image():
    assert frames(b"\x89PNG\r\n\x1a\n") == 1
    assert frames(b"GIF90a" + (SCREEN + image() + image() + TRAILER)[6:]) == 1
    assert frames(b"GIF89a") == 1 and frames(b"") == 1
