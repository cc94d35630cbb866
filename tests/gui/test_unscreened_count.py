"""How many files a case found but had not screened are gone, when it records some of them
by name and others, cut short by an older MalariaScope, only by count."""

from __future__ import annotations

import shutil

from malariascope.core.extent import Extent
from malariascope.gui.screening_work import screen_chunks
from malariascope.gui.unscreened import Unscreened


def first_chunk(paths, held, before):
    """The first chunk of a screening of ``paths`` (nothing classified: it says what they
    search again before any file is screened)."""
    return next(screen_chunks(paths, None, held=held, before=before)).reopened


def test_files_gone_of_an_input_recorded_only_by_count_are_counted(tmp_path, real_cells):
    """Of two folders cut short, one recorded its files not screened by name, the other
    (an older MalariaScope) only by count: 3 of the latter's 4 gone were told as none, and
    the case could read complete with 3 files never screened."""
    old, new = tmp_path / "old", tmp_path / "new"
    cells = real_cells["uninfected"][:12]
    for folder, files in ((old, cells[:6]), (new, cells[6:])):
        folder.mkdir()
        for path in files:
            shutil.copy(path, folder / path.name)
    held = [old / cells[0].name, old / cells[1].name, *(new / path.name for path in cells[6:11])]
    before = Extent((str(old), str(new)), files=12, cut_short=(str(old), str(new)),
                    unscreened=((str(new), (cells[11].name,)),))
    for path in cells[2:5]:  # 3 of old's 4 not screened gone
        (old / path.name).unlink()
    reopened = first_chunk([old, new], held, before)
    assert reopened.whole == (str(old), str(new)) and reopened.found == 2
    assert Unscreened.of(before, reopened, len(held)).gone == 3
