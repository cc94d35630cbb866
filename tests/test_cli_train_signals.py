"""``malariascope train`` and a stop signal: during training it ends the run as Ctrl-C does
and removes the folder it made, even when a library swallows it; once the model is in place
the run has its outcome (exit 0, the model written), which a signal no longer changes.

Each test trains the tiniest model in a child process and signals it at a point it
synchronises on: the folder made, a step done, the model's renames made, or its last line
blocked in a full pipe.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.pipes import blocked_writing, fill
from tests.training.test_train import make_dataset

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and pipes")
pytest.importorskip("tensorflow", reason="training needs the [train] extra")

MODEL_FILES = ["README.md", "malariascope-cnn.keras", "malariascope-cnn.onnx",
               "model-card.json", "split.csv"]


@pytest.fixture(scope="module")
def cells(tmp_path_factory) -> Path:
    return make_dataset(tmp_path_factory.mktemp("cells") / "cells", per_class_train=24,
                        per_class_test=2)


def train_arguments(root: Path, out: Path) -> list[str]:
    return ["train", str(root), "--out", str(out), "--epochs", "1", "--input-size", "32"]


SIGNALLED_ONCE_PLACED = """
import signal, sys
from malariascope.__main__ import main

def signals_once_placed(frame, event, arg):
    if event == "return" and frame.f_code.co_name == "replace_together":
        sys.setprofile(None)
        signal.raise_signal(signal.SIGTERM)

sys.setprofile(signals_once_placed)
sys.exit(main(sys.argv[1:]))
"""


def test_a_sigterm_once_the_model_is_renamed_into_place_leaves_its_exit_code_0(
        cells, tmp_path):
    """A SIGTERM that came as the model's renames returned ended the run as interrupted
    (130), its model in place."""
    out = tmp_path / "model"
    result = subprocess.run([sys.executable, "-c", SIGNALLED_ONCE_PLACED,
                             *train_arguments(cells, out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "interrupted" not in result.stderr and "Traceback" not in result.stderr
    assert result.stdout.endswith(f"wrote {out / 'malariascope-cnn.keras'} and its card\n")
    assert sorted(path.name for path in out.iterdir()) == MODEL_FILES


def read_through_line(read_end: int, child: subprocess.Popen, start: bytes) -> bytes:
    """What the child wrote to the pipe up to the end of its line that begins with
    ``start`` (or all it wrote, should it end first)."""
    seen = b""
    while not any(line.startswith(start) for line in seen.split(b"\n")[:-1]):
        if select.select([read_end], [], [], 1)[0]:
            seen += os.read(read_end, 65536)
        elif child.poll() is not None:
            break
    return seen


@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs Linux's /proc")
def test_a_sigterm_while_train_prints_its_last_line_leaves_its_exit_code_0(cells, tmp_path):
    """A SIGTERM that came while `train` printed "wrote ... and its card", its model in
    place, ended the run as interrupted (130). The test reads the child's output to the line
    before (the test's figures, printed before the export), fills the pipe, and signals the
    child once its last line waits in it."""
    out = tmp_path / "model"
    read_end, write_end = os.pipe()
    with (tmp_path / "stderr").open("w+", encoding="utf-8") as stderr:
        child = subprocess.Popen([sys.executable, "-m", "malariascope",
                                  *train_arguments(cells, out)],
                                 stdout=write_end, stderr=stderr)
        try:
            assert b"\ntemperature " in read_through_line(read_end, child, b"temperature ")
            filled = fill(write_end)
            while child.poll() is None and not blocked_writing(child.pid):
                time.sleep(0.02)
            child.send_signal(signal.SIGTERM)
        finally:
            os.close(write_end)
        with os.fdopen(read_end, "rb") as reader:
            printed = reader.read()[filled:].decode()
        child.wait(timeout=300)
        stderr.seek(0)
        errors = stderr.read()
    assert child.returncode == 0, errors
    assert "interrupted" not in errors and "Traceback" not in errors
    assert printed == f"wrote {out / 'malariascope-cnn.keras'} and its card\n"
    assert sorted(path.name for path in out.iterdir()) == MODEL_FILES


def test_sigterm_during_training_ends_as_ctrl_c_and_removes_the_folder_it_made(tmp_path):
    """A job's time limit or a logout stops the run as Ctrl-C does: one line, exit 130, and
    the --out folder it made is gone, so no half-made model folder is left behind."""
    root = make_dataset(tmp_path / "cells", per_class_train=24, per_class_test=2)
    out = tmp_path / "model"
    child = subprocess.Popen([sys.executable, "-m", "malariascope", "train", str(root), "--out",
                              str(out), "--epochs", "50", "--input-size", "32"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not out.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # made once TensorFlow is loaded; the cells are decoded next
    child.send_signal(signal.SIGTERM)
    _, stderr = child.communicate(timeout=120)
    assert child.returncode == 130, stderr
    assert "malariascope: interrupted" in stderr and "Traceback" not in stderr
    assert not out.exists()


#: ``malariascope train`` in a process where, after the step named by its first argument, a
#: SIGTERM arrives in a library that swallows the KeyboardInterrupt, as one raised inside a
#: lazy import of a C extension is (turned into an ImportError the library's fallback catches).
SWALLOWING_TRAIN = """
import importlib, signal, sys

module, _, path = sys.argv.pop(1).partition(":")
owner = importlib.import_module(module)
*parents, name = path.split(".")
for parent in parents:
    owner = getattr(owner, parent)
step = getattr(owner, name)

def swallowing(*args, **kwargs):
    done = step(*args, **kwargs)
    try:
        signal.raise_signal(signal.SIGTERM)
        sum(range(1000))  # the handler runs here
    except KeyboardInterrupt:
        pass
    return done

setattr(owner, name, swallowing)
from malariascope.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize(("step", "epochs"), [
    ("malariascope.training.progress:EpochProgress.on_epoch_end", 50),
    ("malariascope.training.export:_write_files", 1),
], ids=["epoch", "export"])
def test_a_sigterm_that_a_library_swallows_still_stops_training(tmp_path, step, epochs):
    """A SIGTERM during training was once lost inside TensorFlow and the run went on to the
    end (exit 0, a model written); it stops at the next batch, or before the files are placed."""
    root = make_dataset(tmp_path / "cells", per_class_train=24, per_class_test=2)
    out = tmp_path / "model"
    result = subprocess.run([sys.executable, "-c", SWALLOWING_TRAIN, step, "train", str(root),
                             "--out", str(out), "--epochs", str(epochs), "--input-size", "32"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 130, result.stderr
    assert "malariascope: interrupted" in result.stderr and "Traceback" not in result.stderr
    assert f"epoch 1/{epochs}" in result.stdout and f"epoch 2/{epochs}" not in result.stdout
    assert not out.exists()
