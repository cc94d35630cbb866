"""The register's schema: the steps that build it, one version at a time.

The schema version is ``PRAGMA user_version``, and ``PRAGMA application_id`` marks the file
as a MalariaScope register; :func:`~malariascope.core.register.database.connect` runs the
steps a register lacks as it opens it. A step is SQL, or a function given the connection for
what SQL alone cannot say; either runs in the step's own transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from malariascope.core.register import steps

APPLICATION_ID = 0x4D534331  # "MSC1": PRAGMA application_id of a MalariaScope register

Step = str | Callable[[sqlite3.Connection], None]


#: The number a write gives the case it saves or discards: one past the register's latest,
#: a discarded case's included, so the latest change has the highest, whatever the clock
#: says (see ``cases.changed``, ``discarded``).
NEXT_CHANGE = ("(SELECT max(coalesce((SELECT max(changed) FROM cases), 0), "
               "coalesce((SELECT max(changed) FROM discarded), 0)) + 1)")


#: Step ``i`` brings a register from schema version ``i`` to ``i + 1``; steps are only added.
MIGRATIONS: tuple[Step, ...] = (
    """
    CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'signed')),
        sample_id TEXT NOT NULL,
        patient_id TEXT NOT NULL,
        operator TEXT NOT NULL,
        case_date TEXT NOT NULL,  -- the collection date, else the day the case was opened
        signed_by TEXT NOT NULL,
        signed_at TEXT NOT NULL,
        cells_counted INTEGER,  -- of the result, for searching; NULL before any
        parasitized INTEGER,
        model TEXT NOT NULL,
        model_sha256 TEXT NOT NULL,
        rule TEXT,  -- JSON: threshold, band, field_threshold
        sources TEXT NOT NULL,  -- JSON list of names
        facts TEXT NOT NULL,  -- JSON of CaseFacts
        result TEXT,  -- JSON of CaseResult as last saved (the signed one once signed)
        signed TEXT,  -- JSON of SignedVersion; NULL while the case is open
        rows INTEGER NOT NULL DEFAULT 0  -- cells stored
    );
    CREATE INDEX cases_patient ON cases (patient_id);
    CREATE INDEX cases_sample ON cases (sample_id);
    CREATE INDEX cases_date ON cases (case_date);
    CREATE TABLE amendments (
        case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        reason TEXT NOT NULL,
        amended_by TEXT NOT NULL,
        amended_at TEXT NOT NULL,
        replaced TEXT NOT NULL,  -- JSON of the SignedVersion it opened again
        PRIMARY KEY (case_id, number)
    );
    CREATE TABLE cells (
        case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        row INTEGER NOT NULL,
        path BLOB NOT NULL,  -- the file name's bytes: any name, exactly
        sha256 TEXT NOT NULL,
        probability REAL,
        class_map BLOB,  -- float32, map_h x map_w
        map_h INTEGER,
        map_w INTEGER,
        image_h INTEGER NOT NULL,
        image_w INTEGER NOT NULL,
        error TEXT NOT NULL,
        processed_at TEXT NOT NULL,
        whole_field INTEGER NOT NULL,
        cell_index INTEGER,
        box_x INTEGER, box_y INTEGER, box_w INTEGER, box_h INTEGER,
        PRIMARY KEY (case_id, row)
    );
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,  -- the order decisions were made in
        case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        row INTEGER NOT NULL,
        reviewer TEXT NOT NULL,
        at TEXT NOT NULL,
        model_call TEXT NOT NULL,
        pressed TEXT NOT NULL,
        final_call TEXT NOT NULL
    );
    CREATE INDEX reviews_case ON reviews (case_id, id);
    CREATE INDEX reviews_reviewer ON reviews (reviewer);
    CREATE TABLE pictures (
        case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        row INTEGER NOT NULL,
        png BLOB NOT NULL,
        PRIMARY KEY (case_id, row)
    );
    """,
    # a field cell's probability before its field was standardized (``adapt.unlike``)
    "ALTER TABLE cells ADD COLUMN raw_probability REAL;",
    # the case a window works on, while it does: a row left behind is a window that stopped
    """
    CREATE TABLE work (
        case_id INTEGER PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
        state TEXT NOT NULL  -- JSON: what the window's batch holds beyond the case
    );
    """,
    # collection dates in any ISO form Python reads (20260227, 2026-W09-5) as YYYY-MM-DD
    steps.dates_as_days,
    # whether the case's screening was whole, with the case: its work row goes with its window
    steps.screening_complete,
    # a result's JSON may hold ``unlike``, which older versions cannot read: no table changes
    steps.results_may_say_unlike,
    # the image files found in what the case was opened from, with the case
    steps.files_found,
    # an amendment's case as it found it, so that one which changed nothing is withdrawn;
    # NULL decisions: an amendment opened before, never withdrawn
    """
    ALTER TABLE amendments ADD COLUMN rule TEXT;  -- JSON of the call rule, as in cases
    ALTER TABLE amendments ADD COLUMN decisions INTEGER;  -- review decisions the case held
    """,
    # the image files left out as copies of others, with the case
    steps.copies_left_out,
    # the sources an amendment found the case with: images opened since keep it open;
    # NULL: an amendment opened before, never withdrawn
    "ALTER TABLE amendments ADD COLUMN sources TEXT;  -- JSON list of names",
    # what the case's screening covered as an amendment found it: cut short since, or with
    # other files found or left out, it stays open; NULL: an amendment opened before
    "ALTER TABLE amendments ADD COLUMN extent TEXT;  -- JSON of the Extent as recorded",
    # the model that had called the case as an amendment found it: a case another model
    # called since stays open; NULL: an amendment opened before, never withdrawn
    """
    ALTER TABLE amendments ADD COLUMN model TEXT;  -- as in cases
    ALTER TABLE amendments ADD COLUMN model_sha256 TEXT;
    """,
    # a note of each amendment withdrawn unchanged, which the amendments no longer hold
    """
    CREATE TABLE withdrawals (
        case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        reason TEXT NOT NULL,
        amended_by TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        withdrawn_at TEXT NOT NULL,
        PRIMARY KEY (case_id, opened_at, withdrawn_at, amended_by, reason)
    );
    """,
    # the list's order (the latest changed first), read a page at a time from its start, and
    # the cases without a slide id by name, which a case's ``twin`` counts (``stored.TWIN``)
    """
    CREATE INDEX cases_changed ON cases (updated_at, id);
    CREATE INDEX cases_unnamed ON cases (patient_id, created_at) WHERE sample_id = '';
    """,
    # what the case was opened from, with the case: a case kept for later screens the rest
    steps.inputs,
    # the list's order by the count of saves, not by the clock: a page goes on from there
    steps.change_order,
    # the cases discarded, by the change that discarded them: a page names those listed gone
    """
    CREATE TABLE discarded (
        uid TEXT NOT NULL,
        changed INTEGER NOT NULL  -- as cases.changed, numbered with the saves
    );
    CREATE INDEX discarded_order ON discarded (changed);
    """,
    # a result's JSON may hold ``unsure``, which older versions cannot read: no table changes
    steps.results_may_say_unsure,
    # a case's copies may be named by folder, which older versions cannot read: no changes
    steps.copies_may_name_folders,
    # a result's JSON may hold the threshold of its calls and the model card's: as above
    steps.results_may_say_thresholds,
    # whether the adapted model learned from each cell's image (``adapt.learned``); NULL:
    # not known (the model's card lists none, or the cell was stored before this step)
    "ALTER TABLE cells ADD COLUMN learned INTEGER;",
)


#: How many of the last steps a register that cannot be written (an archive) reads the same
#: without: the list's indexes, only slower, what :func:`~.archived.stand_in` stands in
#: for (the cases' inputs, the count of saves, the cases discarded), the results' count of
#: cells marked unsure and thresholds, which read as not recorded where they are missing,
#: the copies by folder, which read as none where they are missing, and the cells' learned
#: flag, which :func:`~.archived.stand_in` reads as not known.
READ_AS_IS_STEPS = 8


def schema_version() -> int:
    """The schema this MalariaScope writes."""
    return len(MIGRATIONS)


def oldest_read_as_is() -> int:
    """The oldest schema whose register this MalariaScope reads without bringing it up to
    date (one it cannot write: an archive)."""
    return schema_version() - READ_AS_IS_STEPS
