"""District users' logins and their sessions on the Business Office screens.

The one owner of the tables ``user_login`` (a district user's password hash,
failed-login count and lock) and ``admin_session`` (a logged-in browser).

* A password is kept as a slow salted hash, the Client Secret's
  (:func:`addrmatch.boi.credentials.hash_secret`: scrypt, a 16-byte salt) and
  compared in constant time; an unknown user name costs the same hash.
* :data:`MAX_FAILED` failed logins in a row lock the account for
  :data:`LOCK_SECONDS` (also against the right password); a successful login
  clears the count.
* A session is 32 random bytes (URL-safe text) of which only the SHA-256 is
  stored, with its CSRF token, its start and its last use: it ends after
  :data:`IDLE_SECONDS` without use or :data:`MAX_SECONDS` after the login,
  at logout, and when the user's password changes.

Every function works in the caller's transaction; times are seconds since
the epoch, given by the caller.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from typing import Any

from addrmatch.boi.credentials import hash_secret
from addrmatch.boi.db import Ctx, transaction
from addrmatch.boi.errors import BOIError, ValidationError
from addrmatch.boi.rules import Rule

__all__ = [
    "IDLE_SECONDS",
    "LOCK_SECONDS",
    "MAX_FAILED",
    "MAX_SECONDS",
    "MIN_PASSWORD",
    "LoginError",
    "end_session",
    "ensure_schema",
    "log_in",
    "session_user",
    "set_password",
]

#: Failed logins in a row that lock an account.
MAX_FAILED = 5
#: How long a locked account stays locked.
LOCK_SECONDS = 15 * 60
#: A session ends after this long without a request...
IDLE_SECONDS = 30 * 60
#: ...and this long after the login, whatever its use.
MAX_SECONDS = 12 * 3600
#: The shortest password ``set_password`` accepts.
MIN_PASSWORD = 10
_MAX_PASSWORD = 1_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS user_login (
    user_id INTEGER PRIMARY KEY REFERENCES district_user (user_id) ON DELETE CASCADE,
    salt BLOB NOT NULL,
    hash BLOB NOT NULL,
    failed INTEGER NOT NULL DEFAULT 0,
    locked_until REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS admin_session (
    session_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES district_user (user_id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    started_at REAL NOT NULL,
    seen_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS admin_session_user ON admin_session (user_id);
"""
_DUMMY_SALT = b"\x00" * 16


class LoginError(BOIError):
    """A refused login: ``rule`` ``login`` (unknown user or wrong password: the
    message does not say which) or ``login-locked`` (``value``: seconds left).

    >>> LoginError("login: wrong user name or password", field="password", rule="login").rule
    'login'
    """

    rule = Rule.LOGIN


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the login tables (once; idempotent).

    >>> from addrmatch.boi.db import create_schema
    >>> conn = sqlite3.connect(":memory:", isolation_level=None); create_schema(conn); ensure_schema(conn)
    """
    with transaction(conn):
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)


def _session_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def set_password(ctx: Ctx, user_id: int, password: Any) -> None:
    """Give a district user a password (replacing one; clears the lock and ends their sessions)."""
    if not isinstance(password, str) or not (MIN_PASSWORD <= len(password) <= _MAX_PASSWORD):
        raise ValidationError(
            f"password: at least {MIN_PASSWORD} characters (and at most {_MAX_PASSWORD:,})",
            field="password",
            rule=Rule.PASSWORD,
            value=None,
        )
    salt = secrets.token_bytes(16)
    ctx.conn.execute(
        "INSERT INTO user_login (user_id, salt, hash) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
        "salt = excluded.salt, hash = excluded.hash, failed = 0, locked_until = 0",
        (user_id, salt, hash_secret(password, salt)),
    )
    ctx.conn.execute("DELETE FROM admin_session WHERE user_id = ?", (user_id,))


def log_in(ctx: Ctx, username: Any, password: Any, now: float) -> dict[str, Any] | LoginError:
    """Check a user name and password: a new session ``{"session", "csrf",
    "userId"}`` (the only time the session token is seen), or the
    :class:`LoginError` to raise -- returned, not raised, so that the caller's
    transaction commits the failure count (:meth:`addrmatch.boi.Campus.log_in`)."""
    name = username if isinstance(username, str) else ""
    secret = password if isinstance(password, str) else ""
    row = ctx.conn.execute(
        "SELECT u.user_id, l.salt, l.hash, l.failed, l.locked_until FROM district_user u "
        "JOIN user_login l USING (user_id) WHERE u.username = ?",
        (name[:200],),
    ).fetchone()
    salt, stored = (row[1], row[2]) if row is not None else (_DUMMY_SALT, b"\x00" * 32)
    match = hmac.compare_digest(hash_secret(secret[:_MAX_PASSWORD], salt), stored) and row is not None
    if row is not None and row[4] > now:
        left = int(row[4] - now + 0.999)
        return LoginError(
            f"login: this account is locked after {MAX_FAILED} failed logins; try again in "
            f"{(left + 59) // 60} minute{'s' if left > 60 else ''}",
            field="username",
            rule=Rule.LOGIN_LOCKED,
            value=left,
        )
    if not match:
        if row is not None:
            failed = row[3] + 1
            locked = now + LOCK_SECONDS if failed >= MAX_FAILED else 0
            ctx.conn.execute(
                "UPDATE user_login SET failed = ?, locked_until = ? WHERE user_id = ?",
                (0 if locked else failed, locked, row[0]),
            )
        return LoginError("login: wrong user name or password", field="password", rule=Rule.LOGIN, value=None)
    user_id = int(row[0])
    ctx.conn.execute("UPDATE user_login SET failed = 0, locked_until = 0 WHERE user_id = ?", (user_id,))
    ctx.conn.execute("DELETE FROM admin_session WHERE seen_at <= ? OR started_at <= ?",
                     (now - IDLE_SECONDS, now - MAX_SECONDS))  # fmt: skip
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    ctx.conn.execute(
        "INSERT INTO admin_session (session_hash, user_id, csrf, started_at, seen_at) VALUES (?, ?, ?, ?, ?)",
        (_session_hash(token), user_id, csrf, now, now),
    )
    return {"session": token, "csrf": csrf, "userId": user_id}


def session_user(ctx: Ctx, token: Any, now: float) -> dict[str, Any] | None:
    """The user of a live session (``userId``, ``username``, ``name``,
    ``rights``, ``csrf``), its last use set to ``now``; None for an unknown,
    idle or too old session (which is deleted)."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    key = _session_hash(token)
    row = ctx.conn.execute(
        "SELECT s.user_id, s.csrf, s.started_at, s.seen_at, u.username, u.name FROM admin_session s "
        "JOIN district_user u USING (user_id) WHERE s.session_hash = ?",
        (key,),
    ).fetchone()
    if row is None:
        return None
    if row[3] <= now - IDLE_SECONDS or row[2] <= now - MAX_SECONDS:
        ctx.conn.execute("DELETE FROM admin_session WHERE session_hash = ?", (key,))
        return None
    ctx.conn.execute("UPDATE admin_session SET seen_at = ? WHERE session_hash = ?", (now, key))
    rights = [r for (r,) in ctx.conn.execute(
        "SELECT tool_right FROM user_right WHERE user_id = ? ORDER BY tool_right", (row[0],))]  # fmt: skip
    return {"userId": row[0], "username": row[4], "name": row[5], "rights": rights, "csrf": row[1]}


def end_session(ctx: Ctx, token: Any) -> None:
    """Log out: the session ends (an unknown token is fine)."""
    if isinstance(token, str):
        ctx.conn.execute("DELETE FROM admin_session WHERE session_hash = ?", (_session_hash(token),))
