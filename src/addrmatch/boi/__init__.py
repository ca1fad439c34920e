"""``addrmatch.boi``: the Business Office Integration staff rules over SQLite.

A :class:`Campus` implements the specification's day-to-day rules for the
staff members an HR system creates and updates: demographics and identities,
employments, district assignments (positions), households and their
addresses (through the :class:`addrmatch.AddressStore`, so addresses never
proliferate), the error log, notifications and preferences.

>>> from addrmatch.boi import Campus
>>> campus = Campus(":memory:", clock=lambda: "2024-08-01")
>>> campus.add_gender("M", "Male")
>>> r = campus.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Tom", "gender": "M"})
>>> r["staffMember"], [w["code"] for w in r["warnings"]]
(False, ['not-a-staff-member'])

The core (``addrmatch``) never imports this package.
"""

from addrmatch.boi.campus import Campus
from addrmatch.boi.errors import (
    AmbiguousStaffNumberError,
    BOIError,
    ConflictingAddressFieldsError,
    DuplicateStaffNumberError,
    InvalidAddressError,
    NotFoundError,
    POBoxRuleError,
    ReadOnlyError,
    UnknownReferenceError,
    UnparseableStaffAddressError,
    ValidationError,
)
from addrmatch.boi.preferences import HOUSEHOLD_TOGGLE, LOCK_AREAS
from addrmatch.boi.report import Report
from addrmatch.boi.sync import Sync, SyncStateError

__all__ = [
    "HOUSEHOLD_TOGGLE",
    "LOCK_AREAS",
    "AmbiguousStaffNumberError",
    "BOIError",
    "Campus",
    "ConflictingAddressFieldsError",
    "DuplicateStaffNumberError",
    "InvalidAddressError",
    "NotFoundError",
    "POBoxRuleError",
    "ReadOnlyError",
    "Report",
    "Sync",
    "SyncStateError",
    "UnknownReferenceError",
    "UnparseableStaffAddressError",
    "ValidationError",
]
