"""Exception types of the core, one per kind of failure.

The edges (CLI, GUI) turn these into one clear line for the user; nothing in the core prints.
"""

from __future__ import annotations

from pathlib import Path

from malariascope.core.clock import local_time


class MalariaScopeError(Exception):
    """Base class for every failure the core reports to a user."""


class ImageReadError(MalariaScopeError):
    """A file could not be read as an image (empty, truncated, not an image, unreadable)."""


class ImageChangedError(ImageReadError):
    """An image file read again holds other bytes than those screened."""


class ImageTooLargeError(ImageReadError):
    """An image file holds more bytes or declares more pixels than we accept; refused before
    it is read or decoded."""


class NotASmearError(MalariaScopeError):
    """A whole field does not look like a stained thin blood smear (``fields.smear``): none of
    the "cells" found in it is screened or learned from. The message is the reason."""


class ModelError(MalariaScopeError):
    """The model or its card is missing, unreadable, or does not match its recorded hash."""


class CardNotFoundError(ModelError):
    """No model card where one was looked for: beside a model file, in a folder."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"model card not found: {path}")
        self.path = path


class NotAModelError(ModelError):
    """A file given as a model that is neither a model card nor a model file (an image, a
    report): the card beside it would be looked for, and its absence told instead."""


class BaseModelMismatchError(ModelError):
    """An adapted model's card disagrees with its base model's card on a value it copies from
    it (the input size, the classes, the head's size, the base network's sha256): it would run
    the base network wrongly or misname calls."""


class BackendUnavailableError(ModelError):
    """The requested inference backend is not installed (e.g. TensorFlow in the app bundle)."""


class ScreeningStopped(Exception):
    """A screening asked to stop (the window's Cancel) stopped within an image: the image
    gives no result, as if it had not been reached. Not a failure: nothing is told of it."""


class ReportError(MalariaScopeError):
    """A report could not be written; the previous file, if any, is left whole."""


REPLACE_IN_WINDOW = "choose the same name again and confirm replacing it"


class ReportExistsError(ReportError):
    """The report file exists and overwriting was not allowed. ``how`` is the way to allow it
    in the words of the edge that shows the message: by default the window's, whose save
    dialog asks before replacing a file; the CLI names its flag."""

    def __init__(self, path: Path, how: str = REPLACE_IN_WINDOW) -> None:
        super().__init__(f"{path} exists; choose another name or {how}")
        self.path = path


class ReportAppearedError(ReportExistsError):
    """A file appeared at the report's name (or its summary's) while the batch ran, and
    overwriting was not allowed: it is kept, and the batch's report is not written."""

    def __init__(self, path: Path, how: str = REPLACE_IN_WINDOW) -> None:
        ReportError.__init__(self, f"{path} appeared while this batch ran and was kept; "
                             f"this batch's report was not written: run it again with "
                             f"another name or {how}")
        self.path = path


class NotAFileError(ReportError):
    """The place named for a file holds a folder, a device, a pipe or a symbolic link: it is
    never replaced, even when overwriting is allowed."""


class ReportBusyError(ReportError):
    """Another run (or another report writer) is writing the same report now."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"another MalariaScope run is writing {path} now; wait for it to "
                         "finish or choose another name")
        self.path = path


class OutputIsInputError(ReportError):
    """An output file would replace one of the run's inputs (an image, annotations)."""


class ImageNameError(ReportError):
    """An output file would have an image's suffix: a later run over its folder would screen
    it as an image, an error row."""


class CompressedNameError(ReportError):
    """An output file would have a compressed file's suffix (``.gz``, ``.zip``): it is
    written uncompressed, and would not open as its name says."""


class ReportPairError(MalariaScopeError):
    """A report and the summary beside it were written by different runs (a run killed
    between its two renames)."""


class DatasetError(MalariaScopeError):
    """A training or evaluation folder does not have the expected layout."""


class ExportError(MalariaScopeError):
    """A trained model could not be written; the model files already in that folder are left
    whole, still a set that matches its card."""


class ModelExistsError(ExportError):
    """The output folder already holds a model and replacing it was not allowed. ``how`` is
    the way to allow it in the words of the edge that shows the message; None where that
    edge cannot (the window's adaptation form)."""

    def __init__(self, folder: Path, names: list[str], how: str | None = None) -> None:
        allow = f" or {how}" if how else ""
        super().__init__(f"{folder} already holds {', '.join(names)}; choose another "
                         f"folder{allow}")
        self.folder, self.names = folder, names


class SplitError(MalariaScopeError):
    """A split's folders could not be written where asked; a split already there is left
    whole."""


class FolderNotEmptyError(SplitError):
    """The folder to write into holds files and replacing them was not allowed. ``how`` is
    the way to allow it in the words of the edge that shows the message."""

    def __init__(self, folder: Path, how: str = "allow replacing them") -> None:
        super().__init__(f"{folder} is not empty; choose another folder or {how}")
        self.folder = folder


class SessionError(MalariaScopeError):
    """An autosaved session is unreadable (damaged, truncated, or from a newer version)."""


class CaseError(MalariaScopeError):
    """A case's facts or sign-off are not valid (a target out of range, an amendment
    without a reason)."""


class CaseSignedError(CaseError):
    """A signed case was to be changed; it is read-only until amended with a reason."""


class RegisterError(MalariaScopeError):
    """The case register could not be read or written."""


class CaseGoneError(RegisterError):
    """The register holds no case of the uid asked for: discarded (an open case begun by
    mistake) since it was listed, or never saved there."""


class RegisterWriteError(RegisterError):
    """The register's file could not be written: just now (a full disk, a lock another
    program holds, an I/O error), when the same write may go through later; or where it is,
    for a register opened read-only (an archive)."""


class RegisterLockedError(RegisterWriteError):
    """Another program held the register's file locked for all of SQLite's busy timeout:
    every write waits that long before it fails alike."""


#: Why a case is not taken up from a copy older than the register's (the register holds
#: cells, reviews, amendments or a sign-off of it that the copy lacks): one wording,
#: wherever it is told.
CHANGED_SINCE_READ = ("it changed in the case register after this copy was read; open it "
                      "again from the register")


def not_taken(name: str, refused: str, why: str = CHANGED_SINCE_READ) -> str:
    """The line that says case ``name`` was not ``refused`` ("opened", "amended"), and why."""
    return f"Case {name} not {refused}: {why}"


class CaseChangedError(RegisterError):
    """Case ``uid`` (named ``name``) gained cells, reviews, amendments or a sign-off in the
    register after a window read it: work going on from that copy would save over them.
    ``why`` is the reason in words that follow :func:`not_taken`."""

    def __init__(self, name: str, uid: str) -> None:
        super().__init__(not_taken(name, "opened"))
        self.uid, self.why = uid, CHANGED_SINCE_READ


def _when(moment: str) -> str:
    """``moment`` (of :func:`~malariascope.core.clock.local_time`) after "saved there"."""
    return moment if moment == "earlier" else f"at {moment}"


def held_words(saved_at: str, case: str = "it") -> str:
    """Why a window leaves alone a ``case`` that another window works on, saved there last at
    ``saved_at`` (a stamp of :func:`~malariascope.core.clock.utc_now`)."""
    return (f"another MalariaScope window has {case} open (saved there "
            f"{_when(local_time(saved_at, seconds=True))}): amend or finish it in that window, or "
            "start a new case there first")


class CaseHeldError(RegisterError):
    """Case ``name`` is the work of the window that autosaves to the register, last saved at
    ``saved_at``: another window's copy of it would be saved under that window's saves, or
    over them. ``why`` is the reason in words that follow :func:`not_taken`."""

    def __init__(self, name: str, saved_at: str) -> None:
        super().__init__(held_words(saved_at, f"case {name}"))
        self.why = held_words(saved_at)


class AmendmentChangedError(RegisterError):
    """An amendment was to be withdrawn, but the register holds the case otherwise than the
    amendment found it (review decisions made since, another extent of its screening,
    another model, call rule or image sources): it stays open, to be signed."""


class RegisterSetAsideError(RegisterError):
    """The register file could not be used and was moved to ``kept_at``, whole; opening the
    register again starts a new, empty one. ``then``: what can be done with it, after."""

    def __init__(self, message: str, kept_at: Path, then: str = "") -> None:
        super().__init__(f"{message}; it was kept as {kept_at}{then}")
        self.kept_at = kept_at


class RegisterDamagedError(RegisterSetAsideError):
    """The register file is not a SQLite database, is truncated, or fails its integrity check."""


class RegisterUnreadableError(RegisterError):
    """A register file to recover cases from holds none that can be read: not a SQLite
    database, not a register, or its list of cases out of reach."""


class RegisterTooNewError(RegisterError):
    """The register was written by a newer MalariaScope (its schema version is higher): it is
    refused before anything is written, and left where it is, for that version to open."""


class RegisterReadOnlyError(RegisterError):
    """A register this process cannot write cannot be read as it is either (an older schema,
    damage, or writes that only a change beside it would read); it is left untouched."""


class AdaptationError(MalariaScopeError):
    """A model could not be adapted to a lab's cells; no model was written."""


class TooFewCellsError(AdaptationError):
    """Too few labelled cells of a class, or too few fields or slides, to adapt and measure."""


class WorseThanBaseError(AdaptationError):
    """The adapted model did worse than its base on the held-out fields or slides."""


class NotAdaptedModelError(AdaptationError):
    """The output folder holds files under the adapted model's names that are not an adapted
    model's (a lab's own README, another model's card): never replaced, even when asked."""


class SourceChangedError(AdaptationError):
    """A reviewed report names an image that is missing or no longer matches its sha256."""


class CallsDisagreeError(DatasetError):
    """One cell is called parasitized in one place and uninfected in the other: given twice
    to an adaptation (by two sources, or twice by one), or lying in both class folders of a
    labelled folder."""
