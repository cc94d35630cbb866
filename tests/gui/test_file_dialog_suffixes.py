"""The window's file chooser offers every image name the app reads, in one list."""

from __future__ import annotations

from malariascope.core.suffixes import IMAGE_SUFFIXES
from malariascope.gui.file_dialogs import IMAGE_FILTER


def test_the_file_chooser_lists_every_suffix_the_app_reads():
    """The chooser kept a list of its own, which did not offer .jfif or .jpe JPEGs."""
    listed = IMAGE_FILTER.split("(", 1)[1].split(")", 1)[0].split()
    assert listed == [f"*{suffix}" for suffix in IMAGE_SUFFIXES]
    assert {"*.jfif", "*.jpe"} <= set(listed)
