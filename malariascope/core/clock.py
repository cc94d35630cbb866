"""Time stamps as every record writes them: UTC, ISO 8601, to the second.

Standard library only, so the window's case and the reports stamp time the same way before
numpy loads.
"""

from __future__ import annotations

import datetime as dt


def utc_now() -> str:
    """The current time, UTC ISO 8601, to the second."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
