"""The compiled twin of the hot path and its pure-Python source (issue 10, item 3).

* what is compiled is one list (pyproject.toml's build hook = ``COMPILED``);
* a built checkout runs its compiled modules, unless ``ADDRMATCH_IMPLEMENTATION=python``;
* an edited source whose compiled twin is stale is never used silently;
* the compiled and the pure build give the same tokens, readings and keys on
  the whole corpus and on generated text (the pure build runs in a subprocess).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import addrmatch
from addrmatch import _implementation
from addrmatch._implementation import COMPILED, ENVIRONMENT_VARIABLE

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "data" / "corpus" / "parse_train.jsonl"
PACKAGE = Path(addrmatch.__file__).resolve().parent

# What each build returns for one text: the tokens, the reading and the key.
PROBE = r"""
import json, sys
from addrmatch import IMPLEMENTATION
from addrmatch.tokens import tokenize
from addrmatch.reading import read
from addrmatch._keyfold import key_from_parts, fold_name
from addrmatch.errors import AddressError

def probe(text):
    t = tokenize(text)
    out = {"tokens": [t.raws, t.keys, t.commas, t.classes]}
    try:
        r = read(text)
        canonical = r.canonical_parts()
    except AddressError as e:
        out["error"] = e.rule
        return out
    out["reading"] = [list(r.parts), list(canonical), r.confidence, list(r.warnings), r.path]
    out["key"] = key_from_parts(*canonical)
    out["fold"] = fold_name(canonical[3])
    return out

texts = json.load(sys.stdin)
json.dump({"implementation": IMPLEMENTATION, "results": [probe(t) for t in texts]}, sys.stdout)
"""


def _run_probe(texts: list[str], implementation: str) -> dict:
    env = {**os.environ, ENVIRONMENT_VARIABLE: implementation}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(done.stdout)


def _installed_extensions() -> list[Path]:
    return [p for name in COMPILED if (p := _implementation._extension(name)) is not None]


def test_the_compiled_list_is_the_build_hooks_list() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["custom"]["include"]
    assert [p.removeprefix("src/").removesuffix(".py").replace("/", ".") for p in include] == list(COMPILED)


def test_a_built_checkout_runs_its_compiled_modules() -> None:
    """Where the compiled twins are installed and current, they are what runs (unless asked otherwise)."""
    installed, usable, reason = _implementation._compiled_state()
    wanted = os.environ.get(ENVIRONMENT_VARIABLE, "auto")
    if installed:
        assert usable, reason  # a stale build fails here, loudly
    expected = "compiled" if usable and wanted != "python" else "python"
    assert expected == addrmatch.IMPLEMENTATION
    loaded = [Path(sys.modules[name].__file__ or "").suffix for name in COMPILED]
    assert all((suffix == ".py") == (expected == "python") for suffix in loaded), loaded


def test_the_environment_variable_picks_the_pure_sources() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import addrmatch, addrmatch._reader as r; print(addrmatch.IMPLEMENTATION, r.__file__)",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, ENVIRONMENT_VARIABLE: "python"},
        check=True,
    )
    implementation, path = done.stdout.split()
    assert implementation == "python" and path.endswith("_reader.py")


def test_an_unknown_choice_is_refused() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import addrmatch"],
        capture_output=True,
        text=True,
        env={**os.environ, ENVIRONMENT_VARIABLE: "fortran"},
    )
    assert done.returncode != 0 and "use python, compiled or auto" in done.stderr


def _copy_package(tmp_path: Path) -> Path:
    """A copy of the installed package (with its compiled modules and mypyc's shared library)."""
    target = tmp_path / "site" / "addrmatch"
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__"))
    for shared in PACKAGE.parent.glob("*__mypyc*"):
        shutil.copy2(shared, tmp_path / "site" / shared.name)
    if not (target / "data").exists():  # a source checkout keeps the tables beside src/
        shutil.copytree(REPO / "data", target / "data")
    return target


def _import_copy(site: Path, *args: str, implementation: str = "auto") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, ENVIRONMENT_VARIABLE: implementation, "PYTHONPATH": str(site)}
    return subprocess.run(
        [sys.executable, *args, "-c", "import addrmatch; print(addrmatch.IMPLEMENTATION)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=site,
    )


def test_a_stale_compiled_module_is_never_used_silently(tmp_path: Path) -> None:
    if not _installed_extensions():
        # A pure build: make the copy look compiled (files named like extension
        # modules, never imported since the check refuses them first).
        package = _copy_package(tmp_path)
        for name in COMPILED:
            (
                package / (name.rsplit(".", 1)[1] + _implementation.importlib.machinery.EXTENSION_SUFFIXES[0])
            ).write_bytes(b"")
    else:
        package = _copy_package(tmp_path)
    site = package.parent
    source = package / "_keyfold.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n# edited after the build\n", encoding="utf-8")
    warned = _import_copy(site, "-W", "error::RuntimeWarning")
    assert warned.returncode != 0
    assert "changed since it was compiled" in warned.stderr or "no proof" in warned.stderr
    quiet = _import_copy(site)
    assert quiet.stdout.strip() == "python" and "RuntimeWarning" in quiet.stderr
    strict = _import_copy(site, implementation="compiled")
    assert strict.returncode != 0 and "ImportError" in strict.stderr


def test_a_current_compiled_copy_is_used(tmp_path: Path) -> None:
    """The same copy, unedited, runs compiled (a pure build runs its sources, without a warning)."""
    package = _copy_package(tmp_path)
    done = _import_copy(package.parent, "-W", "error::RuntimeWarning")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ("compiled" if _installed_extensions() else "python")


def _corpus_texts() -> list[str]:
    return [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines()]


def _assert_same(texts: list[str]) -> None:
    here = _run_probe(texts, "auto")
    pure = _run_probe(texts, "python")
    assert pure["implementation"] == "python"
    assert here["implementation"] == ("compiled" if _installed_extensions() else "python")
    for text, a, b in zip(texts, here["results"], pure["results"], strict=True):
        assert a == b, text


def test_compiled_and_pure_agree_on_the_corpus() -> None:
    texts = _corpus_texts()
    _assert_same(
        texts + [t.upper() for t in texts[:300]] + [t.lower().replace(",", "") for t in texts[300:600]]
    )


_WORDS = st.sampled_from(
    "123 4B 12-14 Main St Street Ave N North So SE S.E. Apt # PO Box RR 2 , . MN Minnesota 55123 "
    "55123-4567 Hwy FM County Rd Unit Bldg Floor 2nd Fort Collins CO ½ 1/2 Lot Tr La H K".split()
)


@settings(
    max_examples=20, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
@given(st.lists(st.lists(_WORDS, min_size=1, max_size=12).map(" ".join), min_size=40, max_size=40))
def test_compiled_and_pure_agree_on_generated_text(texts: list[str]) -> None:
    _assert_same(texts)


@pytest.mark.parametrize("name", COMPILED)
def test_every_compiled_module_has_its_source(name: str) -> None:
    assert (PACKAGE / (name.rsplit(".", 1)[1] + ".py")).exists()
