"""GUI fixtures: fresh settings per test, a real window with the real model, cell folders.

Every test gets its own settings, home and data folders, and fails if it leaves worker threads
behind (the napari habit), so one test's batch can never leak into the next.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported

import shutil  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QSettings, Qt, QThreadPool  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget  # noqa: E402

from malariascope.gui.app import create_app  # noqa: E402
from malariascope.gui.window_layout import OPENING_SIZE  # noqa: E402
from tests.gui.helpers import MODEL_TIMEOUT_MS, close_window  # noqa: E402
from tests.images import (  # noqa: E402
    make_cell,
    make_cell_folder,
    write_broken_files,
    write_field,
    write_many_cells,
    write_rgb,
)

GRACE_MS = 2_000


@pytest.fixture(scope="session", autouse=True)
def app_as_started(qapp):
    """The tests' QApplication set up as the app sets up its own: its names, its icon and
    as many worker threads, so screening, a register read and autosave overlap as they do
    for a technician."""
    return create_app()


@pytest.fixture(autouse=True)
def fresh_settings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Point QSettings at an empty folder of this test's own."""
    folder = tmp_path_factory.mktemp("settings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture(autouse=True)
def home_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> Path:
    """Point the home folder, and so the Documents folder QStandardPaths gives, at an empty
    folder of this test's own: no export is ever offered in the real one."""
    folder = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / ".config"))  # no user-dirs.dirs
    return folder


@pytest.fixture(autouse=True)
def data_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> Path:
    """Point the autosaved session at an empty folder of this test's own."""
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("MALARIASCOPE_DATA_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def no_workers_left(qapp):
    """Fail a test that ends with worker threads still running (then wait for them).

    A worker whose last signal has been handled may need a moment to return from ``run``;
    one still busy after a grace period was left running by the test.
    """
    yield
    pool = QThreadPool.globalInstance()
    left_running = not pool.waitForDone(GRACE_MS)
    pool.waitForDone(30_000)  # never let one test's threads spill into the next
    executors = [t.name for t in threading.enumerate() if t.name.startswith("ThreadPoolExecutor")]
    assert not left_running, "Qt worker threads were still running after the test"
    assert not executors, f"pipeline threads still running after the test: {executors}"


@pytest.fixture(autouse=True)
def no_keys_held(qapp):
    """Let go of the modifier keys a test left held. QTest ends a click with Shift (Shift+Tab,
    a Shift+click) on Shift's release marked Shift held, and the app takes the modifiers of
    the last key or mouse event for those held: left so, a later test's ``selectRow``
    extends the selection as Shift does."""
    yield
    if QApplication.keyboardModifiers() != Qt.KeyboardModifier.NoModifier:
        QTest.keyRelease(QWidget(), Qt.Key.Key_Shift)  # a release marked none held


@pytest.fixture
def make_window(qtbot):
    """A factory of shown main windows; each is closed (and its workers awaited) at teardown,
    then deleted: a closed window is never deleted by the app, and would keep its model's
    session, threads and cells for the rest of the run."""
    from malariascope.gui.main_window import MainWindow

    windows = []

    def make(start: bool = True, studied_size: bool = True) -> MainWindow:
        window = MainWindow()
        windows.append(window)
        if studied_size and window.isMaximized():
            # the offscreen screen (800 x 800) cannot hold the first size: the tests study
            # the window as it opens on a screen that can
            window.setWindowState(Qt.WindowState.WindowNoState)
            window.resize(OPENING_SIZE)
        window.show()
        qtbot.waitExposed(window)
        if start:
            with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
                window.start()
        return window

    yield make
    for window in windows:
        if window.isVisible():
            close_window(window, qtbot)
        window.deleteLater()  # at the next event loop, after the workers' last signals


@pytest.fixture
def window(make_window):
    """One shown main window whose model is loaded."""
    return make_window()


@pytest.fixture
def mixed_folder(tmp_path: Path, real_cells: dict[str, list[Path]]) -> tuple[Path, dict]:
    """Generated cells, six real ones (copied to tmp), and broken files in a subfolder."""
    folder = tmp_path / "sample"
    make_cell_folder(folder / "generated", 20)
    (folder / "real").mkdir()
    for path in real_cells["parasitized"][:3] + real_cells["uninfected"][:3]:
        shutil.copy(path, folder / "real" / path.name)
    reasons = write_broken_files(folder / "broken")
    return folder, reasons


@pytest.fixture(scope="session")
def big_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 generated cells: twenty pictures written a hundred times each
    (``write_many_cells``)."""
    return write_many_cells(tmp_path_factory.mktemp("big"), 2000, size=80)


@pytest.fixture
def answer_questions(monkeypatch):
    """Make ``QMessageBox.question`` answer at once; returns a setter for the answer."""
    answers = {"value": QMessageBox.StandardButton.Discard}
    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return answers["value"]

    monkeypatch.setattr(QMessageBox, "question", question)

    def set_answer(value: QMessageBox.StandardButton) -> list[str]:
        answers["value"] = value
        return asked

    return set_answer


@pytest.fixture
def left_session(data_folder: Path, tmp_path: Path):
    """A case in progress as a crashed run leaves it: real results of 14 cells and 4 broken
    files, two reviews and a moved threshold, in the register where the window looks."""
    return leave_session(data_folder, tmp_path / "left", "S-9")


def leave_session(data_folder: Path, folder: Path, sample_id: str, patient_id: str = ""):
    """The session of :func:`left_session`, of slide ``sample_id`` (or none) and patient
    ``patient_id``, its cells written to ``folder``."""
    from malariascope.core.case import Case, CaseFacts, ReviewDecision
    from malariascope.core.classifier import PARASITIZED, Classifier
    from malariascope.core.facts import BatchFacts
    from malariascope.core.pipeline import screen
    from malariascope.core.register import Register
    from malariascope.core.register.work import CaseWork
    from malariascope.core.session import Session

    make_cell_folder(folder, 14)
    write_broken_files(folder / "broken")
    classifier = Classifier.open()
    results = list(screen(sorted(folder.rglob("*.png")), classifier))
    ok = [row for row, result in enumerate(results) if result.ok]
    facts = BatchFacts.of(classifier, rule=classifier.rule.with_threshold(0.25),
                          sample_id=sample_id)
    reviews = [ReviewDecision(row, "Ana", "2026-12-03T09:00:00+00:00",
                              facts.rule.call(results[row].probability), PARASITIZED, PARASITIZED)
               for row in (ok[0], ok[3])]
    session = Session(results, facts, reviews, unsaved=True,
                      case=Case(CaseFacts(sample_id=sample_id, patient_id=patient_id)))
    with Register(data_folder) as register:
        CaseWork(register).save(session)  # and never dropped: the window did not close
    return session


@pytest.fixture
def cell_folder(tmp_path):
    """Generated cells only (no real data needed), with broken files among them."""
    folder = tmp_path / "cells"
    make_cell_folder(folder, 12)
    reasons = write_broken_files(folder / "broken")
    return folder, reasons


@pytest.fixture
def smear(tmp_path):
    """A folder with one single-cell image and one generated whole field (FIELD_CELLS cells)."""
    folder = tmp_path / "smear"
    folder.mkdir()
    write_rgb(folder / "cell.png", make_cell(seed=3))
    return folder, write_field(folder / "field.png")[0]


@pytest.fixture
def quick_retry(monkeypatch):
    """A write the register refused is tried again after a fifth of a second, not 30."""
    from malariascope.gui import write_queue

    monkeypatch.setattr(write_queue, "RETRY_AFTER_MS", 200)


@pytest.fixture
def slow_save(monkeypatch):
    """Saves of the register that take long or fail on demand (:class:`SlowSave`)."""
    from tests.gui.saving_faults import SlowSave

    slow = SlowSave(monkeypatch)
    yield slow
    slow.end()


@pytest.fixture
def screened_window(make_window, qtbot, tmp_path):
    """A window with a slide of 6 cells screened, its slide id typed and all of it saved."""
    from malariascope.gui.app import start

    window = make_window()
    folder = tmp_path / "cells"
    make_cell_folder(folder, 6)
    start(window, [folder])
    qtbot.waitUntil(lambda: len(window.batch) == 6 and not window.controller.screening
                    and window.autosave.work is not None, timeout=60_000)
    qtbot.keyClicks(window.case_panel.sample_id, "S-RACE")
    assert window.autosave.save_now()
    # every write done, not only the first: one asked for before may signal first
    qtbot.waitUntil(lambda: window.autosave.writes.idle, timeout=60_000)
    return window


SCREENED = 5  # of the 12 real cells of ``cut_short``, when the app was killed


@pytest.fixture
def cut_short(tmp_path: Path, data_folder: Path, real_cells) -> tuple[Path, object]:
    """Twelve real cells in a folder, and the session a kill left after the first five were
    screened, with one of them reviewed."""
    from malariascope.core.case import ReviewDecision
    from malariascope.core.classifier import PARASITIZED, Classifier
    from malariascope.core.extent import Extent
    from malariascope.core.facts import BatchFacts
    from malariascope.core.pipeline import screen
    from malariascope.core.session import Session
    from tests.legacy_session import write_legacy_session

    folder = tmp_path / "sample"
    folder.mkdir()
    for path in real_cells["parasitized"][:6] + real_cells["uninfected"][:6]:
        shutil.copy(path, folder / path.name)
    files = sorted(folder.iterdir())
    classifier = Classifier.open()
    results = list(screen(files[:SCREENED], classifier))
    facts = BatchFacts.of(classifier, sample_id="S-KILL-1", sources=(folder.name,))
    review = ReviewDecision(1, "Ana", "2026-12-03T09:00:00+00:00",
                            facts.rule.call(results[1].probability), PARASITIZED, PARASITIZED)
    session = Session(results, facts, [review], unsaved=True, complete=False,
                      extent=Extent((str(folder),), True, "auto", len(files)))
    write_legacy_session(data_folder / "session", session)
    return folder, session
