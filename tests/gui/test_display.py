"""The window on a machine where it cannot open: one line saying why and what to do, instead
of Qt's abort; the command line keeps working there."""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from malariascope.gui import display
from tests.images import make_cell_folder

ROOT = Path(__file__).resolve().parents[2]
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 is Linux's")
needs_cc = pytest.mark.skipif(not shutil.which("cc"), reason="needs a C compiler")


@pytest.fixture
def x11_session(monkeypatch):
    """An X11 session as Qt sees it: no platform forced, no Wayland."""
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)


def fake_plugin(folder: Path, needs: str | None) -> Path:
    """A shared library standing in for Qt's xcb plugin, linked to ``needs`` (then removed)."""
    folder.mkdir(exist_ok=True)
    calls = "void dep(void);\nvoid plugin(void) { dep(); }\n"
    (folder / "plugin.c").write_text(calls if needs else "void plugin(void) {}\n")
    flags = []
    if needs:
        (folder / "dep.c").write_text("void dep(void) {}\n")
        subprocess.run(["cc", "-shared", "-fPIC", f"-Wl,-soname,{needs}", "-o", needs, "dep.c"],
                       cwd=folder, check=True)
        flags = ["-L.", f"-l:{needs}"]
    subprocess.run(["cc", "-shared", "-fPIC", "-o", "libqxcb.so", "plugin.c", *flags],
                   cwd=folder, check=True)
    if needs:
        (folder / needs).unlink()
    return folder / "libqxcb.so"


@linux_only
def test_window_without_a_display_says_so_in_one_line_and_the_cli_still_runs(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
    result = subprocess.run([sys.executable, "-m", "malariascope"], capture_output=True,
                            text=True, timeout=120, env=env, cwd=ROOT)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "malariascope: error: no display to open the window on (DISPLAY is not set); the "
        "command line needs none: malariascope classify --help"]
    cells = make_cell_folder(tmp_path / "cells", 1)
    result = subprocess.run([sys.executable, "-m", "malariascope", "classify", *map(str, cells),
                             "--csv", str(tmp_path / "r.csv")], capture_output=True, text=True,
                            timeout=300, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr


@linux_only
@needs_cc
def test_a_missing_library_is_named_with_the_packages_to_install(tmp_path, monkeypatch,
                                                                   x11_session):
    plugin = fake_plugin(tmp_path, needs="libxcb-madeup.so.0")
    monkeypatch.setattr(display, "_xcb_plugin", lambda: plugin)
    monkeypatch.setenv("DISPLAY", ":0")
    reason = display.problem()
    assert reason.startswith("the window cannot open: libxcb-madeup.so.0 is missing; ")
    assert f"sudo apt-get install {display.APT_PACKAGES} " in reason
    with pytest.raises(display.NoDisplayError, match="libxcb-madeup"):
        display.check()


@linux_only
@needs_cc
@pytest.mark.skipif(not ctypes.util.find_library("xcb"), reason="libxcb is not installed")
def test_a_display_that_does_not_answer_is_named(tmp_path, monkeypatch, x11_session):
    plugin = fake_plugin(tmp_path, needs=None)
    monkeypatch.setattr(display, "_xcb_plugin", lambda: plugin)
    number = next(n for n in range(91, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    monkeypatch.setenv("DISPLAY", f":{number}")
    assert display.problem() == (f"the display ':{number}' (DISPLAY) does not answer; the "
                                 "command line needs none: malariascope classify --help")


def test_other_platforms_are_left_to_qt(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert display.problem() is None
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")  # Qt starts its Wayland plugin
    assert display.problem() is None


def test_readme_starts_with_what_a_linux_desktop_needs():
    first_lines = (ROOT / "README.md").read_text(encoding="utf-8").split("## ")[0]
    assert f"sudo apt-get install python3-venv {display.APT_PACKAGES}" in first_lines
