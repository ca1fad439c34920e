"""The HR system's calls: the specification's API, one method per endpoint.

Each method is one row of the endpoint table (:mod:`addrmatch.boi.endpoints`):
it runs in one transaction through the :class:`~addrmatch.boi.session.Session`
and a failure is written to the Business Office Error Log with the row's
Action and Path. :class:`~addrmatch.boi.Campus` inherits these methods.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

from addrmatch.boi import notifications, positions, preferences, reference, staff
from addrmatch.boi.db import Ctx
from addrmatch.boi.endpoints import ENDPOINTS
from addrmatch.boi.errors import ValidationError
from addrmatch.boi.fields import LIMITS
from addrmatch.boi.masking import MaskedRecord
from addrmatch.boi.rules import Rule
from addrmatch.boi.schema import check_count, check_date, check_text, clean_position, clean_staff
from addrmatch.boi.session import Session
from addrmatch.inputs import parse_bool

__all__ = ["MAX_ADDRESS_RESULTS", "MAX_SEARCH", "HrCalls"]

#: The most results a staff search returns.
MAX_SEARCH = 1_000
#: The most results an address search returns.
MAX_ADDRESS_RESULTS = 100


def _event(ctx: Ctx, event: str, person_id: int) -> None:
    """Post an HR-Staff event to its notification's recipients."""
    who = staff.describe(ctx, person_id)
    notifications.emit(
        ctx.conn,
        event,
        subject=f"HR system: {event}",
        body=f"The HR system: {event} — {who}.",
        today=ctx.today,
    )


def _staff_number(value: Any) -> str:
    """The staff number of a call's path: non-empty text within its size limit."""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise ValidationError(
            "staffNumber: the path's staff number must be non-empty text",
            field="staffNumber",
            rule=Rule.TYPE,
            value=None,
        )
    text = check_text("staffNumber", str(value) if isinstance(value, int) else value, LIMITS["code"])
    return text.strip()


def _only_staff(include_non_staff: Any, staff_members_only: Any) -> bool:
    """Whether a staff search lists staff members only, from its two spellings
    (read in the call, so that a bad flag is a logged ValidationError)."""
    if staff_members_only is None:
        name, flag, invert = "includeNonStaff", include_non_staff, True
    else:
        name, flag, invert = "staffMembersOnly", staff_members_only, False
    value = parse_bool(flag)
    if value is None:
        raise ValidationError(f"{name}: must be true or false", field=name, rule=Rule.TYPE, value=None)
    return not value if invert else value


class HrCalls:
    """The specification's API calls (mixed into :class:`~addrmatch.boi.Campus`)."""

    _session: Session

    def schools(self) -> list[dict[str, Any]]:
        """The listed schools: ``[{"schoolNumber": "010", "name": ...}]`` (GET /schools).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_school("010", "Blaine High"); c.schools()
        [{'schoolNumber': '010', 'name': 'Blaine High'}]
        """
        return self._session.run(
            lambda c: reference.listing(c.conn, "schools"), endpoint=ENDPOINTS["schools"], write=False
        )

    def genders(self) -> list[dict[str, Any]]:
        """The listed genders: ``[{"code": "F", "name": "Female"}]`` (GET /attributes/genders).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_gender("F", "Female"); c.genders()
        [{'code': 'F', 'name': 'Female'}]
        """
        return self._session.run(
            lambda c: reference.listing(c.conn, "genders"), endpoint=ENDPOINTS["genders"], write=False
        )

    def assignment_codes(self) -> list[dict[str, Any]]:
        """The listed State assignment codes: ``[{"assignmentCode": "20", "description": ...}]``.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_assignment_code("20", "Athletic Coach"); c.assignment_codes()
        [{'assignmentCode': '20', 'description': 'Athletic Coach'}]
        """
        return self._session.run(
            lambda c: reference.listing(c.conn, "assignmentCodes"),
            endpoint=ENDPOINTS["assignment_codes"],
            write=False,
        )

    def titles(self) -> list[dict[str, Any]]:
        """The district's titles: ``[{"titleCode": "4A61E262", "titleDescription": ...}]``.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_title("4A61E262", "Varsity Basketball"); c.titles()
        [{'titleCode': '4A61E262', 'titleDescription': 'Varsity Basketball'}]
        """
        return self._session.run(
            lambda c: reference.listing(c.conn, "titles"), endpoint=ENDPOINTS["titles"], write=False
        )

    def create_staff(self, payload: Mapping[str, Any]) -> MaskedRecord:
        """Create a staff member (POST /staffMembers).

        Returns the stored staff member with ``warnings`` (no position yet,
        possible duplicate person, household ignored, title created) and
        ``addressResolutions`` (how each household address was found:
        exact / reparse / partial / created).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> r = c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F",
        ...                     "household": {"householdLocations": [{"address": {"postOfficeBox": True,
        ...                         "number": "54", "city": "Blaine", "state": "MN", "zip": "55123"}}]}})
        >>> r["staffMember"], r["household"]["staffHousehold"], r["addressResolutions"][0]["how"]
        (False, True, 'created')
        """

        def run(ctx: Ctx) -> MaskedRecord:
            data = clean_staff(payload, mode="create", schema=ctx.schema)
            person_id, warnings, resolutions = staff.create(
                ctx,
                data,
                origin="hr",
                hr_managed=True,
                household_allowed=preferences.household_allowed(ctx.conn),
            )
            _event(ctx, "staff created", person_id)
            result = staff.record(ctx, person_id, warnings=warnings)
            result["addressResolutions"] = resolutions
            return result

        return self._session.run(
            run, endpoint=ENDPOINTS["create_staff"], payload=payload, staff_number=staff.number_of(payload)
        )

    def update_staff(self, staff_number: str, payload: Mapping[str, Any]) -> MaskedRecord:
        """Update a staff member (PUT /staffMembers/{staffNumber}).

        Only the fields present change. A name change starts a new identity;
        ``positions`` (if present) is the complete list; ``employments`` are
        matched by hire date; ``household`` follows the staff household rules.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> _ = c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F"})
        >>> c.update_staff("1001", {"lastName": "Brown", "workPhone": "763-555-0100"})["lastName"]
        'Brown'
        >>> [(i["lastName"], i["startDate"], i["endDate"]) for i in c.identity_history("1001")]
        [('Smith', '2024-08-01', '2024-08-01'), ('Brown', '2024-08-01', None)]
        """

        def run(ctx: Ctx) -> MaskedRecord:
            person_id = staff.find_person(ctx, _staff_number(staff_number))
            data = clean_staff(payload, mode="update", schema=ctx.schema)
            warnings, resolutions, positions_changed = staff.update(
                ctx, person_id, data, hr=True, household_allowed=preferences.household_allowed(ctx.conn)
            )
            _event(ctx, "staff updated", person_id)
            if positions_changed:
                _event(ctx, "assignments updated", person_id)
            result = staff.record(ctx, person_id, warnings=warnings)
            result["addressResolutions"] = resolutions
            return result

        return self._session.run(
            run, endpoint=ENDPOINTS["update_staff"], payload=payload, staff_number=staff_number
        )

    def create_position(self, staff_number: str, payload: Mapping[str, Any]) -> MaskedRecord:
        """Add a position to a staff member (POST /staffMembers/{staffNumber}/position).

        Needs schoolNumber, startDate and titleCode or assignmentCode; an
        identical position may be created twice. Returns the staff member.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> _ = c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F"})
        >>> r = c.create_position("1001", {"schoolNumber": "010", "titleCode": "4A61E262",
        ...                                "titleDescription": "Varsity Basketball", "startDate": "2023-10-01"})
        >>> r["staffMember"], r["positions"][0]["titleDescription"]
        (True, 'Varsity Basketball')
        """

        def run(ctx: Ctx) -> MaskedRecord:
            person_id = staff.find_person(ctx, _staff_number(staff_number))
            data = clean_position(payload)
            _, titles = positions.insert(ctx, person_id, data, "")
            staff.mark_hr(ctx, person_id)
            _event(ctx, "assignments updated", person_id)
            return staff.record(ctx, person_id, warnings=positions.title_warnings(titles))

        return self._session.run(
            run, endpoint=ENDPOINTS["create_position"], payload=payload, staff_number=staff_number
        )

    def update_position(self, staff_number: str, payload: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Update positions (PUT /staffMembers/{staffNumber}/position); returns the updated ones.

        Positions at the school with the titleCode and/or assignmentCode and
        the startDate get the payload's endDate; if none has that start date,
        those with the endDate get the payload's startDate. All matches are
        updated; no match is a :class:`NotFoundError`.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> coach = {"schoolNumber": "010", "titleCode": "4A61E262", "startDate": "2023-10-01"}
        >>> _ = c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F",
        ...                     "positions": [coach, coach]})
        >>> [p["endDate"] for p in c.update_position("1001", {**coach, "endDate": "2024-03-01"})]
        ['2024-03-01', '2024-03-01']
        """

        def run(ctx: Ctx) -> list[dict[str, Any]]:
            person_id = staff.find_person(ctx, _staff_number(staff_number))
            data = clean_position(payload)
            updated = positions.update_matching(ctx, person_id, data, staff.describe(ctx, person_id))
            staff.mark_hr(ctx, person_id)
            _event(ctx, "assignments updated", person_id)
            return updated

        return self._session.run(
            run, endpoint=ENDPOINTS["update_position"], payload=payload, staff_number=staff_number
        )

    def get_staff(self, who: str | int) -> MaskedRecord:
        """One staff member by staff number (``str``) or person id (``int``).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> _ = c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F",
        ...                     "ssn": "123-45-6789"})
        >>> c.get_staff("1001")["ssn"]
        '***-**-6789'
        """
        return self._session.run(lambda c: staff.record(c, staff.find_person(c, who)), write=False)

    def search_staff(
        self,
        *,
        staff_number: str | None = None,
        last_name: str | None = None,
        first_name: str | None = None,
        birthdate: str | _dt.date | None = None,
        include_non_staff: bool = False,
        staff_members_only: bool | None = None,
        limit: int = 100,
    ) -> list[MaskedRecord]:
        """Search staff (GET /staffMembers): every given criterion must match.

        Names match by case-insensitive prefix, the staff number exactly
        (case-insensitively), the birthdate exactly. As the specification
        says, "if the staff member does not have any positions, they cannot be
        found when searching for Staff": only staff members (with a position)
        are listed, unless ``include_non_staff`` (then persons without a
        position are listed with ``staffMember: false``).
        ``staff_members_only`` is the older spelling (``not include_non_staff``).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> _ = c.create_staff({"staffNumber": "1001", "lastName": "O'Brien", "firstName": "Pat", "gender": "F"})
        >>> c.search_staff(last_name="o'b")
        []
        >>> [(r["staffNumber"], r["staffMember"]) for r in c.search_staff(last_name="o'b", include_non_staff=True)]
        [('1001', False)]
        """
        query = {
            "staffNumber": staff_number,
            "lastName": last_name,
            "firstName": first_name,
            "birthdate": birthdate,
        }
        query = {k: v for k, v in query.items() if v is not None}

        def run(ctx: Ctx) -> list[MaskedRecord]:
            texts = {}
            for key in ("staffNumber", "lastName", "firstName"):
                value = query.get(key)
                if value is not None and (not isinstance(value, str) or not value.strip()):
                    raise ValidationError(
                        f"{key}: must be non-empty text", field=key, rule=Rule.TYPE, value=None
                    )
                if value is not None:
                    check_text(key, value, ctx.schema.by_name[key].limit or LIMITS["name"])
                texts[key] = value.strip() if isinstance(value, str) else None
            born = check_date("birthdate", query.get("birthdate"))
            if not any(texts.values()) and born is None:
                raise ValidationError(
                    "search: give at least one of staffNumber, lastName, firstName, birthdate",
                    field="staffNumber",
                    rule=Rule.SEARCH_CRITERIA,
                    value=None,
                )
            check_count("limit", limit, MAX_SEARCH)
            only_staff = _only_staff(include_non_staff, staff_members_only)
            return staff.search(
                ctx,
                staff_number=texts["staffNumber"],
                last_name=texts["lastName"],
                first_name=texts["firstName"],
                birthdate=born,
                staff_members_only=only_staff,
                limit=limit,
            )

        return self._session.run(run, endpoint=ENDPOINTS["search_staff"], payload=query, write=False)

    def search_addresses(self, text: str, *, limit: int = 10) -> list[dict[str, Any]]:
        """Search stored addresses (GET /addresses), best first.

        Each result is the BOI address with its ``addressId`` and ``score``
        (0-100); use it in a household location to reuse the address.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> _ = c.store.resolve("4321 N Lexington Ave, Blaine MN 55123")
        >>> [a["street"] for a in c.search_addresses("4321 north lexingtn")]
        ['LEXINGTON']
        """

        def run(ctx: Ctx) -> list[dict[str, Any]]:
            if not isinstance(text, str) or not text.strip():
                raise ValidationError(
                    "text: must be non-empty text", field="text", rule=Rule.TYPE, value=None
                )
            check_text("text", text, LIMITS["address text"])
            check_count("limit", limit, MAX_ADDRESS_RESULTS)
            return [
                {"addressId": c.id, "score": c.score, **c.address.to_boi()}
                for c in ctx.store.search(text, limit=limit)
            ]

        return self._session.run(
            run, endpoint=ENDPOINTS["search_addresses"], payload={"text": text}, write=False
        )

    def identity_history(self, who: str | int) -> list[dict[str, Any]]:
        """A person's identities (names with start/end dates), oldest first.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> _ = c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F"})
        >>> [i["current"] for i in c.identity_history("1001")]
        [True]
        """
        return self._session.run(lambda c: staff.identities(c, staff.find_person(c, who)), write=False)
