"""``malariascope train`` and a stop signal during the fit: the first ends the run at the end
of the batch under way, so that no KeyboardInterrupt is raised inside TensorFlow's C code
(which turns it into a SystemError and its traceback); a second stops it at once.

Each test trains the tiniest model in a child process that raises the signals itself inside
Keras's fit: as the first epoch begins (printing a line at each training batch's end), or in
a Python method that TensorFlow's C code calls.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.training.test_train import make_dataset

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
pytest.importorskip("tensorflow", reason="training needs the [train] extra")

#: ``malariascope train`` in a process that raises SIGTERM as many times as its first
#: argument says as the first epoch begins, and prints "batch N ended" at each batch's end.
SIGNALLED_IN_THE_FIT = """
import signal, sys
from malariascope.training.progress import EpochProgress

signals = int(sys.argv.pop(1))
epoch_begins, batch_ends = EpochProgress.on_epoch_begin, EpochProgress.on_train_batch_end

def signalling(self, epoch, logs=None):
    epoch_begins(self, epoch, logs)
    for _ in range(signals):
        signal.raise_signal(signal.SIGTERM)

def telling(self, batch, logs=None):
    batch_ends(self, batch, logs)
    print(f"batch {batch} ended", flush=True)

EpochProgress.on_epoch_begin, EpochProgress.on_train_batch_end = signalling, telling
from malariascope.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def cells(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("cells") / "cells", per_class_train=24,
                        per_class_test=2)


def train_signalled(signals: int, cells, out) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SIGNALLED_IN_THE_FIT, str(signals), "train",
                           str(cells), "--out", str(out), "--epochs", "50", "--input-size",
                           "32"], capture_output=True, text=True, timeout=300)


def test_a_sigterm_during_the_fit_stops_at_the_end_of_the_batch_under_way(cells, tmp_path):
    """A SIGTERM during the fit raised KeyboardInterrupt wherever Python was; inside one of
    TensorFlow's calls back into Python it became a SystemError: a traceback, exit 1. The
    batch under way now ends, then the run: one line, exit 130, the folder removed."""
    out = tmp_path / "model"
    result = train_signalled(1, cells, out)
    assert result.returncode == 130, result.stderr
    assert "malariascope: interrupted" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout.endswith("batch 0 ended\n") and "batch 1 " not in result.stdout
    assert not out.exists()


def test_a_second_sigterm_during_the_fit_stops_it_at_once(cells, tmp_path):
    """Two signals as the epoch begins stop the run before its first batch ends."""
    out = tmp_path / "model"
    result = train_signalled(2, cells, out)
    assert result.returncode == 130, result.stderr
    assert "malariascope: interrupted" in result.stderr and "Traceback" not in result.stderr
    assert "batch 0 " not in result.stdout and "epoch 1/" not in result.stdout
    assert not out.exists()


#: ``malariascope train`` in a process that raises SIGTERM once its fit has begun, as
#: TensorFlow's C code first calls ``TensorShape.__getitem__`` (a C function's callee whose
#: calling frame is the Python one that called the C function).
SIGNALLED_IN_A_CALL_FROM_C = """
import signal, sys
from malariascope.training.progress import EpochProgress

train_begins, in_c = EpochProgress.on_train_begin, []

def signalling(frame, event, arg):
    if event == "c_call":
        in_c.append(frame)
    elif event in ("c_return", "c_exception") and in_c:
        in_c.pop()
    elif (event == "call" and in_c and frame.f_back is in_c[-1]
          and frame.f_code.co_name == "__getitem__"
          and frame.f_code.co_filename.endswith("tensor_shape.py")):
        sys.setprofile(None)
        signal.raise_signal(signal.SIGTERM)

def profiled(self, logs=None):
    train_begins(self, logs)
    sys.setprofile(signalling)

EpochProgress.on_train_begin = profiled
from malariascope.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_sigterm_while_tensorflow_calls_back_into_python_ends_the_run_cleanly(
        cells, tmp_path):
    """The KeyboardInterrupt raised in a Python method that TensorFlow's C code called during
    the fit crashed the process (SIGSEGV, exit 139) and left the --out folder behind; at
    other such moments it became a SystemError traceback (exit 1)."""
    out = tmp_path / "model"
    result = subprocess.run([sys.executable, "-c", SIGNALLED_IN_A_CALL_FROM_C, "train",
                             str(cells), "--out", str(out), "--epochs", "50", "--input-size",
                             "32"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 130, result.stderr
    assert "malariascope: interrupted" in result.stderr and "Traceback" not in result.stderr
    assert "epoch 1/" not in result.stdout and not out.exists()
