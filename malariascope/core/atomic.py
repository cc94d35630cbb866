"""Atomic file writing: a temporary file in the target folder, then a rename.

Readers see the old file or the new one, never half of one, and a failed write (full disk,
permission denied, a crash) leaves the old file whole.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

#: what a technician can do about the OS's complaint: anywhere, and where the place is fixed
#: (the app's data folder), so choosing another location is no remedy
_LOCKED = ("the folder may be read-only, or the file open in another program such as Excel: "
           "close it or choose another location",
           "the folder may be read-only, or a file in it open in another program: close it")
_FULL = ("the disk is full: free some space or choose another location",
         "the disk is full: free some space")
HINTS = {
    errno.ENOSPC: _FULL,
    getattr(errno, "EDQUOT", -1): _FULL,  # a quota; there is no EDQUOT on Windows
    errno.EROFS: ("the disk is read-only: choose another location", "the disk is read-only"),
    errno.EACCES: _LOCKED,
    errno.EPERM: _LOCKED,
}


NAME_KEPT = 40  # characters of the target's name in a temporary file's name
#: a temporary file of ours untouched this long (seconds) was left by a writer that was killed
STALE_AFTER_S = 3600
KEPT_SUFFIX = ".kept"  # an old file's second name while its replacement is put in place
_HIDDEN = 0x2  # Windows' FILE_ATTRIBUTE_HIDDEN
#: what makes the renames that put a long job's output in place, given them as one call (the
#: CLI's ignores stop signals from then on, see ``cli.stopping.StopAtOnce.commit``)
Commit = Callable[[Callable[[], None]], None]


def at_once(place: Callable[[], None]) -> None:
    """The :data:`Commit` of a caller that takes no signals: the renames made directly."""
    place()


def why(exc: OSError, fixed_place: bool = False) -> str:
    """Why a write failed: the OS's words, and what to do about it when we know;
    ``fixed_place``: the write goes where the technician cannot choose (the data folder)."""
    words = exc.strerror or str(exc)
    hint = HINTS.get(exc.errno)
    return f"{words} ({hint[fixed_place]})" if hint else words


def temp_beside(target: str | os.PathLike[str], suffix: str = "") -> Path:
    """A new empty temporary file in ``target``'s folder (so a rename onto ``target`` is
    atomic), with the permissions a file created there normally gets.

    ``suffix`` keeps an extension that a writer insists on (Keras wants ``.keras``). Those of
    its name and suffix that a killed writer left are swept first; a kept-aside old file
    (:data:`KEPT_SUFFIX`, as old as the file it names) never is.
    """
    target = Path(target)
    prefix, suffix = f".{target.name[:NAME_KEPT]}.", suffix or ".tmp"
    if suffix != KEPT_SUFFIX:
        _sweep_stale(target.parent, prefix, suffix)
    fd, tmp_name = tempfile.mkstemp(  # a short name: any name the target may have fits
        prefix=prefix, suffix=suffix, dir=target.parent
    )
    tmp = Path(tmp_name)
    try:
        os.close(fd)
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o666 & ~umask)  # mkstemp makes 0600; a report should get normal permissions
    except BaseException:  # a Ctrl-C too: no temporary file is left behind
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _sweep_stale(folder: Path, prefix: str, suffix: str) -> None:
    """Delete the hidden temporary files of this name that no writer has touched for
    :data:`STALE_AFTER_S`: a writer that is killed leaves its file in the user's folder."""
    now = time.time()
    with contextlib.suppress(OSError):  # a sweep that cannot list or delete changes nothing
        for entry in os.scandir(folder):
            name = entry.name
            if (name.startswith(prefix) and name.endswith(suffix) and entry.is_file()
                    and now - entry.stat().st_mtime > STALE_AFTER_S):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def hide(path: str | os.PathLike[str], hidden: bool = True) -> None:
    """Mark ``path`` hidden (or shown) on Windows, where a leading dot hides nothing; best
    effort: a file left in sight is still ours to sweep by its name.

    A temporary file is hidden once its writer has it open, never when made: Windows
    refuses to open a hidden file with truncation, as ``open(path, "w")`` does."""
    if os.name == "nt":
        import ctypes

        kernel32, name = ctypes.windll.kernel32, os.fspath(path)
        attributes = kernel32.GetFileAttributesW(name)
        if attributes != -1:  # INVALID_FILE_ATTRIBUTES: gone
            kernel32.SetFileAttributesW(name, (attributes | _HIDDEN) if hidden
                                        else (attributes & ~_HIDDEN))


def put_in_place(tmp: Path, target: Path, overwrite: bool = True) -> None:
    """Rename ``tmp`` to ``target``: over a file there, or without ``overwrite`` only where
    none is (see :func:`place_new`). It is shown first: a rename keeps Windows' hidden mark."""
    hide(tmp, hidden=False)
    if overwrite:
        os.replace(tmp, target)
    else:
        place_new(tmp, target)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str], suffix: str = "",
                overwrite: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``, or
    without ``overwrite`` takes its place only where no file is (see :func:`place_new`)."""
    tmp = temp_beside(target, suffix)
    try:
        yield tmp
        put_in_place(tmp, Path(target), overwrite)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def output_folder(folder: Path, contents: str, error: type[Exception]) -> Iterator[None]:
    """``folder`` made (parents too) and proved to take a file before the long work that fills
    it with ``contents`` begins: a file in the way or a read-only place is told at once, as an
    ``error``, not an hour later. The folders made are removed again if the work fails while
    they are empty: a run that found nothing leaves no empty folder to puzzle the next one."""
    made = [path for path in (folder, *folder.parents) if not path.exists()]  # deepest first
    try:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            temp_beside(folder / "probe").unlink()
        except FileExistsError:
            raise error(f"{folder} is a file: name a folder for {contents}") from None
        except OSError as exc:
            raise error(f"cannot write {contents} to {folder}: {why(exc)}") from exc
        yield
    except BaseException:
        for path in made:
            with contextlib.suppress(OSError):  # one holding a file stays
                path.rmdir()
        raise


def replace_together(moves: Sequence[tuple[Path, Path]], overwrite: bool = True) -> None:
    """Rename each ``(temporary file, target)`` in turn, all or none: a report and its summary
    stay a pair. Each target's old file is first kept aside; when a later rename fails (on
    Windows, a summary open in Excel) or is interrupted, the targets already replaced get
    their old files back (or lose the new ones, where there were none) and the error is
    raised. Without ``overwrite`` a target that exists by then is never replaced:
    FileExistsError."""
    replaced: list[tuple[Path, Path | None]] = []
    copies: list[Path] = []
    try:
        for tmp, target in moves:
            kept = None
            if overwrite and target.exists():
                kept = _keep_aside(target)
                copies.append(kept)
            put_in_place(tmp, target, overwrite)
            replaced.append((target, kept))
    except BaseException:  # a Ctrl-C between two renames too
        for target, kept in reversed(replaced):
            with contextlib.suppress(OSError):  # best effort; the first error is the one told
                if kept is None:
                    target.unlink()
                else:
                    os.replace(kept, target)
        raise
    finally:
        for copy in copies:
            copy.unlink(missing_ok=True)


def place_new(tmp: Path, target: Path) -> None:
    """Rename ``tmp`` to ``target`` only if no file is there, in one step: a file that
    appeared at ``target`` meanwhile (another program's) raises FileExistsError and stays.
    A hard link is made, then the temporary name removed; where links are not to be had (FAT
    drives), Windows' rename refuses an existing target by itself, and elsewhere the target
    is looked for just before the rename."""
    exists = FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise exists from None
    except OSError:
        if os.path.lexists(target):
            raise exists from None
        try:
            os.rename(tmp, target)
        except FileExistsError:
            raise exists from None
    else:
        tmp.unlink()


def _keep_aside(target: Path) -> Path:
    """A second name for ``target``'s file: a hard link, which costs no space, needs no right
    to read it and keeps its owner; a copy where links are not to be had (FAT drives). Its
    suffix is its own: it keeps the old file's time, and no sweep of temporary files takes
    it."""
    kept = temp_beside(target, KEPT_SUFFIX)
    kept.unlink()
    try:
        os.link(target, kept)
    except OSError:
        shutil.copy2(target, kept)
    return kept


def write_synced(path: str | os.PathLike[str], data: bytes, hidden: bool = False) -> None:
    """Write ``data`` to ``path`` and flush it to disk: a rename that follows never puts a
    file in place that a power cut could still empty. ``hidden``: a temporary file, hidden
    while it is written (see :func:`hide`)."""
    with open(path, "wb") as handle:
        if hidden:
            hide(path)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def write_bytes_atomic(target: str | os.PathLike[str], data: bytes,
                       overwrite: bool = True) -> None:
    """Write ``data`` to ``target`` atomically, flushed to disk before the rename. Without
    ``overwrite`` an existing ``target`` is kept: FileExistsError (see :func:`place_new`)."""
    with atomic_path(target, overwrite=overwrite) as tmp:
        write_synced(tmp, data, hidden=True)
