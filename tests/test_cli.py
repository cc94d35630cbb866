"""The command line, run as a user runs it: a subprocess, exit codes, stderr, files."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from tests.images import make_cell_folder, write_broken_files


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
    result = run_cli("classify", tmp_path / "cells", "--csv", out)
    assert result.returncode == 2
    assert "exists" in result.stderr and "Traceback" not in result.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    assert run_cli("classify", tmp_path / "cells", "--csv", out, "--overwrite").returncode == 0


def test_usage_errors_exit_2(tmp_path):
    assert run_cli("classify", tmp_path).returncode == 2  # no --csv
    bad_threshold = run_cli("classify", tmp_path, "--csv", tmp_path / "r.csv", "--threshold", "7")
    assert bad_threshold.returncode == 2 and "threshold" in bad_threshold.stderr


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
