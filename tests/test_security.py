"""Security: no network at all, nothing unpickled, models only from the bundle or the user.

The network check runs a full CLI classify and a full GUI batch (autosave and export
included) in a child process under a Python audit hook (hooks cannot be removed, so not in
the test process). The hook sees every socket and URL opened from Python; native libraries
(Qt, ONNX Runtime) open none in the offscreen setup either, but are outside its view.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from malariascope.core.errors import ModelError
from malariascope.core.modelcard import ModelFile, load_card
from malariascope.core.modelfiles import MODELS_ENV, models_dir
from tests.images import make_cell_folder

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "malariascope"

WATCHED = """
import json, sys
events = []
sys.addaudithook(lambda event, args: event.startswith(
    ("socket.", "urllib.", "http.", "ftplib.", "smtplib.", "webbrowser.")) and events.append(
    [event, repr(args)[:200]]))
"""

CLI_AND_GUI = WATCHED + """
from malariascope.cli import main
from malariascope.core.classifier import Classifier
from malariascope.core.errors import ModelError
folder, out = sys.argv[1], sys.argv[2]
codes = [main(["classify", folder, "--csv", out + "/cli.csv", "--gradcam", out + "/cams"])]
try:
    Classifier.open("https://example.com/malariascope-cnn.onnx")  # a URL is not fetched
except ModelError:
    codes.append("refused")

from PySide6.QtCore import QTimer
from malariascope.gui.app import create_app, show_window, start
app = create_app()
window = show_window()
window.controller.model_ready.connect(lambda name: window.open_paths([folder]))
window.controller.screening_finished.connect(lambda *a: window.export_to(out + "/gui.csv"))
window.controller.export_finished.connect(lambda path: window.close())
QTimer.singleShot(120_000, app.quit)
start(window)
app.exec()
codes.append(len(window.batch))
print(json.dumps({"codes": codes, "events": events}))
"""


def test_cli_and_gui_batches_touch_no_network(tmp_path):
    make_cell_folder(tmp_path / "cells", 6)
    (tmp_path / "out").mkdir()
    env = dict(_without_our_settings(), QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"), MALARIASCOPE_DATA_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", CLI_AND_GUI, str(tmp_path / "cells"),
                           str(tmp_path / "out")], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["codes"] == [0, "refused", 6]  # both batches really ran
    assert (tmp_path / "out" / "gui.csv").is_file() and (tmp_path / "out" / "cams").is_dir()
    assert result["events"] == []
    assert not (tmp_path / ".cache" / "Microsoft").exists()  # ONNX Runtime's device id


def _without_our_settings() -> dict[str, str]:
    """This process's environment without what importing ``malariascope`` set in it: a child
    must get ``ORT_DISABLE_TELEMETRY`` from the package itself, not inherit it from here."""
    return {name: value for name, value in os.environ.items()
            if name != "ORT_DISABLE_TELEMETRY"}


SCREEN_FOR = """
import sys, time
import numpy as np
from malariascope.core.classifier import Classifier
classifier = Classifier.open()
cells = np.zeros((64, classifier.input_size, classifier.input_size, 3), np.uint8)
started = time.monotonic()
while time.monotonic() - started < float(sys.argv[1]):
    classifier.predict(cells)
"""


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_onnx_runtime_opens_no_internet_socket_and_leaves_no_device_id(tmp_path):
    """Native code is outside the audit hook's view: strace sees every socket the process
    opens. ONNX Runtime's telemetry looks its server up about 9 s into a run."""
    trace = tmp_path / "trace.txt"
    env = dict(_without_our_settings(), HOME=str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    done = subprocess.run(["strace", "-f", "-e", "trace=socket,connect", "-o", str(trace),
                           sys.executable, "-c", SCREEN_FOR, "14"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    sockets = [line for line in trace.read_text().splitlines()
               if "AF_INET" in line]  # AF_INET6 too
    assert sockets == []
    assert list((tmp_path / "home").rglob("*")) == []


def test_the_hook_does_see_a_connection_attempt():
    code = WATCHED + """
import socket
try:
    socket.create_connection(("127.0.0.1", 9), timeout=0.5)
except OSError:
    pass
print(json.dumps(sorted({event for event, _ in events})))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert "socket.connect" in json.loads(done.stdout)


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == name]


def _keyword(call: ast.Call, name: str) -> object:
    values = [k.value for k in call.keywords if k.arg == name]
    return values[0].value if values and isinstance(values[0], ast.Constant) else None


def _is_keras(call: ast.Call) -> bool:
    """``keras.[saving.|models.]load_model(...)``, or ``load_model`` imported bare."""
    name = ast.unparse(call.func)
    return isinstance(call.func, ast.Name) or "keras." in name or name.startswith("tf.")


def test_no_code_unpickles_and_keras_loads_in_safe_mode():
    unsafe_modules = {"pickle", "cPickle", "dill", "cloudpickle", "joblib", "shelve", "marshal"}
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            problems += [f"{path.name} imports {n}" for n in names
                         if n.split(".")[0] in unsafe_modules]
        problems += [f"{path.name}:{c.lineno} np.load without allow_pickle=False"
                     for c in _calls(tree, "load")
                     if getattr(c.func, "value", None) is not None
                     and getattr(c.func.value, "id", "") in ("np", "numpy")
                     and _keyword(c, "allow_pickle") is not False]
        problems += [f"{path.name}:{c.lineno} load_model without safe_mode=True"
                     for c in _calls(tree, "load_model") if _is_keras(c)
                     and _keyword(c, "safe_mode") is not True]
    assert not problems
    unsafe = ast.parse("keras.saving.load_model(p)\nself.controller.load_model()")
    assert [_is_keras(call) for call in _calls(unsafe, "load_model")] == [True, False]


def test_a_keras_model_with_code_inside_is_refused(tmp_path):
    """Even with a matching hash (someone rebuilt the card), safe mode will not run a Lambda."""
    keras = pytest.importorskip("keras")
    from malariascope.core.backends import open_backend

    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Lambda(lambda t: t * 2.0)(inputs)
    x = keras.layers.Conv2D(2, 3, name="last_conv")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    model = keras.Model(inputs, keras.layers.Dense(1, name="logit")(x))
    model.save(tmp_path / "evil.keras")
    digest = hashlib.sha256((tmp_path / "evil.keras").read_bytes()).hexdigest()
    card = dataclasses.replace(load_card(), files={"keras": ModelFile("evil.keras", digest)})
    (tmp_path / "model-card.json").write_text(json.dumps(card.to_dict()), encoding="utf-8")
    with pytest.raises(ModelError, match="cannot load Keras model.*Lambda"):
        open_backend(load_card(tmp_path), "tensorflow")


def test_models_come_from_the_bundle_or_a_folder_the_user_names(tmp_path, monkeypatch):
    monkeypatch.delenv(MODELS_ENV, raising=False)
    assert models_dir() == PACKAGE.parent / "models"
    assert load_card().path == PACKAGE.parent / "models" / "model-card.json"
    monkeypatch.setenv(MODELS_ENV, str(tmp_path))
    assert models_dir() == tmp_path
    with pytest.raises(ModelError, match="model card not found"):
        load_card()


def test_a_model_file_its_card_does_not_list_is_refused(tmp_path):
    bundled = load_card()
    for name in ("model-card.json", *(entry.name for entry in bundled.files.values())):
        (tmp_path / name).write_bytes((bundled.path.parent / name).read_bytes())
    assert load_card(tmp_path / "malariascope-cnn.onnx").path == tmp_path / "model-card.json"
    other = tmp_path / "older-export.keras"
    other.write_bytes(b"not the model the card vouches for")
    with pytest.raises(ModelError, match="is not a model its card model-card.json lists"):
        load_card(other)
