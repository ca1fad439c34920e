"""Building an Address from the parts of a reading, fast.

Private, and compiled with mypyc when the package is built: the pipeline
builds one Address per call, and a frozen dataclass's own ``__init__``
(fourteen guarded attribute writes through the interpreter) costs more than
reading the text. This module writes the slots directly, as the dataclass's
``__init__`` does (``object.__setattr__``), from compiled code. It knows the
field names (:mod:`addrmatch.fields`), not the class: the caller passes it,
so the value object stays the layer above.
"""

from __future__ import annotations

from typing import Any, Final

from addrmatch.fields import PARTS, TEXT_FIELDS

__all__ = ["from_parts"]

# The fields a reading does not give: set to None.
_OTHERS: Final[tuple[str, ...]] = tuple(name for name in TEXT_FIELDS if name not in PARTS)
_PARTS: Final[tuple[str, ...]] = PARTS  # a compiled constant: no module-dict lookup per field


def from_parts(cls: Any, parts: tuple[Any, ...]) -> Any:
    """An instance of ``cls`` (Address) with ``parts`` as (po_box, number, prefix,
    street, tag, direction, apt, city, state, zip) and the other fields None."""
    address = object.__new__(cls)
    for i in range(len(_PARTS)):
        object.__setattr__(address, _PARTS[i], parts[i])
    for name in _OTHERS:
        object.__setattr__(address, name, None)
    return address
