"""``evaluate`` on real labelled cells: what it counts and how it writes what is undefined."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.command_line import cli
from tests.conftest import SHARED_DATA

FIELD = SHARED_DATA / "fields" / "PA171693.JPG"


def _labelled(tmp_path, real_cells, per_class: int) -> None:
    for label, cells in real_cells.items():
        (tmp_path / "data" / label).mkdir(parents=True)
        for cell in cells[:per_class]:
            shutil.copy(cell, tmp_path / "data" / label)


def test_evaluate_screens_a_whole_field_in_a_class_folder_as_one_cell(
        tmp_path, capsys, real_cells):
    """Screened as a field, one image gave many rows and the labels fell out of step: an
    IndexError traceback."""
    if not FIELD.is_file():
        pytest.skip(f"real fields not found at {FIELD.parent}")
    _labelled(tmp_path, real_cells, 3)
    shutil.copy(FIELD, tmp_path / "data" / "parasitized")
    result = cli(capsys, "evaluate", tmp_path / "data", "--json", tmp_path / "m.json")
    assert result.code == 0, result.err
    figures = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    (tn, fp), (fn, tp) = figures["confusion"]
    assert (figures["n"], figures["unreadable"]) == (7, 0)
    assert (tn + fp, fn + tp) == (3, 4)


def _strict_json(path) -> dict:
    """The file read as strict JSON: a bare NaN or Infinity fails the test."""
    def refuse(word: str) -> None:
        pytest.fail(f"{path} holds {word}, which is not JSON")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


def test_evaluate_writes_undefined_rates_as_null_and_prints_n_a(tmp_path, capsys, real_cells):
    """With no uninfected cell screened, specificity was printed and written as 0 and the AUC
    as the invalid JSON NaN."""
    _labelled(tmp_path, {"parasitized": real_cells["parasitized"]}, 3)
    (tmp_path / "data" / "uninfected").mkdir()
    (tmp_path / "data" / "uninfected" / "broken.png").write_bytes(b"")
    result = cli(capsys, "evaluate", tmp_path / "data", "--json", tmp_path / "m.json")
    assert result.code == 1, result.err  # the broken file
    figures = _strict_json(tmp_path / "m.json")
    assert (figures["specificity"], figures["auc"]) == (None, None)
    assert (figures["n"], figures["unreadable"]) == (3, 1)
    assert 0 <= figures["sensitivity"] <= 1
    assert "specificity n/a" in result.out and "ROC AUC      n/a" in result.out


def test_evaluate_fields_writes_undefined_rates_as_null_and_prints_n_a(tmp_path, capsys):
    """A field whose only annotated cells are parasitized: specificity was 0.0000."""
    annotations = SHARED_DATA / "fields" / "annotations.json"
    if not annotations.is_file():
        pytest.skip(f"real fields not found at {annotations.parent}")
    (field,) = [e for e in json.loads(annotations.read_text(encoding="utf-8"))
                if e["image_name"] == "PA171705.JPG"]
    field["objects"] = [o for o in field["objects"] if o["type"] != "red blood cell"]
    mine = tmp_path / "parasites.json"
    mine.write_text(json.dumps([field]), encoding="utf-8")
    result = cli(capsys, "evaluate-fields", annotations.parent, "--annotations", mine,
                 "--json", tmp_path / "f.json")
    assert result.code == 0, result.err
    figures = _strict_json(tmp_path / "f.json")
    assert (figures["specificity"], figures["auc"], figures["balanced_accuracy"]) == (
        None, None, None)
    assert "specificity n/a" in result.out and "balanced accuracy n/a" in result.out


def _real_field(name: str) -> dict:
    """The real annotations of the field ``name``; the test is skipped without the data."""
    annotations = SHARED_DATA / "fields" / "annotations.json"
    if not annotations.is_file():
        pytest.skip(f"real fields not found at {annotations.parent}")
    (real,) = [e for e in json.loads(annotations.read_text(encoding="utf-8"))
               if e["image_name"] == name]
    return real


def _one_field(tmp_path, name: str, entries: list) -> object:
    """An annotation file of ``entries``; PA171742.JPG's real annotations as ``name``."""
    mine = tmp_path / "a.json"
    mine.write_text(json.dumps([{**_real_field("PA171742.JPG"), "image_name": name}, *entries]),
                    encoding="utf-8")
    return mine


def test_evaluate_fields_refuses_annotations_nested_too_deep(tmp_path, capsys):
    """A list nested 100,000 deep gave a RecursionError traceback."""
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = cli(capsys, "evaluate-fields", tmp_path, "--annotations", deep)
    assert result.code == 2 and result.err.count("\n") == 1
    assert "not valid annotation JSON: nested too deep" in result.err


def test_evaluate_fields_refuses_a_field_named_twice_in_other_letter_case(tmp_path, capsys):
    """PA171742.JPG and pa171742.jpg both matched the one file, which was scored twice."""
    twice = _one_field(tmp_path, "PA171742.JPG", [{"image_name": "pa171742.jpg",
                                                   "objects": []}])
    result = cli(capsys, "evaluate-fields", SHARED_DATA / "fields", "--annotations", twice)
    assert result.code == 2 and result.err.count("\n") == 1
    assert "field 1: pa171742.jpg is annotated twice (as PA171742.JPG before)" in result.err


@pytest.mark.parametrize("box", [{"x": "10", "y": "10", "w": "1e18", "h": "50"},
                                 {"x": "-1e18", "y": "10", "w": "2e18", "h": "50"}])
def test_evaluate_fields_refuses_a_box_far_past_its_image(tmp_path, capsys, box):
    """Boxes of 1e18 pixels were taken and vanished from the figures without a word."""
    absurd = _one_field(tmp_path, "PA171742.JPG", [])
    entries = json.loads(absurd.read_text(encoding="utf-8"))
    entries[0]["objects"].append({"type": "ring", "bbox": box})
    absurd.write_text(json.dumps(entries), encoding="utf-8")
    result = cli(capsys, "evaluate-fields", SHARED_DATA / "fields", "--annotations", absurd)
    assert result.code == 2
    assert "PA171742.JPG: annotated box" in result.err and "lies outside the" in result.err


def test_evaluate_fields_counts_a_pipe_and_broken_links_annotated_as_unreadable(tmp_path,
                                                                               capsys):
    """A FIFO, a dangling link and a link loop annotated as fields were told "annotated but
    not in the folder", though the folder held them."""
    import os

    annotations = _one_field(tmp_path, "PA171742.JPG", [])
    real = json.loads(annotations.read_text(encoding="utf-8"))[0]
    odd = ["pipe.jpg", "moved.jpg", "loop.jpg"]
    annotations.write_text(json.dumps([real, *({**real, "image_name": name} for name in odd)]),
                           encoding="utf-8")
    fields = tmp_path / "fields"
    fields.mkdir()
    (fields / "PA171742.JPG").symlink_to(SHARED_DATA / "fields" / "PA171742.JPG")
    os.mkfifo(fields / "pipe.jpg")
    (fields / "moved.jpg").symlink_to(tmp_path / "gone.jpg")
    (fields / "loop.jpg").symlink_to(fields / "loop.jpg")
    result = cli(capsys, "evaluate-fields", fields, "--annotations", annotations,
                 "--json", tmp_path / "f.json")
    assert result.code == 1, result.err
    assert "not in the folder" not in result.err
    figures = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    assert figures["fields"] == 1 and figures["absent"] == []
    assert sorted(entry["image"] for entry in figures["unreadable"]) == sorted(odd)
    assert "pipe.jpg: a pipe (FIFO)" in result.err
    assert "moved.jpg: cannot open file" in result.err and "loop.jpg: cannot open" in result.err


def test_evaluate_fields_leaves_out_a_field_with_no_cell_annotated_and_names_it(tmp_path,
                                                                                capsys):
    """A field annotated `"objects": []` was scored: every cell found in it a false
    detection, its parasitemia against an annotated 0 %."""
    annotations = _one_field(tmp_path, "PA171742.JPG", [
        {"image_name": "PA171693.JPG", "objects": []}, {"image_name": "PA171702.JPG"}])
    result = cli(capsys, "evaluate-fields", SHARED_DATA / "fields", "--annotations",
                 annotations, "--json", tmp_path / "f.json")
    assert result.code == 0, result.err
    assert result.err.splitlines() == [
        "PA171693.JPG: no cell annotated, left out of the figures",
        "PA171702.JPG: no cell annotated, left out of the figures"]
    figures = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    assert [row["image"] for row in figures["per_field"]] == ["PA171742.JPG"]
    assert figures["not_annotated"] == ["PA171693.JPG", "PA171702.JPG"]
    assert (figures["fields"], figures["unreadable"], figures["absent"]) == (1, [], [])


def _at_border(obj: dict) -> bool:
    """True for an annotated object cut by a real field's border, as cell finding ignores it."""
    from malariascope.core.fields.mask import FieldParams
    from malariascope.core.fields.scoring import cut_by_border

    box = tuple(int(obj["bbox"][key]) for key in ("x", "y", "w", "h"))
    return cut_by_border(box, (960, 1280), FieldParams().margin_px)


@pytest.mark.parametrize("kept, key, why", [
    (lambda obj: False, "only_difficult", "every annotated cell is marked difficult"),
    (_at_border, "only_at_border",
     "every annotated cell not marked difficult is cut by the image border"),
], ids=["all difficult", "the rest at the border"])
def test_evaluate_fields_leaves_out_a_field_with_no_cell_to_score_and_names_it(
        tmp_path, capsys, kept, key, why):
    """A field whose every box was typed `difficult`, or whose other boxes all reached the
    image border (ignored by cell finding's rule), was scored with 0 annotated cells: its
    annotated parasitemia an empty 0 %, every cell found in it a false detection."""
    objects = _real_field("PA171693.JPG")["objects"]
    boxes = [obj if kept(obj) else {**obj, "type": "difficult"} for obj in objects]
    mine = _one_field(tmp_path, "PA171742.JPG", [{"image_name": "PA171693.JPG",
                                                  "objects": boxes}])
    result = cli(capsys, "evaluate-fields", SHARED_DATA / "fields", "--annotations", mine,
                 "--json", tmp_path / "f.json")
    assert result.code == 0, result.err
    assert result.err.splitlines() == [f"PA171693.JPG: {why}, left out of the figures"]
    figures = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    assert [row["image"] for row in figures["per_field"]] == ["PA171742.JPG"]
    left_out = {name: figures[name] for name in ("not_annotated", "only_difficult",
                                                 "only_at_border")}
    assert left_out == {**dict.fromkeys(left_out, []), key: ["PA171693.JPG"]}
    assert (figures["fields"], figures["unreadable"], figures["absent"]) == (1, [], [])


def test_a_link_to_a_folder_annotated_as_a_field_is_not_in_the_folder(tmp_path):
    """A field's name linking to a folder was taken as a field present (a file to read), as
    no batch takes it: it is as absent as the batch search has it."""
    from malariascope.core.fields.annotations import AnnotatedCell, annotated_images

    fields = tmp_path / "fields"
    (tmp_path / "elsewhere").mkdir()
    fields.mkdir()
    (fields / "PA1.JPG").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    cell = AnnotatedCell((0, 0, 10, 10), "red blood cell")
    assert annotated_images(fields, {"PA1.JPG": [cell]}) == ([], ["PA1.JPG"])
