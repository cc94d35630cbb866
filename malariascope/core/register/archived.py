"""A register of an older schema that cannot be written (an archive), read as it is.

Its schema cannot be brought up to date where it is, so a read-only connection to one lacking
what the last steps add (:data:`~.schema.READ_AS_IS_STEPS`) is given TEMP objects in their
place: SQLite finds an unqualified name in ``temp`` before ``main``, so this version's queries
read them, and nothing is written to the register's file.
"""

from __future__ import annotations

import sqlite3

from malariascope.core.register.schema import schema_version


def is_archive(db: sqlite3.Connection) -> bool:
    """True when ``db`` holds a register of an older schema: one opened read-only, as an
    open that can write brings it up to date."""
    return db.execute("PRAGMA user_version").fetchone()[0] < schema_version()


def stand_in(db: sqlite3.Connection) -> None:
    """Give ``db``, read-only, what the last steps add to the case tables and its register
    lacks: ``cases.inputs`` (not known), ``cases.changed`` (the cases numbered in the order
    of their stamps, as :func:`~.steps.change_order` numbers them), no case discarded and
    ``cells.learned`` (not known).
    The cases are numbered once, here: one an older MalariaScope adds while this connection
    is open is listed when the register is opened again."""
    columns = {row[1] for row in db.execute("PRAGMA main.table_info(cases)")}
    if "changed" not in columns:
        # the numbers in a table of their own, keyed both ways, so the view joins to the
        # cases' own indexes rather than numbering every case again for each query
        db.execute("CREATE TEMP TABLE changes (changed INTEGER PRIMARY KEY, "
                   "id INTEGER NOT NULL UNIQUE)")
        db.execute("INSERT INTO temp.changes (changed, id) SELECT row_number() OVER "
                   "(ORDER BY updated_at, id), id FROM main.cases")
        inputs = "" if "inputs" in columns else ", NULL AS inputs"
        db.execute(f"CREATE TEMP VIEW cases AS SELECT kept.*{inputs}, numbers.changed "
                   "FROM main.cases AS kept JOIN temp.changes AS numbers USING (id)")
    if db.execute("SELECT NOT EXISTS (SELECT 1 FROM main.sqlite_master "
                  "WHERE type = 'table' AND name = 'discarded')").fetchone()[0]:
        db.execute("CREATE TEMP TABLE discarded (uid TEXT NOT NULL, changed INTEGER NOT NULL)")
    if "learned" not in {row[1] for row in db.execute("PRAGMA main.table_info(cells)")}:
        db.execute("CREATE TEMP VIEW cells AS SELECT *, NULL AS learned FROM main.cells")
