"""The app's side of the window benchmarks: a real window, started as ``malariascope gui``
starts it, that runs one step once the model is ready."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the project and its tests' image makers, from a checkout


def run_when_model_ready(begin: Callable[[object], Callable[[], None]]) -> int:
    """Show the window, call ``begin(window)()`` when its model is ready; the app's exit code."""
    from malariascope.gui.app import create_app, show_window, start

    app = create_app()
    window = show_window(persist_settings=False)
    step = begin(window)
    window.controller.model_ready.connect(lambda _name: step())
    start(window)
    return app.exec()


def run_child(script: str, cells: int, *options: str) -> dict | None:
    """Generate ``cells`` cells in a temporary folder and run ``script --child FOLDER DATA``
    and ``options`` on them, offscreen, in a process of its own (its figures are the app's
    alone); the JSON of figures its last line prints, or None (its stderr told) if it failed."""
    from tests.images import make_cell_folder

    with tempfile.TemporaryDirectory() as tmp:
        folder, data = Path(tmp) / "cells", Path(tmp) / "data"
        start = time.perf_counter()
        make_cell_folder(folder, cells)
        print(f"generated {cells:,} cells in {time.perf_counter() - start:.1f} s")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MALARIASCOPE_DATA_DIR=str(data),
                   HOME=tmp, XDG_CONFIG_HOME=str(Path(tmp) / "config"))
        done = subprocess.run([sys.executable, script, "--child", str(folder), str(data),
                               *options],
                              env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode or not done.stdout.strip():
        print(done.stderr, file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def close_unasked(window) -> None:
    """Close ``window`` with no question: its measured case goes unsaved."""
    window.batch.unsaved = False
    window.case_flow.new_case(ask=False)
    window.close()
