"""Business Office Notifications and the message centre."""

from __future__ import annotations

import pytest
from boi_support import BASKETBALL_COACH, staff_payload

from addrmatch.boi import Campus, NotFoundError, ValidationError


@pytest.fixture
def users(campus: Campus) -> Campus:
    campus.add_user("hr1", "Postma, Madison", ["District Employment"])
    campus.add_user("hr2", "Kim, Lee", ["District Assignments", "Attendance"])
    campus.add_user("clerk", "Doe, Jo", ["Attendance"])
    return campus


def test_recipients_need_district_employment_or_assignments_rights(users: Campus) -> None:
    with pytest.raises(ValidationError) as info:
        users.create_notification("HR-Staff", ["hr1", "clerk"])
    assert (info.value.rule, info.value.value) == ("recipient-rights", "clerk")
    assert users.notifications() == []
    made = users.create_notification("HR-Staff", ["hr1", "hr2"])
    assert made["recipients"] == ["hr1", "hr2"]
    with pytest.raises(ValidationError):
        users.update_notification(made["notificationId"], add=["clerk"])
    with pytest.raises(NotFoundError):
        users.create_notification("HR-Staff", ["ghost"])


def test_notification_types(users: Campus) -> None:
    with pytest.raises(ValidationError):
        users.create_notification("Payroll", ["hr1"])
    with pytest.raises(ValidationError):
        users.create_notification("HR-Staff", [])
    made = users.create_notification("HR Sync Commit", ["hr1"])
    changed = users.update_notification(made["notificationId"], type="HR-Staff")
    assert changed is not None and changed["type"] == "HR-Staff"


def test_hr_staff_events_reach_the_message_centre(users: Campus) -> None:
    users.create_notification("HR-Staff", ["hr1"])
    users.create_notification("HR Sync Commit", ["hr2"])
    users.create_staff(staff_payload(positions=[]))
    users.update_staff("1001", {"workPhone": "1"})
    users.create_position("1001", BASKETBALL_COACH)
    users.update_position("1001", dict(BASKETBALL_COACH, endDate="2024-03-01"))
    events = [m["event"] for m in users.messages("hr1")]
    assert events == ["staff created", "staff updated", "assignments updated", "assignments updated"]
    assert all(m["type"] == "HR-Staff" for m in users.messages("hr1"))
    assert "1001" in users.messages("hr1")[0]["body"]
    assert users.messages("hr2") == []


def test_sync_commit_events_go_to_sync_commit_recipients(users: Campus) -> None:
    users.create_notification("HR Sync Commit", ["hr2"])
    assert users.notify("sync committed", "Sync committed", "12 staff members synchronized") == 1
    assert [m["type"] for m in users.messages("hr2")] == ["HR Sync Commit"]
    assert users.messages("hr1") == []
    with pytest.raises(ValidationError):
        users.notify("coffee break", "s", "b")


def test_failed_calls_send_no_message(users: Campus) -> None:
    users.create_notification("HR-Staff", ["hr1"])
    with pytest.raises(ValidationError):
        users.create_staff(staff_payload(gender="Q"))
    assert users.messages("hr1") == []


def test_one_message_per_user_and_event(users: Campus) -> None:
    users.create_notification("HR-Staff", ["hr1"])
    users.create_notification("HR-Staff", ["hr1", "hr2"])
    users.create_staff(staff_payload())
    assert len(users.messages("hr1")) == 1 and len(users.messages("hr2")) == 1


def test_removing_every_recipient_deletes_the_notification(users: Campus) -> None:
    made = users.create_notification("HR-Staff", ["hr1", "hr2"])
    still = users.update_notification(made["notificationId"], remove=["hr1"])
    assert still is not None and still["recipients"] == ["hr2"]
    assert users.update_notification(made["notificationId"], remove=["hr2"]) is None
    assert users.notifications() == []
    with pytest.raises(NotFoundError):
        users.update_notification(made["notificationId"], add=["hr1"])


def test_delete_and_list(users: Campus) -> None:
    first = users.create_notification("HR-Staff", ["hr1"])
    users.create_notification("HR Sync Commit", ["hr2"])
    users.delete_notification(first["notificationId"])
    assert [n["type"] for n in users.notifications()] == ["HR Sync Commit"]
    assert [u["username"] for u in users.users()] == ["clerk", "hr1", "hr2"]
    with pytest.raises(ValidationError):
        users.add_user("HR1", "Duplicate", [])


def test_an_hr_update_changing_positions_announces_the_assignments(users: Campus) -> None:
    users.create_notification("HR-Staff", ["hr2"])
    users.create_staff(staff_payload(positions=[]))
    users.update_staff("1001", {"workPhone": "1", "positions": []})  # positions unchanged
    users.update_staff("1001", {"positions": [BASKETBALL_COACH]})
    users.update_staff("1001", {"positions": [BASKETBALL_COACH]})  # unchanged again
    events = [m["event"] for m in users.messages("hr2")]
    assert events == [
        "staff created",
        "staff updated",
        "staff updated",
        "assignments updated",
        "staff updated",
    ]
