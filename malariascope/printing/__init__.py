"""Printed reports of cases (PDF, with Qt's text engine): see :mod:`.pdf` and :mod:`.content`.

Kept out of ``core`` because it needs Qt; ``core`` never imports it. This module itself
imports nothing, so that the command line's options can name the paper sizes.
"""

PAGE_SIZES = ("A4", "Letter")  # the papers a report is laid out for
PAPERS = {size.lower(): size for size in PAGE_SIZES}  # each by the word --paper takes
