"""Whether a folder's disk ignores letter case, asked of folders that may not exist."""

from __future__ import annotations

from malariascope.core.targets import _ignores_case


def test_a_missing_folder_whose_other_case_twin_exists_is_no_error(tmp_path, monkeypatch):
    """With the output folder `out` missing and `OUT` there (a disk that tells case apart),
    asking whether the disk ignores case raised FileNotFoundError from os.path.samefile.
    The folder is named from tmp_path, the working folder, so its twin is under it too."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "OUT").mkdir()
    assert not _ignores_case("out")
    (tmp_path / "out").mkdir()
    assert not _ignores_case("out")  # two folders, one for each case
