"""Start-up: the smoke test as users and CI run it, lazy imports, the ``gui`` command, assets."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from malariascope.cli import build_parser
from malariascope.gui import resources
from tests.images import make_cell_folder

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "cv2", "scipy", "onnxruntime", "superqt", "malariascope.core.pipeline")


def _run(*args: str, tmp_path: Path, without: str = "",
         lc_all: str = "") -> subprocess.CompletedProcess:
    """``malariascope ARGS`` in a child process, where the module ``without`` (if given)
    cannot be imported, as in a build that left it out, and ``lc_all`` (if given) is the
    only locale setting."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"))  # the user's settings stay untouched
    if lc_all:
        env = {key: value for key, value in env.items()
               if key not in ("LANG", "LANGUAGE") and not key.startswith("LC_")}
        env["LC_ALL"] = lc_all
    blocked = f"sys.modules[{without!r}] = None; " if without else ""
    code = (f"import sys; {blocked}from malariascope.cli import main; "
            f"sys.exit(main({list(args)!r}))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


def test_smoke_test_prints_milestones_counting_as_the_window_does(tmp_path):
    folder = tmp_path / "cells"
    make_cell_folder(folder, 5)
    (folder / "broken.png").write_bytes(b"")
    done = _run("gui", "--smoke-test", str(folder), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"window shown in \d+\.\d\d s", lines[0])
    assert re.fullmatch(r"model ready in \d+\.\d\d s \(.+\)", lines[1])
    # counted as the window counts them (its summary says 5 cells and 1 error)
    assert re.fullmatch(r"screened 5 cells, 1 error in \d+\.\d\d s", lines[2])
    assert not (tmp_path / "config" / "MalariaScope").exists()  # a smoke test leaves no trace


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX locale")
def test_the_window_starts_in_the_c_locale_without_qt_warning_of_it(tmp_path):
    """Under LC_ALL=C the window's start told on stderr, in four lines, that Qt had switched
    the locale to C.UTF-8, as the CLI's PDF no longer did."""
    done = _run("gui", "--smoke-test", tmp_path=tmp_path, lc_all="C")
    assert done.returncode == 0, done.stderr
    assert "locale" not in done.stderr, done.stderr  # the offscreen platform's own notes may stay
    assert re.fullmatch(r"model ready in \d+\.\d\d s \(.+\)", done.stdout.splitlines()[1])


def test_smoke_test_fails_with_a_reason(tmp_path):
    done = _run("gui", "--smoke-test", str(tmp_path / "missing"), tmp_path=tmp_path)
    assert done.returncode != 0
    assert "smoke test failed: no image could be read" in done.stderr  # the path: a row


def test_smoke_test_fails_where_print_report_would_have_no_print_dialog(tmp_path):
    done = _run("gui", "--smoke-test", tmp_path=tmp_path, without="PySide6.QtPrintSupport")
    assert done.returncode == 1
    assert "smoke test failed: Print report… cannot show the print dialog" in done.stderr


def test_the_window_module_imports_no_heavy_library():
    code = ("import sys, malariascope.gui.app, malariascope.gui.main_window; "
            f"print([m for m in {HEAVY!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert done.stdout.strip() == "[]", done.stderr


def test_gui_command_line():
    args = build_parser().parse_args(["gui", "a.png", "folder", "--smoke-test"])
    assert args.paths == [Path("a.png"), Path("folder")] and args.smoke_test
    assert build_parser().parse_args(["gui"]).paths == []


def test_icon_assets_are_found_in_source_and_bundle(qapp, monkeypatch, tmp_path):
    assert resources.asset_path("malariascope.svg").is_file()
    assert resources.asset_path("malariascope.ico").is_file()
    icon = resources.app_icon()
    assert not icon.isNull() and {16, 32, 256} <= {s.width() for s in icon.availableSizes()}
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.assets_dir() == tmp_path / "assets"


@pytest.mark.parametrize("argv", [[], ["gui"]])
def test_no_command_or_gui_runs_the_app(monkeypatch, argv):
    from malariascope import cli
    from malariascope.gui import app

    calls = []
    monkeypatch.setattr(app, "run", lambda paths, smoke_test: calls.append((paths, smoke_test))
                        or 0)
    assert cli.main(argv) == 0
    assert calls == [([], False)]
