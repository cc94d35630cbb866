"""The command line as a user runs it: the entry point, exit codes, usage errors, evaluate.

Commands run in this process through ``main([...])``; a child process only where the process
itself is under test: the entry point, its --help imports, and modules missing from an install.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.command_line import cli, run_without
from tests.images import make_cell_folder, write_broken_files
from tests.reports import read_rows, read_summary


def test_version_and_help_answer_from_the_entry_point():
    for args, words in ((["--version"], "malariascope "), (["--help"], "classify")):
        done = subprocess.run([sys.executable, "-m", "malariascope", *args],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and words in done.stdout


def test_every_help_imports_no_heavy_library():
    """The parser and each command's --help: no NumPy, OpenCV, ONNX Runtime, tqdm or Qt."""
    code = """
import contextlib, io, sys
from malariascope.cli import COMMANDS, main
for command in [[], *([name] for name in COMMANDS)]:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        main([*command, "--help"])
heavy = {"numpy", "cv2", "onnxruntime", "tqdm", "PySide6", "sklearn", "scipy", "tensorflow"}
print(sorted(heavy & {name.partition(".")[0] for name in sys.modules}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout == "[]\n", done.stderr


def test_classify_all_good_exits_0_with_gradcam(tmp_path, capsys):
    make_cell_folder(tmp_path / "cells", 5)
    out = tmp_path / "report.csv"
    result = cli(capsys, "classify", tmp_path / "cells", "--csv", out, "--gradcam",
                 tmp_path / "cam", "--sample-id", "S1", "--operator", "AB")
    assert result.code == 0, result.err
    rows = read_rows(out)
    assert len(rows) == 5 and {r["status"] for r in rows} == {"ok"}
    assert {(r["sample_id"], r["batch_complete"]) for r in rows} == {("S1", "true")}
    batch, _ = read_summary(tmp_path / "report_summary.csv")
    assert (batch["complete"], batch["images_not_screened"]) == ("true", "0")
    assert len(list((tmp_path / "cam").glob("*_gradcam.png"))) == 5
    assert (tmp_path / "report_summary.csv").is_file()


def test_broken_files_give_error_rows_exit_1_and_one_line_each(tmp_path, capsys):
    make_cell_folder(tmp_path / "cells", 3)
    reasons = write_broken_files(tmp_path / "cells")
    out = tmp_path / "report.csv"
    result = cli(capsys, "classify", tmp_path / "cells", "--csv", out, "--threshold", "0.3")
    assert result.code == 1
    rows = read_rows(out)
    assert len(rows) == 3 + len(reasons)
    errors = {Path(r["image_path"]).name: r["error"] for r in rows if r["status"] == "error"}
    assert set(errors) == set(reasons)
    for name in reasons:
        assert sum(name in line for line in result.err.splitlines()) == 1
    assert {r["threshold"] for r in rows} == {"0.3000"}


def test_nothing_readable_exits_2(tmp_path, capsys):
    write_broken_files(tmp_path / "bad")
    assert cli(capsys, "classify", tmp_path / "bad", "--csv", tmp_path / "r.csv").code == 2


def test_existing_report_is_kept_and_exit_2(tmp_path, capsys):
    make_cell_folder(tmp_path / "cells", 2)
    out = tmp_path / "report.csv"
    out.write_text("keep me", encoding="utf-8")
    result = cli(capsys, "classify", tmp_path / "cells", "--csv", out, "--gradcam",
                 tmp_path / "cam")
    assert result.code == 2
    assert result.err == (f"malariascope: error: {out} exists; choose another name or pass "
                          "--overwrite\n")
    assert not (tmp_path / "cam").exists(), "refused before anything was made"
    assert out.read_text(encoding="utf-8") == "keep me"
    assert cli(capsys, "classify", tmp_path / "cells", "--csv", out, "--overwrite").code == 0


def test_a_folder_as_report_is_refused_before_screening(tmp_path, capsys):
    make_cell_folder(tmp_path / "cells", 2)
    folder = tmp_path / "reports"
    folder.mkdir()
    result = cli(capsys, "classify", tmp_path / "cells", "--csv", folder, "--overwrite",
                 "--gradcam", tmp_path / "cam")
    assert result.code == 2
    assert result.err == f"malariascope: error: {folder} is a folder: name a file for the report\n"
    assert not list(tmp_path.glob("cam/*")) and not list(folder.iterdir())  # nothing screened


def test_usage_errors_exit_2(tmp_path, capsys):
    assert cli(capsys, "classify", tmp_path).code == 2  # no --csv
    bad = cli(capsys, "classify", tmp_path, "--csv", tmp_path / "r.csv", "--threshold", "7")
    assert bad.code == 2 and "--threshold: must be a number between 0 and 1" in bad.err
    fields = cli(capsys, "evaluate-fields", tmp_path, "--annotations", tmp_path / "a.json",
                 "--threshold", "5")
    assert fields.code == 2
    assert "--threshold: must be a number between 0 and 1, got '5'" in fields.err
    for bad in ("0", "-5", "nan", "inf", "big"):
        fields = cli(capsys, "evaluate-fields", tmp_path, "--annotations", tmp_path / "a.json",
                     "--cell-radius", bad)
        assert fields.code == 2, bad
        assert f"--cell-radius: must be a number from 8 to 200, got '{bad}'" in fields.err


def test_evaluate_fields_says_why_when_no_field_is_left(tmp_path, capsys):
    """Every annotated field absent or unreadable: each one's reason is told before the
    error, not only 'no annotated field could be evaluated'."""
    (tmp_path / "z.jpg").write_bytes(b"")
    entries = [{"image_name": name, "objects": []} for name in ("gone.jpg", "z.jpg")]
    (tmp_path / "a.json").write_text(json.dumps(entries), encoding="utf-8")
    result = cli(capsys, "evaluate-fields", tmp_path, "--annotations", tmp_path / "a.json")
    assert result.code == 2
    assert result.err.splitlines() == [
        "gone.jpg: annotated but not in the folder",
        "z.jpg: empty file (0 bytes)",
        "malariascope: error: no annotated field could be evaluated",
    ]


def test_evaluate_fields_refuses_a_json_it_would_replace_before_any_work(tmp_path, capsys):
    """An existing --json is kept unless --overwrite, the annotations themselves always; a
    folder that does not exist is told at once, not after every field is evaluated."""
    annotations = tmp_path / "a.json"
    annotations.write_text("[]", encoding="utf-8")
    old = tmp_path / "figures.json"
    old.write_text("keep me", encoding="utf-8")
    missing = tmp_path / "no"
    refused = {
        old: f"malariascope: error: {old} exists; choose another name or pass --overwrite\n",
        missing / "f.json": f"malariascope: error: folder does not exist: {missing}\n",
        tmp_path: f"malariascope: error: {tmp_path} is a folder: name a file for the figures\n",
        # a file where the folder should be was "a folder that does not exist"
        annotations / "f.json": f"malariascope: error: not a folder: {annotations}\n",
    }
    for target, message in refused.items():
        result = cli(capsys, "evaluate-fields", tmp_path, "--annotations", annotations,
                     "--json", target)
        assert (result.code, result.err) == (2, message)
    result = cli(capsys, "evaluate-fields", tmp_path, "--annotations", annotations,
                 "--json", annotations, "--overwrite")
    assert result.code == 2 and "is an input file" in result.err
    assert annotations.read_text(encoding="utf-8") == "[]"
    assert old.read_text(encoding="utf-8") == "keep me"


def test_evaluate_keeps_an_existing_json_and_says_so_before_screening(tmp_path, capsys):
    old = tmp_path / "metrics.json"
    old.write_text("keep me", encoding="utf-8")
    result = cli(capsys, "evaluate", tmp_path / "no such folder", "--json", old)
    assert result.code == 2
    assert result.err == (
        f"malariascope: error: {old} exists; choose another name or pass --overwrite\n")
    assert old.read_text(encoding="utf-8") == "keep me"


def test_evaluate_of_a_folder_that_does_not_exist_says_so(tmp_path, capsys):
    """It said "no 'parasitized' folder (any letter case) in ...", as if the folder were
    there with the class folders missing."""
    missing = tmp_path / "no such folder"
    result = cli(capsys, "evaluate", missing)
    assert (result.code, result.err) == (2, f"malariascope: error: folder does not exist: "
                                            f"{missing}\n")


@pytest.mark.parametrize("target", ["gone", "loop"])
def test_evaluate_of_a_link_that_leads_nowhere_says_it_is_a_link(tmp_path, capsys, target):
    """A link to a moved folder, or a loop of links, was told "folder does not exist", though
    the name is there to see in the folder."""
    link = tmp_path / "loop"
    link.symlink_to(tmp_path / target)
    result = cli(capsys, "evaluate", link)
    assert (result.code, result.err) == (
        2, f"malariascope: error: folder does not exist: {link} is a symbolic link to "
           f"{tmp_path / target}, which leads nowhere (missing, or a loop of links)\n")


def test_evaluate_prints_and_writes_the_figures(tmp_path, capsys):
    make_cell_folder(tmp_path / "data" / "parasitized", 4)
    make_cell_folder(tmp_path / "data" / "uninfected", 4)
    (tmp_path / "data" / "uninfected" / "broken.png").write_bytes(b"")
    result = cli(capsys, "evaluate", tmp_path / "data", "--json", tmp_path / "m.json")
    assert result.code == 1, result.err  # the broken file
    figures = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert list(figures) == ["accuracy", "sensitivity", "specificity", "precision", "f1", "auc",
                             "ece", "n", "threshold", "confusion", "unreadable", "model",
                             "model_sha256"]
    assert (figures["n"], figures["unreadable"]) == (8, 1)
    assert (f"cells        8 (without a call: 1 unreadable)\n"
            f"accuracy     {figures['accuracy']:.4f}") in result.out


def test_a_missing_module_is_named_and_train_suggested_only_for_training(tmp_path):
    (cell,) = make_cell_folder(tmp_path, 1)
    result = run_without("tqdm", "classify", cell, "--csv", tmp_path / "r.csv")
    assert result.returncode == 2
    assert result.stderr.startswith("malariascope: error: 'classify' needs the module 'tqdm'")
    assert "[train]" not in result.stderr and result.stderr.count("\n") == 1
    result = run_without("keras", "train", tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("malariascope: error: 'train' needs the module 'keras'")
    assert "pip install 'malariascope[train]'" in result.stderr
