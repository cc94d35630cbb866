"""What the main window's actions do: open, export, the register, help, review, zoom, the
list's filters and the screening modes.

``gui.actions`` makes the actions and their menus; the case's own (new case, sign, amend) are
connected by ``gui.case_flow``, and Open recent by ``gui.open_recent``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtWidgets import QMainWindow, QWidget

from malariascope.gui import file_dialogs, help_pages, register_window
from malariascope.gui.batch import PARASITIZED, UNINFECTED, UNSURE
from malariascope.gui.results_proxy import Filter
from malariascope.gui.undo import CONFIRM


def connect_actions(window: QMainWindow) -> None:
    """Connect each action of ``window`` (MalariaScope's main window, whose controller,
    exports, field view, layout and review, filter and opening methods it uses) to what it
    does."""
    actions, review, field_view = window.actions, window.review_current, window.field_view
    slots = {
        actions.open_images: partial(_open_chosen, window, file_dialogs.ask_images),
        actions.open_folder: partial(_open_chosen, window, file_dialogs.ask_folder),
        actions.screen_rest: window.screen_rest,
        actions.export: window.exports.start, actions.cancel: window.controller.cancel,
        actions.cases: partial(register_window.show_register, window),
        actions.quit: window.close, actions.about: window.show_about,
        actions.keys: lambda: help_pages.show_keys(window, actions.key_sheet()),
        actions.how_to_read: lambda: help_pages.show_how_to_read(window,
                                                                 window.batch.facts.rule),
        actions.data_folder: partial(help_pages.show_data_folder, window),
        actions.mark_parasitized: partial(review, PARASITIZED),
        actions.mark_uninfected: partial(review, UNINFECTED),
        actions.confirm: partial(review, CONFIRM), actions.mark_unsure: partial(review, UNSURE),
        actions.review_queue: lambda: (window.show_queue() if actions.review_queue.isChecked()
                                       else window.set_filter(Filter.ALL)),
        actions.full_size: lambda: window.cell_window.open_with_keys(
            window.table.current_source_row()),
        actions.clear_review: partial(review, None),
        actions.zoom_in: field_view.zoom_in, actions.zoom_out: field_view.zoom_out,
        actions.fit_field: field_view.fit, actions.switch_panel: window.central.switch_panel,
        **{action: partial(window.set_filter, mode) for mode, action in actions.filters.items()},
        **{action: partial(window.set_screen_mode, mode)
           for mode, action in actions.modes.items()},
    }
    for action, slot in slots.items():
        action.triggered.connect(lambda *_, slot=slot: slot())


def _open_chosen(window: QMainWindow, ask: Callable[[QWidget], list[str]]) -> None:
    """Screen what the user picks in the dialog ``ask`` shows (nothing: cancelled)."""
    chosen = ask(window)
    if chosen:
        window.open_paths(chosen)

