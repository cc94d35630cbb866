"""The image files of a case found but not screened, as a screening adds to it: those of its
inputs cut short that the screening does not search again, those it searches again but did
not find again (gone), and its own files not screened yet. The case's extent records them by
name (``Extent.unscreened``), so a later search again tells which files are gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from malariascope.core.extent import Extent
from malariascope.gui.screening_work import Reopened


@dataclass
class Unscreened:
    """One screening's files found but not screened: ``kept`` from before it (gone ones
    among them), its own ``files`` of which the first ``done`` are screened, and how many
    files found before are ``gone``."""

    kept: list[Path] = field(default_factory=list)
    files: tuple[Path, ...] = ()
    done: int = 0
    gone: int = 0

    @classmethod
    def of(cls, extent: Extent, reopened: Reopened, held: int) -> Unscreened:
        """The files of a screening that ``reopened`` tells of, ``extent`` the case's as it
        starts and ``held`` the image files it holds: the files gone are told by name when
        the extent records the names, else by count (work saved before it did)."""
        gone = len(reopened.gone) if extent.unscreened else extent.gone_from(held,
                                                                            reopened.found)
        kept = [*extent.unscreened_paths(besides=reopened.whole), *reopened.gone]
        return cls(kept, reopened.files, 0, gone if reopened.whole else 0)

    def at(self, extent: Extent, done: int) -> Extent:
        """``extent`` recording these files once the first ``done`` of the screening's own
        are screened."""
        self.done = done
        return extent.with_unscreened([*self.kept, *self.files[done:]])

    def screened(self, extent: Extent, paths: list[Path]) -> Extent:
        """``extent`` once the screening of ``paths`` has reached its end: they stay cut
        short while files found before are gone (``Extent.screened_whole``)."""
        return self.at(extent.screened_whole(paths, self.gone), len(self.files))
