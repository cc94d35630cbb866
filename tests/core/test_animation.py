"""Animated PNGs and WebPs: their frames counted from their chunks as Pillow and OpenCV count
them, and one of several frames refused, as a GIF or TIFF of several images is."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from malariascope.core.animation import apng_frames, webp_frames
from malariascope.core.classifier import Classifier
from malariascope.core.pipeline import screen

FORMATS = {"PNG": (".png", apng_frames), "WEBP": (".webp", webp_frames)}


def animated(cells: list[Image.Image], kind: str, **options: object) -> bytes:
    out = io.BytesIO()
    cells[0].save(out, kind, save_all=True, append_images=cells[1:], lossless=True, **options)
    return out.getvalue()


def cells_of(real_cells: dict[str, list], count: int) -> list[Image.Image]:
    paths = [path for pair in zip(*real_cells.values(), strict=True) for path in pair]
    return [Image.open(path).convert("RGB").resize((100, 100)) for path in paths[:count]]


@pytest.mark.parametrize("kind", FORMATS)
@pytest.mark.parametrize("count", [1, 2, 3])
def test_frames_are_counted_as_pillow_and_opencv_count_them(real_cells, kind, count):
    data = animated(cells_of(real_cells, count), kind)
    _, counted = FORMATS[kind]
    ok, decoded = cv2.imdecodemulti(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert counted(data) == Image.open(io.BytesIO(data)).n_frames == len(decoded) == count


def test_an_apng_whose_first_image_is_no_frame_counts_it_too(real_cells):
    cells = cells_of(real_cells, 3)
    data = animated(cells[1:], "PNG", default_image=True)  # cells[1] is shown, not animated
    assert apng_frames(data) == Image.open(io.BytesIO(data)).n_frames == 2


@pytest.mark.parametrize("kind", FORMATS)
def test_an_animation_of_several_frames_is_an_error_row_not_its_first_frame(
        tmp_path, real_cells, kind):
    """OpenCV decoded the first frame alone: the other cells went unscreened without a word."""
    suffix, _ = FORMATS[kind]
    still = tmp_path / f"still{suffix}"
    still.write_bytes(animated(cells_of(real_cells, 1), kind))
    several = tmp_path / f"several{suffix}"
    several.write_bytes(animated(cells_of(real_cells, 2), kind))
    results = {r.path.name: r for r in screen([still, several], Classifier.open())}
    assert results[still.name].ok
    assert results[several.name].error == (
        f"a {kind.replace('WEBP', 'WebP')} of 2 images (frames): save each as its own file "
        "to screen it")


@pytest.mark.parametrize("frames", [1, 3])
@pytest.mark.parametrize("keep", [0.2, 0.5, 0.9, 0.999])
def test_a_truncated_webp_is_told_as_truncated_not_as_an_animation(
        tmp_path, capfd, real_cells, frames, keep):
    """A WebP of three frames cut short was refused as "a WebP of 2 images" (the frames
    whose chunks began before the cut), or passed to OpenCV, which logged its failure on the
    terminal."""
    data = animated(cells_of(real_cells, frames), "WEBP")
    cut = tmp_path / "cut.webp"
    cut.write_bytes(data[:int(len(data) * keep)])
    [result] = screen([cut], Classifier.open())
    assert result.error == "truncated WebP: the file ends before its image data does"
    assert capfd.readouterr().err == ""
