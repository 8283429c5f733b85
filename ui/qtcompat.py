"""Work-around for a binding defect that would otherwise crash a long coding session.

With PySide6 6.12 on CPython 3.11, many binding calls drop a reference to ``None``, ``True`` or
``False`` that they never took: every call of a method returning void (``setEnabled``,
``setFormat``, ...), every ``Signal.emit``, every Python ``data()`` override that returns None.
The binding was evidently written for CPython 3.12+, where these singletons are immortal and
reference counts on them are ignored. On 3.11 their counts fall with each call until the
interpreter aborts ("deallocating None"): opening a large coded statement about fifteen times
was enough. Giving the singletons a reference count no session can exhaust does on 3.11 what
3.12 does by design.
"""

from __future__ import annotations

import ctypes
import sys

__all__ = ["immortalize_singletons"]

_HEADROOM = 1 << 48


def immortalize_singletons() -> None:
    """Raise the reference counts of None, True and False far out of reach (CPython < 3.12)."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for obj in (None, True, False):
        # ob_refcnt is the first field of every object in a release build of CPython 3.11.
        count = ctypes.c_ssize_t.from_address(id(obj))
        if count.value < _HEADROOM:
            count.value += _HEADROOM
