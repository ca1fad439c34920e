"""The hot path may be compiled with mypyc (pyproject.toml, hatch-mypyc).

An editable install puts the compiled modules beside their sources; Python
imports a compiled module in preference to its .py file, so an edited source
is not what runs until the package is rebuilt (``pip install -e .``). These
tests fail loudly in that case instead of letting the old build pass.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from pathlib import Path

import pytest

COMPILED = ("addrmatch.tokens", "addrmatch._reader", "addrmatch._keyfold")


def _loaded_file(name: str) -> Path:
    """The file an import of ``name`` loads, found on disk (a compiled module's
    ``__file__`` and ``__spec__`` may name mypyc's shared library location)."""
    import importlib.machinery

    package, module = name.rsplit(".", 1)
    spec = importlib.machinery.PathFinder.find_spec(module, importlib.import_module(package).__path__)
    assert spec is not None and spec.origin is not None
    return Path(spec.origin)


@pytest.mark.parametrize("name", COMPILED)
def test_a_compiled_module_is_not_older_than_its_source(name: str) -> None:
    path = _loaded_file(name)
    if path.suffix == ".py":
        pytest.skip(f"{name} runs from source (not compiled)")
    source = path.with_name(name.rsplit(".", 1)[1] + ".py")
    if not source.exists():
        pytest.skip(f"{name}: installed wheel, no source beside it")
    assert path.stat().st_mtime >= source.stat().st_mtime, (
        f"{path.name} is older than {source.name}: rebuild with `pip install -e .`"
    )


def _load_source(name: str):
    """Import the pure-Python source of ``name`` under another module name."""
    path = _loaded_file(name)
    source = path.with_name(name.rsplit(".", 1)[1] + ".py")
    spec = importlib.util.spec_from_file_location(f"_pure_{name.replace('.', '_')}", source)
    assert spec is not None and spec.loader is not None
    pure = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pure)
    return pure


def test_the_compiled_key_folds_agree_with_their_source() -> None:
    """The compiled fold functions give what their Python source gives."""
    import addrmatch._keyfold as compiled

    pure = _load_source("addrmatch._keyfold")
    corpus = Path(__file__).resolve().parent / "data" / "corpus" / "parse_train.jsonl"
    if not corpus.exists():
        pytest.skip("corpus not found")
    from addrmatch import normalize
    from addrmatch.errors import AddressError

    checked = 0
    for line in corpus.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        try:
            address = normalize(text)
        except AddressError:
            continue
        assert compiled.key_of(address) == pure.key_of(address), text
        assert compiled.fold_name(address.city) == pure.fold_name(address.city), text
        checked += 1
    assert checked > 1000
