"""Which build of the hot path runs: compiled (mypyc) or the pure-Python sources.

The modules in :data:`COMPILED` are compiled with mypyc when the package is
built on a machine with a C compiler (``hatch_build.py``); their ``.py``
sources are the reference, and the compiled twin must give exactly what its
source gives (``tests/test_twins.py`` checks it on the corpus and on
generated text). Like rapidfuzz's ``RAPIDFUZZ_IMPLEMENTATION``, one
environment variable, read once when ``addrmatch`` is first imported,
chooses:

* ``ADDRMATCH_IMPLEMENTATION=python``: the pure-Python sources, even when
  compiled modules are installed;
* ``ADDRMATCH_IMPLEMENTATION=compiled``: the compiled modules, or
  ``ImportError`` when they are missing or stale;
* unset (or ``auto``): the compiled modules when they are installed and
  current, else the sources.

A compiled module is *current* when the ``.py`` beside it is the one it was
compiled from: the build records each source's size, modification time and
SHA-256 (``_compiled.txt``); a source whose size or time differs is hashed
and compared. An edited source with an old compiled twin (a checkout edited
since ``pip install -e .``) is never used silently: ``auto`` falls back to
every source and warns (``RuntimeWarning``). The choice is all or nothing,
since compiled modules call each other directly.

This module runs on every ``import addrmatch``, before the command line can
install its Ctrl-C handler, so it imports only what the interpreter has
loaded already (``os``, ``sys``, ``importlib.machinery``).

:data:`IMPLEMENTATION` says what was chosen; ``addrmatch --version`` shows it.
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
from collections.abc import Sequence
from types import ModuleType

__all__ = ["COMPILED", "ENVIRONMENT_VARIABLE", "IMPLEMENTATION", "REASON", "RECORD_NAME", "choose"]

#: The modules mypyc compiles (pyproject.toml's build hook lists the same files).
COMPILED: tuple[str, ...] = (
    "addrmatch.inputs",
    "addrmatch.tokens",
    "addrmatch._canon",
    "addrmatch._build",
    "addrmatch._reader",
    "addrmatch._keyfold",
    "addrmatch.reading",
)
ENVIRONMENT_VARIABLE = "ADDRMATCH_IMPLEMENTATION"
#: The build's record of the compiled sources: ``module size mtime_ns sha256`` a line.
RECORD_NAME = "_compiled.txt"
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


class _SourceFinder:
    """A meta path finder: the ``.py`` source of a compiled module, ahead of its extension module."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in COMPILED:
            return None
        source = _source(fullname)
        loader = importlib.machinery.SourceFileLoader(fullname, source)
        spec = importlib.machinery.ModuleSpec(fullname, loader, origin=source)
        spec.has_location = True
        return spec


def _source(name: str) -> str:
    return os.path.join(_PACKAGE_DIR, name.rsplit(".", 1)[1] + ".py")


def _extension(name: str) -> str | None:
    stem = os.path.join(_PACKAGE_DIR, name.rsplit(".", 1)[1])
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        if os.path.exists(stem + suffix):
            return stem + suffix
    return None


def _read_record() -> dict[str, tuple[int, int, str]]:
    try:
        with open(os.path.join(_PACKAGE_DIR, RECORD_NAME), encoding="ascii") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return {}
    record = {}
    for line in lines:
        fields = line.split()
        if len(fields) == 4 and fields[1].isdigit() and fields[2].isdigit():
            record[fields[0]] = (int(fields[1]), int(fields[2]), fields[3])
    return record


def _matches(source: str, recorded: tuple[int, int, str] | None) -> bool:
    """Is ``source`` the file the build compiled?"""
    if recorded is None:
        return False
    size, mtime_ns, digest = recorded
    stat = os.stat(source)
    if stat.st_size == size and stat.st_mtime_ns == mtime_ns:
        return True  # untouched since the build
    import hashlib  # only for a source whose time changed (a checkout, an edit)

    with open(source, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest() == digest


def _compiled_state() -> tuple[bool, bool, str]:
    """(installed, usable, why): are compiled modules installed, and built from these sources?"""
    extensions = [_extension(name) for name in COMPILED]
    if not any(extensions):
        return False, False, "not compiled (pure-Python build)"
    if not all(extensions):
        missing = [name for name, ext in zip(COMPILED, extensions, strict=True) if ext is None]
        return True, False, f"compiled build incomplete: {', '.join(missing)} not compiled"
    sources = [_source(name) for name in COMPILED]
    if not any(os.path.exists(source) for source in sources):
        return True, True, "compiled (installed without sources)"
    record = _read_record()
    if not record:
        return True, False, f"compiled modules without {RECORD_NAME}: no proof that they match their sources"
    for name, source in zip(COMPILED, sources, strict=True):
        if os.path.exists(source) and not _matches(source, record.get(name)):
            return (
                True,
                False,
                f"{os.path.basename(source)} changed since it was compiled (rebuild: pip install -e .)",
            )
    return True, True, "compiled"


def choose(wanted: str | None = None) -> tuple[str, str]:
    """Pick the implementation before any compiled module is imported and
    return ``(implementation, reason)``; ``wanted`` defaults to the
    environment variable. Called once, when ``addrmatch`` is imported.

    >>> choose()[0] in ("python", "compiled")
    True
    """
    if any(name in sys.modules for name in COMPILED):
        return _chosen()  # already imported: the choice cannot change any more
    wanted = (wanted or os.environ.get(ENVIRONMENT_VARIABLE) or "auto").strip().lower()
    if wanted not in ("auto", "python", "compiled"):
        raise ImportError(f"{ENVIRONMENT_VARIABLE}={wanted!r}: use python, compiled or auto")
    installed, usable, reason = _compiled_state()
    if wanted == "compiled" and not usable:
        raise ImportError(f"{ENVIRONMENT_VARIABLE}=compiled, but {reason}")
    if wanted == "python" or not usable:
        if not any(isinstance(f, _SourceFinder) for f in sys.meta_path):
            sys.meta_path.insert(0, _SourceFinder())  # type: ignore[arg-type]
        if wanted == "python":
            return "python", f"{ENVIRONMENT_VARIABLE}=python"
        if installed:  # never silently: an old compiled twin of an edited source
            import warnings

            warnings.warn(f"addrmatch: {reason}; using the pure-Python sources", RuntimeWarning, stacklevel=2)
        return "python", reason
    return "compiled", reason


def _chosen() -> tuple[str, str]:
    module = sys.modules.get(COMPILED[0])
    compiled = module is not None and not str(getattr(module, "__file__", "")).endswith(".py")
    return ("compiled", "compiled") if compiled else ("python", "pure-Python sources")


IMPLEMENTATION, REASON = choose()
