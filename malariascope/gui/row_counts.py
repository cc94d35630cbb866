"""A batch's counts, kept up to date row by row: the whole batch's and each whole field's
(``core.tally``, the counting the summary CSV uses), the rows of each field, and the rows
that a file screened again supersedes.

:class:`~malariascope.gui.batch.Batch` appends rows and changes their calls; it counts a row
out before a change and in after it, so no change recounts the batch.
"""

from __future__ import annotations

from pathlib import Path

from malariascope.core.rescreened import Superseded
from malariascope.core.tally import Counts, Tally, Verdict
from malariascope.core.withoutcall import kind_of
from malariascope.gui.row_calls import RowCalls


class RowCounts(RowCalls):
    """The counts of a batch's rows at their final calls."""

    def _reset_counts(self) -> None:
        """Count no row: the batch holds none."""
        self._tally = Tally()
        self._field_rows: dict[Path, list[int]] = {}
        self._superseded = Superseded()  # unread rows of files screened again since

    @property
    def counts(self) -> Counts:
        """The whole batch's counts (final calls), as the summary CSV gives them."""
        return self._tally.batch

    def field_counts(self, path: Path) -> Counts | None:
        """The counts of one whole field of the batch (None: not a field of this batch)."""
        return self._tally.fields.get(str(path))

    @property
    def learned_images(self) -> int:
        """How many image files of the batch its model learned from in adaptation."""
        return self._tally.learned_images or 0

    @property
    def has_fields(self) -> bool:
        """True when some images of the batch were screened as whole fields."""
        return bool(self._field_rows)

    def field_rows(self, path: Path) -> list[int]:
        """The rows of the cells found in the whole field ``path``, in reading order."""
        return self._field_rows.get(path, [])

    def superseded(self, row: int) -> bool:
        """True for the row of a file that could not be read, screened again since: the
        case counts the file by its later rows."""
        return row in self._superseded.rows

    @property
    def superseded_rows(self) -> int:
        """How many rows later rows supersede (see :meth:`superseded`)."""
        return len(self._superseded.rows)

    def _count_appended(self, first: int) -> None:
        """Count the rows from ``first`` on, just appended; each takes the place of an
        unread row of its file, which is counted out."""
        for row in range(first, len(self.results)):
            result = self.results[row]
            if (gone := self._superseded.by(result)) is not None:
                self._count(gone, -1)
            self._superseded.take(row, result)
            self._count(row, +1)
            if result.whole_field:
                self._field_rows.setdefault(result.path, []).append(row)

    def _count(self, row: int, sign: int) -> None:
        """Add (+1) or remove (-1) one row's contribution to the counts (a superseded row
        has none)."""
        if self.superseded(row):
            return
        result = self.results[row]
        field_path = str(result.path) if result.whole_field else ""
        if not result.ok:
            self._tally.add(Verdict("", field_path=field_path, no_call=kind_of(result.error)),
                            sign)
            return
        self._tally.add(Verdict(self.final_call(row), self.uncertain(row), self.reviewed(row),
                                field_path, self.call(row), unsure=self.unsure(row),
                                learned=result.learned, image_path=str(result.path)), sign)

    def _recount(self) -> None:
        self._tally = Tally()
        for row in range(len(self.results)):
            self._count(row, +1)
