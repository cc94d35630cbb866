"""What the spec leaves out of the bundle (``trim.py``, ``stubs.py``) and puts in for Windows
(``platform_needs.py``), on fabricated bundles: real files and links, laid out as COLLECT does."""

from __future__ import annotations

import ast
import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.installers import ROOT, load

trim = load("trim")
stubs = load("stubs")
platform_needs = load("platform_needs")

QT = "PySide6/Qt"
FRAMEWORK_LINKS = {  # what PyInstaller adds for each framework bundle it collects (macOS)
    "Versions/Current": "A", "{name}": "Versions/Current/{name}",
    "Resources": "Versions/Current/Resources",
}


def framework(name: str, source: Path) -> tuple[list, list]:
    """``(binaries, datas)`` of one Qt framework bundle, as PyInstaller lists them on macOS."""
    root = f"{QT}/lib/{name}.framework"
    binary = source / root / "Versions/A" / name
    plist = source / root / "Versions/A/Resources/Info.plist"
    for path in (binary, plist):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\xcf\xfa\xed\xfe" if path == binary else b"<plist/>")
    datas = [(f"{root}/Versions/A/Resources/Info.plist", str(plist), "DATA")]
    datas += [(f"{root}/{link.format(name=name)}", target.format(name=name), "SYMLINK")
              for link, target in FRAMEWORK_LINKS.items()]
    return [(f"{root}/Versions/A/{name}", str(binary), "BINARY")], datas


def plugin(path: str, source: Path) -> tuple[str, str, str]:
    (source / path).parent.mkdir(parents=True, exist_ok=True)
    (source / path).write_bytes(b"\x7fELF")
    return path, str(source / path), "BINARY"


def collect(binaries: list, datas: list, dist: Path) -> Path:
    """Lay the entries out as PyInstaller's COLLECT does: copies, and links as given."""
    for dest, src, kind in binaries + datas:
        target = dist / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        if kind == "SYMLINK":
            os.symlink(src, target)
        else:
            shutil.copy(src, target)
    return dist


def dangling_links(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_symlink() and not p.exists())


def test_a_dropped_framework_goes_whole_leaving_no_dangling_link(tmp_path):
    source = tmp_path / "site-packages"
    core_bin, core_data = framework("QtCore", source)
    net_bin, net_data = framework("QtNetwork", source)
    vnc = plugin(f"{QT}/plugins/platforms/libqvnc.dylib", source)  # links QtNetwork
    cocoa = plugin(f"{QT}/plugins/platforms/libqcocoa.dylib", source)
    links = {vnc[1]: {"qtnetwork", "qtcore"}, cocoa[1]: {"qtcore"}, net_bin[0][1]: {"qtcore"}}
    binaries, datas = trim.trim(core_bin + net_bin + [vnc, cocoa], core_data + net_data,
                                trim.unused_binary, imports=lambda src: links.get(src, set()))
    dist = collect(binaries, datas, tmp_path / "dist")
    assert dangling_links(dist) == []
    assert not (dist / QT / "lib/QtNetwork.framework").exists()  # nor its Info.plist
    assert (dist / QT / "lib/QtCore.framework/QtCore").is_file()  # through its links
    assert (dist / QT / "lib/QtCore.framework/Resources/Info.plist").is_file()
    assert sorted(p.name for p in (dist / QT / "plugins/platforms").iterdir()) == [
        "libqcocoa.dylib"]


def test_a_top_level_link_to_a_dropped_library_goes_with_it(tmp_path):
    source = tmp_path / "site-packages"
    network = plugin(f"{QT}/lib/libQt6Network.so.6", source)
    vnc = plugin(f"{QT}/plugins/platforms/libqvnc.so", source)
    xcb = plugin(f"{QT}/plugins/platforms/libqxcb.so", source)
    links = {vnc[1]: {"libqt6network.so.6"}}
    datas = [("libQt6Network.so.6", f"{QT}/lib/libQt6Network.so.6", "SYMLINK"),
             ("libqxcb.so", f"{QT}/plugins/platforms/libqxcb.so", "SYMLINK")]
    binaries, datas = trim.trim([network, vnc, xcb], datas, trim.unused_binary,
                                imports=lambda src: links.get(src, set()))
    dist = collect(binaries, datas, tmp_path / "dist")
    assert dangling_links(dist) == []
    assert sorted(p.name for p in dist.iterdir()) == ["PySide6", "libqxcb.so"]


def test_cups_is_left_to_the_system_with_what_only_it_links_and_the_print_plugin_stays(
        tmp_path):
    source = tmp_path / "site-packages"
    printing = plugin(f"{QT}/plugins/printsupport/libcupsprintersupport.so", source)
    cups, gnutls, zlib, qt_gui = (plugin(name, source) for name in (
        "libcups.so.2", "libgnutls.so.30", "libz.so.1", f"{QT}/lib/libQt6Gui.so.6"))
    links = {printing[1]: {"libcups.so.2", "libqt6gui.so.6"},
             cups[1]: {"libgnutls.so.30", "libz.so.1"}, qt_gui[1]: {"libz.so.1"}}
    binaries, _ = trim.trim([printing, cups, gnutls, zlib, qt_gui], [], trim.unused_binary,
                            imports=lambda src: links.get(src, set()))
    assert binaries == [printing, zlib, qt_gui]


def test_opencv_ffmpeg_plugin_is_left_out_on_windows():
    assert trim.unused_binary("cv2/opencv_videoio_ffmpeg4120_64.dll")
    assert not trim.unused_binary("cv2/cv2.pyd")


def test_the_newest_whole_vc_runtime_is_put_on_top():
    """The CLI loads ONNX Runtime before Qt: the runtime must be where Windows looks first."""
    binaries = [("python311.dll", "C:/py/python311.dll", "BINARY"),
                ("vcruntime140.dll", "C:/py/vcruntime140.dll", "BINARY"),
                ("PySide6\\msvcp140.dll", "C:/qt/msvcp140.dll", "BINARY"),
                ("PySide6\\MSVCP140_1.dll", "C:/qt/msvcp140_1.dll", "BINARY"),
                ("PySide6\\vcruntime140.dll", "C:/qt/vcruntime140.dll", "BINARY"),
                ("PySide6\\vcruntime140_1.dll", "C:/qt/vcruntime140_1.dll", "BINARY")]
    versions = {"C:/qt/msvcp140.dll": (14, 42, 34433, 0)}
    out = platform_needs.vc_runtime_on_top(binaries, versions.__getitem__)
    top = {dest.lower(): src for dest, src, _ in out if "\\" not in dest}
    assert top == {"python311.dll": "C:/py/python311.dll", "msvcp140.dll": "C:/qt/msvcp140.dll",
                   "msvcp140_1.dll": "C:/qt/msvcp140_1.dll",
                   "vcruntime140.dll": "C:/qt/vcruntime140.dll",  # one version, not two
                   "vcruntime140_1.dll": "C:/qt/vcruntime140_1.dll"}
    assert len(out) == len(binaries) + 3  # Qt keeps its own copies


def test_an_older_runtime_elsewhere_does_not_replace_the_one_on_top():
    binaries = [("msvcp140.dll", "new/msvcp140.dll", "BINARY"),
                ("PySide6\\msvcp140.dll", "old/msvcp140.dll", "BINARY")]
    versions = {"new/msvcp140.dll": (14, 44, 0, 0), "old/msvcp140.dll": (14, 38, 0, 0)}
    assert platform_needs.vc_runtime_on_top(binaries, versions.__getitem__) == binaries


needs_cc = pytest.mark.skipif(not (sys.platform.startswith("linux") and stubs.can_build_stubs()),
                              reason="needs Linux with a C compiler and readelf")


def compile_library(folder: Path, name: str, source: str, *flags: str) -> Path:
    (folder / f"{name}.c").write_text(source, encoding="utf-8")
    out = folder / f"{name}.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(out), str(folder / f"{name}.c"),
                    *flags], check=True, cwd=folder)
    return out


@needs_cc
def test_a_stub_loads_in_place_of_a_versioned_library_and_a_call_aborts_by_name(tmp_path):
    real, stubbed = tmp_path / "real", tmp_path / "stubbed"
    real.mkdir()
    (real / "demo.map").write_text("DEMO_1 { global: demo_add; demo_table; local: *; };\n")
    library = compile_library(real, "libdemo", "int demo_add(int a, int b) { return a + b; }\n"
                              "int demo_table[4] = {1, 2, 3, 4};\n",
                              "-Wl,-soname,libdemo.so", "-Wl,--version-script=demo.map")
    caller = compile_library(real, "libcaller", "int demo_add(int, int);\nextern int demo_table[];"
                             "\nint call(void) { return demo_add(2, demo_table[1]); }\n",
                             "-L.", "-ldemo", "-Wl,-rpath,$ORIGIN")
    assert ctypes.CDLL(str(caller)).call() == 4
    stubbed.mkdir()
    stubs.write_stub(library, stubbed / "libdemo.so", [caller])
    shutil.copy(caller, stubbed)
    code = (f"import ctypes; lib = ctypes.CDLL({str(stubbed / 'libcaller.so')!r}, "
            "mode=ctypes.RTLD_GLOBAL | os.RTLD_NOW); print('loaded', flush=True); lib.call()")
    result = subprocess.run([sys.executable, "-c", f"import os; {code}"], capture_output=True,
                            text=True, timeout=60)
    assert result.stdout == "loaded\n"  # every symbol resolved, versions included
    assert result.returncode != 0
    assert "demo_add() of libdemo.so was called" in result.stderr


def test_every_opencv_function_the_app_calls_was_run_with_the_stubs():
    """A call that reaches a stubbed library ends the app: each one must be checked first."""
    called = set()
    for path in (ROOT / "malariascope").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "cv2"):
                called.add(node.func.attr)
    unchecked = sorted(called - stubs.CHECKED_CV2_CALLS)
    assert not unchecked, (
        f"cv2.{', cv2.'.join(unchecked)}: run it in the built bundle (tests/test_bundle.py) to "
        "see it reaches no library packaging/stubs.py leaves out, then add it to CHECKED_CV2_CALLS")
