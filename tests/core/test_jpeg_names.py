"""JPEG files under the other names cameras and Windows give them (``.jfif``, ``.jpe``) are
found in a folder and screened."""

from __future__ import annotations

import shutil

from malariascope.core.classifier import Classifier
from malariascope.core.discovery import Discovery
from malariascope.core.pipeline import screen


def test_jfif_and_jpe_files_in_a_folder_are_screened_not_skipped(tmp_path, real_cells):
    """A folder of JPEGs saved as .jfif (Windows' name for a JPEG from a browser) or .jpe
    was counted as "non-image files skipped", and a case of them screened nothing."""
    cell = real_cells["parasitized"][0]
    jpeg = tmp_path / "cell.jpg"
    import cv2  # the cell as a JPEG, as a camera writes it

    cv2.imwrite(str(jpeg), cv2.imread(str(cell)))
    folder = tmp_path / "slide"
    folder.mkdir()
    for name in ("a.jfif", "b.JFIF", "c.jpe"):
        shutil.copy(jpeg, folder / name)
    found = Discovery([folder])
    paths = list(found)
    assert sorted(path.name for path in paths) == ["a.jfif", "b.JFIF", "c.jpe"]
    assert found.skipped == []
    results = list(screen(paths, Classifier.open()))
    assert [result.error for result in results] == [""] * 3
    assert all(result.probability > 0.5 for result in results)  # a parasitized cell

