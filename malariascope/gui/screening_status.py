"""The status bar's line when a screening ends: what it screened, or where it stopped."""

from __future__ import annotations

from malariascope.core.tally import Counts
from malariascope.core.words import counted


def screened(counts: Counts, added: int, seconds: float, notes: str, files: int) -> str:
    """``added`` cells screened in ``seconds`` from ``files`` image files, and the case's own
    count when it held others."""
    held = f"; the case holds {counts.cells_text}" if added != counts.classified else ""
    if not files and not notes:
        return f"No image files found in what was opened{held}"
    cells = counted(added, "cell") if held else counts.cells_text
    return f"Screened {cells} in {seconds:.1f} s{notes}{held}"


def gone(files: int) -> str:
    """Why a case stays partial after its rest was screened: ``files`` image files found when
    it was cut short were not found again ("" when none)."""
    if not files:
        return ""
    verb = "is" if files == 1 else "are"
    return (f"; {counted(files, 'image file')} found when its screening was stopped "
            f"{verb} not there any more (moved, renamed or deleted): the case stays partial")


def stopped(why: str, waiting: int, files: tuple[int, int], counts: Counts) -> str:
    """Why a screening stopped, how far it got, and the additions left ``waiting``."""
    if waiting:
        why += f" (and {counted(waiting, 'addition')} waiting, not screened)"
    done, total = files
    return (f"{why} after {done:,} of {total:,} images ({counts.cells_text}); a report holds "
            "only these")
