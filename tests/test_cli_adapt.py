"""``malariascope adapt``: a lab's cells in, a model folder out that ``--model`` takes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from malariascope.core.classifier import Classifier
from malariascope.core.datadir import DATA_DIR_ENV
from malariascope.core.modelfiles import bundled_dir
from malariascope.core.pipeline import screen
from tests.command_line import cli, opened_by
from tests.conftest import SHARED_DATA
from tests.core.test_adapt_blend import hand_adapted
from tests.core.test_adapt_model import write_lab
from tests.core.test_adapt_sources import reviewed_report
from tests.images import make_cell_folder
from tests.registered import register_lab
from tests.reports import read_rows

FIELDS = SHARED_DATA / "fields"


def test_adapt_writes_a_model_that_classify_takes(tmp_path, capsys):
    cells = write_lab(tmp_path / "cells")
    broken = next((cells / "uninfected").rglob("*.png")).with_name("broken.png")
    broken.write_bytes(b"")  # left out, and said so: only the card counted it
    result = cli(capsys, "adapt", cells, "--out", tmp_path / "lab")
    assert result.code == 0, result.err
    assert (f"malariascope: warning: {cells.resolve()}: 1 image or cell skipped (the first: "
            "broken.png: empty file (0 bytes))") in result.err
    broken.unlink()
    assert "Before  Adapted" in result.out and "(specificity)" in result.out
    assert sorted(p.name for p in (tmp_path / "lab").iterdir()) == ["README.md",
                                                                    "model-card.json"]
    again = cli(capsys, "adapt", cells, "--out", tmp_path / "lab")
    assert again.code == 2 and "pass --overwrite" in again.err
    report = tmp_path / "report.csv"
    screened = cli(capsys, "classify", cells / "uninfected", "--model", tmp_path / "lab",
                   "--csv", report)
    assert screened.code == 0, screened.err
    assert all("adapted" in row["model"] for row in read_rows(report))


def test_a_run_on_an_adapted_model_reads_its_base_file_once(tmp_path):
    """The base ONNX file of an adapted --model was read and hashed to find it among its
    places, then read and hashed again to run it, and once more to name it among the files
    no output may replace: three reads of the network at the start of each classify."""
    model = hand_adapted(tmp_path / "lab")
    cells = make_cell_folder(tmp_path / "cells", 2)
    code, opened = opened_by(".onnx", "classify", *cells, "--model", model,
                             "--csv", tmp_path / "r.csv")
    assert (code, opened) == (0, [str(bundled_dir().resolve() / "malariascope-cnn.onnx")])


def test_too_few_cells_are_one_line_and_no_folder(tmp_path, capsys):
    cells = write_lab(tmp_path / "cells")
    for extra in sorted((cells / "parasitized").rglob("*.png"))[20:]:
        extra.unlink()
    result = cli(capsys, "adapt", cells, "--out", tmp_path / "lab")
    assert result.code == 2
    assert result.err.count("\n") == 1 and "at least 25 of each class" in result.err
    assert not (tmp_path / "lab").exists()


def test_a_report_with_no_reviewed_row_is_refused_by_name_before_any_work(tmp_path, capsys):
    """A report as `classify` writes it, with no review, was read as a source of no cell and
    named nowhere: the one line was "0 uninfected cells labelled (0 parasitized, 0
    uninfected)", as if its cells had not been found."""
    cells = write_lab(tmp_path / "cells")
    report = tmp_path / "report.csv"
    assert cli(capsys, "classify", cells, "--csv", report).code == 0
    result = cli(capsys, "adapt", report, "--out", tmp_path / "lab")
    assert (result.code, result.err) == (
        2, f"malariascope: error: {report} has no reviewed row (none confirmed or "
           "overridden): review its cells in the window first, or leave it out\n")
    assert not (tmp_path / "lab").exists()


@pytest.mark.parametrize("source", ["class folders", "cases"])
def test_annotations_with_no_fields_folder_to_annotate_are_refused(tmp_path, capsys,
                                                                   monkeypatch, source):
    """--annotations beside only class folders (or only --case) was read by no source and
    said nothing: the adaptation ran, exit 0, as if the fields it names were not meant."""
    cells = write_lab(tmp_path / "cells")
    given = [cells]
    if source == "cases":
        monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
        given = [arg for case in register_lab(tmp_path / "data", cells)
                 for arg in ("--case", case.uid)]
    annotations = tmp_path / "annotations.json"
    annotations.write_text("[]", encoding="utf-8")
    result = cli(capsys, "adapt", *given, "--annotations", annotations, "--out", tmp_path / "lab")
    assert (result.code, result.out) == (2, "")
    assert result.err == (f"malariascope: error: --annotations {annotations} annotates a "
                          "SOURCE folder of whole fields, and no SOURCE is one: give that "
                          "folder or leave --annotations out\n")
    assert not (tmp_path / "lab").exists()


def test_the_base_models_folder_is_refused_before_any_work(tmp_path, capsys):
    base = shutil.copytree(bundled_dir(), tmp_path / "base")
    result = cli(capsys, "adapt", tmp_path / "nothing-here", "--base", base, "--out", base)
    assert result.code == 2 and "never over it" in result.err


def test_a_folder_inside_a_models_folder_is_refused_before_any_work(tmp_path, capsys):
    """A model written into the bundled models folder (or the base's own) is lost with the
    next install and read there as part of it: it goes beside them, never in them."""
    base = shutil.copytree(bundled_dir(), tmp_path / "base")
    for out, models in ((bundled_dir() / "lab", bundled_dir()), (base / "lab" / "v2", base)):
        result = cli(capsys, "adapt", tmp_path / "nothing-here", "--base", base, "--out", out)
        assert (result.code, result.err) == (
            2, f"malariascope: error: {out} is inside the models folder {models}; an adapted "
               "model is written beside it, never in it\n")
        assert not out.exists()


def test_a_folder_among_the_sources_is_refused_before_any_work(tmp_path, capsys):
    """`adapt cells --out cells` wrote the model into the lab's class folders (and a report's
    folder got the model beside the report), as the base's folder never is."""
    cells = write_lab(tmp_path / "cells")
    report = tmp_path / "reviewed" / "report.csv"
    report.parent.mkdir()
    report.write_text("path\n")  # refused before it is read
    for out, where, source in ((cells, "the source folder", cells),
                               (cells / "parasitized" / "lab", "inside the source folder", cells),
                               (report.parent, "the folder of the source", report)):
        result = cli(capsys, "adapt", cells, report, "--out", out)
        assert (result.code, result.err) == (
            2, f"malariascope: error: {out} is {where} {source}; an adapted model is written "
               "beside the lab's cells, never among them\n")
        assert sorted(p.name for p in report.parent.iterdir()) == ["report.csv"]
        assert not (cells / "model-card.json").exists() and not (cells / "parasitized" /
                                                                 "lab").exists()
    beside = cli(capsys, "adapt", report, "--out", report.parent / "lab")  # below a report's
    assert "among them" not in beside.err                                # folder is allowed


def test_the_folder_of_a_reports_images_is_refused_once_the_report_is_read(tmp_path, capsys):
    """`adapt report.csv --out <a folder of its reviewed images>` adapted and wrote the model
    among those images: the report's own folder was refused, but its images are known only
    once it is read. The refusal comes before any fitting."""
    cells = write_lab(tmp_path / "batch")
    images = sorted(cells.rglob("*.png"))
    classifier = Classifier.open()
    (tmp_path / "reviewed").mkdir()
    report = reviewed_report(tmp_path / "reviewed" / "report.csv",
                             list(screen(images, classifier)), classifier,
                             {i: image.parent.parent.name for i, image in enumerate(images)},
                             sample_id="")
    out = cells / "parasitized" / "S1"
    kept = sorted(out.iterdir())
    result = cli(capsys, "adapt", report, "--out", out)
    assert (result.code, result.err) == (
        2, f"malariascope: error: {out} holds 0.png, an image of the report {report}; an "
           "adapted model is written beside the lab's cells, never among them\n")
    assert sorted(out.iterdir()) == kept


def test_overwrite_replaces_an_adapted_model_only(tmp_path, capsys):
    """--overwrite replaced whatever bore the model's names: a lab's own README.md beside
    its notes, or the card of another (trained) model folder."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "README.md").write_text("the lab's own notes")
    other = shutil.copytree(bundled_dir(), tmp_path / "other-model")
    for out, names in ((notes, "README.md"), (other, "model-card.json, README.md")):
        kept = {path.name: path.read_bytes() for path in out.iterdir()}
        result = cli(capsys, "adapt", tmp_path / "nothing-here", "--out", out, "--overwrite")
        assert (result.code, result.err) == (
            2, f"malariascope: error: {out} holds {names} of something other than an adapted "
               "model, which is never replaced: choose another folder\n")
        assert {path.name: path.read_bytes() for path in out.iterdir()} == kept


def test_an_out_that_is_a_file_is_refused_before_any_work(tmp_path, capsys):
    """It was refused only once every cell was read and ten folds measured (1.5 min)."""
    (tmp_path / "afile").write_text("the lab's own file")
    result = cli(capsys, "adapt", tmp_path / "nothing-here", "--out", tmp_path / "afile")
    assert (result.code, result.err) == (
        2, f"malariascope: error: {tmp_path / 'afile'} is a file: name a folder for the "
           "adapted model\n")
    assert (tmp_path / "afile").read_text() == "the lab's own file"


@pytest.mark.parametrize("below", [(), ("new", "lab")])
def test_an_out_on_a_read_only_disk_is_refused_before_any_work(tmp_path, capsys, below):
    """A read-only place (a mount, a share) was found only when the model was written, once
    every cell was read and the folds measured, where train and split tell it at once."""
    from tests.faults import read_only

    (tmp_path / "shared").mkdir()
    out = tmp_path.joinpath("shared", "adapted", *below)
    with read_only(tmp_path / "shared" / "adapted"):
        result = cli(capsys, "adapt", tmp_path / "nothing-here", "--out", out)
    assert result.code == 2 and result.out == ""
    assert f"cannot write the adapted model to {out}: " in result.err
    assert "read-only" in result.err
    assert list((tmp_path / "shared").iterdir()) == []


def misfit_fields(fields: Path) -> Path:
    """Three real shared fields in ``fields``, their annotations drawn at three times their
    size: every box lies outside its field."""
    fields.mkdir()
    names = ("PA171693.JPG", "PA171702.JPG", "PA171703.JPG")
    for name in names:
        shutil.copy(FIELDS / name, fields / name)
    annotations = json.loads((FIELDS / "annotations.json").read_text(encoding="utf-8-sig"))
    kept = [entry for entry in annotations if entry["image_name"] in names]
    for box in (cell["bbox"] for entry in kept for cell in entry["objects"]):
        box.update({key: str(3 * int(box[key])) for key in "xywh"})
    (fields / "annotations.json").write_text(json.dumps(kept), encoding="utf-8")
    return fields


@pytest.mark.skipif(not FIELDS.is_dir(), reason=f"shared fields not found at {FIELDS}")
def test_fields_left_out_for_their_annotations_say_so_not_unreadable(tmp_path, capsys):
    """Annotations drawn at three times the fields' size left every field out, and the
    warning blamed unreadable images or cells not found again."""
    fields = misfit_fields(tmp_path / "fields")
    result = cli(capsys, "adapt", fields, "--out", tmp_path / "lab")
    warning, error = result.err.splitlines()
    assert warning.startswith(f"malariascope: warning: {fields.resolve()}: 3 images or cells "
                              "skipped (the first: PA171693.JPG: annotated box ")
    assert warning.endswith("lies outside the 1280x960 image: are these its annotations?)")
    assert result.code == 2 and "0 uninfected cells labelled" in error
