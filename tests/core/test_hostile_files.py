"""Hostile files: every one gives a row with a reason, and none stops the batch."""

from __future__ import annotations

import ast
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from malariascope.core.discovery import Discovery
from malariascope.core.facts import BatchFacts
from malariascope.core.imageio import read_image
from malariascope.core.pipeline import screen
from malariascope.core.report import report_row, write_report
from tests.images import (
    damaged_jpeg,
    make_cell,
    write_broken_files,
    write_deep_tiff,
    write_rgb,
)


def pil_bytes(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def build_corpus(folder):
    """Odd but valid images (name -> expected shape) and broken ones (name -> reason word)."""
    folder.mkdir()
    cell = Image.fromarray(make_cell(size=60, parasitized=True, seed=5))
    valid = {
        "cmyk.jpg": pil_bytes(cell.convert("CMYK"), "JPEG"),
        "palette.png": pil_bytes(cell.convert("P"), "PNG"),
        "sixteen.png": _sixteen_bit_png(_ramp((40, 40), 65535, np.uint16)),
    }
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees on display
    valid["exif rotated.jpg"] = pil_bytes(cell.resize((60, 30)), "JPEG", exif=exif.tobytes())
    for name, data in valid.items():
        (folder / name).write_bytes(data)
    tricky_names = [
        "comma, in name.png",
        'quote " in name.png',
        "new\nline.png",
        "ünïcødé 血液.png",
    ]
    if sys.platform == "win32":
        tricky_names = [n for n in tricky_names if '"' not in n and "\n" not in n]
    for name in tricky_names:
        write_rgb(folder / name, make_cell(seed=len(name)))
    broken = write_broken_files(folder)
    animated = pil_bytes(cell, "GIF", save_all=True, append_images=[cell.rotate(90)])
    (folder / "animated.gif").write_bytes(animated)
    broken["animated.gif"] = "a GIF of 2 images (frames)"
    strip = pil_bytes(Image.fromarray(_ramp((10000, 1, 3), 255, np.uint8)), "PNG")
    (folder / "tall 1x10000.png").write_bytes(strip)
    broken["tall 1x10000.png"] = "a strip of 1 x 10,000 px"
    write_rgb(folder / "blank white.png", np.full((80, 80, 3), 250, np.uint8))
    lens_cap = np.random.default_rng(0).normal(6, 2, (120, 160, 3))
    write_rgb(folder / "lens cap.png", np.clip(lens_cap, 0, 255).astype(np.uint8))
    write_rgb(folder / "black field-sized frame.png", np.zeros((960, 1280, 3), np.uint8))
    broken.update({name: "blank" for name in
                   ("blank white.png", "lens cap.png", "black field-sized frame.png")})
    (folder / "fake.jpg").write_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n")
    broken["fake.jpg"] = "not a readable"
    jpeg = pil_bytes(cell, "JPEG")
    (folder / "bitflip.jpg").write_bytes(
        jpeg[:20] + bytes(b ^ 0x5A for b in jpeg[20:200]) + jpeg[200:]
    )
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.png")
        broken["pipe.png"] = "a pipe (FIFO), not an image file"  # never opened: it would block
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    return valid, tricky_names, broken


def _sixteen_bit_png(ramp: np.ndarray) -> bytes:
    """A 16-bit colour PNG (which PIL does not write) whose channels differ."""
    colour = np.dstack([ramp, ramp[::-1], np.full_like(ramp, 30_000)])
    return cv2.imencode(".png", colour)[1].tobytes()


def _ramp(shape: tuple[int, ...], top: int, dtype: type) -> np.ndarray:
    """Values rising from 0 to ``top`` along the first axis (an image with some content)."""
    values = np.linspace(0, top, shape[0]).reshape((-1,) + (1,) * (len(shape) - 1))
    return np.broadcast_to(values, shape).astype(dtype)


def test_hostile_corpus_gives_one_row_each_and_round_trips(tmp_path, classifier):
    valid, tricky, broken = build_corpus(tmp_path / "corpus")
    results = list(screen(Discovery([tmp_path / "corpus"]), classifier))
    by_name = {r.path.name: r for r in results}
    assert len(results) == len(by_name)  # the symlink loop was not followed
    for name in list(valid) + tricky:
        assert by_name[name].ok, (name, by_name[name].error)
    assert by_name["exif rotated.jpg"].image_shape == (60, 30)
    for name, word in broken.items():
        assert word in by_name[name].error
    assert "bitflip.jpg" in by_name  # either decoded or an error row, never a crash

    info = BatchFacts.of(classifier, sample_id="S,1", operator='Op "x"')
    out = tmp_path / "report.csv"
    write_report(out, (report_row(r, info) for r in results), info)
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["image_path"] for row in rows] == [str(r.path) for r in results]
    assert {row["sample_id"] for row in rows} == {"S,1"}


@pytest.mark.parametrize(("height", "width"), [(1, 100_000), (20_000, 1), (40, 201)])
def test_a_strip_is_an_error_row_not_a_square_of_padding(tmp_path, classifier, height, width):
    """Padded to a square for the model, a 1 x 20,000 px strip took 1.26 GB and a
    1 x 100,000 px one ended the batch in an OpenCV allocation error, with no report."""
    noise = np.random.default_rng(0).integers(0, 256, (height, width, 3), np.uint8)
    strip = write_rgb(tmp_path / "strip.png", noise)
    cell = write_rgb(tmp_path / "cell.png", make_cell())
    wide = write_rgb(tmp_path / "five to one.png", make_cell(size=200)[:40])  # as wide as allowed
    results = list(screen([strip, cell, wide], classifier))
    assert results[0].error == (f"a strip of {width:,} x {height:,} px, over 5 times longer "
                                "than wide, as no cell or field is")
    assert results[1].ok and results[2].ok


def test_a_damaged_jpeg_field_is_one_error_row_not_a_count(tmp_path, classifier):
    """Decoded with grey blocks, a damaged field gave 'ok' rows for the cells left whole and a
    parasitemia from them."""
    path = tmp_path / "field.jpg"
    path.write_bytes(damaged_jpeg())
    (result,) = screen([path], classifier)
    assert result.error.startswith("damaged JPEG") and result.probability is None


def test_a_real_cell_as_a_float_or_integer_tiff_is_called_as_its_png(tmp_path, classifier,
                                                                       real_cells):
    """Flattened to black and white, a parasitized cell (p = 0.999 as PNG) was called
    uninfected at 0.02 as a float32 TIFF."""
    png = real_cells["parasitized"][0]
    rgb = read_image(png)
    tiffs = [write_deep_tiff(tmp_path / f"{dtype.__name__}.tif", rgb, dtype)
             for dtype in (np.float32, np.int16, np.int32)]
    called = [result.probability for result in screen([png, *tiffs], classifier)]
    assert called == pytest.approx([called[0]] * 4, abs=1e-6)


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux allows names that are not UTF-8")
def test_a_byte_and_its_written_escape_give_two_image_paths(tmp_path, classifier):
    """caf<byte E9>.png and a file named with the four characters \\xe9 got one image_path."""
    byte = write_rgb(tmp_path / os.fsdecode(b"caf\xe9.png"), make_cell(seed=1))
    literal = write_rgb(tmp_path / "caf\\xe9.png", make_cell(seed=2))
    info = BatchFacts.of(classifier)
    out = write_report(tmp_path / "report.csv",
                       (report_row(r, info) for r in screen([byte, literal], classifier)), info)
    with open(out, encoding="utf-8-sig", newline="") as handle:
        paths = [row["image_path"] for row in csv.DictReader(handle)]
    assert paths == [f"{tmp_path}/caf\\xe9.png", f"{tmp_path}/caf\\\\xe9.png"]


AS_NOBODY = """
import os, sys
from malariascope.core.classifier import Classifier
from malariascope.core.pipeline import screen
classifier = Classifier.open()
list(screen([sys.argv[2]], classifier))  # every lazy import happens while still root
try:
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)  # nobody: no way back
except PermissionError:
    sys.exit('cannot drop privileges')
locked, readable = screen(sys.argv[1:3], classifier)
print(repr((locked.error, readable.ok)))
"""


def _screen_as_nobody(locked, readable) -> tuple[str, bool]:
    """Root reads any file, so root screens as ``nobody`` (in a child: it cannot go back)."""
    done = subprocess.run([sys.executable, "-c", AS_NOBODY, str(locked), str(readable)],
                          capture_output=True, text=True, timeout=120)
    if "cannot drop privileges" in done.stderr:
        pytest.skip("running as root without the right to become nobody")
    assert done.returncode == 0, done.stderr
    return ast.literal_eval(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="file permissions are POSIX here")
def test_permission_denied_is_an_error_row(classifier):
    # a folder anyone may enter (pytest's tmp_path is private to its owner)
    folder = Path(tempfile.mkdtemp(prefix="malariascope-locked-"))
    try:
        folder.chmod(0o755)
        readable = write_rgb(folder / "readable.png", make_cell(seed=1))
        readable.chmod(0o644)
        locked = write_rgb(folder / "locked.png", make_cell())
        locked.chmod(0o600 if os.geteuid() == 0 else 0)  # root's own file, or nobody's
        if os.geteuid() == 0:
            error, readable_ok = _screen_as_nobody(locked, readable)
        else:
            locked_result, readable_result = screen([locked, readable], classifier)
            error, readable_ok = locked_result.error, readable_result.ok
    finally:
        shutil.rmtree(folder)
    assert "cannot open" in error and "ermission denied" in error
    assert readable_ok  # the batch goes on after the locked file
