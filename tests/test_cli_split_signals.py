"""``malariascope split`` and a stop signal: before its split is placed the run stops (130,
nothing written); from then on it has its outcome, which a signal no longer changes.

Each test runs the real program in a child process and signals it at a point it synchronises
on: a rename under way, its output blocked in a full pipe, or its output arrived.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.layouts import write_published
from tests.pipes import blocked_writing, full_pipe

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and pipes")


def split_command(root: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "malariascope", "split", str(root), "--out", str(out),
            "--test-per-class", "4"]


@pytest.fixture(scope="module")
def cells(tmp_path_factory) -> Path:
    return write_published(tmp_path_factory.mktemp("published") / "cells", infected=4,
                           healthy=1)


SIGNALLED_AT = """
import os, signal, sys
from malariascope.__main__ import main

def signals_at(frame, event, arg):
    placed = event == "return" and frame.f_code.co_name == "_swap_in"
    if placed if sys.argv[1] == "placed" else event == "c_call" and arg is os.link:
        sys.setprofile(None)
        signal.raise_signal(signal.SIGTERM)

sys.setprofile(signals_at)
sys.exit(main(sys.argv[2:]))
"""


def split_signalled_at(where: str, root: Path, out: Path) -> subprocess.CompletedProcess:
    """``malariascope split root --out out``, sent SIGTERM as it links its first cell, or as
    the split has been renamed into place (``placed``)."""
    return subprocess.run([sys.executable, "-c", SIGNALLED_AT, where,
                           *split_command(root, out)[3:]],
                          capture_output=True, text=True, timeout=120)


def test_a_stop_signal_before_the_split_is_placed_stops_it_and_writes_nothing(cells, tmp_path):
    out = tmp_path / "split"
    result = split_signalled_at("first link", cells, out)
    assert (result.returncode, result.stdout) == (130, ""), result.stderr
    assert result.stderr == "malariascope: interrupted\n"
    assert not out.exists()  # nor the stage the cells were being linked in


def test_a_stop_signal_once_the_split_is_placed_leaves_its_exit_code_0(cells, tmp_path):
    """A SIGTERM that came as the split's last rename returned ended the run as interrupted
    (130), its split in place."""
    out = tmp_path / "split"
    result = split_signalled_at("placed", cells, out)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("train ")
    assert sorted(path.name for path in out.iterdir()) == ["split.csv", "test", "train"]


@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs Linux's /proc")
@pytest.mark.parametrize("name", ["SIGTERM", "SIGINT", "SIGHUP"])
def test_a_stop_signal_while_split_prints_its_line_leaves_its_exit_code_0(
        cells, tmp_path, name):
    """A SIGTERM that came while `split` was still printing its last line, its split in
    place, ended the run as interrupted (130). Here the line waits in a full pipe when the
    signal comes."""
    out = tmp_path / "split"
    read_end, write_end, filled = full_pipe()
    with os.fdopen(read_end, "rb") as reader:
        child = subprocess.Popen(split_command(cells, out), stdout=write_end,
                                 stderr=subprocess.PIPE, text=True)
        os.close(write_end)
        while child.poll() is None and not blocked_writing(child.pid):
            time.sleep(0.02)
        child.send_signal(getattr(signal, name))
        printed = reader.read()[filled:].decode()
        _, stderr = child.communicate(timeout=120)
    assert (child.returncode, stderr) == (0, "")
    assert printed.startswith("train ") and printed.endswith(f"{out / 'split.csv'}\n")
    assert sorted(path.name for path in out.iterdir()) == ["split.csv", "test", "train"]


def test_a_sigterm_as_the_line_of_split_arrives_leaves_its_exit_code_0(cells, tmp_path):
    """Sent the moment `split`'s line arrived, SIGTERM ended about 1 run in 6 as interrupted
    (130) or killed by SIGINT with a KeyboardInterrupt traceback: it came before the command
    returned, or before the teardown's signals were ignored."""
    ends = []
    for run in range(15):
        child = subprocess.Popen(split_command(cells, tmp_path / f"split{run}"),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = child.stdout.readline()
        child.send_signal(signal.SIGTERM)
        _, stderr = child.communicate(timeout=120)
        ends.append((child.returncode, line.startswith("train "), stderr))
    assert ends == [(0, True, "")] * 15
