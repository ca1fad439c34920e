"""The Business Office administration calls: error log, notifications, preferences, API credentials.

:class:`~addrmatch.boi.Campus` inherits these methods.
"""

from __future__ import annotations

import datetime as _dt
import os
import time
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from addrmatch.boi import credentials, errorlog, errorlog_export, logins, notifications, preferences
from addrmatch.boi.db import Ctx
from addrmatch.boi.errors import ValidationError
from addrmatch.boi.rules import Rule
from addrmatch.boi.session import Session
from addrmatch.boi.tool_rights import normalize_right

__all__ = ["AdminCalls"]


class AdminCalls:
    """The administration calls (mixed into :class:`~addrmatch.boi.Campus`)."""

    _session: Session

    def error_log(
        self, *, since: Any = None, until: Any = None, action: str | None = None
    ) -> list[dict[str, Any]]:
        """The Business Office Error Log, oldest first, filtered by error date
        (``since``/``until`` inclusive) and action; payloads masked.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "Q",
        ...                 "birthdate": "1980-01-02"})
        Traceback (most recent call last):
        ...
        addrmatch.boi.errors.UnknownReferenceError: gender: 'Q' is not a listed gender (listed: 'F')
        >>> [(e["action"], e["path"], e["payload"]["birthdate"]) for e in c.error_log(since="2024-08-01")]
        [('POST', '/api/businessOfficeIntegration/staffMembers', '****-**-**')]
        """
        return self._session.run(
            lambda c: errorlog.listing(c.conn, since=since, until=until, action=action), write=False
        )

    def export_error_log(
        self,
        dest: str | os.PathLike[str] | TextIO,
        *,
        since: Any = None,
        until: Any = None,
        format: str | None = None,
    ) -> int:
        """Export the error log (Error Date, Action, Path, Error Message,
        Payload, masked) as CSV, JSON or PDF (the specification's "Export to
        PDF"); ``format`` defaults to the path's suffix (``.pdf``, ``.json``,
        else CSV). A path is created owner-only. Returns the number of rows.

        >>> import io
        >>> from addrmatch.boi import Campus
        >>> c = Campus(); buffer = io.StringIO()
        >>> c.export_error_log(buffer), buffer.getvalue().splitlines()
        (0, ['Error Date,Action,Path,Error Message,Payload'])
        """
        kind = errorlog_export.format_of(dest, format)

        def run(ctx: Ctx) -> int:
            rows = errorlog.listing(ctx.conn, since=since, until=until)
            errorlog_export.export(rows, dest, kind)
            return len(rows)

        return self._session.run(run, write=False)

    def add_user(
        self, username: str, name: str, rights: Iterable[str] = (), *, password: str | None = None
    ) -> int:
        """Add a district user with tool rights (e.g. "District Employment",
        "Business Office Preferences:RW": :mod:`addrmatch.boi.tool_rights`) and,
        to log in to the Business Office screens, a password (kept as a slow
        salted hash); returns the user id. One transaction.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_user("mpostma", "Postma, Madison", ["District Employment"])
        1
        """
        self._logins()

        def run(ctx: Ctx) -> int:
            user_id = notifications.add_user(ctx.conn, username, name, [normalize_right(r) for r in rights])
            if password is not None:
                logins.set_password(ctx, user_id, password)
            return user_id

        return self._session.run(run)

    def set_user_password(self, username: str, password: str) -> None:
        """Give a district user a new password: clears a lock and ends the user's sessions.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); _ = c.add_user("mpostma", "Postma, Madison"); c.set_user_password("mpostma", "short")
        Traceback (most recent call last):
        ...
        addrmatch.boi.errors.ValidationError: password: at least 10 characters (and at most 1,000)
        """
        self._logins()
        self._session.run(
            lambda c: logins.set_password(c, notifications.user_id(c.conn, username, "username"), password)
        )

    # -- the Business Office screens' logins -------------------------------------------------

    def _logins(self) -> None:
        if not getattr(self, "_logins_ready", False):
            with self._session.lock:
                logins.ensure_schema(self._session.conn)
            self._logins_ready = True

    def log_in(self, username: str, password: str, *, now: float | None = None) -> dict[str, Any]:
        """A district user's login: ``{"session", "csrf", "userId"}`` or
        :class:`~addrmatch.boi.logins.LoginError` (wrong name or password; or
        the account is locked after repeated failures, which count also when refused).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); _ = c.add_user("mpostma", "Postma, Madison", password="correct horse")
        >>> sorted(c.log_in("mpostma", "correct horse"))
        ['csrf', 'session', 'userId']
        >>> c.log_in("mpostma", "wrong")
        Traceback (most recent call last):
        ...
        addrmatch.boi.logins.LoginError: login: wrong user name or password
        """
        self._logins()
        moment = time.time() if now is None else now
        result = self._session.run(lambda c: logins.log_in(c, username, password, moment))
        if isinstance(result, logins.LoginError):
            raise result
        return result

    def session_user(self, session: str, *, now: float | None = None) -> dict[str, Any] | None:
        """The user of a live session (``userId``, ``username``, ``name``,
        ``rights``, ``csrf``), or None (unknown, idle 30 minutes, or 12 hours old)."""
        self._logins()
        moment = time.time() if now is None else now
        return self._session.run(lambda c: logins.session_user(c, session, moment))

    def log_out(self, session: str) -> None:
        """End a session (logout)."""
        self._logins()
        self._session.run(lambda c: logins.end_session(c, session))

    def notification_recipients(self) -> list[dict[str, Any]]:
        """The district users who may receive notifications (tool rights to
        District Employment and/or District Assignments), as :meth:`users`.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); _ = c.add_user("a", "A", ["District Employment"]); _ = c.add_user("b", "B")
        >>> [u["username"] for u in c.notification_recipients()]
        ['a']
        """
        return self._session.run(lambda c: notifications.recipients(c.conn), write=False)

    def users(self) -> list[dict[str, Any]]:
        """The district users with their tool rights.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); _ = c.add_user("mpostma", "Postma, Madison", ["District Employment"]); c.users()
        [{'userId': 1, 'username': 'mpostma', 'name': 'Postma, Madison', 'rights': ['District Employment']}]
        """
        return self._session.run(lambda c: notifications.users(c.conn), write=False)

    def create_notification(self, type: str, recipients: Iterable[str]) -> dict[str, Any]:
        """A notification of ``type`` ("HR-Staff" or "HR Sync Commit") for
        users with District Employment and/or District Assignments rights.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); _ = c.add_user("mpostma", "Postma, Madison", ["District Assignments"])
        >>> c.create_notification("HR-Staff", ["mpostma"])
        {'notificationId': 1, 'type': 'HR-Staff', 'recipients': ['mpostma']}
        """
        return self._session.run(lambda c: notifications.create(c.conn, type, list(recipients)))

    def update_notification(
        self,
        notification_id: int,
        *,
        type: str | None = None,
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
    ) -> dict[str, Any] | None:
        """Change a notification; returns None when its last recipient was removed (it is deleted).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); _ = c.add_user("mpostma", "Postma, Madison", ["District Assignments"])
        >>> n = c.create_notification("HR-Staff", ["mpostma"])
        >>> c.update_notification(n["notificationId"], remove=["mpostma"]) is None, c.notifications()
        (True, [])
        """
        return self._session.run(
            lambda c: notifications.update(
                c.conn, notification_id, type=type, add=list(add), remove=list(remove)
            )
        )

    def delete_notification(self, notification_id: int) -> None:
        """Delete a notification.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); _ = c.add_user("mpostma", "Postma, Madison", ["District Assignments"])
        >>> c.delete_notification(c.create_notification("HR-Staff", ["mpostma"])["notificationId"])
        >>> c.notifications()
        []
        """
        self._session.run(lambda c: notifications.delete(c.conn, notification_id))

    def notifications(self) -> list[dict[str, Any]]:
        """Every notification with its type and recipients.

        >>> from addrmatch.boi import Campus
        >>> Campus().notifications()
        []
        """
        return self._session.run(lambda c: notifications.listing(c.conn), write=False)

    def messages(self, username: str) -> list[dict[str, Any]]:
        """A district user's message centre.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> _ = c.add_user("mpostma", "Postma, Madison", ["District Employment"])
        >>> _ = c.create_notification("HR-Staff", ["mpostma"])
        >>> _ = c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F"})
        >>> [(m["type"], m["event"]) for m in c.messages("mpostma")]
        [('HR-Staff', 'staff created')]
        """
        return self._session.run(lambda c: notifications.messages(c.conn, username), write=False)

    def notify(self, event: str, subject: str, body: str) -> int:
        """Post an event to its notification type's recipients (e.g. "sync committed"
        for HR Sync Commit); returns the number of messages.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); _ = c.add_user("mpostma", "Postma, Madison", ["District Employment"])
        >>> _ = c.create_notification("HR Sync Commit", ["mpostma"])
        >>> c.notify("sync committed", "Staff sync committed", "40 staff members updated")
        1
        """
        if event not in notifications.EVENTS:
            raise ValidationError(
                f"event: {event!r} is not one of {', '.join(notifications.EVENTS)}",
                field="event",
                rule=Rule.EVENT,
                value=event,
            )
        return self._session.run(lambda c: notifications.emit(c.conn, event, subject, body, c.today))

    def preferences(self) -> dict[str, Any]:
        """``{"locks": {"Staff Creation": True, ...}, "allowHouseholdUpdates": True}``.

        >>> from addrmatch.boi import Campus
        >>> p = Campus().preferences(); all(p["locks"].values()), p["allowHouseholdUpdates"]
        (True, True)
        """
        return self._session.run(lambda c: preferences.get(c.conn), write=False)

    def set_preferences(
        self, *, locks: Mapping[str, bool] | None = None, allow_household_updates: bool | None = None
    ) -> dict[str, Any]:
        """Save preferences (lock areas by their label); returns them all.

        >>> from addrmatch.boi import Campus
        >>> Campus().set_preferences(locks={"Staff Employment": False})["locks"]["Staff Employment"]
        False
        """

        def run(ctx: Ctx) -> dict[str, Any]:
            preferences.set_preferences(
                ctx.conn, locks=locks, allow_household_updates=allow_household_updates
            )
            return preferences.get(ctx.conn)

        return self._session.run(run)

    # -- Business Office API Credentials ------------------------------------------------

    def _credentials(self) -> None:
        if not getattr(self, "_credentials_ready", False):
            with self._session.lock:
                credentials.ensure_schema(self._session.conn)
            self._credentials_ready = True

    def api_credentials(self, *, new_secret: bool = False) -> dict[str, Any]:
        """The HR system's OAuth2 client (Business Office API Credentials):
        ``{"clientId", "clientSecret", "createdAt", "rotatedAt"}``. The first
        call creates the client; ``clientSecret`` is shown only when it is
        generated (then, or with ``new_secret=True``: "Generate New Secret",
        which revokes the old secret and every token issued with it); else it
        is None.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); first = c.api_credentials()
        >>> len(first["clientSecret"]) > 30, c.api_credentials()["clientSecret"] is None
        (True, True)
        >>> c.api_credentials(new_secret=True)["clientSecret"] != first["clientSecret"]
        True
        """
        self._credentials()

        def run(ctx: Ctx) -> dict[str, Any]:
            current = credentials.client(ctx)
            secret = None
            if current is None or new_secret:
                secret = credentials.new_secret(
                    ctx, _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
                )
                current = credentials.client(ctx)
            assert current is not None
            return {
                "clientId": current["clientId"],
                "clientSecret": secret and secret["clientSecret"],
                "createdAt": current["createdAt"],
                "rotatedAt": current["rotatedAt"],
            }

        return self._session.run(run)

    def api_client(self) -> dict[str, Any] | None:
        """The HR system's OAuth2 client as the credentials screen shows it
        (``clientId``, ``name``, ``createdAt``, ``rotatedAt``), never its
        secret; None before the credentials exist (this call creates none).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.api_client() is None, c.api_client() is None
        (True, True)
        >>> c.api_client() if c.api_credentials() else None  # doctest: +ELLIPSIS
        {'clientId': '...', 'name': 'Business Office Administration', 'secretVersion': 1, ...}
        """
        self._credentials()
        return self._session.run(credentials.client, write=False)

    def issue_token(
        self, client_id: str, client_secret: str, *, now: float | None = None, lifetime: int | None = None
    ) -> str | None:
        """A bearer token for the client (OAuth2 client credentials grant), or
        None when the id or the secret is wrong (compared in constant time).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); cred = c.api_credentials()
        >>> c.issue_token(cred["clientId"], "wrong") is None
        True
        >>> token = c.issue_token(cred["clientId"], cred["clientSecret"]); c.token_client(token) == cred["clientId"]
        True
        """
        self._credentials()
        if not isinstance(client_id, str) or not isinstance(client_secret, str):
            return None
        moment = time.time() if now is None else now
        life = credentials.TOKEN_LIFETIME if lifetime is None else lifetime

        def run(ctx: Ctx) -> str | None:
            if not credentials.verify_secret(ctx, client_id, client_secret):
                return None
            return credentials.issue_token(ctx, client_id, moment, life)

        return self._session.run(run)

    def token_client(self, token: str, *, now: float | None = None) -> str | None:
        """The client id of a valid bearer token; None if it is unknown, expired or revoked."""
        self._credentials()
        if not isinstance(token, str):
            return None
        moment = time.time() if now is None else now
        return self._session.run(lambda c: credentials.check_token(c, token, moment), write=False)
