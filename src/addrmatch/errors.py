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
    "DatabaseError",
    "NotOurDatabaseError",
    "POBoxError",
    "ReadOnlyDatabaseError",
    "SchemaVersionError",
    "UnparseableAddressError",
    "UnreadableDatabaseError",
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


#: The longest database path a DatabaseError message shows whole (``.path`` keeps it all).
_MAX_SHOWN_PATH = 300


class DatabaseError(AddressError):
    """A database file that addrmatch cannot use as asked; ``path`` names it
    (None for a connection the caller opened) and the message says why.

    Raised by :class:`~addrmatch.AddressStore` and ``addrmatch.boi.Campus``
    when they open a database, before anything is written to it.

    >>> e = UnreadableDatabaseError("/tmp/x.db", "is a directory, not a database file")
    >>> (str(e), e.path, e.rule, isinstance(e, DatabaseError))
    ("'/tmp/x.db': is a directory, not a database file", '/tmp/x.db', 'unreadable', True)
    """

    rule = "database"

    def __init__(self, path: str | None, problem: str) -> None:
        where = repr(path) if path else "the database"
        if len(where) > _MAX_SHOWN_PATH:  # a path of a megabyte is not echoed whole
            where = where[:_MAX_SHOWN_PATH] + f"... ({len(path or ''):,} characters)"
        super().__init__(f"{where}: {problem}", fields=("database",))
        self.path = path
        self.problem = problem


class UnreadableDatabaseError(DatabaseError):
    """The file cannot be read as an SQLite database: it is missing (when it
    must exist), a directory, not readable, not SQLite, or corrupt."""

    rule = "unreadable"


class NotOurDatabaseError(DatabaseError):
    """The SQLite file belongs to another application: it holds tables but no
    addrmatch schema, or a table addrmatch would create (``addresses``) that
    is not addrmatch's. Nothing is written to it."""

    rule = "not-ours"


class SchemaVersionError(DatabaseError, RuntimeError):
    """The database was written by a newer addrmatch (a schema version this
    code does not know). Also a ``RuntimeError``, as it was before it became a
    :class:`DatabaseError`."""

    rule = "schema-version"


class ReadOnlyDatabaseError(DatabaseError):
    """A writing call on a database opened read-only (the file or its
    directory is not writable, or ``read_only=True`` was asked), or a
    read-only database that would need writing to be opened (no schema yet,
    an older schema version to migrate)."""

    rule = "read-only"
