"""The image files of a case found but not screened, as a screening adds to it: those of its
inputs cut short that the screening does not search again, those it searches again but did
not find again (gone), and its own files not screened yet. The case's extent records them by
name (``Extent.unscreened``), so a later search again tells which files are gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from malariascope.core.extent import Extent
from malariascope.core.unscreened import UnscreenedNames
from malariascope.gui.screening_work import Reopened


@dataclass(frozen=True)
class Unscreened:
    """One screening's files found but not screened, ``names`` by input (named in its
    worker), how many files found before are ``gone``, and how many are ``left``: found
    before, neither held nor found by it (those gone among them)."""

    names: UnscreenedNames = UnscreenedNames()
    gone: int = 0
    left: int = 0

    @classmethod
    def of(cls, extent: Extent, reopened: Reopened, held: int) -> Unscreened:
        """The files of a screening that ``reopened`` tells of, ``extent`` the case's as it
        starts and ``held`` the image files it holds: the files gone and left are told by
        name when each input searched again whole records the names, else by count (work
        saved before MalariaScope kept them, alone or beside other work)."""
        names = reopened.unscreened
        if {name for name, _ in extent.unscreened}.issuperset(reopened.whole):
            return cls(names, reopened.gone, sum(len(kept) for _, kept in names.kept))
        gone = extent.gone_from(held, reopened.found) if reopened.whole else 0
        return cls(names, gone, gone)

    def at(self, extent: Extent, done: int) -> Extent:
        """``extent`` recording these files once the first ``done`` of the screening's own
        are screened."""
        return self.names.at(extent, done)

    def screened(self, extent: Extent, paths: list[Path]) -> Extent:
        """``extent`` once the screening of ``paths`` has reached its end: they stay cut
        short while files found before are gone (``Extent.screened_whole``)."""
        return self.at(extent.screened_whole(paths, self.gone), self.names.files)
