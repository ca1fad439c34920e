"""A hypothesis state machine drives random create/update/position calls
against a simple model of the rules and checks the invariants after every
step: one current identity per person, every address once, positions only at
listed schools, and a failed call changes nothing."""

from __future__ import annotations

from collections import Counter
from typing import Any

import hypothesis.strategies as st
from boi_support import Clock, dump, load_lists
from hypothesis import HealthCheck, settings
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, rule

from addrmatch import POBoxError
from addrmatch.boi import BOIError, Campus, DuplicateStaffNumberError, NotFoundError, UnknownReferenceError

NUMBERS = ["S1", "S2", "S3", "S4", "S5"]
LAST_NAMES = ["Smith", "Jones", "Lee"]
GOOD_GENDERS = ["F", "M"]
GOOD_SCHOOLS = ["010", "106"]
GOOD_CODES = ["20", "12"]
DATES = ["2020-08-25", "2023-10-01", "2024-06-30"]

# Base address -> the ways an HR system may write it.
ADDRESSES: list[list[dict[str, Any]]] = [
    [
        {
            "fullStreetAddress": "4321 South Lexington Ave SE Apt 45",
            "city": "Blaine",
            "state": "MN",
            "zip": "55123",
        },
        {
            "number": "4321",
            "prefix": "South",
            "street": "Lexington",
            "tag": "Ave",
            "direction": "SE",
            "apt": "45",
            "city": "Blaine",
            "state": "MN",
            "zip": "55123",
        },
        {
            "fullStreetAddress": "4321 S. Lexington Avenue Southeast #45",
            "city": "BLAINE",
            "state": "MN",
            "zip": "55123",
        },
        {
            "number": "4321",
            "street": "South Lexington Avenue SE",
            "apt": "Apt 45",
            "zip": "55123",
            "state": "MN",
        },
    ],
    [
        {"postOfficeBox": True, "number": "54", "city": "Blaine", "state": "MN", "zip": "55123"},
        {"fullStreetAddress": "P.O. Box 54", "city": "Blaine", "state": "MN", "zip": "55123"},
    ],
    [
        {"fullStreetAddress": "4321 W 109th Ave NW", "city": "Blaine", "state": "MN", "zip": "55434"},
        {
            "fullStreetAddress": "4321 West 109th Avenue Northwest",
            "city": "Blaine",
            "state": "MN",
            "zip": "55434",
        },
    ],
]
BAD_ADDRESS = {"postOfficeBox": True, "number": "54", "street": "Main", "zip": "55123"}


def mostly(good: list[Any], bad: Any) -> st.SearchStrategy[Any]:
    """A good value nine times in ten, else the bad one."""
    return st.integers(0, 9).flatmap(lambda i: st.just(bad) if i == 0 else st.sampled_from(good))


positions_st = st.lists(
    st.tuples(mostly(GOOD_SCHOOLS, "999"), mostly(GOOD_CODES, "77"), st.sampled_from(DATES)), max_size=3
)
address_st = st.integers(0, 9).flatmap(
    lambda i: (
        st.none()
        if i < 3
        else st.just(-1)  # the invalid address
        if i == 3
        else st.tuples(st.integers(0, len(ADDRESSES) - 1), st.integers(0, 3))
    )
)


def _position(school: str, code: str, start: str) -> dict[str, Any]:
    return {"schoolNumber": school, "assignmentCode": code, "startDate": start}


def _valid(positions: list[tuple[str, str, str]]) -> bool:
    return all(s in GOOD_SCHOOLS and c in GOOD_CODES for s, c, _ in positions)


def _household(address: Any) -> tuple[dict[str, Any] | None, int | None, bool]:
    """(household payload, base address index, valid)."""
    if address is None:
        return None, None, True
    if address == -1:
        return {"householdLocations": [{"address": dict(BAD_ADDRESS)}]}, None, False
    base, variant = address
    forms = ADDRESSES[base]
    return {"householdLocations": [{"address": dict(forms[variant % len(forms)])}]}, base, True


class StaffMachine(RuleBasedStateMachine):
    created = Bundle("created")

    @initialize(target=created)
    def setup(self) -> str:
        self.campus = Campus(":memory:", clock=Clock("2024-08-01"))
        load_lists(self.campus)
        self.campus.create_staff(
            {"staffNumber": "S0", "lastName": "Smith", "firstName": "Pat", "gender": "F"}
        )
        # model: staff number -> last name, identity count, positions (multiset), has household
        self.staff: dict[str, dict[str, Any]] = {
            "S0": {"last": "Smith", "identities": 1, "positions": Counter(), "household": False}
        }
        self.addresses: set[int] = set()
        return "S0"

    def _fails(self, call: Any, error: type[BaseException]) -> None:
        before = dump(self.campus)
        try:
            call()
        except error:
            pass
        else:  # pragma: no cover - a model mismatch
            raise AssertionError(f"expected {error.__name__}")
        assert dump(self.campus) == before

    @rule(
        target=created,
        number=st.sampled_from(NUMBERS),
        last=st.sampled_from(LAST_NAMES),
        gender=mostly(GOOD_GENDERS, "Q"),
        positions=positions_st,
        address=address_st,
    )
    def create_staff(self, number: str, last: str, gender: str, positions: list, address: Any) -> Any:
        household, base, address_ok = _household(address)
        payload: dict[str, Any] = {
            "staffNumber": number,
            "lastName": last,
            "firstName": "Pat",
            "gender": gender,
            "birthdate": "1980-01-02",
            "positions": [_position(*p) for p in positions],
        }
        if household is not None:
            payload["household"] = household
        if number in self.staff:
            self._fails(lambda: self.campus.create_staff(payload), DuplicateStaffNumberError)
        elif gender not in GOOD_GENDERS or not _valid(positions):
            self._fails(lambda: self.campus.create_staff(payload), UnknownReferenceError)
        elif not address_ok:
            self._fails(lambda: self.campus.create_staff(payload), POBoxError)
        else:
            result = self.campus.create_staff(payload)
            assert result["staffMember"] == bool(positions)
            self.staff[number] = {
                "last": last,
                "identities": 1,
                "positions": Counter((s, c, d, None) for s, c, d in positions),
                "household": household is not None,
            }
            if base is not None:
                self.addresses.add(base)
            return multiple(number)
        return multiple()

    @rule(
        number=st.one_of(created, st.sampled_from(NUMBERS)),
        last=st.one_of(st.none(), st.sampled_from(LAST_NAMES)),
        positions=st.one_of(st.none(), positions_st),
        address=address_st,
    )
    def update_staff(self, number: str, last: str | None, positions: list | None, address: Any) -> None:
        household, base, address_ok = _household(address)
        payload: dict[str, Any] = {}
        if last is not None:
            payload["lastName"] = last
        if positions is not None:
            payload["positions"] = [_position(*p) for p in positions]
        if household is not None:
            payload["household"] = household
        if number not in self.staff:
            self._fails(lambda: self.campus.update_staff(number, payload), NotFoundError)
            return
        if positions is not None and not _valid(positions):
            self._fails(lambda: self.campus.update_staff(number, payload), UnknownReferenceError)
            return
        if not address_ok:
            self._fails(lambda: self.campus.update_staff(number, payload), POBoxError)
            return
        result = self.campus.update_staff(number, payload)
        model = self.staff[number]
        if last is not None and last != model["last"]:
            model["last"] = last
            model["identities"] += 1
        if positions is not None:
            # The list is complete: exactly these positions remain, all without end date.
            model["positions"] = Counter((s, c, d, None) for s, c, d in positions)
        if household is not None:
            # Each staff member is the only member of their own staff household here.
            model["household"] = True
            self.addresses.add(base)
        assert result["lastName"] == model["last"]

    @rule(
        number=st.one_of(created, created, st.sampled_from(NUMBERS)),
        school=mostly(GOOD_SCHOOLS, "999"),
        code=mostly(GOOD_CODES, "77"),
        start=st.sampled_from(DATES),
    )
    def create_position(self, number: str, school: str, code: str, start: str) -> None:
        payload = _position(school, code, start)
        if number not in self.staff:
            self._fails(lambda: self.campus.create_position(number, payload), NotFoundError)
        elif not _valid([(school, code, start)]):
            self._fails(lambda: self.campus.create_position(number, payload), UnknownReferenceError)
        else:
            assert self.campus.create_position(number, payload)["staffMember"] is True
            self.staff[number]["positions"][(school, code, start, None)] += 1

    @rule(
        number=st.one_of(created, created, st.sampled_from(NUMBERS)),
        school=st.sampled_from(GOOD_SCHOOLS),
        code=st.sampled_from(GOOD_CODES),
        start=st.sampled_from(DATES),
        end=st.sampled_from([None, *DATES]),
    )
    def update_position(self, number: str, school: str, code: str, start: str, end: str | None) -> None:
        payload = dict(_position(school, code, start), endDate=end)
        if number not in self.staff:
            self._fails(lambda: self.campus.update_position(number, payload), NotFoundError)
            return
        model: Counter = self.staff[number]["positions"]
        by_start = [k for k in model if k[:3] == (school, code, start)]
        by_end = [k for k in model if (k[0], k[1], k[3]) == (school, code, end)]
        if not by_start and not by_end:
            self._fails(lambda: self.campus.update_position(number, payload), NotFoundError)
            return
        updated = self.campus.update_position(number, payload)
        assert len(updated) == sum(model[k] for k in (by_start or by_end))
        for key in by_start or by_end:
            count = model.pop(key)
            new = (school, code, start, end) if by_start else (school, code, start, key[3])
            model[new] += count

    @rule(data=st.data(), end=st.sampled_from([None, *DATES]), by_end=st.booleans())
    def update_a_stored_position(self, data: st.DataObject, end: str | None, by_end: bool) -> None:
        """update_position aimed at a position the model knows (by its start or its end date)."""
        stored = sorted(((n, key) for n, model in self.staff.items() for key in model["positions"]), key=repr)
        if not stored:
            return
        number, (school, code, start, old_end) = data.draw(st.sampled_from(stored))
        if by_end:
            new_start = data.draw(st.sampled_from(DATES))
            if any(k[:3] == (school, code, new_start) for k in self.staff[number]["positions"]):
                return  # rule A (match by start date) would apply instead; update_position covers it
            self.update_position(number, school, code, new_start, old_end)
        else:
            self.update_position(number, school, code, start, end)

    # -- invariants --------------------------------------------------------------

    @invariant()
    def one_current_identity_per_person(self) -> None:
        conn = self.campus.connection
        counts = dict(
            conn.execute(
                "SELECT p.person_id, count(i.identity_id) FROM person p "
                "LEFT JOIN identity i ON i.person_id = p.person_id AND i.end_date IS NULL GROUP BY p.person_id"
            ).fetchall()
        )
        assert set(counts.values()) <= {1}

    @invariant()
    def every_address_once(self) -> None:
        conn = self.campus.connection
        assert len(self.campus.store) == len(self.addresses)
        distinct = conn.execute("SELECT count(DISTINCT match_key) FROM addresses").fetchone()[0]
        assert distinct == len(self.campus.store)

    @invariant()
    def positions_only_at_listed_schools(self) -> None:
        orphans = self.campus.connection.execute(
            "SELECT count(*) FROM position WHERE school_number NOT IN (SELECT school_number FROM school)"
        ).fetchone()[0]
        assert orphans == 0

    @invariant()
    def staff_match_the_model(self) -> None:
        for number, model in self.staff.items():
            record = self.campus.get_staff(number)
            assert record["lastName"] == model["last"]
            assert len(self.campus.identity_history(number)) == model["identities"]
            stored = Counter(
                (p["schoolNumber"], p["assignmentCode"], p["startDate"], p["endDate"])
                for p in record["positions"]
            )
            assert stored == model["positions"]
            assert (record["household"] is not None) == model["household"]


TestStaffMachine = StaffMachine.TestCase
TestStaffMachine.settings = settings(
    max_examples=100, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
assert issubclass(UnknownReferenceError, BOIError)
