"""Business Office API Credentials: the OAuth2 client of the HR system, and its tokens.

The one owner of the tables ``api_client`` and ``api_token``. The
specification: "Access to the Infinite Campus API is controlled via OAuth2
credentials. Use the Client ID and Client Secret in the authentication
request to receive a token that must be used on every API call", and
"Generate New Secret ... Until that happens all API calls from the HR
system will fail".

* The Client Secret is shown once, when it is generated; only a slow salted
  hash is stored (:func:`hashlib.scrypt`, n=2**14, r=8, p=1, a 16-byte
  salt), and a presented secret is compared in constant time
  (:func:`hmac.compare_digest`); an unknown client costs the same hash.
* A bearer token is 32 random bytes (URL-safe text); only its SHA-256 is
  stored, with its expiry and the secret version it was issued under.
  Generating a new secret bumps the version and deletes every token: the
  old secret and its tokens stop working at once.

Every function works in the caller's transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from typing import Any

from addrmatch.boi.db import Ctx, transaction

__all__ = [
    "CLIENT_NAME",
    "TOKEN_LIFETIME",
    "check_token",
    "client",
    "ensure_schema",
    "hash_secret",
    "issue_token",
    "new_secret",
    "verify_secret",
]

#: The client's name, as the specification's credentials page shows it.
CLIENT_NAME = "Business Office Administration"
#: Seconds a bearer token is valid.
TOKEN_LIFETIME = 3600

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_client (
    client_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    secret_salt BLOB NOT NULL,
    secret_hash BLOB NOT NULL,
    secret_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    rotated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_token (
    token_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES api_client (client_id) ON DELETE CASCADE,
    secret_version INTEGER NOT NULL,
    issued_at REAL NOT NULL,
    expires_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS api_token_expiry ON api_token (expires_at);
"""
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "maxmem": 64 * 1024 * 1024, "dklen": 32}
_DUMMY_SALT = b"\x00" * 16


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the credential tables (once; idempotent).

    >>> conn = sqlite3.connect(":memory:", isolation_level=None); ensure_schema(conn); ensure_schema(conn)
    """
    with transaction(conn):
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)


def hash_secret(secret: str, salt: bytes) -> bytes:
    """The slow salted hash of a secret (scrypt, n=2**14, r=8, p=1): the Client
    Secret's, and a district user's password (:mod:`addrmatch.boi.logins`).

    >>> len(hash_secret("s", b"0" * 16)), hash_secret("s", b"0" * 16) == hash_secret("s", b"1" * 16)
    (32, False)
    """
    return hashlib.scrypt(secret.encode("utf-8", "surrogatepass"), salt=salt, **_SCRYPT)


_hash = hash_secret


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def client(ctx: Ctx) -> dict[str, Any] | None:
    """The client (``clientId``, ``name``, ``secretVersion``, ``createdAt``,
    ``rotatedAt``), or None before the first credentials; never the secret."""
    row = ctx.conn.execute(
        "SELECT client_id, name, secret_version, created_at, rotated_at FROM api_client LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    keys = ("clientId", "name", "secretVersion", "createdAt", "rotatedAt")
    return dict(zip(keys, row, strict=True))


def new_secret(ctx: Ctx, at: str) -> dict[str, Any]:
    """Create the client, or give it a new secret (revoking every token);
    returns ``{"clientId", "clientSecret"}``: the only time the secret is shown."""
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_bytes(16)
    digest = _hash(secret, salt)
    current = client(ctx)
    if current is None:
        client_id = secrets.token_urlsafe(18)
        ctx.conn.execute(
            "INSERT INTO api_client (client_id, name, secret_salt, secret_hash, secret_version, created_at, "
            "rotated_at) VALUES (?, ?, ?, ?, 1, ?, ?)",
            (client_id, CLIENT_NAME, salt, digest, at, at),
        )
    else:
        client_id = current["clientId"]
        ctx.conn.execute(
            "UPDATE api_client SET secret_salt = ?, secret_hash = ?, secret_version = secret_version + 1, "
            "rotated_at = ? WHERE client_id = ?",
            (salt, digest, at, client_id),
        )
        ctx.conn.execute("DELETE FROM api_token WHERE client_id = ?", (client_id,))
    return {"clientId": client_id, "clientSecret": secret}


def verify_secret(ctx: Ctx, client_id: str, secret: str) -> bool:
    """True when ``secret`` is the client's current secret (constant time;
    an unknown client id costs the same hash)."""
    row = ctx.conn.execute(
        "SELECT client_id, secret_salt, secret_hash FROM api_client WHERE client_id = ?", (client_id,)
    ).fetchone()
    salt, stored = (row[1], row[2]) if row is not None else (_DUMMY_SALT, b"\x00" * 32)
    match = hmac.compare_digest(_hash(secret, salt), stored)
    return match and row is not None


def issue_token(ctx: Ctx, client_id: str, now: float, lifetime: int = TOKEN_LIFETIME) -> str:
    """A new bearer token for the client, valid ``lifetime`` seconds from ``now``."""
    token = secrets.token_urlsafe(32)
    version = ctx.one("SELECT secret_version FROM api_client WHERE client_id = ?", (client_id,))
    ctx.conn.execute("DELETE FROM api_token WHERE expires_at <= ?", (now,))
    ctx.conn.execute(
        "INSERT INTO api_token (token_hash, client_id, secret_version, issued_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (_token_hash(token), client_id, version, now, now + lifetime),
    )
    return token


def check_token(ctx: Ctx, token: str, now: float) -> str | None:
    """The client id a valid token belongs to; None when the token is unknown,
    expired or was issued under an older secret."""
    row = ctx.conn.execute(
        "SELECT t.client_id FROM api_token t JOIN api_client c ON c.client_id = t.client_id "
        "WHERE t.token_hash = ? AND t.expires_at > ? AND t.secret_version = c.secret_version",
        (_token_hash(token), now),
    ).fetchone()
    return None if row is None else str(row[0])
