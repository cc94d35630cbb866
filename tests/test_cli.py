"""The command line, run as a user runs it: a subprocess, exit codes, stderr, files."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.images import make_cell_folder, write_broken_files, write_field, write_rgb
from tests.reports import read_summary


def run_cli(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "malariascope", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_version_and_help_are_instant_and_clean():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("malariascope ")
    assert "classify" in run_cli("--help").stdout


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


def test_classify_all_good_exits_0_with_gradcam(tmp_path):
    make_cell_folder(tmp_path / "cells", 5)
    out = tmp_path / "report.csv"
    result = run_cli(
        "classify",
        tmp_path / "cells",
        "--csv",
        out,
        "--gradcam",
        tmp_path / "cam",
        "--sample-id",
        "S1",
        "--operator",
        "AB",
    )
    assert result.returncode == 0, result.stderr
    rows = read_rows(out)
    assert len(rows) == 5 and {r["status"] for r in rows} == {"ok"}
    assert {r["sample_id"] for r in rows} == {"S1"}
    assert len(list((tmp_path / "cam").glob("*_gradcam.png"))) == 5
    assert (tmp_path / "report_summary.csv").is_file()


def test_broken_files_give_error_rows_exit_1_and_one_line_each(tmp_path):
    make_cell_folder(tmp_path / "cells", 3)
    reasons = write_broken_files(tmp_path / "cells")
    out = tmp_path / "report.csv"
    result = run_cli("classify", tmp_path / "cells", "--csv", out, "--threshold", "0.3")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    rows = read_rows(out)
    assert len(rows) == 3 + len(reasons)
    errors = {Path(r["image_path"]).name: r["error"] for r in rows if r["status"] == "error"}
    assert set(errors) == set(reasons)
    for name in reasons:
        assert sum(name in line for line in result.stderr.splitlines()) == 1
    assert {r["threshold"] for r in rows} == {"0.3000"}


def test_nothing_readable_exits_2(tmp_path):
    write_broken_files(tmp_path / "bad")
    result = run_cli("classify", tmp_path / "bad", "--csv", tmp_path / "r.csv")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_existing_report_is_kept_and_exit_2(tmp_path):
    make_cell_folder(tmp_path / "cells", 2)
    out = tmp_path / "report.csv"
    out.write_text("keep me", encoding="utf-8")
    result = run_cli("classify", tmp_path / "cells", "--csv", out, "--gradcam", tmp_path / "cam")
    assert result.returncode == 2
    assert f"{out} exists; choose another name or pass --overwrite" in result.stderr
    assert not (tmp_path / "cam").exists(), "refused before anything was made"
    assert "Traceback" not in result.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    assert run_cli("classify", tmp_path / "cells", "--csv", out, "--overwrite").returncode == 0


def test_a_folder_as_report_is_refused_before_screening(tmp_path):
    make_cell_folder(tmp_path / "cells", 2)
    folder = tmp_path / "reports"
    folder.mkdir()
    result = run_cli("classify", tmp_path / "cells", "--csv", folder, "--overwrite",
                     "--gradcam", tmp_path / "cam")
    assert result.returncode == 2
    refused = f"malariascope: error: {folder} is a folder: name a file for the report\n"
    assert result.stderr == refused
    assert not list(tmp_path.glob("cam/*")) and not list(folder.iterdir())  # nothing screened


def test_usage_errors_exit_2(tmp_path):
    assert run_cli("classify", tmp_path).returncode == 2  # no --csv
    bad_threshold = run_cli("classify", tmp_path, "--csv", tmp_path / "r.csv", "--threshold", "7")
    assert bad_threshold.returncode == 2 and "threshold" in bad_threshold.stderr
    fields = run_cli("evaluate-fields", tmp_path, "--annotations", tmp_path / "a.json",
                     "--threshold", "5")
    assert fields.returncode == 2
    assert "--threshold: must be a number between 0 and 1, got '5'" in fields.stderr
    for bad in ("0", "-5", "nan", "inf", "big"):
        fields = run_cli("evaluate-fields", tmp_path, "--annotations", tmp_path / "a.json",
                         "--cell-radius", bad)
        assert fields.returncode == 2, bad
        assert f"--cell-radius: must be a number above 0, got '{bad}'" in fields.stderr


def test_evaluate_fields_says_why_when_no_field_is_left(tmp_path):
    """Every annotated field absent or unreadable: each one's reason is told before the
    error, not only 'no annotated field could be evaluated'."""
    (tmp_path / "z.jpg").write_bytes(b"")
    entries = [{"image_name": name, "objects": []} for name in ("gone.jpg", "z.jpg")]
    (tmp_path / "a.json").write_text(json.dumps(entries), encoding="utf-8")
    result = run_cli("evaluate-fields", tmp_path, "--annotations", tmp_path / "a.json")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "gone.jpg: annotated but not in the folder",
        "z.jpg: empty file (0 bytes)",
        "malariascope: error: no annotated field could be evaluated",
    ]


def test_evaluate_fields_refuses_a_json_it_would_replace_before_any_work(tmp_path):
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
    }
    for target, message in refused.items():
        result = run_cli("evaluate-fields", tmp_path, "--annotations", annotations,
                         "--json", target)
        assert (result.returncode, result.stderr) == (2, message)
    result = run_cli("evaluate-fields", tmp_path, "--annotations", annotations,
                     "--json", annotations, "--overwrite")
    assert result.returncode == 2 and "is an input file" in result.stderr
    assert annotations.read_text(encoding="utf-8") == "[]"
    assert old.read_text(encoding="utf-8") == "keep me"


def test_evaluate_keeps_an_existing_json_and_says_so_before_screening(tmp_path):
    old = tmp_path / "metrics.json"
    old.write_text("keep me", encoding="utf-8")
    result = run_cli("evaluate", tmp_path / "no such folder", "--json", old)
    assert result.returncode == 2
    assert result.stderr == (
        f"malariascope: error: {old} exists; choose another name or pass --overwrite\n")
    assert old.read_text(encoding="utf-8") == "keep me"


def run_without(module: str, *args: str | Path) -> subprocess.CompletedProcess:
    """The CLI in a Python where ``module`` cannot be imported, as in a slim install."""
    code = (f"import sys; sys.modules[{module!r}] = None; from malariascope.cli import main; "
            f"sys.exit(main({list(map(str, args))!r}))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)


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


def test_ctrl_c_stops_cleanly_and_keeps_the_rows_done(tmp_path):
    import signal
    import time

    make_cell_folder(tmp_path / "cells", 3000)
    out = tmp_path / "report.csv"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "malariascope",
            "classify",
            str(tmp_path / "cells"),
            "--csv",
            str(out),
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:  # wait for rows in the temp file
        partial = [p for p in tmp_path.glob(".report.csv.*") if p.stat().st_size > 20_000]
        if partial:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stderr = process.communicate(timeout=60)[1]
    assert process.returncode == 1, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    rows = read_rows(out)
    assert 0 < len(rows) < 3000
    assert {r["status"] for r in rows} == {"ok"}


def test_classify_a_field_gives_one_row_per_cell_and_its_parasitemia(tmp_path):
    from malariascope.core.fields import find_cells
    from malariascope.core.imageio import read_image

    folder = tmp_path / "smear"
    make_cell_folder(folder / "cells", 2)
    field, _ = write_field(folder / "field.png")
    (folder / "broken.png").write_bytes(b"")
    out = tmp_path / "report.csv"
    result = run_cli("classify", folder, "--csv", out, "--gradcam", tmp_path / "cam")
    assert result.returncode == 1, result.stderr  # the broken file
    assert "1 whole fields" in result.stderr and "broken.png" in result.stderr
    rows = read_rows(out)
    cells = [r for r in rows if r["image_path"] == str(field)]
    assert len(cells) == len(find_cells(read_image(field))) == 38
    assert [int(r["cell_index"]) for r in cells] == list(range(1, 39))
    for row in cells:
        x, y, w, h = (int(row[c]) for c in ("cell_x", "cell_y", "cell_w", "cell_h"))
        assert row["status"] == "ok" and 0 <= x < x + w <= 800 and 0 <= y < y + h <= 600
    singles = [r for r in rows if r["image_path"] != str(field)]
    assert len(singles) == 3
    assert all(r[c] == "" for r in singles for c in ("cell_index", "cell_x", "cell_h"))
    batch, fields = read_summary(tmp_path / "report_summary.csv")
    parasitized = sum(r["final_call"] == "parasitized" for r in cells)
    assert list(fields) == [str(field)] and fields[str(field)]["cells"] == "38"
    assert float(fields[str(field)]["percent_parasitized"]) == round(100 * parasitized / 38, 2)
    ok = [r for r in rows if r["status"] == "ok"]
    assert batch["classified"] == str(len(ok)) == "40" and batch["images"] == "4"
    everyone = sum(r["final_call"] == "parasitized" for r in ok)
    assert float(batch["percent_parasitized"]) == round(100 * everyone / 40, 2)
    overlays = sorted(p.name for p in (tmp_path / "cam").glob("*_gradcam.png"))
    assert len(overlays) == 40 and sum("_cell" in name for name in overlays) == 38


def test_classify_mode_cell_screens_a_field_as_one_image(tmp_path):
    field, _ = write_field(tmp_path / "field.png")
    out = tmp_path / "report.csv"
    result = run_cli("classify", field, "--csv", out, "--mode", "cell")
    assert result.returncode == 0, result.stderr
    (row,) = read_rows(out)
    assert row["status"] == "ok" and row["cell_index"] == row["cell_w"] == ""
    assert run_cli("classify", field, "--csv", out, "--mode", "fields").returncode == 2


def test_a_second_ctrl_c_stops_at_once_without_a_report(tmp_path):
    import signal
    import time

    import numpy as np

    from tests.core.test_fields import make_field

    folder = tmp_path / "fields"
    folder.mkdir()
    write_rgb(folder / "big.png", np.tile(make_field(0)[0], (3, 3, 1)))  # seconds to screen
    out = tmp_path / "report.csv"
    process = subprocess.Popen(
        [sys.executable, "-m", "malariascope", "classify", str(folder), "--csv", str(out)],
        stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(tmp_path.glob(".report.csv.*")):
        time.sleep(0.05)  # the report is open: screening the field has begun
    process.send_signal(signal.SIGINT)  # stop after this image...
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)  # ...no: stop now
    stderr = process.communicate(timeout=60)[1]
    assert process.returncode == 130, stderr
    assert "stopping after this image" in stderr and "interrupted" in stderr
    assert "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fields"]  # no report, no temp file


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux allows names that are not UTF-8")
def test_names_that_are_not_utf8_are_written_with_escapes(tmp_path):
    folder = tmp_path / "slides"
    make_cell_folder(folder, 2)
    field, _ = write_field(folder / "field.png")
    latin = os.fsdecode(b"caf\xe9")  # a Latin-1 name: not UTF-8
    (folder / "cell_0.png").rename(folder / f"{latin}.png")
    field.rename(folder / f"{latin} field.png")
    out = tmp_path / "report.csv"
    result = run_cli("classify", folder, "--csv", out, "--operator", os.fsdecode(b"Ren\xe9"))
    assert result.returncode == 0, result.stderr
    rows = read_rows(out)
    paths = {r["image_path"] for r in rows}
    escaped = str(folder / "caf\\xe9 field.png")
    assert paths == {escaped, str(folder / "caf\\xe9.png"), str(folder / "cell_1.png")}
    assert {r["operator"] for r in rows} == {"Ren\\udce9"}
    batch, fields = read_summary(tmp_path / "report_summary.csv")
    assert list(fields) == [escaped] and batch["operator"] == "Ren\\udce9"


def test_a_gradcam_path_that_cannot_take_files_is_refused_at_once(tmp_path):
    make_cell_folder(tmp_path / "cells", 2)
    (tmp_path / "afile").write_text("not a folder", encoding="utf-8")
    for cam, words in ((tmp_path / "afile", "is a file: name a folder"),
                       (tmp_path / "afile" / "cam", "cannot write Grad-CAM overlays to"),
                       (tmp_path / "cells", "is an input folder")):
        result = run_cli("classify", tmp_path / "cells", "--csv", tmp_path / "r.csv",
                         "--gradcam", cam)
        assert result.returncode == 2
        assert result.stderr.startswith("malariascope: error: ") and words in result.stderr
        assert result.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "cells"]


def test_a_folder_that_will_not_open_is_named_as_such(tmp_path, capsys, monkeypatch):
    """Root reads every folder, so the refusal is the OS's, patched in: it was reported as
    'no such file or folder' while the folder was there."""
    import os

    from malariascope.cli import main

    make_cell_folder(tmp_path / "cells", 2)
    locked = tmp_path / "cells" / "locked"
    locked.mkdir()
    real_scandir = os.scandir

    def scandir(path):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code = main(["classify", str(tmp_path / "cells"), "--csv", str(tmp_path / "r.csv")])
    assert code == 1
    assert f"{locked}: cannot read this folder\n" in capsys.readouterr().err


def test_a_read_only_gradcam_folder_is_refused_at_once(tmp_path, capsys):
    from malariascope.cli import main
    from tests.faults import read_only

    make_cell_folder(tmp_path / "cells", 2)
    cam = tmp_path / "cam"
    cam.mkdir()
    with read_only(cam / "overlay.png"):
        code = main(["classify", str(tmp_path / "cells"), "--csv", str(tmp_path / "r.csv"),
                     "--gradcam", str(cam)])
    assert code == 2
    error = capsys.readouterr().err
    assert error.startswith(f"malariascope: error: cannot write Grad-CAM overlays to {cam}: ")
    assert "read-only" in error and error.count("\n") == 1
    assert not (tmp_path / "r.csv").exists()


def test_overlays_that_fail_mid_batch_stop_and_the_report_is_whole(tmp_path):
    import hashlib

    cells = make_cell_folder(tmp_path / "cells", 5)
    sha = hashlib.sha256(cells[2].read_bytes()).hexdigest()[:8]
    blocked = tmp_path / "cam" / f"cell_2_{sha}_gradcam.png"
    blocked.mkdir(parents=True)  # a folder where the third overlay goes: its write fails
    out = tmp_path / "report.csv"
    result = run_cli("classify", tmp_path / "cells", "--csv", out, "--gradcam", tmp_path / "cam")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "no more Grad-CAM overlays" in warnings[0]
    assert [r["status"] for r in read_rows(out)] == ["ok"] * 5
    written = sorted(p.name[:6] for p in (tmp_path / "cam").iterdir() if p.is_file())
    assert written == ["cell_0", "cell_1"]


def test_overlays_inside_an_input_folder_are_not_screened(tmp_path):
    make_cell_folder(tmp_path / "slides", 3)
    out = tmp_path / "report.csv"
    for again in ((), ("--overwrite",)):  # the second run finds the first run's overlays there
        result = run_cli("classify", tmp_path / "slides", "--csv", out,
                         "--gradcam", tmp_path / "slides" / "overlays", *again)
        assert result.returncode == 0, result.stderr
        assert [Path(r["image_path"]).parent.name for r in read_rows(out)] == ["slides"] * 3
    assert len(list((tmp_path / "slides" / "overlays").iterdir())) == 3


def test_a_missing_input_exits_1_and_the_others_are_screened(tmp_path):
    (good,) = make_cell_folder(tmp_path, 1)
    out = tmp_path / "report.csv"
    result = run_cli("classify", good, tmp_path / "typo.png", "--csv", out)
    assert result.returncode == 1
    assert f"{tmp_path / 'typo.png'}: no such file or folder" in result.stderr
    assert [r["image_path"] for r in read_rows(out)] == [str(good)]


def test_nothing_found_writes_nothing_and_exits_2(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("no image here", encoding="utf-8")
    out = tmp_path / "report.csv"
    for given in (tmp_path / "nope.png", tmp_path / "empty"):
        result = run_cli("classify", given, "--csv", out)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "malariascope: error: no images found" in result.stderr
        assert "no report written" in result.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]
    (good,) = make_cell_folder(tmp_path / "cells", 1)
    assert run_cli("classify", good, "--csv", out).returncode == 0  # no 'exists' in the way


def test_a_second_ctrl_c_while_stopping_stops_at_once_without_a_report(tmp_path):
    import signal
    import time

    import numpy as np

    from tests.core.test_fields import make_field

    folder = tmp_path / "fields"
    folder.mkdir()
    write_field(folder / "a.png")
    write_field(folder / "b.png", seed=1)
    write_rgb(folder / "c.png", np.tile(make_field(2)[0], (4, 4, 1)))  # seconds to load
    out, cam = tmp_path / "report.csv", tmp_path / "cam"
    process = subprocess.Popen(
        [sys.executable, "-m", "malariascope", "classify", str(folder), "--csv", str(out),
         "--gradcam", str(cam)],
        stderr=subprocess.PIPE, text=True,
    )

    def wait_for(ready) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not ready():
            time.sleep(0.02)

    wait_for(lambda: list(tmp_path.glob(".report.csv.*")))  # the report is open
    process.send_signal(signal.SIGINT)  # stop after this image: a.png's rows are written...
    wait_for(lambda: list(cam.glob("a_*_cell38_gradcam.png")))  # (with its last overlay)
    time.sleep(0.3)  # ...then the loaders are stopped, c.png still loading
    process.send_signal(signal.SIGINT)  # no: stop now
    stderr = process.communicate(timeout=60)[1]
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cam", "fields"]  # no report


def test_a_run_that_finds_nothing_leaves_no_overlay_folder_behind(tmp_path):
    (good,) = make_cell_folder(tmp_path / "cells", 1)
    overlays = tmp_path / "new" / "overlays"
    result = run_cli("classify", tmp_path / "typo", "--csv", tmp_path / "report.csv",
                     "--gradcam", overlays)
    assert result.returncode == 2 and "no images found" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cells"]
    result = run_cli("classify", good, "--csv", tmp_path / "report.csv", "--gradcam", overlays)
    assert result.returncode == 0, result.stderr
    assert len(list(overlays.iterdir())) == 1


@pytest.mark.parametrize("option, value", [("--epochs", "0"), ("--epochs", "1.5"),
                                           ("--input-size", "7"), ("--seed", "-1"),
                                           ("--seed", str(2**32)), ("--learning-rate", "-1e-3"),
                                           ("--learning-rate", "nan")])
def test_training_settings_that_cannot_train_are_usage_errors(tmp_path, capsys, option, value):
    """Each was taken, to a traceback from inside Keras (after every cell was decoded)."""
    from malariascope.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["train", str(tmp_path), "--out", str(tmp_path / "out"), f"{option}={value}"])
    assert exit_.value.code == 2
    assert f"argument {option}: must be " in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_train_names_its_overwrite_flag(tmp_path, capsys):
    """The core's words become the CLI's: a model in --out is kept unless --overwrite."""
    from malariascope.cli import main

    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "model-card.json").write_text("{}")
    pytest.importorskip("tensorflow", reason="training needs the [train] extra")
    assert main(["train", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        f"malariascope: error: {tmp_path / 'out'} already holds model-card.json; choose another "
        "folder or pass --overwrite\n"
    )


@pytest.mark.parametrize("module", ["tf2onnx", "onnx"])
def test_train_without_the_onnx_exporter_says_so_before_training(tmp_path, module):
    """Keras imports these only to write the model: the whole training ran, then a traceback."""
    pytest.importorskip("tensorflow", reason="training needs the [train] extra")
    result = run_without(module, "train", tmp_path, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.endswith(
        f"'train' needs the module '{module}', which is not installed here; "
        "install with: pip install 'malariascope[train]'\n")
    assert not (tmp_path / "out").exists()
