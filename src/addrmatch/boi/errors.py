"""The exceptions :mod:`addrmatch.boi` raises.

Every exception is a :class:`BOIError` carrying structured fields besides its
message: ``field`` (the payload field or path, ``"positions[0].schoolNumber"``),
``rule`` (a short rule id, ``"listed-school"``) and ``value`` (the offending
value, masked when it is personal data). Messages and ``repr`` never show an
SSN or a birthdate in clear.

Address rule violations inside a household are raised as
:class:`InvalidAddressError` subclasses that are *also* the core's
:class:`addrmatch.AddressError` classes, so ``except POBoxError`` and
``except BOIError`` both catch a PO-box rule violation.
"""

from __future__ import annotations

from typing import Any

from addrmatch.boi.masking import mask_value
from addrmatch.boi.rules import Rule
from addrmatch.errors import AddressError, ConflictingFieldsError, POBoxError, UnparseableAddressError
from addrmatch.inputs import preview

__all__ = [
    "AmbiguousStaffNumberError",
    "BOIError",
    "ConflictingAddressFieldsError",
    "DuplicateStaffNumberError",
    "InvalidAddressError",
    "NotFoundError",
    "POBoxRuleError",
    "ReadOnlyError",
    "UnknownReferenceError",
    "UnparseableStaffAddressError",
    "ValidationError",
    "address_error",
]


class BOIError(Exception):
    """Base class of the staff module's errors.

    >>> e = BOIError("ssn: not 9 digits", field="ssn", rule=Rule.SSN_FORMAT, value="123-45-678")
    >>> (e.field, e.rule, e.value)
    ('ssn', 'ssn-format', '***-**-5678')
    >>> e
    BOIError('ssn: not 9 digits', field='ssn', rule='ssn-format', value='***-**-5678')
    """

    rule: str = Rule.BOI

    def __init__(
        self, message: str, *, field: str | None = None, rule: str | None = None, value: Any = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if rule is not None:
            self.rule = rule
        self.value = mask_value(field, value)

    def __repr__(self) -> str:
        # preview: never fails, and caps a huge value (a 5,000-digit int, a 1 MB string).
        return (
            f"{type(self).__name__}({preview(self.message, 200)}, field={preview(self.field, 80)}, "
            f"rule={self.rule!r}, value={preview(self.value, 80)})"
        )


class ValidationError(BOIError, ValueError):
    """A payload field is missing, of the wrong type or badly formed."""

    rule = Rule.VALIDATION


class UnknownReferenceError(ValidationError):
    """A value must be in one of the district's lists (gender, school,
    assignment code) and is not.

    >>> e = UnknownReferenceError("gender: 'Q' is not a listed gender", field="gender",
    ...                           rule=Rule.LISTED_GENDER, value="Q")
    >>> isinstance(e, ValidationError), e.rule
    (True, 'listed-gender')
    """

    rule = Rule.LISTED_VALUE


class NotFoundError(BOIError, LookupError):
    """The staff member, person, position or notification the call names does not exist."""

    rule = Rule.NOT_FOUND


class DuplicateStaffNumberError(BOIError):
    """``create_staff`` (or a staff number change) with a staffNumber another
    staff member already has."""

    rule = Rule.STAFF_NUMBER_UNIQUE


class AmbiguousStaffNumberError(BOIError):
    """The staffNumber names more than one person in Campus (legacy duplicates,
    see the Check Campus Data report); the call cannot know which one."""

    rule = Rule.STAFF_NUMBER_AMBIGUOUS


class ReadOnlyError(BOIError, PermissionError):
    """A district-side edit of a locked area of an HR-managed staff member
    (Business Office Preferences)."""

    rule = Rule.LOCKED


class InvalidAddressError(ValidationError, AddressError):
    """A household address breaks an address input rule.

    Both a :class:`BOIError` (``field`` is the payload path of the address)
    and an :class:`addrmatch.AddressError` (``fields`` are the BOI address
    fields). ``address_error`` is the core's original exception.
    """

    rule = Rule.ADDRESS

    def __init__(self, message: str, *, field: str | None, cause: AddressError) -> None:
        BOIError.__init__(self, message, field=field, rule=cause.rule, value=None)
        self.fields: tuple[str, ...] = tuple(cause.fields)
        self.address_error = cause
        self.text = getattr(cause, "text", "")


class ConflictingAddressFieldsError(InvalidAddressError, ConflictingFieldsError):
    """fullStreetAddress given together with street components."""


class POBoxRuleError(InvalidAddressError, POBoxError):
    """postOfficeBox with street parts other than number, or without a number."""


class UnparseableStaffAddressError(InvalidAddressError, UnparseableAddressError):
    """No street or box could be found in the household address."""


def address_error(cause: AddressError, field: str) -> InvalidAddressError:
    """Wrap a core address error raised for the payload path ``field``.

    >>> cause = POBoxError("postOfficeBox with street", fields=("postOfficeBox", "street"))
    >>> e = address_error(cause, "household.address")
    >>> isinstance(e, POBoxError), isinstance(e, BOIError), e.field, e.fields
    (True, True, 'household.address', ('postOfficeBox', 'street'))
    """
    if isinstance(cause, ConflictingFieldsError):
        cls: type[InvalidAddressError] = ConflictingAddressFieldsError
    elif isinstance(cause, POBoxError):
        cls = POBoxRuleError
    elif isinstance(cause, UnparseableAddressError):
        cls = UnparseableStaffAddressError
    else:
        cls = InvalidAddressError
    return cls(f"{field}: {cause}", field=field, cause=cause)
