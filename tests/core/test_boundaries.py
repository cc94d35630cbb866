"""The core stays free of Qt and TensorFlow, so the CLI and the app bundle stay light; no
module of the package imports itself back through others."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

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
    from tests.images import FIELD_CELLS, write_field

    field, _ = write_field(tmp_path / "field.png")
    code = CHECK.split("import malariascope")[0].replace("{'PySide6',", "{'scipy', 'PySide6',")
    assert "'scipy'" in code
    code += (f"from malariascope.core.classifier import Classifier\n"
             f"from malariascope.core.pipeline import screen\n"
             f"assert len(list(screen([{str(field)!r}], Classifier.open()))) == {FIELD_CELLS}\n"
             f"print('ok')\n")
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports anywhere in its code (inside functions
    too), read from the source. A parent package imported on the way is no edge."""
    modules = {}
    for path in (root / "malariascope").rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {}
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in node.names:
                    name = f"{base}.{alias.name}"
                    targets.add(name if name in modules else base)
        graph[module] = {target for target in targets if target in modules} - {module}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle a depth-first walk of ``graph`` meets, each as the modules along it."""
    state: dict[str, str] = {}
    path: list[str] = []
    cycles = []

    def visit(module: str) -> None:
        state[module] = "open"
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                cycles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return cycles


def test_the_package_has_no_import_cycle_lazy_imports_included():
    graph = import_graph(ROOT)
    assert "malariascope.gui.app" in graph["malariascope.cli.gui"]  # imported inside run()
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert import_cycles(graph) == []
