"""Image files whose content is that of a file already screened, left out so no cell counts twice.

A copy of an image at another path (a folder copied, a field saved twice) has its original's
bytes, so its sha256, which every result of a file carries (``ScreeningResult.sha256``). The
pipeline hashes a file's bytes as it reads them and asks :meth:`Turn.screening` before
decoding them, so a copy costs one read and hash: it gives one result whose error is
:data:`LEFT_OUT`, which :meth:`Copies.is_copy` leaves out. Error rows are kept whatever their
hash: a file that could not be screened adds no cell, and its row says what was not
screened, so a copy of one is screened as itself. Only the hex digests of the files kept are
held, with the path of each to name an original.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from malariascope.core.leftout import NAMED, NONE_LEFT_OUT, LeftOut
from malariascope.core.rescreened import LEFT_OUT, Superseded
from malariascope.core.words import counted

if TYPE_CHECKING:  # core.results pulls in numpy
    from malariascope.core.results import ScreeningResult


class Copies:
    """The image files screened so far, by content, and the copies of them left out.

    Parameters
    ----------
    held
        Results already in the case: copies of their files are left out too.
    """

    def __init__(self, held: Iterable[ScreeningResult] = ()) -> None:
        self._originals: dict[str, Path] = {}
        self.copies: list[Path] = []  #: the files left out as copies, in order
        #: the first copies left out (as many as ``core.leftout`` names), each with its original
        self.named: list[tuple[Path, Path]] = []
        #: the names of the copies by folder, for a case's record (``LeftOut.in_folders``),
        #: kept as they are left out, on the screening's thread
        self._folders: dict[str, list[str]] = {}
        #: whether the copies found in a folder are counted already, at a place of the
        #: case's record (``core.extent.counted_at``); asked once a folder, on the
        #: screening's thread
        self.counted_at: Callable[[str], bool] = lambda folder: False
        self._counted: dict[str, int] = {}  # those copies, by folder
        #: a copy is counted and placed at once, and :meth:`record` reads both at once
        self._record_lock = threading.Lock()
        rows = Superseded()
        for row, result in enumerate(held):
            self._remember(result)
            rows.take(row, result)
        #: files of the case that could not be read: opened again, they are screened again
        self.unread = rows.unread_files

    def is_copy(self, results: list[ScreeningResult]) -> bool:
        """True when ``results`` (one file's, as ``pipeline.whole_files`` gives them) are those
        of a copy of a file seen before; otherwise that file is seen from now on. Results are
        given in order, on one thread: a screening's loaders read what is seen meanwhile."""
        first = results[0]
        if first.error == LEFT_OUT:  # known by its bytes as it was read (see ``reads``)
            original = self._originals.get(first.sha256, first.path)
        else:
            original = self._originals.get(first.sha256) if first.ok else None
        if original is None:
            self._remember(first)
            return False
        self._place(first.path)
        if len(self.named) < NAMED:
            self.named.append((first.path, original))
        return True

    @property
    def left_out(self) -> int:
        """How many files were left out as copies."""
        return len(self.copies)

    def reads(self) -> FirstReads:
        """What one screening's loaders ask of the files they read (see ``pipeline.screen``)."""
        return FirstReads(self._originals)

    def words(self, others: str = "other files of the case") -> str:
        """The copies left out, in words ('' when none): how many, and the first with its
        original, each named by as much of its path as tells them apart."""
        if not self.left_out:
            return ""
        copy, original = self.told_apart()[0]
        return (f"{counted(self.left_out, 'file')} identical to {others} left out: "
                f"{copy} is a copy of {original}")

    def told_apart(self) -> list[tuple[Path, Path]]:
        """The copies named, each with its original, by as much of their paths as tells
        them apart."""
        return [_told_apart(copy, original) for copy, original in self.named]

    def record(self, before: LeftOut = NONE_LEFT_OUT) -> LeftOut:
        """The copies left out so far as a case's records keep them, after those ``before``.
        The window asks for one with every chunk of results, while the screening goes on:
        it costs a copy of the names by folder, not a look at every copy's path."""
        with self._record_lock:
            folders = {folder: tuple(names) for folder, names in self._folders.items()}
            count = len(self.copies) - sum(self._counted.values())
        return before.add(count, self.told_apart(), folders)

    def _place(self, copy: Path) -> None:
        """Count ``copy`` and keep its name by its folder, or count it there when it is
        counted already; decided before the lock, as the first copy of a folder reads the
        disk, and only the screening's thread places copies."""
        folder = str(copy.parent)
        counted = folder in self._counted or (
            folder not in self._folders and self.counted_at(folder))
        with self._record_lock:
            self.copies.append(copy)
            if counted:
                self._counted[folder] = self._counted.get(folder, 0) + 1
            else:
                self._folders.setdefault(folder, []).append(copy.name)

    def _remember(self, result: ScreeningResult) -> None:
        if result.ok and result.sha256:
            self._originals.setdefault(result.sha256, result.path)


@dataclass
class FirstRead:
    """The first file of a screening read with some content: once it is screened, whether it
    could be."""

    ok: bool = False
    screened: threading.Event = field(default_factory=threading.Event)


class FirstReads:
    """One screening's files by content, recorded in order as its loader threads read them.

    A file is a copy when its content is that of a file kept before the screening (by
    :class:`Copies`, which the results reach in order, on another thread) or of a file before
    it in the screening that screened, which may still be screening: the copy waits for it.
    """

    def __init__(self, originals: dict[str, Path]) -> None:
        self.originals = originals  # only ever added to
        self.first: dict[str, FirstRead] = {}
        self.lock = threading.Lock()
        self._last = threading.Event()  # the last turn given has been recorded
        self._last.set()

    def turn(self) -> Turn:
        """The next file's place (``pipeline`` queues its loaders in order, on one thread)."""
        turn = Turn(self, self._last)
        self._last = turn.recorded
        return turn


@dataclass
class Turn:
    """One file's place among a screening's reads: it is recorded once the file before it is,
    so the first file of a content is the first in order, and it never waits itself."""

    reads: FirstReads
    before: threading.Event  # set once the file before is recorded
    recorded: threading.Event = field(default_factory=threading.Event)

    def end(self, *_: object) -> None:
        """Let the next file be recorded; also its loader's done callback, so a loader that
        is cancelled or fails ends its turn."""
        self.recorded.set()

    def unreadable(self) -> None:
        """End the turn of a file with no bytes to hash, in order."""
        self.before.wait()
        self.end()

    @contextmanager
    def screening(self, sha256: str) -> Iterator[FirstRead | None]:
        """Around the screening of the file, of content ``sha256``: gives None for a copy,
        not to be screened; otherwise a record whose ``ok`` the screening sets."""
        self.before.wait()
        reads, mine = self.reads, FirstRead()
        with reads.lock:
            first = None if sha256 in reads.originals else reads.first.setdefault(sha256, mine)
        self.end()
        try:
            if first is not None and first is not mine:  # wait: did the first one screen?
                first.screened.wait()
            yield None if first is None or (first is not mine and first.ok) else mine
        finally:
            mine.screened.set()


def _told_apart(first: Path, second: Path) -> tuple[Path, Path]:
    """The last parts of two paths, from the folder and name on, that tell them apart."""
    for parts in range(2, max(len(first.parts), len(second.parts))):
        ends = Path(*first.parts[-parts:]), Path(*second.parts[-parts:])
        if ends[0] != ends[1]:
            return ends
    return first, second
