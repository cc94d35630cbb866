"""Names of a batch's images: relative to the folder opened, whole where that folder is a root."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from malariascope.core.names import common_folder, relative_name, shared_folder, with_sources


def test_folders_of_one_drive_share_its_root_and_of_two_drives_share_nothing():
    slides, shared = PureWindowsPath(r"C:\slides\A"), PureWindowsPath(r"c:\Shared\data")
    assert shared_folder([slides, PureWindowsPath(r"C:\slides\B")]) == PureWindowsPath(
        r"C:\slides")
    assert shared_folder([slides, shared]) == PureWindowsPath("C:\\")
    assert shared_folder([slides, PureWindowsPath(r"D:\slides\A")]) is None
    assert shared_folder([PureWindowsPath(r"\\lab\share\A"), slides]) is None
    assert shared_folder([PurePosixPath("/tmp/slideA"),
                          PurePosixPath("/work/shared")]) == PurePosixPath("/")
    assert shared_folder([]) is None


def test_a_case_spanning_the_root_names_its_files_by_their_whole_path(tmp_path):
    """Opened from /tmp/slideA and /work/shared/..., the files shared only the root, and were
    named 'tmp/slideA/cell_0.png': a relative path that does not exist."""
    cell = tmp_path / "slideA" / "cell_0.png"
    root = Path(tmp_path.anchor)
    assert common_folder([cell, Path(root, "work", "shared")]) == root
    assert relative_name(cell, root) == str(cell)
    assert relative_name(cell, None) == str(cell)  # on two drives there is no folder
    assert relative_name(cell, tmp_path) == "slideA/cell_0.png"
    assert relative_name(cell, tmp_path / "other") == "cell_0.png"



def test_sources_take_the_names_of_paths_once_in_order():
    """The window's title, the save of a case cut short and the opening of more images name
    what a case was opened from alike: the sources first, then each new name once, a root
    by its whole path."""
    root = Path(Path.cwd().anchor)
    paths = [Path("/data/slide2"), Path("/other/slide1"), Path("/data/slide3"), root]
    assert with_sources(("slide1",), paths) == ("slide1", "slide2", "slide3", str(root))
    assert with_sources((), []) == ()
