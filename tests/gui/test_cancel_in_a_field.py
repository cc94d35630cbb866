"""Cancel while a large whole field is screened: the window says at once that it is stopping,
the field stops within its screening, and it is left not screened, not added in part or whole;
a batch of fields shows its progress field by field.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from malariascope.core.fields import looks_like_field
from malariascope.core.imageio import read_image
from tests.conftest import SHARED_DATA
from tests.gui.helpers import SCREEN_TIMEOUT_MS
from tests.images import FIELD_CELLS, write_field

FIELDS = SHARED_DATA / "fields"


@pytest.fixture(scope="module")
def large_field(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real field (1280 x 960) upscaled 4x, as a high-resolution camera gives one: 5120 x
    3840, about 20 MP, whose screening takes seconds."""
    if not (FIELDS / "PA171702.JPG").is_file():
        pytest.skip(f"real whole fields not found at {FIELDS}")
    folder = tmp_path_factory.mktemp("fields")
    with Image.open(FIELDS / "PA171702.JPG") as image:
        large = image.resize((image.width * 4, image.height * 4), Image.Resampling.BICUBIC)
    large.save(folder / "large.jpg", quality=92)
    return folder


def test_cancel_in_a_large_field_stops_at_once_and_leaves_it_not_screened(
        window, qtbot, large_field):
    assert looks_like_field(read_image(large_field / "large.jpg"))
    controller, task = window.controller, window.status.task_status
    seen: list[tuple] = []

    def cancel_as_the_field_begins(text: str, done: int, total: int) -> None:
        if text == "Screening 0 / 1":  # its file found: the worker goes on to screen it
            window.actions.cancel.trigger()  # Esc
            seen.append((task.progress.format(), task.progress.maximum() > 0,  # text shown
                         task.cancel_button.isEnabled(), window.actions.cancel.isEnabled(),
                         window.statusBar().currentMessage(), controller.screening))

    controller.progress.connect(cancel_as_the_field_begins)
    with qtbot.waitSignal(controller.screening_finished, timeout=SCREEN_TIMEOUT_MS) as blocker:
        window.open_paths([large_field])
    assert blocker.args == [0, False]  # none of the field's cells, not even all of them
    assert not window.batch.results and window.batch.counts.classified == 0
    assert controller.not_screened() == 1 and controller.extent.rest == (str(large_field),)
    assert window.statusBar().currentMessage().startswith(
        "Screening cancelled after 0 of 1 images")
    # the stopping state came with Cancel, the worker still running, and Cancel was disabled
    assert seen == [("Stopping…", True, False, False, "Stopping the screening: an image it is "
                     "screening is left not screened (File > Screen the rest screens it)", True)]
    assert not task.isVisible() and not window.actions.cancel.isEnabled()


def test_progress_moves_field_by_field(window, qtbot, tmp_path):
    for seed in range(3):  # fewer cells each than one batch of the model's
        write_field(tmp_path / f"field_{seed}.png", seed=seed)
    assert FIELD_CELLS < 64
    shown: list[str] = []
    window.controller.progress.connect(lambda text, *_: shown.append(text))
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS):
        window.open_paths([tmp_path])
    # the first field is told as it ends (later ones as often as the list repaints)
    assert shown[:3] == ["Screening…", "Screening 0 / 3", "Screening 1 / 3"]
    assert shown[-1] == "Screening 3 / 3"
    assert len(window.batch.results) == 3 * FIELD_CELLS
