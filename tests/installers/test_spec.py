"""``packaging/malariascope.spec`` run with stand-ins for PyInstaller's build steps, to read
back what it passes them on each OS: nothing is built."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from tests.installers import PACKAGING


class Recorder:
    """A stand-in for one of PyInstaller's build classes: keeps its arguments."""

    def __init__(self, calls: list, kind: str) -> None:
        self.calls, self.kind = calls, kind

    def __call__(self, *args, **kwargs) -> SimpleNamespace:
        made = SimpleNamespace(kind=self.kind, args=args, **kwargs)
        self.calls.append(made)
        return made


def fake_pyinstaller(monkeypatch, analysis: SimpleNamespace, minos: dict[str, tuple]) -> list:
    """Put stand-ins for the PyInstaller modules the spec imports; returns the calls made."""
    calls: list = []
    names = {
        "PyInstaller": {}, "PyInstaller.building": {}, "PyInstaller.utils": {},
        "PyInstaller.depend": {},
        "PyInstaller.building.api": {kind: Recorder(calls, kind) for kind in ("PYZ", "EXE",
                                                                               "COLLECT")},
        "PyInstaller.building.build_main": {"Analysis": lambda *a, **k: analysis},
        "PyInstaller.building.osx": {"BUNDLE": Recorder(calls, "BUNDLE")},
        "PyInstaller.config": {"CONF": {"workpath": "unused"}},
        "PyInstaller.utils.osx": {"macosx_version_min": lambda src: minos[src]},
        "PyInstaller.depend.bindepend": {"get_imports": lambda src, paths=None: []},
        "PyInstaller.utils.win32": {"versioninfo": SimpleNamespace(**{
            name: Recorder([], name) for name in ("VSVersionInfo", "FixedFileInfo",
                                                  "StringFileInfo", "StringTable",
                                                  "StringStruct", "VarFileInfo", "VarStruct")})},
    }
    for name, attributes in names.items():
        module = ModuleType(name)
        module.__dict__.update(attributes)
        monkeypatch.setitem(sys.modules, name, module)
    return calls


@pytest.fixture(autouse=True)
def forget_spec_modules():
    """The spec imports trim, stubs and platform_needs by their bare names: drop them after."""
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        del sys.modules[name]


def run_spec(monkeypatch, platform: str, binaries: list, minos: dict[str, tuple]) -> list:
    analysis = SimpleNamespace(binaries=binaries, datas=[], pure=[], scripts=[
        ("pyiboot01_bootstrap", "b.py", "PYSOURCE"), ("app_entry", "a.py", "PYSOURCE"),
        ("__main__", "m.py", "PYSOURCE")])
    calls = fake_pyinstaller(monkeypatch, analysis, minos)
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the spec puts its folders first
    spec = PACKAGING / "malariascope.spec"
    code = compile(spec.read_text(encoding="utf-8"), str(spec), "exec")
    exec(code, {"__name__": "__main__", "SPECPATH": str(PACKAGING)})  # noqa: S102
    return calls


def test_macos_app_is_a_foreground_app_that_names_the_macos_it_needs(monkeypatch):
    binaries = [("cv2/cv2.abi3.so", "/w/cv2.so", "EXTENSION"),
                ("PySide6/Qt/lib/QtCore.framework/Versions/A/QtCore", "/w/QtCore", "BINARY")]
    calls = run_spec(monkeypatch, "darwin", binaries,
                     {"/w/cv2.so": (15, 0, 0), "/w/QtCore": (13, 0, 0)})
    collect = next(call for call in calls if call.kind == "COLLECT")
    app, cli = collect.args[:2]
    assert (app.name, app.console, cli.console) == ("MalariaScope", False, True)
    bundle = next(call for call in calls if call.kind == "BUNDLE")
    assert bundle.info_plist["LSBackgroundOnly"] is False  # the CLI, last, is a console exe
    assert bundle.info_plist["LSMinimumSystemVersion"] == "15.0"
    assert bundle.name == "MalariaScope.app"


@pytest.mark.parametrize("platform", ["linux", "win32"])
def test_no_app_bundle_outside_macos(monkeypatch, platform):
    calls = run_spec(monkeypatch, platform, [], {})
    assert not [call for call in calls if call.kind == "BUNDLE"]
    assert Path(next(c for c in calls if c.kind == "COLLECT").name).name == "MalariaScope"
