"""What the app bundle leaves out on purpose (the spec's EXCLUDES) is told as such by the
frozen executables: a command that needs it is for a Python install, which no reinstall of
the bundle mends."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from tests.images import make_cell_folder
from tests.installers import PACKAGING, ROOT

#: the bundle as PyInstaller makes it: ``sys.frozen`` set, the excluded modules absent
FROZEN = """
import runpy, sys
sys.frozen = True
for name in sys.argv[1].split(","):
    sys.modules.setdefault(name, None)  # None: importing it raises ModuleNotFoundError
sys.argv = ["MalariaScope", *sys.argv[2:]]
runpy.run_path({entry!r}, run_name="__main__")
"""


def spec_excludes() -> list[str]:
    """The EXCLUDES list of packaging/malariascope.spec, read without running the spec."""
    tree = ast.parse((PACKAGING / "malariascope.spec").read_text(encoding="utf-8"))
    (value,) = [node.value for node in tree.body if isinstance(node, ast.Assign)
                and ast.unparse(node.targets[0]) == "EXCLUDES"]
    return ast.literal_eval(value)


def run_frozen(*args: object) -> subprocess.CompletedProcess:
    left_out = ",".join(spec_excludes())
    code = FROZEN.format(entry=str(PACKAGING / "app_entry.py"))
    return subprocess.run([sys.executable, "-c", code, left_out, *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_what_the_cli_calls_left_out_of_the_bundle_the_spec_excludes():
    from malariascope.cli import BUNDLE_LEAVES_OUT

    assert set(BUNDLE_LEAVES_OUT) <= set(spec_excludes())


@pytest.mark.parametrize(("command", "module", "package"), [
    ("evaluate-fields", "scipy", "malariascope"), ("evaluate", "sklearn", "malariascope"),
    ("train", "malariascope.training", "'malariascope[train]'")])
def test_the_bundle_says_a_command_needing_what_it_leaves_out_is_for_a_python_install(
        tmp_path, command, module, package):
    annotations = tmp_path / "annotations.json"
    annotations.write_text("[]", encoding="utf-8")
    for label in ("parasitized", "uninfected"):
        make_cell_folder(tmp_path / label, 1)
    result = run_frozen(command, tmp_path, *(["--annotations", annotations]
                                            if command == "evaluate-fields" else []))
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        f"malariascope: error: '{command}' needs the module '{module}', which the app bundle "
        f"leaves out; run it from a Python install: pip install {package}\n")
