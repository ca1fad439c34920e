"""Ambiguous street-type aliases in the store (issue 12, item 3, the store part).

An alias such as "Tr" (trail, terrace or track: ``TABLES.ambiguous_suffixes``) is kept as
written by the canonical form, so its key differs from each expansion's. The store matches it to
"any of its expansions": the one stored address identical but for such a suffix, both ways; never
when two stored streets fit. Every alias of the table is tried, with made-up streets.
"""

from __future__ import annotations

import pytest

from addrmatch import AddressStore, normalize
from addrmatch.tables import TABLES

PLACE = "Blaine, MN 55123"
ALIASES = sorted(TABLES.ambiguous_suffixes.items())


def written(abbreviation: str) -> str:
    """A standard suffix as a person writes it out ("TRL" -> "Trail")."""
    return TABLES.suffix_names.get(abbreviation, abbreviation).title()


def test_the_table_has_ambiguous_aliases_the_canonical_form_keeps() -> None:
    assert ALIASES, "TABLES.ambiguous_suffixes is empty"
    for alias, expansions in ALIASES:
        assert len(expansions) >= 2, alias
        assert normalize(f"12 Apache {alias.title()}, {PLACE}").tag == alias


@pytest.mark.parametrize(("alias", "expansions"), ALIASES)
def test_an_alias_finds_the_one_stored_expansion_both_ways(alias: str, expansions: tuple[str, ...]) -> None:
    for standard in expansions:
        store = AddressStore()
        kept = store.resolve(f"12 Apache {written(standard)}, {PLACE}")
        found = store.resolve(f"12 Apache {alias.title()}, {PLACE}")
        assert (found.id, found.how) == (kept.id, "partial"), (alias, standard)
        assert found.address.tag == standard
        assert store.resolve(f"12 Apache {alias.title()}, Blaine, MN").id == kept.id  # also without a ZIP
        assert len(store) == 1
        reverse = AddressStore()
        kept = reverse.resolve(f"40 Juniper {alias.title()}, {PLACE}")
        assert reverse.resolve(f"40 Juniper {written(standard)}, {PLACE}").id == kept.id
        assert reverse.find(f"40 Juniper {standard}, Blaine, MN").id == kept.id
        assert len(reverse) == 1


@pytest.mark.parametrize(("alias", "expansions"), ALIASES)
def test_two_stored_streets_that_fit_are_never_merged(alias: str, expansions: tuple[str, ...]) -> None:
    store = AddressStore()
    first, second = (store.resolve(f"12 Apache {written(s)}, {PLACE}").id for s in expansions[:2])
    assert store.find(f"12 Apache {alias.title()}, {PLACE}") is None
    created = store.resolve(f"12 Apache {alias.title()}, {PLACE}")
    assert created.how == "created" and set(created.candidates) == {first, second}
    assert len(store) == 3


@pytest.mark.parametrize(("alias", "expansions"), ALIASES)
def test_an_alias_bridges_only_the_suffix(alias: str, expansions: tuple[str, ...]) -> None:
    store = AddressStore()
    store.resolve(f"12 Apache {written(expansions[0])}, {PLACE}")
    for other in (
        f"12 Cherokee {alias.title()}",  # another street
        f"14 Apache {alias.title()}",  # another house number
        f"12 N Apache {alias.title()}",  # a directional
        f"12 Apache {alias.title()} Apt 3",  # a unit
    ):
        assert store.find(f"{other}, {PLACE}") is None, other
    others = [s for s in TABLES.suffix_names if s not in expansions and s not in TABLES.ambiguous_suffixes]
    assert store.find(f"12 Apache {written(others[0])}, {PLACE}") is None


def test_add_many_with_aliases_gives_what_resolve_in_a_loop_gives() -> None:
    values = []
    for n, (alias, expansions) in enumerate(ALIASES):
        values += [
            f"{n + 1} Apache {written(expansions[0])}, {PLACE}",
            f"{n + 1} Apache {alias.title()}, {PLACE}",
            f"{n + 100} Juniper {alias.title()}, {PLACE}",
            f"{n + 100} Juniper {written(expansions[-1])}, {PLACE}",
            f"{n + 200} Mesa {written(expansions[0])}, {PLACE}",
            f"{n + 200} Mesa {written(expansions[1])}, {PLACE}",
            f"{n + 200} Mesa {alias.title()}, {PLACE}",
        ]
    loop = AddressStore()
    expected = [loop.resolve(v).id for v in values]
    for batch_size in (1, 5, 1000):
        assert AddressStore().add_many(values, batch_size=batch_size) == expected
