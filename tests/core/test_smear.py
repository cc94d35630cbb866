"""Whole fields that are no blood smear (noise, a chart, a photo...) are error rows saying
so, their "cells" not counted; real and generated smears are never refused. Real files
through the real pipeline and model."""

from __future__ import annotations

import pytest

from malariascope.core.fields import find_cells, segment_field
from malariascope.core.fields.smear import smear_doubt
from malariascope.core.imageio import read_image
from malariascope.core.pipeline import screen
from malariascope.core.withoutcall import NOT_A_SMEAR, REFUSED, kind_of
from tests.conftest import SHARED_DATA
from tests.images import FIELD_CELLS, write_field, write_rgb
from tests.nonsmears import noise, write_non_smears

REAL_FIELDS = sorted((SHARED_DATA / "fields").glob("*.JPG"))
#: The real fields nearest the limits: least cover, contrast and redness, most specks
#: (PA171734), most spread in size (PA171703)
NEAREST_LIMITS = ("PA171734.JPG", "PA171703.JPG")


def test_pictures_that_are_no_smear_are_error_rows_not_cells(tmp_path, classifier):
    """A circuit-board photo, a chart, a screenshot and noise screened as fields gave 328
    "cells", 3 parasitized, that counted towards the slide's parasitemia."""
    pictures = write_non_smears(tmp_path / "slide")
    field, _ = write_field(tmp_path / "slide" / "field.png")
    results = list(screen([*pictures.values(), field], classifier))
    assert len(results) == len(pictures) + FIELD_CELLS
    for result, words in zip(results, pictures, strict=False):
        assert result.whole_field and not result.ok and result.probability is None
        assert result.error.startswith(NOT_A_SMEAR) and words in result.error, result.error
        assert kind_of(result.error) == REFUSED
    assert all(r.ok and r.path == field for r in results[len(pictures):])


@pytest.mark.parametrize("size", [(800, 600), (1280, 960)])
def test_noise_mixed_with_a_field_leaves_the_field_s_cells_alone(tmp_path, classifier, size):
    """A noise JPEG gave thousands of "cells" and took a slide of 40 cells at 50 % to
    0.52 %, its target of cells reached."""
    field, _ = write_field(tmp_path / "field.png")
    noisy = write_rgb(tmp_path / "noise.jpg", noise(*size))
    results = list(screen([noisy, field], classifier))
    assert len(results) == 1 + FIELD_CELLS
    assert results[0].error.startswith(f"{NOT_A_SMEAR}1")  # "19% of what looks like ..."
    assert [r.ok for r in results[1:]] == [True] * FIELD_CELLS


@pytest.mark.parametrize("name", NEAREST_LIMITS)
def test_the_real_fields_nearest_the_limits_are_screened(tmp_path, classifier, name):
    if not REAL_FIELDS:
        pytest.skip(f"real fields not found at {SHARED_DATA / 'fields'}")
    results = list(screen([SHARED_DATA / "fields" / name], classifier))
    assert len(results) > 50 and all(r.ok for r in results)


@pytest.mark.slow
def test_no_real_field_looks_unlike_a_smear():
    if not REAL_FIELDS:
        pytest.skip(f"real fields not found at {SHARED_DATA / 'fields'}")
    doubts = {}
    for path in REAL_FIELDS:
        rgb = read_image(path)
        seg = segment_field(rgb)
        doubts[path.name] = smear_doubt(rgb, seg, find_cells(rgb, segmentation=seg))
    assert len(doubts) == 30 and set(doubts.values()) == {""}, doubts
