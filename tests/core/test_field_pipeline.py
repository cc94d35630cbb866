"""Whole fields in the one pipeline and its report, through the real bundled model.

Generated fields have known cells (``tests.images.make_field``); one real
IML-Malaria field checks the same on a real smear, skipped when the data is absent. No test
relies on what the model calls a cell: the model may be retrained.
"""

from __future__ import annotations

import hashlib
import shutil

import numpy as np
import pytest

from malariascope.core import pipeline
from malariascope.core.case import ReviewDecision
from malariascope.core.classifier import Classifier
from malariascope.core.facts import BatchFacts
from malariascope.core.fields import find_cells
from malariascope.core.fields.standardize import standardize
from malariascope.core.imageio import read_image
from malariascope.core.pipeline import FIELD_LOOKAHEAD, NO_CELLS, screen
from malariascope.core.preprocess import to_model_input
from malariascope.core.report import COLUMNS, report_row, summary_path, write_report
from tests.conftest import SHARED_DATA
from tests.images import FIELD_CELLS, make_cell, write_field, write_glass, write_rgb
from tests.reports import read_rows, read_summary

REAL_FIELD = SHARED_DATA / "fields" / "PA171693.JPG"
CELL_COLUMNS = ("cell_index", "cell_x", "cell_y", "cell_w", "cell_h")


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.open()


@pytest.fixture(scope="module")
def field_png(tmp_path_factory: pytest.TempPathFactory):
    return write_field(tmp_path_factory.mktemp("field") / "field.png")[0]


def _other(call: str) -> str:
    return "uninfected" if call == "parasitized" else "parasitized"


def test_every_cell_found_in_a_field_is_one_result(field_png, classifier):
    cells = find_cells(read_image(field_png))
    results = list(screen([field_png], classifier))
    assert len(results) == len(cells) == FIELD_CELLS
    assert [r.box for r in results] == [c.box for c in cells]
    assert [r.cell_index for r in results] == list(range(1, FIELD_CELLS + 1))
    assert {r.sha256 for r in results} == {hashlib.sha256(field_png.read_bytes()).hexdigest()}
    for r in results:
        x, y, w, h = r.box
        assert r.ok and r.whole_field and r.image_shape == (600, 800) and r.processed_at
        assert 0 <= x < x + w <= 800 and 0 <= y < y + h <= 600
        assert 0.0 <= r.probability <= 1.0 and r.class_map is not None
    inputs = np.stack([to_model_input(c.crop, classifier.input_size) for c in cells])
    raw = classifier.predict(inputs).probabilities  # the same crops, scored directly
    expected = standardize(raw, classifier.card.healthy_log_odds)
    assert not np.allclose(raw, expected, atol=1e-3), "the field's scores were standardized"
    assert np.allclose([r.probability for r in results], expected, atol=1e-5)


def test_a_field_of_many_cells_is_scored_a_batch_at_a_time(tmp_path, classifier, monkeypatch):
    """A 20-megapixel field's 2,000 cells were scored in one call, whose activations took
    gigabytes; standardizing still takes the whole field's scores together."""
    from tests.images import make_field

    field = write_rgb(tmp_path / "four fields.png", np.tile(make_field()[0], (2, 2, 1)))
    predict, sizes = classifier.predict, []
    monkeypatch.setattr(classifier, "predict", lambda cells: sizes.append(len(cells)) or
                        predict(cells))
    results = list(screen([field], classifier))
    assert len(results) > 2 * pipeline.BATCH_SIZE and max(sizes) == pipeline.BATCH_SIZE
    inputs = np.stack([to_model_input(c.crop, classifier.input_size)
                       for c in find_cells(read_image(field))])
    expected = standardize(predict(inputs).probabilities, classifier.card.healthy_log_odds)
    assert np.allclose([r.probability for r in results], expected, atol=1e-5)


def test_mixed_batch_keeps_order_and_every_file(tmp_path, field_png, classifier):
    cell_a = write_rgb(tmp_path / "a.png", make_cell(seed=1))
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"")
    glass = write_glass(tmp_path / "glass.png")
    cell_b = write_rgb(tmp_path / "b.png", make_cell(seed=2, parasitized=True))
    paths = [cell_a, field_png, broken, glass, cell_b]
    results = list(screen(paths, classifier, batch_size=16))
    assert [r.path.name for r in results] == (
        ["a.png"] + ["field.png"] * FIELD_CELLS + ["broken.png", "glass.png", "b.png"])
    single, unreadable, empty = results[0], *results[FIELD_CELLS + 1:FIELD_CELLS + 3]
    assert single.ok and single.box is None and not single.whole_field
    assert "empty" in unreadable.error and not unreadable.whole_field
    assert empty.error == NO_CELLS and empty.whole_field and empty.box is None
    assert sum(r.starts_file for r in results) == len(paths)


def test_mode_forces_cell_or_field(tmp_path, field_png, classifier):
    (whole,) = screen([field_png], classifier, mode="cell")
    assert whole.ok and whole.box is None and not whole.whole_field
    big_cell = write_rgb(tmp_path / "big.png", make_cell(size=400))  # as large as NIH cells get
    (cell,) = screen([big_cell], classifier)  # cut out on black: a cell, not a field
    assert cell.ok and not cell.whole_field
    assert all(r.whole_field for r in screen([big_cell], classifier, mode="field"))
    with pytest.raises(ValueError, match="mode"):
        list(screen([field_png], classifier, mode="fields"))


def test_stopping_early_leaves_further_fields_unread(tmp_path, field_png, classifier,
                                                    monkeypatch):
    paths = [shutil.copy(field_png, tmp_path / f"f{i}.png") for i in range(12)]
    loaded, load = [], pipeline._load
    monkeypatch.setattr(pipeline, "_load", lambda path, *a: loaded.append(path) or load(path, *a))
    stream = screen(paths, classifier, mode="field")
    next(stream)  # the first field's cells come as soon as that field is scored
    stream.close()
    assert len(loaded) <= 1 + FIELD_LOOKAHEAD


def test_report_has_cell_columns_and_summary_per_field(tmp_path, field_png, classifier):
    glass = write_glass(tmp_path / "glass.png")
    cell = write_rgb(tmp_path / "cell.png", make_cell(seed=4))
    results = list(screen([cell, field_png, glass], classifier))
    info = BatchFacts.of(classifier, sample_id="S-9", operator="Ana")
    rows = [report_row(r, info) for r in results]
    overridden = _other(rows[5]["call"])  # a review counts in the parasitemia
    rows[5] = report_row(results[5], info, ReviewDecision(
        5, "Ana", "2026-12-03T10:00:00+00:00", rows[5]["call"], overridden, overridden))
    out = write_report(tmp_path / "report.csv", rows, info)

    read = read_rows(out)
    assert tuple(read[0]) == COLUMNS and COLUMNS[15:20] == CELL_COLUMNS
    rule = classifier.rule  # field cells are called at the stricter field threshold
    assert read[0]["threshold"] == f"{rule.threshold:.4f}"
    assert {r["threshold"] for r in read[1:FIELD_CELLS + 1]} == {f"{rule.field_threshold:.4f}"}
    for row, result in zip(read[1:FIELD_CELLS + 1], results[1:FIELD_CELLS + 1], strict=True):
        p = result.probability
        assert row["call"] == ("parasitized" if p >= rule.field_threshold else "uninfected")
        assert row["uncertain"] == str(rule.field_band[0] <= p < rule.field_band[1]).lower()
    assert all(read[0][c] == "" for c in CELL_COLUMNS)
    cells = [r for r in read if r["image_path"] == str(field_png)]
    assert [int(r["cell_index"]) for r in cells] == list(range(1, FIELD_CELLS + 1))
    assert [tuple(int(r[c]) for c in CELL_COLUMNS[1:]) for r in cells] == [
        r.box for r in results[1:FIELD_CELLS + 1]]
    assert read[5]["review"] == "overridden" and read[5]["final_call"] == overridden
    assert (read[-1]["status"], read[-1]["error"], read[-1]["cell_index"]) == (
        "no_cells", NO_CELLS, "")

    batch, fields = read_summary(summary_path(out))
    parasitized = sum(r["final_call"] == "parasitized" for r in cells)
    field = fields[str(field_png)]
    assert (field["cells"], field["parasitized"], field["reviewed"]) == (
        str(FIELD_CELLS), str(parasitized), "1")
    assert int(field["uninfected"]) == FIELD_CELLS - parasitized
    assert float(field["percent_parasitized"]) == pytest.approx(
        100 * parasitized / FIELD_CELLS, abs=0.01)
    # no cell called: no parasitemia, not a 0 that reads as a smear found clean
    assert (fields[str(glass)]["cells"], fields[str(glass)]["percent_parasitized"]) == ("0", "")
    assert (batch["images"], batch["fields"], batch["classified"], batch["errors"]) == (
        "3", "2", str(FIELD_CELLS + 1), "1")
    everyone = parasitized + (read[0]["final_call"] == "parasitized")
    assert float(batch["percent_parasitized"]) == pytest.approx(
        100 * everyone / (FIELD_CELLS + 1), abs=0.01)


def test_summary_of_single_cells_has_no_field_table(tmp_path, classifier):
    cell = write_rgb(tmp_path / "cell.png", make_cell(seed=4))
    info = BatchFacts.of(classifier)
    out = write_report(tmp_path / "r.csv", [report_row(r, info)
                                            for r in screen([cell], classifier)], info)
    batch, fields = read_summary(summary_path(out))
    assert fields == {} and batch["fields"] == "0" and batch["images"] == "1"


def test_real_field_rows_are_the_cells_found(classifier):
    """Integration only: how well cells are found is scored in ``test_fields.py``."""
    if not REAL_FIELD.is_file():
        pytest.skip(f"real field not found at {REAL_FIELD} (../shared/data beside the project)")
    cells = find_cells(read_image(REAL_FIELD))
    results = list(screen([REAL_FIELD], classifier))
    assert [r.box for r in results] == [c.box for c in cells] and len(cells) > 50
    assert {r.sha256 for r in results} == {hashlib.sha256(REAL_FIELD.read_bytes()).hexdigest()}


def test_a_blank_frame_the_size_of_a_field_is_blank_not_a_field_without_cells(tmp_path,
                                                                              classifier):
    from malariascope.core.screenable import BLANK

    lens_cap = write_rgb(tmp_path / "cap.png", np.full((960, 1280, 3), 12, np.uint8))
    for mode in ("auto", "field"):
        (result,) = screen([lens_cap], classifier, mode=mode)
        assert result.error == BLANK and not result.whole_field
