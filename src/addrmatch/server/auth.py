"""OAuth2 client credentials (RFC 6749 section 4.4) for the HTTP API.

The client authenticates at the Token URL with HTTP Basic
(``client_id:client_secret``, each form-urlencoded, RFC 6749 section 2.3.1)
or with ``client_id`` and ``client_secret`` in the form body, with
``grant_type=client_credentials``; the answer is a bearer token with an
expiry (:data:`addrmatch.boi.credentials.TOKEN_LIFETIME`, one hour). Secrets
and tokens are checked by :class:`~addrmatch.boi.Campus`
(:meth:`~addrmatch.boi.Campus.issue_token`,
:meth:`~addrmatch.boi.Campus.token_client`): a slow salted hash compared in
constant time, tokens revoked by a new secret.

:class:`Throttle` refuses token requests (429) from a client id or an
address that failed too often lately, so a secret cannot be guessed at speed.
"""

from __future__ import annotations

import base64
import binascii
import threading
import time
from collections import deque
from collections.abc import Callable
from urllib.parse import parse_qs, unquote_plus

__all__ = ["Throttle", "basic_credentials", "bearer_token", "form_fields"]


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None.

    >>> bearer_token("Bearer abc"), bearer_token("Basic abc"), bearer_token(None)
    ('abc', None, None)
    """
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return None
    return token


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """``(client id, secret)`` of an ``Authorization: Basic`` header, or None.

    >>> basic_credentials("Basic " + base64.b64encode(b"id%3A1:s+e").decode())
    ('id:1', 's e')
    """
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or len(value) > 2000:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        return None
    return unquote_plus(client_id), unquote_plus(secret)


def form_fields(body: bytes) -> dict[str, str]:
    """The fields of an ``application/x-www-form-urlencoded`` body (first value of each).

    >>> form_fields(b"grant_type=client_credentials&client_id=a")
    {'grant_type': 'client_credentials', 'client_id': 'a'}
    """
    text = body[:10_000].decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}


class Throttle:
    """Failed token requests per key (a client id, an address): after
    ``limit`` failures within ``window`` seconds, the key is refused for
    ``block`` seconds.

    >>> t = Throttle(limit=2, window=60, block=30, clock=lambda: 0.0)
    >>> t.fail("a"); t.retry_after("a")
    0
    >>> t.fail("a"); t.retry_after("a")
    30
    """

    def __init__(
        self,
        *,
        limit: int = 5,
        window: float = 60.0,
        block: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.limit = limit
        self.window = window
        self.block = block
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._blocked: dict[str, float] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may try again (0: now)."""
        with self._lock:
            until = self._blocked.get(key, 0.0)
            left = until - self.clock()
            if left <= 0:
                self._blocked.pop(key, None)
                return 0
            return max(1, int(left + 0.999))

    def fail(self, key: str) -> None:
        """Record a failed attempt."""
        now = self.clock()
        with self._lock:
            if len(self._failures) > 10_000:  # bounded memory under a flood of keys
                self._failures.clear()
            recent = self._failures.setdefault(key, deque())
            recent.append(now)
            while recent and recent[0] <= now - self.window:
                recent.popleft()
            if len(recent) >= self.limit:
                self._blocked[key] = now + self.block
                recent.clear()

    def succeed(self, key: str) -> None:
        """Forget the key's failures."""
        with self._lock:
            self._failures.pop(key, None)
