"""A signal that cuts the import of onnxruntime or TensorFlow short: it ends the command as
the signal does (exit 130, one line), not as a missing package or with a traceback.

Each test runs the real program in a child process that imports a stand-in package whose
import fails as the real one does when a signal lands during it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.images import make_cell_folder

ONNXRUNTIME_IMPORTS = {
    # what onnxruntime's extension raises when Ctrl-C lands while it is imported
    "interrupted": "try:\n    raise KeyboardInterrupt\nexcept KeyboardInterrupt:\n"
                   "    raise ImportError('initialization failed')\n",
    # Ctrl-C while code made from text runs (a dataclass's methods): `python -m` ended by SIGINT
    "interrupted in made code": "exec('raise KeyboardInterrupt')\n",
    "broken": "raise ImportError('initialization failed')\n",
}


@pytest.mark.parametrize("how", ONNXRUNTIME_IMPORTS)
def test_ctrl_c_while_onnxruntime_imports_is_not_called_a_missing_onnxruntime(tmp_path, how):
    """The interrupted import ends as Ctrl-C does (exit 130); a broken one stays a one-line
    error (exit 2). Neither writes a report."""
    site = tmp_path / "site" / "onnxruntime"
    site.mkdir(parents=True)
    (site / "__init__.py").write_text(ONNXRUNTIME_IMPORTS[how], encoding="utf-8")
    make_cell_folder(tmp_path / "cells", 2)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(site.parent), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [sys.executable, "-m", "malariascope", "classify", str(tmp_path / "cells"),
         "--csv", str(tmp_path / "report.csv")],
        env=env, capture_output=True, text=True, timeout=300)
    if how.startswith("interrupted"):
        assert (result.returncode, result.stderr) == (130, "malariascope: interrupted\n")
    else:
        assert result.returncode == 2
        assert result.stderr == "malariascope: error: onnxruntime is not installed\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cells", "site"]


def test_a_signal_that_cuts_tensorflows_import_short_stops_train(tmp_path):
    """A SIGTERM while TensorFlow is imported can surface as an ImportError of that import
    (a C extension's initialization fails); it ended `train` with a traceback. It is the
    signal: exit 130, one line."""
    site = tmp_path / "site" / "tensorflow"
    site.mkdir(parents=True)
    (site / "__init__.py").write_text(
        "import signal\ntry:\n    signal.raise_signal(signal.SIGTERM)\n    sum(range(10))\n"
        "except KeyboardInterrupt:\n    raise ImportError('initialization failed')\n",
        encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(site.parent), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [sys.executable, "-m", "malariascope", "train", str(tmp_path / "cells"), "--out",
         str(tmp_path / "model")], env=env, capture_output=True, text=True, timeout=300)
    assert (result.returncode, result.stderr) == (130, "malariascope: interrupted\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
