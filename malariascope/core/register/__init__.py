"""The case register: the lab's cases in a local SQLite file (see :class:`Register`)."""

from malariascope.core.register.database import FILE_NAME
from malariascope.core.register.pages import CasePage, PageMark
from malariascope.core.register.query import CaseQuery, CaseSummary
from malariascope.core.register.schema import schema_version
from malariascope.core.register.store import Register
from malariascope.core.register.stored import StoredCase

__all__ = ["FILE_NAME", "CasePage", "CaseQuery", "CaseSummary", "PageMark", "Register",
           "StoredCase", "schema_version"]
