"""Tool rights: which district user may see, and which may change, each Business Office screen.

A user's tool rights are text (table ``user_right``). The notification
rights of the specification are plain names ("District Employment", "District
Assignments": a recipient needs one, :mod:`addrmatch.boi.notifications`), as
is any other Campus tool's. The Business Office screens take a name with a
level: ``NAME:R`` to see the screen, ``NAME:RW`` to see and change it
(Infinite Campus's Read and Write rights); a bare screen tool name is
``NAME:RW``.
"""

from __future__ import annotations

from collections.abc import Iterable

from addrmatch.boi.errors import ValidationError
from addrmatch.boi.notifications import RECIPIENT_RIGHTS
from addrmatch.boi.rules import Rule

__all__ = ["LEVELS", "SCREENS", "TOOLS", "allowed", "normalize_right"]

#: Screen -> its tool (the name a tool right carries), as the specification's Tool Search names them.
SCREENS: dict[str, str] = {
    "sync": "Business Office Synchronization",
    "errors": "Business Office Error Log",
    "notifications": "Business Office Notifications",
    "preferences": "Business Office Preferences",
    "credentials": "Business Office API Credentials",
    "staff": "Staff Demographics",
}
#: The tools this module knows: the screens' and the notification recipients'.
TOOLS: frozenset[str] = frozenset(SCREENS.values()) | RECIPIENT_RIGHTS
_SCREEN_TOOLS = {tool.casefold(): tool for tool in SCREENS.values()}
#: The levels of a screen's right: R sees, RW also changes.
LEVELS: tuple[str, ...] = ("R", "RW")


def normalize_right(text: str) -> str:
    """A tool right as stored: a screen's tool as ``NAME:R`` or ``NAME:RW`` (a
    bare screen tool name is ``NAME:RW``; the name is matched ignoring case);
    any other tool right (``District Employment``, ``Attendance``...) as given.

    >>> normalize_right("Business Office Preferences"), normalize_right("business office error log:r")
    ('Business Office Preferences:RW', 'Business Office Error Log:R')
    >>> normalize_right("District Employment")
    'District Employment'
    >>> normalize_right("Business Office Preferences:X")
    Traceback (most recent call last):
    ...
    addrmatch.boi.errors.ValidationError: rights: the level of 'Business Office Preferences' is R or RW, got 'X'
    """
    if not isinstance(text, str) or not text.strip():
        raise ValidationError("rights: a tool right is non-empty text", field="rights", rule=Rule.TOOL_RIGHT)
    name, colon, level = text.strip().rpartition(":")
    if not colon:
        name, level = text.strip(), ""
    tool = _SCREEN_TOOLS.get(name.strip().casefold())
    if tool is None:
        return text.strip()
    level = (level or "RW").strip().upper()
    if level not in LEVELS:
        raise ValidationError(
            f"rights: the level of {tool!r} is R or RW, got {level!r}",
            field="rights",
            rule=Rule.TOOL_RIGHT,
            value=text,
        )
    return f"{tool}:{level}"


def allowed(rights: Iterable[str], screen: str, *, change: bool = False) -> bool:
    """True when ``rights`` let a user see (``change=False``) or change a screen.

    >>> allowed(["Business Office Preferences:R"], "preferences"), allowed(
    ...     ["Business Office Preferences:R"], "preferences", change=True)
    (True, False)
    """
    tool = SCREENS[screen]
    held = set(rights)
    return f"{tool}:RW" in held or (not change and f"{tool}:R" in held)
