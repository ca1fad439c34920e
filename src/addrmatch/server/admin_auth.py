"""Who is asking, on the district's screens (``/campus/admin/``): the session cookie and CSRF.

* The session is server-side (:mod:`addrmatch.boi.logins`): the browser holds
  only a random token in the cookie :data:`SESSION_COOKIE`, sent with
  ``Secure; HttpOnly; SameSite=Strict; Path=/campus/admin`` -- never to the
  HR API's paths, never readable by a script, never on a cross-site request.
  Browsers keep a Secure cookie over HTTPS, and over plain HTTP only from
  ``localhost``/``127.0.0.1``: serve the screens behind HTTPS anywhere else.
* Every form carries a CSRF token: the session's own (synchronizer token),
  or, on the login form before there is a session, a random token also set
  in the cookie :data:`LOGIN_COOKIE` (double submit). A POST whose token is
  missing or wrong is refused (403) before anything runs, and so is a POST
  whose ``Origin`` header names another site.
* The HR system's bearer token is not a session: an ``Authorization`` header
  opens no screen (and the session cookie opens no API call:
  :mod:`addrmatch.server.app` reads only the bearer token).
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

__all__ = [
    "ADMIN_PATH",
    "LOGIN_COOKIE",
    "SESSION_COOKIE",
    "clear_session_cookie",
    "login_csrf",
    "same_origin",
    "set_session_cookie",
    "tokens_match",
]

#: Where the district's screens live.
ADMIN_PATH = "/campus/admin"
#: The session cookie (a random token; the session itself is in the database).
SESSION_COOKIE = "addrmatch_admin"
#: The login form's CSRF cookie (before there is a session).
LOGIN_COOKIE = "addrmatch_login"
_FLAGS = {"path": ADMIN_PATH, "secure": True, "httponly": True, "samesite": "strict"}


def set_session_cookie(response: Response, token: str) -> None:
    """Give the browser its session token (a session cookie: gone when the browser closes)."""
    response.set_cookie(SESSION_COOKIE, token, **_FLAGS)  # type: ignore[arg-type]


def clear_session_cookie(response: Response) -> None:
    """Remove the session cookie."""
    response.delete_cookie(SESSION_COOKIE, **_FLAGS)  # type: ignore[arg-type]


def login_csrf(request: Request, response: Response) -> str:
    """The login form's CSRF token: the one in its cookie, or a new one set now."""
    token = request.cookies.get(LOGIN_COOKIE)
    if not token or len(token) > 100:
        token = secrets.token_urlsafe(24)
    response.set_cookie(LOGIN_COOKIE, token, **_FLAGS)  # type: ignore[arg-type]
    return token


def tokens_match(expected: str | None, given: object) -> bool:
    """Constant-time comparison of a CSRF token (a missing one never matches).

    >>> tokens_match("abc", "abc"), tokens_match("abc", "abd"), tokens_match(None, ""), tokens_match("a", None)
    (True, False, False, False)
    """
    if not expected or not isinstance(given, str) or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def same_origin(request: Request) -> bool:
    """False when the request's ``Origin`` (or, without one, ``Referer``)
    names another scheme, host or port than the request itself."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin != "null"
    parts = urlsplit(origin)
    return (parts.scheme, parts.netloc) == (request.url.scheme, request.url.netloc)
