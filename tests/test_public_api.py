"""The public surface: DESIGN.md's contract, docstrings, type hints, README coverage."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
from pathlib import Path

import pytest

import addrmatch

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
# DESIGN.md as given to the project, frozen in the repository; the live copy beside the clone
# (../shared/DESIGN.md) is checked too when it is there.
DESIGN = REPO / "tests" / "data" / "DESIGN.md"
LIVE_DESIGN = REPO.parent / "shared" / "DESIGN.md"

# The names of DESIGN.md's "Public API contract" (never renamed).
CONTRACT = (
    "Address",
    "parse",
    "canonicalize",
    "normalize",
    "match_key",
    "AddressStore",
    "Resolution",
    "Candidate",
    "AddressError",
    "ConflictingFieldsError",
    "POBoxError",
    "UnparseableAddressError",
)


def _contract_names(path: Path) -> set[str]:
    block = re.search(r"from addrmatch import \((.*?)\)", path.read_text(encoding="utf-8"), re.S)
    assert block is not None, f"{path} lost its import block"
    return {n.strip() for n in block.group(1).replace("\n", " ").split(",") if n.strip()}


def test_contract_matches_design_md() -> None:
    assert _contract_names(DESIGN) == set(CONTRACT)
    for design in [LIVE_DESIGN] if LIVE_DESIGN.exists() else []:
        assert _contract_names(design) == set(CONTRACT)


@pytest.mark.parametrize("name", CONTRACT)
def test_contract_name_imports(name: str) -> None:
    module = importlib.import_module("addrmatch")
    assert hasattr(module, name), f"addrmatch.{name} is missing"
    assert name in addrmatch.__all__


def test_star_import_gives_every_public_name() -> None:
    namespace: dict[str, object] = {}
    exec("from addrmatch import *", namespace)
    assert set(addrmatch.__all__) <= set(namespace)


def test_errors_hierarchy() -> None:
    for name in ("ConflictingFieldsError", "POBoxError", "UnparseableAddressError"):
        assert issubclass(getattr(addrmatch, name), addrmatch.AddressError)
    assert issubclass(addrmatch.AddressError, ValueError)


def test_address_fields_are_the_boi_components() -> None:
    names = [f.name for f in dataclasses.fields(addrmatch.Address)]
    assert names == [
        "po_box",
        "number",
        "prefix",
        "street",
        "tag",
        "direction",
        "apt",
        "city",
        "state",
        "zip",
        "county",
        "location_code",
        "tract",
        "block",
    ]
    a = addrmatch.Address(number="1")
    assert hash(a) == hash(addrmatch.Address(number="1"))
    assert not hasattr(a, "__dict__")  # slots


def _own_doc(obj: object, name: str) -> str:
    doc = inspect.getdoc(obj) or ""
    # A dataclass without a docstring gets its signature as __doc__: that is not documentation.
    if inspect.isclass(obj) and doc.startswith(f"{name}("):
        return ""
    return doc.strip()


@pytest.mark.parametrize("name", addrmatch.__all__)
def test_public_name_has_a_docstring(name: str) -> None:
    obj = getattr(addrmatch, name)
    assert _own_doc(obj, name), f"addrmatch.{name} has no docstring"


@pytest.mark.parametrize(
    "name", [n for n in addrmatch.__all__ if inspect.isclass(getattr(addrmatch, n, None))]
)
def test_public_methods_have_docstrings(name: str) -> None:
    cls = getattr(addrmatch, name)
    missing = []
    for attr, value in vars(cls).items():
        if attr.startswith("_"):
            continue
        if isinstance(value, (classmethod, staticmethod)):
            value = value.__func__
        elif isinstance(value, property):
            value = value.fget
        if inspect.isfunction(value) and not (inspect.getdoc(value) or "").strip():
            missing.append(attr)
    assert missing == [], f"{name}: methods without a docstring: {missing}"


# Every public callable that is not a class: plain functions, and functions compiled to C
# (mypyc), which must keep their docstring and signature too.
PUBLIC_FUNCTIONS = [
    n
    for n in addrmatch.__all__
    if callable(getattr(addrmatch, n, None)) and not inspect.isclass(getattr(addrmatch, n))
]


def test_public_functions_are_found() -> None:
    assert {"parse", "parse_details", "canonicalize", "normalize", "match_key", "explain"} <= set(
        PUBLIC_FUNCTIONS
    )


@pytest.mark.parametrize("name", PUBLIC_FUNCTIONS)
def test_public_function_has_type_hints_and_an_example(name: str) -> None:
    func = getattr(addrmatch, name)
    try:
        signature = inspect.signature(func)
    except ValueError:
        pytest.fail(f"addrmatch.{name} has no inspectable signature")
    for parameter in signature.parameters.values():
        assert parameter.annotation is not inspect.Parameter.empty, (
            f"{name}({parameter.name}) has no type hint"
        )
    assert signature.return_annotation is not inspect.Signature.empty, f"{name} has no return type"
    assert ">>>" in (inspect.getdoc(func) or ""), f"{name}'s docstring has no example"


def test_py_typed_marker() -> None:
    assert (Path(addrmatch.__file__).parent / "py.typed").exists()


def test_version() -> None:
    assert isinstance(addrmatch.__version__, str) and addrmatch.__version__


_README_TEXT = README.read_text(encoding="utf-8") if README.exists() else ""


@pytest.mark.skipif("(README in progress)" in _README_TEXT, reason="README.md is still being written")
@pytest.mark.parametrize("name", addrmatch.__all__)
def test_public_name_is_documented_in_readme(name: str) -> None:
    assert README.exists(), "README.md is missing"
    assert re.search(rf"\b{re.escape(name)}\b", _README_TEXT), (
        f"addrmatch.{name} is not mentioned in README.md"
    )
