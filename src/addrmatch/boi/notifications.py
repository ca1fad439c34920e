"""Business Office Notifications and the district users' message centre.

Two notification types: ``HR-Staff`` (the HR system created a staff member,
updated one, or updated a staff member's district assignments) and
``HR Sync Commit`` (a staff synchronization was committed). Recipients are
district users with tool rights to District Employment and/or District
Assignments; each event puts one message in each recipient's message centre
(one per user and event, even if a user is in two notifications of the
type). Removing every recipient deletes the notification.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from addrmatch.boi.errors import NotFoundError, ValidationError
from addrmatch.boi.rules import Rule

__all__ = [
    "EVENTS",
    "RECIPIENT_RIGHTS",
    "TYPES",
    "add_user",
    "create",
    "delete",
    "emit",
    "listing",
    "messages",
    "recipients",
    "update",
    "user_id",
    "users",
]

TYPES: tuple[str, ...] = ("HR-Staff", "HR Sync Commit")
#: A recipient needs at least one of these tool rights.
RECIPIENT_RIGHTS: frozenset[str] = frozenset({"District Employment", "District Assignments"})
#: Event -> the notification type that announces it.
EVENTS: dict[str, str] = {
    "staff created": "HR-Staff",
    "staff updated": "HR-Staff",
    "assignments updated": "HR-Staff",
    "sync committed": "HR Sync Commit",
}


def _text(field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{field}: required text", field=field, rule=Rule.REQUIRED, value=value)
    return value.strip()


def add_user(conn: sqlite3.Connection, username: str, name: str, rights: Iterable[str] = ()) -> int:
    """Add a district user with tool rights; returns the user id."""
    username = _text("username", username)
    name = _text("name", name)
    rights = sorted({_text("rights", r) for r in rights})
    if conn.execute("SELECT 1 FROM district_user WHERE username = ?", (username,)).fetchone():
        raise ValidationError(
            f"username: {username!r} already exists",
            field="username",
            rule=Rule.USERNAME_UNIQUE,
            value=username,
        )
    user_id = conn.execute(
        "INSERT INTO district_user (username, name) VALUES (?, ?)", (username, name)
    ).lastrowid
    assert user_id is not None
    conn.executemany(
        "INSERT INTO user_right (user_id, tool_right) VALUES (?, ?)", [(user_id, r) for r in rights]
    )
    return user_id


def users(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every district user with their tool rights."""
    rights: dict[int, list[str]] = {}
    for user_id, right in conn.execute("SELECT user_id, tool_right FROM user_right ORDER BY tool_right"):
        rights.setdefault(user_id, []).append(right)
    return [
        {"userId": uid, "username": username, "name": name, "rights": rights.get(uid, [])}
        for uid, username, name in conn.execute(
            "SELECT user_id, username, name FROM district_user ORDER BY username"
        )
    ]


def user_id(conn: sqlite3.Connection, username: str, field: str = "recipients") -> int:
    """The id of a district user (:class:`NotFoundError` naming ``field`` if there is none)."""
    row = conn.execute("SELECT user_id FROM district_user WHERE username = ?", (username,)).fetchone()
    if row is None:
        raise NotFoundError(
            f"{field}: no district user {username!r}",
            field=field,
            rule=Rule.USER_EXISTS,
            value=username,
        )
    return int(row[0])


_user_id = user_id


def recipients(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """The users who may receive notifications (a right in :data:`RECIPIENT_RIGHTS`)."""
    return [u for u in users(conn) if RECIPIENT_RIGHTS & set(u["rights"])]


def _check_recipient(conn: sqlite3.Connection, username: str) -> int:
    user_id = _user_id(conn, username)
    marks = ",".join("?" for _ in RECIPIENT_RIGHTS)
    ok = conn.execute(
        f"SELECT 1 FROM user_right WHERE user_id = ? AND tool_right IN ({marks})",
        (user_id, *sorted(RECIPIENT_RIGHTS)),
    ).fetchone()
    if ok is None:
        raise ValidationError(
            f"recipients: {username!r} has no tool rights to District Employment or District Assignments",
            field="recipients",
            rule=Rule.RECIPIENT_RIGHTS,
            value=username,
        )
    return user_id


def _type(value: str) -> str:
    if value not in TYPES:
        raise ValidationError(
            f"type: {value!r} is not a notification type ({', '.join(TYPES)})",
            field="type",
            rule=Rule.NOTIFICATION_TYPE,
            value=value,
        )
    return value


def _get(conn: sqlite3.Connection, notification_id: int) -> dict[str, Any]:
    row = conn.execute(
        "SELECT type FROM notification WHERE notification_id = ?", (notification_id,)
    ).fetchone()
    if row is None:
        raise NotFoundError(
            f"notification: no notification {notification_id}",
            field="notificationId",
            rule=Rule.NOTIFICATION_EXISTS,
            value=notification_id,
        )
    recipients = [
        r[0]
        for r in conn.execute(
            "SELECT u.username FROM notification_recipient n JOIN district_user u USING (user_id) "
            "WHERE n.notification_id = ? ORDER BY u.username",
            (notification_id,),
        )
    ]
    return {"notificationId": notification_id, "type": row[0], "recipients": recipients}


def create(conn: sqlite3.Connection, type: str, recipients: Iterable[str]) -> dict[str, Any]:
    """A new notification of ``type`` for the given usernames (at least one)."""
    _type(type)
    user_ids = sorted({_check_recipient(conn, r) for r in recipients})
    if not user_ids:
        raise ValidationError(
            "recipients: a notification needs at least one recipient",
            field="recipients",
            rule=Rule.RECIPIENT_REQUIRED,
            value=None,
        )
    nid = conn.execute("INSERT INTO notification (type) VALUES (?)", (type,)).lastrowid
    assert nid is not None
    conn.executemany(
        "INSERT INTO notification_recipient (notification_id, user_id) VALUES (?, ?)",
        [(nid, u) for u in user_ids],
    )
    return _get(conn, nid)


def update(
    conn: sqlite3.Connection,
    notification_id: int,
    *,
    type: str | None = None,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
) -> dict[str, Any] | None:
    """Change the type, add or remove recipients; None when the last recipient
    was removed and the notification deleted."""
    _get(conn, notification_id)
    if type is not None:
        conn.execute(
            "UPDATE notification SET type = ? WHERE notification_id = ?", (_type(type), notification_id)
        )
    for username in add:
        conn.execute(
            "INSERT OR IGNORE INTO notification_recipient (notification_id, user_id) VALUES (?, ?)",
            (notification_id, _check_recipient(conn, username)),
        )
    for username in remove:
        conn.execute(
            "DELETE FROM notification_recipient WHERE notification_id = ? AND user_id = ?",
            (notification_id, _user_id(conn, username)),
        )
    left = conn.execute(
        "SELECT count(*) FROM notification_recipient WHERE notification_id = ?", (notification_id,)
    ).fetchone()[0]
    if left == 0:
        conn.execute("DELETE FROM notification WHERE notification_id = ?", (notification_id,))
        return None
    return _get(conn, notification_id)


def delete(conn: sqlite3.Connection, notification_id: int) -> None:
    """Delete a notification."""
    _get(conn, notification_id)
    conn.execute("DELETE FROM notification WHERE notification_id = ?", (notification_id,))


def listing(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every notification with its recipients."""
    ids = [r[0] for r in conn.execute("SELECT notification_id FROM notification ORDER BY notification_id")]
    return [_get(conn, i) for i in ids]


def emit(conn: sqlite3.Connection, event: str, subject: str, body: str, today: str) -> int:
    """Put a message about ``event`` in the message centre of every recipient
    of a notification of the event's type; returns the number of messages."""
    kind = EVENTS[event]
    cursor = conn.execute(
        "INSERT INTO message (user_id, type, event, subject, body, created_date) "
        "SELECT DISTINCT r.user_id, n.type, ?, ?, ?, ? FROM notification n "
        "JOIN notification_recipient r USING (notification_id) WHERE n.type = ?",
        (event, subject, body, today, kind),
    )
    return cursor.rowcount


def messages(conn: sqlite3.Connection, username: str) -> list[dict[str, Any]]:
    """A user's message centre, oldest first."""
    user_id = _user_id(conn, username)
    return [
        {"messageId": mid, "type": kind, "event": event, "subject": subject, "body": body, "date": date}
        for mid, kind, event, subject, body, date in conn.execute(
            "SELECT message_id, type, event, subject, body, created_date FROM message WHERE user_id = ? "
            "ORDER BY message_id",
            (user_id,),
        )
    ]
