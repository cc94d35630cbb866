"""The installers workflow and the scripts it runs on Windows and macOS, read and (where bash
can) run here: those jobs only ever run on GitHub's runners."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.installers import PACKAGING, ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "installers.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(workflow: dict) -> list[dict]:
    return workflow["jobs"]["bundle"]["steps"]


def scripts(workflow: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(workflow))


def test_pull_requests_that_change_what_is_bundled_build_the_installers(workflow):
    paths = workflow[True]["pull_request"]["paths"]  # YAML 1.1 reads the key `on` as True
    for changed in ("malariascope/**", "models/**", "assets/**", "packaging/**",
                    "pyproject.toml", "tests/test_bundle.py", ".github/workflows/installers.yml"):
        assert changed in paths


def test_every_os_builds_the_pinned_versions_with_a_pip_cache(workflow):
    setup = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache"] == "pip"
    assert "packaging/constraints.txt" in setup["with"]["cache-dependency-path"]
    build = (PACKAGING / "build.py").read_text(encoding="utf-8")
    assert '"-c", str(CONSTRAINTS)' in build
    pins = (PACKAGING / "constraints.txt").read_text(encoding="utf-8")
    for package in ("onnxruntime", "opencv-python-headless", "PySide6_Essentials", "numpy",
                    "pyinstaller"):
        assert re.search(rf"^{package}==\S+$", pins, re.MULTILINE), package


def test_macos_job_fails_on_a_bad_signature(workflow):
    env = workflow["jobs"]["bundle"]["env"]
    assert env["PYINSTALLER_STRICT_BUNDLE_CODESIGN_ERROR"] == "1"
    assert env["PYINSTALLER_VERIFY_BUNDLE_SIGNATURE"] == "1"
    assert "codesign --verify --deep --strict" in scripts(workflow)


def test_windows_job_finds_inno_setup_and_checks_the_installed_app(workflow):
    text = scripts(workflow)
    assert "Get-Command ISCC.exe" in text and "Inno Setup 6\\ISCC.exe" not in text
    assert "vcruntime140_1.dll" in text and "14.40" in text
    assert '"$app\\MalariaScope.exe" -ArgumentList \'classify\'' in text


def test_each_os_starts_its_real_platform_plugin_once(workflow):
    step = next(s for s in steps(workflow) if "real platform plugin" in s.get("name", ""))
    assert step["run"].count("env -u QT_QPA_PLATFORM") == 3  # xcb, windows, cocoa


def test_installer_needs_windows_10_1809_and_groups_with_the_running_app():
    iss = (PACKAGING / "windows" / "malariascope.iss").read_text(encoding="utf-8")
    assert re.search(r"^MinVersion=10\.0\.17763$", iss, re.MULTILINE)
    app = (ROOT / "malariascope" / "gui" / "app.py").read_text(encoding="utf-8")
    app_id = re.search(r'SetCurrentProcessExplicitAppUserModelID\("([^"]+)"\)', app).group(1)
    shortcuts = [line for line in iss.splitlines() if line.startswith("Name: \"{auto")]
    assert shortcuts and all(f'AppUserModelID: "{app_id}"' in line for line in shortcuts)


def fake_hdiutil(folder: Path, failures: int, message: str) -> Path:
    """An ``hdiutil`` that fails ``failures`` times with ``message``, then succeeds; and a
    ``sleep`` that does not wait."""
    folder.mkdir()
    calls = folder / "calls"
    (folder / "hdiutil").write_text(
        "#!/bin/sh\n"
        f'n=$(cat "{calls}" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "{calls}"\n'
        f'if [ $n -le {failures} ]; then echo "hdiutil: create failed - {message}"; exit 1; fi\n'
        "echo created\n")
    (folder / "sleep").write_text("#!/bin/sh\n")
    for tool in ("hdiutil", "sleep"):
        (folder / tool).chmod(0o755)
    return folder


def with_retries(tmp_path: Path, failures: int, message: str) -> tuple[int, int]:
    """Exit code of make_dmg.sh's ``with_retries hdiutil create``, and the calls it made."""
    shims = fake_hdiutil(tmp_path / "bin", failures, message)
    script = PACKAGING / "macos" / "make_dmg.sh"
    result = subprocess.run([shutil.which("bash"), "-c", f'PATH="{shims}:$PATH"; source '
                             f'"{script}"; with_retries hdiutil create x.dmg'],
                            capture_output=True, text=True, timeout=60)
    return result.returncode, int((shims / "calls").read_text())


def test_hdiutil_is_tried_again_while_the_resource_is_busy(tmp_path):
    assert with_retries(tmp_path, 2, "Resource busy") == (0, 3)


def test_hdiutil_fails_at_once_on_another_error(tmp_path):
    assert with_retries(tmp_path, 2, "No space left on device") == (1, 1)
