"""Screening for the window: the generator a :class:`~malariascope.gui.workers.Worker` runs
to add files to a case, yielding its results in chunks the UI thread takes a few times a
second, and leaving out what the case holds already.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from malariascope.core.copies import LEFT_OUT, Copies
from malariascope.core.extent import (
    Extent,
    copies_found_again,
    counted_at,
    searched_again,
    spelled,
)
from malariascope.core.names import common_folder
from malariascope.core.rescreened import unread
from malariascope.core.unscreened import UnscreenedNames, unscreened_after
from malariascope.core.words import counted

if TYPE_CHECKING:
    from malariascope.core.classifier import Classifier
    from malariascope.core.pipeline import Mode, ScreeningResult

CHUNK_SECONDS = 0.4  # results reach the UI at most this often (each update repaints)


@dataclass(frozen=True)
class Reopened:
    """What a screening's paths, as real paths (links followed), search again of the inputs
    cut short before it."""

    overlaps: bool = False  # they hold or lie in one: files found before are found again
    whole: tuple[str, ...] = ()  # the inputs cut short that they search again whole
    found: int = 0  # image files new to the batch found in ``whole`` (not in other paths)
    #: how many of the files found but not screened before, recorded by name, in ``whole``
    #: it did not find again (moved, deleted or renamed)
    gone: int = 0
    #: the files it records as found but not screened, its own among them (core.unscreened)
    unscreened: UnscreenedNames = UnscreenedNames()
    #: the places and copies left out that it searches again (``core.extent.
    #: copies_found_again``): it finds those still there again
    copied: tuple[str, ...] = ()


@dataclass(frozen=True)
class Listed:
    """What a screening's paths are, found in the worker as it lists their files (a folder
    on a network share can keep any look at it waiting): the folder that holds them all
    (``core.names.common_folder``), and the folders among them that add image files to the
    case, as real paths."""

    holding: Path | None = None
    adding: tuple[Path, ...] = ()


@dataclass
class ScreenChunk:
    """Results that arrived since the last chunk, and how far the batch has got."""

    results: list[ScreeningResult]
    done: int
    total: int
    #: files of ``done`` the batch holds no new file for: copies left out (core.copies),
    #: and the case's unread files opened again, whose files the batch holds already
    not_added: int = 0
    reopened: Reopened | None = None  # the first chunk's only
    listed: Listed | None = None  # the first chunk's only


@dataclass
class ScreenOutcome:
    """What the screening generator returns at the end: how many files it screened, and
    those it could not use or left out as already held, at their path or as copies."""

    screened: int = 0
    skipped: list[Path] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)
    held: list[Path] = field(default_factory=list)
    copies: Copies = field(default_factory=Copies)

    def notes(self) -> str:
        """What was left out, in words for the status line ('' when nothing was)."""
        notes = [f"{counted(len(files), noun)} {what}" for files, noun, what in (
            (self.skipped, "non-image file", "skipped"),
            (self.missing, "path", "not found or unreadable"),
            (self.held, "file", "already in the case left out")) if files]
        notes += [words] if (words := self.copies.words()) else []
        return f" ({', '.join(notes)})" if notes else ""


def screen_chunks(paths: Iterable[str | os.PathLike[str]], classifier: Classifier,
                  recursive: bool = True, mode: Mode = "auto", held: Iterable[Path] = (),
                  copies: Copies | None = None, before: Extent | None = None,
                  stop: threading.Event | None = None,
                  ) -> Generator[ScreenChunk | None, None, ScreenOutcome]:
    """Screen ``paths`` (files and folders) and yield results in chunks.

    Files in ``held`` (the paths of the case's cells so far) are left out, and so are copies
    of files ``copies`` has seen (those of the case, and those screened before them): a file
    added twice would count its cells twice in the slide's parasitemia. A copy is known by its
    bytes before it is decoded, and counts as done. A file of the case that could not be read
    (``copies.unread``: replaced since, perhaps) is screened again; when it still cannot be
    read, its row in the case stands and it is left out as held. The first chunk says what
    ``paths`` search again, by any spelling, of the inputs of the case's extent ``before``
    them: those cut short, those whose copies were left out, and which of the files found
    there before but not screened it did not find.

    The folder walk is listed first (fast, no decoding) so the progress bar knows the total
    (of files: a whole field gives many results). ``mode`` as for ``core.pipeline.screen``.
    Results then go to the UI a few times a second (the first batch at once): every chunk
    makes the table repaint, so fewer, larger chunks keep the window smooth; a whole field
    takes seconds, so each is sent as it ends. In between, ``None`` after each inference batch
    lets the worker honour a cancel request promptly. Chunks hold whole files only
    (``core.pipeline.whole_files``), so a cancel never leaves part of a field in the batch:
    once ``stop`` is set, a field being screened stops at its next step, and the screening
    ends with the cells the model has called all sent, and the rest not screened.
    """
    from malariascope.core.adapt.learned import LearnedMarks
    from malariascope.core.discovery import Discovery
    from malariascope.core.pipeline import BATCH_SIZE, not_searched, screen, whole_files

    paths = [Path(path) for path in paths]
    found = Discovery(paths, recursive=recursive)
    copies, before = copies or Copies(), before or Extent()
    files, repeated = _new_files(found, set(held) - copies.unread)
    again = _as_held(files, copies.unread)
    reopened = _reopened(before, paths, recursive)
    if before.copies is not None:
        copies.counted_at = counted_at(before.copies, reopened.copied)
    new = [path for path in files if path not in again]
    gone, unscreened = unscreened_after(before, reopened.whole, paths, held, files)
    reopened = replace(reopened, found=len(new) - len(_outside(new, reopened.whole)),
                       gone=gone, unscreened=unscreened)
    yield ScreenChunk([], 0, len(files), len(again), reopened, _listed(paths, files))
    chunk: list[ScreeningResult] = []
    done, unpaused, last = 0, 0, None  # files in chunks, results since the last yield
    learned = LearnedMarks(classifier.card)
    for results in whole_files(screen(files, classifier, mode=mode, copies=copies, stop=stop)):
        learned.mark(results)
        chunk.extend(_kept(results, copies, again, repeated))
        done, unpaused = done + 1, unpaused + len(results)
        if unpaused < BATCH_SIZE and not results[0].whole_field:
            continue
        unpaused = 0
        if last is None or time.monotonic() - last >= CHUNK_SECONDS:
            yield ScreenChunk(chunk, done, len(files), copies.left_out + len(again))
            chunk, last = [], time.monotonic()
        else:
            yield None
    if chunk or copies.left_out or again:
        yield ScreenChunk(chunk, done, len(files), copies.left_out + len(again))
    if stop is not None and stop.is_set():  # cancelled: the files not sent stay not screened
        return ScreenOutcome()
    missing, _ = _new_files(found.missing, held)  # a row each, once in the case
    if missing:  # rows that say so, as the command line's report has them
        yield ScreenChunk(not_searched(missing), done, len(files), copies.left_out + len(again))
    return ScreenOutcome(len(files), found.skipped, found.missing,
                         _outside(repeated, reopened.whole), copies)


def _listed(paths: list[Path], files: list[Path]) -> Listed:
    """What ``paths`` are: the folder holding them all, and those folders that hold some of
    ``files`` (the image files they add to the case)."""
    adding = [path for path in paths
              if path.is_dir() and any(file.is_relative_to(path) for file in files)]
    return Listed(common_folder(paths), tuple(Path(os.path.realpath(path)) for path in adding))


def _reopened(before: Extent, paths: list[Path], recursive: bool) -> Reopened:
    """What ``paths`` search again of the inputs of ``before``, compared as real paths."""
    searched, rest = searched_again(paths, recursive, resolve=True), before.rest
    copied = () if before.copies is None else copies_found_again(before.copies, paths,
                                                                 recursive)
    return Reopened(Extent(rest).overlaps(paths, resolve=True),
                    tuple(name for name in rest if searched(name)), copied=copied)


def _outside(files: list[Path], inputs: tuple[str, ...]) -> list[Path]:
    """The files of ``files`` in none of ``inputs`` (compared as real paths): those the case
    holds from a cut-short input searched again are its screening so far, not left out."""
    within = [spelled(name, resolve=True) for name in inputs]
    return [path for path in files
            if not any(spelled(path, resolve=True).is_relative_to(folder) for folder in within)]


def _kept(results: list[ScreeningResult], copies: Copies, again: dict[Path, Path],
          repeated: list[Path]) -> list[ScreeningResult]:
    """The results of one file that the batch takes: none of a copy, nor of an unread file of
    the case opened ``again`` that still cannot be read (it joins ``repeated``). An unread file
    read now keeps the path the case knows it by, so its new rows supersede its old one; one
    that is now a copy gets the one row that says so, which supersedes its old row and is
    left out itself (``core.rescreened``)."""
    path = results[0].path
    if copies.is_copy(results):
        return [_left_out(results[0], again[path])] if path in again else []
    if path in again and unread(results[0]):
        repeated.append(path)
        return []
    if path in again:
        return [replace(result, path=again[path]) for result in results]
    return results


def _left_out(result: ScreeningResult, path: Path) -> ScreeningResult:
    """The row of a copy known by ``result``, at ``path``: it says the file was left out."""
    from malariascope.core.pipeline import ScreeningResult

    return ScreeningResult(path, result.sha256, error=LEFT_OUT,
                           processed_at=result.processed_at)


def _as_held(files: Iterable[Path], held: Iterable[Path]) -> dict[Path, Path]:
    """The files of ``files`` that are files of ``held`` (compared as resolved paths), each
    with the path ``held`` gives it."""
    known = {spelled(path, resolve=True): path for path in held}
    real = {path: spelled(path, resolve=True) for path in files}
    return {path: known[real[path]] for path in files if real[path] in known}


def _new_files(found: Iterable[Path], held: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """The files of ``found`` not in ``held`` (compared as resolved paths), and those that are."""
    known = {spelled(path, resolve=True) for path in set(held)}
    new: list[Path] = []
    repeated: list[Path] = []
    for path in found:
        (repeated if spelled(path, resolve=True) in known else new).append(path)
    return new, repeated
