"""The Business Office administration calls: error log, notifications, preferences.

:class:`~addrmatch.boi.Campus` inherits these methods.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from addrmatch.boi import errorlog, notifications, preferences
from addrmatch.boi.db import Ctx
from addrmatch.boi.errors import ValidationError
from addrmatch.boi.rules import Rule
from addrmatch.boi.session import Session

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
        self, dest: str | os.PathLike[str] | TextIO, *, since: Any = None, until: Any = None
    ) -> int:
        """Export the error log as CSV (Error Date, Action, Path, Error Message,
        Payload); a path is created owner-only. Returns the number of rows.

        >>> from addrmatch.boi import Campus
        >>> import io; c = Campus(); buffer = io.StringIO()
        >>> c.export_error_log(buffer), buffer.getvalue().splitlines()
        (0, ['Error Date,Action,Path,Error Message,Payload'])
        """
        return self._session.run(
            lambda c: errorlog.export_csv(c.conn, dest, since=since, until=until), write=False
        )

    def add_user(self, username: str, name: str, rights: Iterable[str] = ()) -> int:
        """Add a district user with tool rights (e.g. "District Employment"); returns the user id.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_user("mpostma", "Postma, Madison", ["District Employment"])
        1
        """
        return self._session.run(lambda c: notifications.add_user(c.conn, username, name, list(rights)))

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
