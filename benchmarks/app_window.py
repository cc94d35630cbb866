"""The app's side of the window benchmarks: a real window, started as ``malariascope gui``
starts it, that runs one step once the model is ready."""

from __future__ import annotations

from collections.abc import Callable


def run_when_model_ready(begin: Callable[[object], Callable[[], None]]) -> int:
    """Show the window, call ``begin(window)()`` when its model is ready; the app's exit code."""
    from malariascope.gui.app import create_app, show_window, start

    app = create_app()
    window = show_window(persist_settings=False)
    step = begin(window)
    window.controller.model_ready.connect(lambda _name: step())
    start(window)
    return app.exec()
