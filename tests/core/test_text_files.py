"""A text file saved under an image's name is told as text, not as a damaged image."""

from __future__ import annotations

import codecs

import cv2
import pytest

from malariascope.core.pipeline import screen
from tests.images import make_cell

NOT_READABLE = "not a readable image (corrupt, truncated or unsupported format)"


def test_a_text_file_named_jpg_is_told_a_text_file_not_a_corrupt_image(
    tmp_path, classifier, real_cells
):
    """A note, a CSV and a UTF-8 text with a byte-order mark, each named as an image, were
    told "not a readable image (corrupt, truncated or unsupported format)", which sends a
    technician looking for a damaged camera file. The real cell after them is screened."""
    notes = {
        "slide 12.jpg": "Lame 12 : frottis coloré au Giemsa\nparasites vus: 3\n".encode(),
        "counts.png": b"image,call\r\ncell_1.png,parasitized\r\n",
        "bom.tif": codecs.BOM_UTF8 + "Objet 100× – à revoir\n".encode(),
        "p5.png": b"P5 smear: rings in fields 3 and 7\n",  # a note, though it begins as PGM
    }
    for name, data in notes.items():
        (tmp_path / name).write_bytes(data)
    paths = [tmp_path / name for name in notes] + [real_cells["parasitized"][0]]
    results = list(screen(paths, classifier))
    assert [result.error for result in results] == ["not an image: a text file"] * 4 + [""]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("fake.jpg", b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"),  # ASCII, but a PDF's signature
        ("cut.ppm", b"P3\n80 80\n255\n12 40 200 12 40\n"),  # an ASCII PPM image cut short
        ("binary.jpg", bytes(range(256)) * 4),
        *((f"cut-p{kind}.ppm", f"P{kind}\n80 80\n255\n".encode()) for kind in range(4, 7)),
        ("cut.pgm", b"P5\n# by the camera\n80 80\n255\n"),
        ("cut.pam", b"P7\nWIDTH 80\nHEIGHT 80\nDEPTH 3\nMAXVAL 255\n"),
        ("drawing.png", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'),
        ("plain.svg.jpg", b'<svg width="80" height="80"><circle r="30"/></svg>\n'),
    ],
)
def test_files_that_are_no_plain_text_keep_the_words_of_an_unreadable_image(
    tmp_path, classifier, name, data
):
    (tmp_path / name).write_bytes(data)
    assert next(screen([tmp_path / name], classifier)).error == NOT_READABLE


def test_a_jpeg_cut_short_is_still_told_unreadable_not_text(tmp_path, classifier):
    """A JPEG's first bytes are binary: cut at its header, it is no text file."""
    jpeg = cv2.imencode(".jpg", make_cell(seed=4))[1].tobytes()
    (tmp_path / "cut.jpg").write_bytes(jpeg[:40])
    assert "text" not in next(screen([tmp_path / "cut.jpg"], classifier)).error
