"""The register's list read a page at a time, as a window shows a year of cases.

A page goes on from the last case of the page before in the list's order (the latest changed
first: ``changed``, the count of saves at a case's last, which no clock set back can
reorder), not from its place in the list (an OFFSET): a save moves its case to the top of the
list, and every case after the page before with it, so a page by place would list a case
twice and skip another. A case that changed since the page before comes again with the next
page, which a list shows anew in its place: one that jumped over the page before is not
skipped either. One that the query no longer selects (its patient or status changed) is
named as gone, for the list to drop, and so is one discarded since (an open case begun by
mistake), which the register notes with the number of the change that discarded it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from malariascope.core.register.query import CaseQuery, CaseSummary, count, summaries
from malariascope.core.register.schema import NEXT_CHANGE

#: the order of a case in the list is its ``changed``: the index ``cases_order``
BELOW = "changed < ?"
CHANGED = "changed > ?"


@dataclass(frozen=True)
class PageMark:
    """Where the next page of a list begins: after ``key``, the order of the last case
    listed (None: none yet), with the cases changed since ``seen``, the register's latest
    change when the page was read."""

    key: int | None = None
    seen: int = 0


@dataclass(frozen=True)
class CasePage:
    """A page of the cases a query selects: those changed since the page before (some listed
    already), then the next in the list's order. ``total``: how many the query selects;
    ``more``: how many follow the page; ``mark``: where the next page begins; ``gone``: the
    uids of the cases changed since the page before that the query does not select, and of
    those discarded since (a list drops those it shows)."""

    cases: list[CaseSummary]
    total: int
    more: int
    mark: PageMark
    gone: tuple[str, ...] = ()


Readable = Callable[[Iterator[CaseSummary]], Iterator[CaseSummary]]


def read_page(db: sqlite3.Connection, query: CaseQuery, limit: int, after: PageMark,
              readable: Readable) -> CasePage:
    """The page of ``limit`` cases ``query`` selects after ``after``, read in one snapshot
    (the caller's); ``readable`` reads the summaries (it words a case that cannot be read
    back)."""
    gone: tuple[str, ...] = ()
    if after.key is None:
        again, cases = [], list(readable(summaries(db, query, limit)))
    else:
        again = list(readable(summaries(db, query, None, CHANGED, [after.seen])))
        found = {case.uid for case in again}
        gone = tuple(uid for (uid,) in db.execute(f"SELECT uid FROM cases WHERE {CHANGED}",
                                                  [after.seen]) if uid not in found)
        cases = list(readable(summaries(db, query, limit, BELOW, [after.key])))
        gone += tuple(uid for (uid,) in db.execute(
            f"SELECT uid FROM discarded WHERE {CHANGED} AND uid NOT IN (SELECT uid FROM "
            "cases)", [after.seen]))
    key = after.key if not cases else db.execute(
        "SELECT changed FROM cases WHERE uid = ?", (cases[-1].uid,)).fetchone()[0]
    total = count(db, query)
    more = total if key is None else count(db, query, BELOW, [key])
    seen = db.execute(f"SELECT {NEXT_CHANGE} - 1").fetchone()[0]  # a discard's included
    return CasePage(again + cases, total, more, PageMark(key, seen), gone)
