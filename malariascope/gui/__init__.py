"""The desktop app: a thin PySide6 layer over ``malariascope.core``.

Importing this package loads no Qt module; it only checks the Qt bindings' version for a
known reference-counting bug (see :mod:`malariascope.gui._compat`). ``malariascope.gui.app``
starts the window.
"""

from malariascope.gui._compat import protect_singletons

protect_singletons()
