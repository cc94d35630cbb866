"""The core stays free of Qt and TensorFlow, so the CLI and the app bundle stay light."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'PySide6', 'tensorflow', 'keras', 'shiboken6'}:
            raise ImportError('blocked: ' + name)
sys.meta_path.insert(0, Block())
import malariascope.core.pipeline, malariascope.core.report, malariascope.core.gradcam
import malariascope.core.evaluate, malariascope.cli, malariascope.cli.overlays
import malariascope.core.case, malariascope.core.register
from malariascope.core.classifier import Classifier
Classifier.open()  # the ONNX backend runs without TensorFlow
print('ok')
"""


def test_core_and_cli_import_and_run_without_qt_or_tensorflow():
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_tensorflow_backend_says_how_to_get_it_when_absent():
    code = CHECK.replace("Classifier.open()", "Classifier.open(backend='tensorflow')")
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "malariascope[train]" in result.stderr


def test_whole_fields_are_screened_without_scipy(tmp_path):
    """The app bundle leaves SciPy out (about 30 MB); finding cells must not need it."""
    from tests.images import write_field

    field, _ = write_field(tmp_path / "field.png")
    code = CHECK.split("import malariascope")[0].replace("{'PySide6',", "{'scipy', 'PySide6',")
    assert "'scipy'" in code
    code += (f"from malariascope.core.classifier import Classifier\n"
             f"from malariascope.core.pipeline import screen\n"
             f"assert len(list(screen([{str(field)!r}], Classifier.open()))) == 38\n"
             f"print('ok')\n")
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
