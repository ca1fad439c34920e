"""The rule ids of :mod:`addrmatch.boi`: every ``rule=`` of a :class:`~addrmatch.boi.BOIError`.

One registry, so that a rule id is written once: the errors use these
constants, the HTTP API's problem details carry them, and the README's
"Errors" table lists every one (a test checks both ways). The rules of the
core's input gate and address rules (``too-long``, ``invalid-unicode``,
``po-box-number-only``...) are listed too, since a staff payload's field or
address can break them.

>>> Rule.LISTED_GENDER
'listed-gender'
>>> Rule.locked("Staff Creation")
'locked:Staff Creation'
>>> "sync-stale" in RULES
True
"""

from __future__ import annotations

__all__ = ["RULES", "Rule"]


class Rule:
    """Rule ids, as constants (plain strings)."""

    # -- payload shape (schema) ------------------------------------------------------
    BOI = "boi"
    VALIDATION = "validation"
    TYPE = "type"
    REQUIRED = "required"
    UNKNOWN_FIELD = "unknown-field"
    DATE_FORMAT = "date-format"
    SSN_FORMAT = "ssn-format"
    SSN_MASKED = "ssn-masked"
    TITLE_OR_ASSIGNMENT_CODE = "title-or-assignment-code"
    SEARCH_CRITERIA = "search-criteria"
    NESTING = "nesting"
    # -- the input gate (addrmatch.inputs) ------------------------------------------------
    TOO_LONG = "too-long"
    INVALID_UNICODE = "invalid-unicode"
    CONTROL_CHARACTER = "control-character"
    OUT_OF_RANGE = "out-of-range"
    # -- reference lists --------------------------------------------------------------
    LISTED_VALUE = "listed-value"
    LISTED_GENDER = "listed-gender"
    LISTED_SCHOOL = "listed-school"
    LISTED_ASSIGNMENT_CODE = "listed-assignment-code"
    LISTED_TITLE = "listed-title"
    REFERENCE_KIND = "reference-kind"
    CSV_HEADER = "csv-header"
    # -- staff, persons, positions, households ----------------------------------------------
    NOT_FOUND = "not-found"
    STAFF_EXISTS = "staff-exists"
    PERSON_EXISTS = "person-exists"
    POSITION_EXISTS = "position-exists"
    POSITION_MATCH = "position-match"
    HOUSEHOLD_EXISTS = "household-exists"
    STAFF_NUMBER_UNIQUE = "staff-number-unique"
    STAFF_NUMBER_AMBIGUOUS = "staff-number-ambiguous"
    DISTINCT_PERSONS = "distinct-persons"
    ORIGIN = "origin"
    # -- addresses (the core's rules, raised for a household address) -------------------------
    ADDRESS = "address"
    ADDRESS_EXISTS = "address-exists"
    FULL_STREET_XOR_COMPONENTS = "fullStreetAddress-xor-components"
    PO_BOX_NUMBER_ONLY = "po-box-number-only"
    UNPARSEABLE = "unparseable"
    AMBIGUOUS_PARTIAL_MATCH = "ambiguous-partial-match"
    # -- preferences and locks ----------------------------------------------------------
    LOCKED = "locked"
    LOCK_AREA = "lock-area"
    # -- notifications and district users -------------------------------------------------
    EVENT = "event"
    NOTIFICATION_TYPE = "notification-type"
    NOTIFICATION_EXISTS = "notification-exists"
    RECIPIENT_RIGHTS = "recipient-rights"
    RECIPIENT_REQUIRED = "recipient-required"
    USER_EXISTS = "user-exists"
    USERNAME_UNIQUE = "username-unique"
    TOOL_RIGHT = "tool-right"
    PASSWORD = "password"
    LOGIN = "login"
    LOGIN_LOCKED = "login-locked"
    # -- synchronization ----------------------------------------------------------------
    SYNC_STATE = "sync-state"
    SYNC_STALE = "sync-stale"
    SYNC_EMPTY = "sync-empty"
    TRANSFERRED_ONCE = "transferred-once"
    # -- the call itself ---------------------------------------------------------------
    CLOCK = "clock"
    DATABASE = "database"

    @staticmethod
    def locked(area: str) -> str:
        """The rule id of a locked area: ``locked:<area>``."""
        return f"{Rule.LOCKED}:{area}"


#: Every rule id (``locked:<area>`` counts as ``locked``).
RULES: frozenset[str] = frozenset(
    value for name, value in vars(Rule).items() if name.isupper() and isinstance(value, str)
)
