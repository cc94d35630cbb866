"""Printed reports of cases (PDF, with Qt's text engine): see :mod:`.pdf` and :mod:`.content`.

Kept out of ``core`` because it needs Qt; ``core`` never imports it.
"""
