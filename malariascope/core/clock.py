"""Time stamps as every record writes them: UTC, ISO 8601, to the second.

Standard library only, so the window's case and the reports stamp time the same way before
numpy loads.
"""

from __future__ import annotations

import datetime as dt


def utc_now() -> str:
    """The current time, UTC ISO 8601, to the second."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def local_time(stamp: str, seconds: bool = False) -> str:
    """A stamp of :func:`utc_now` as a person reads it: local time with its offset from UTC,
    e.g. ``14:05 UTC+05:30 on 2026-12-03`` (``14:05:32 UTC+05:30 on 2026-12-03`` with
    ``seconds``, ``14:05 UTC on ...`` where local time is UTC), so it is never read as the
    UTC times the records give; an unreadable stamp as ``earlier``."""
    try:
        moment = dt.datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return "earlier"
    clock = "%H:%M:%S" if seconds else "%H:%M"
    return f"{moment:{clock}} {_zone(moment)} on {moment:%Y-%m-%d}"


def _zone(moment: dt.datetime) -> str:
    """``UTC`` and the offset of ``moment``'s time zone: ``UTC+05:30``, ``UTC-04:00``, ``UTC``."""
    offset = moment.utcoffset() or dt.timedelta()
    if not offset:
        return "UTC"
    minutes = round(abs(offset).total_seconds() / 60)
    return f"UTC{'-' if offset < dt.timedelta() else '+'}{minutes // 60:02}:{minutes % 60:02}"


def local_day(stamp: str) -> str:
    """The local day of a stamp of :func:`utc_now`, as YYYY-MM-DD ("" when unreadable)."""
    try:
        return dt.datetime.fromisoformat(stamp).astimezone().date().isoformat()
    except ValueError:
        return ""


def utc_minute(stamp: str) -> str:
    """A stamp as records print it: UTC to the minute, ``2026-03-04 10:11 UTC``; as it is
    when it is not an ISO time."""
    try:
        return dt.datetime.fromisoformat(stamp).astimezone(dt.timezone.utc).strftime(
            "%Y-%m-%d %H:%M UTC")
    except ValueError:
        return stamp
