"""The exceptions addrmatch raises.

Every exception is an :class:`AddressError`. Each carries structured fields
(``fields``: the offending BOI field names, ``rule``: a short rule id) besides
its message, so that a caller can report or route errors without parsing text.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "AddressError",
    "ConflictingFieldsError",
    "POBoxError",
    "UnparseableAddressError",
]


class AddressError(ValueError):
    """Base class: the value is not a usable address.

    >>> try:
    ...     raise AddressError("street: must not be empty", fields=("street",), rule="required")
    ... except AddressError as e:
    ...     (e.fields, e.rule)
    (('street',), 'required')
    """

    rule: str = "address"

    def __init__(self, message: str, *, fields: Iterable[str] = (), rule: str | None = None) -> None:
        super().__init__(message)
        self.fields: tuple[str, ...] = tuple(fields)
        if rule is not None:
            self.rule = rule


class ConflictingFieldsError(AddressError):
    """``fullStreetAddress`` was given together with street components.

    The specification: "The API only accepts fullStreetAddress or the other
    street address properties. An error is returned if both are specified."
    """

    rule = "fullStreetAddress-xor-components"


class POBoxError(AddressError):
    """``postOfficeBox`` is true but street parts other than ``number`` are
    given, or the box number is missing.

    The specification: "If the address is a PO Box, you are only allowed to
    specify the number of the PO Box."
    """

    rule = "po-box-number-only"


class UnparseableAddressError(AddressError):
    """No street or box could be found in the text (empty text, "asdf").

    ``text`` holds the input that failed.
    """

    rule = "unparseable"

    def __init__(
        self, message: str, *, text: str = "", fields: Iterable[str] = ("fullStreetAddress",)
    ) -> None:
        super().__init__(message, fields=fields)
        self.text = text
