"""addrmatch: every US postal address once.

Parse free-text addresses into components, put them into USPS Publication 28
canonical form, compute a match key, and find the one stored record for an
address in SQLite instead of creating a duplicate.

>>> from addrmatch import match_key
>>> match_key("4321 North Lexington Avenue, Blaine, MN 55123") == match_key("4321 N Lexington Ave., Blaine MN 55123-0001")
True
"""

from addrmatch.address import Address
from addrmatch.canonical import canonicalize
from addrmatch.errors import AddressError, ConflictingFieldsError, POBoxError, UnparseableAddressError
from addrmatch.key import Explanation, FieldComparison, explain, match_key
from addrmatch.normalize import normalize
from addrmatch.parse import ParseResult, parse, parse_details
from addrmatch.store import AddressStore, Candidate, Resolution

__all__ = [
    "Address",
    "AddressError",
    "AddressStore",
    "Candidate",
    "ConflictingFieldsError",
    "Explanation",
    "FieldComparison",
    "POBoxError",
    "ParseResult",
    "Resolution",
    "UnparseableAddressError",
    "canonicalize",
    "explain",
    "match_key",
    "normalize",
    "parse",
    "parse_details",
]

__version__ = "0.1.0"
