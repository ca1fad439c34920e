"""Build hook: compile the hot path with mypyc, or fall back to pure Python.

The modules listed under ``[tool.hatch.build.targets.wheel.hooks.custom]``
in pyproject.toml are compiled with mypyc (through hatch-mypyc) when the
machine has a working C compiler. When compiling fails (no compiler:
``CC=/bin/false pip install .``), the build goes on and installs the
pure-Python package, which gives the same results, more slowly, and says so
in one line. ``ADDRMATCH_PURE_BUILD=1`` skips compiling on purpose.

A compiled build also writes ``addrmatch/_compiled.txt``: the size,
modification time and SHA-256 of each source it compiled. At import, :mod:`addrmatch._implementation`
compares it with the ``.py`` files beside the compiled modules and never
uses a compiled module whose source has changed since (an edited checkout
before ``pip install -e .``): it uses the sources and warns.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from hatch_mypyc.plugin import MypycBuildHook

RECORD = "src/addrmatch/_compiled.txt"


class CompiledTwinHook(MypycBuildHook):
    """hatch-mypyc's hook, with a pure-Python fallback and a record of the compiled sources."""

    PLUGIN_NAME = "custom"

    def _note(self, message: str) -> None:
        print(f"addrmatch: {message}", file=sys.stderr, flush=True)

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        record = Path(self.root) / RECORD
        record.unlink(missing_ok=True)
        if os.environ.get("ADDRMATCH_PURE_BUILD"):
            self.clean([version])
            self._note("ADDRMATCH_PURE_BUILD is set: building the pure-Python package (same results, slower)")
            return
        try:
            super().initialize(version, build_data)
        except Exception as error:  # no compiler, a broken toolchain: the pure package still works
            self.clean([version])
            lines = [line.strip() for line in str(error).splitlines()]
            first = next((line for line in lines if ": error:" in line), "") or next(
                (line for line in reversed(lines) if line.lower().startswith("error")), ""
            )
            self._note(
                "could not compile the hot path with mypyc"
                + (f" ({first.strip()[:120]})" if first else "")
                + "; installing the pure-Python package (same results, slower)"
            )
            return
        lines = []
        for path in self.normalized_included_files:
            source = Path(self.root) / path
            stat = source.stat()
            module = path.removesuffix(".py").replace("/", ".").removeprefix("src.")
            digest = hashlib.sha256(source.read_bytes()).hexdigest()
            lines.append(f"{module} {stat.st_size} {stat.st_mtime_ns} {digest}\n")
        record.write_text("".join(lines), encoding="ascii")
        build_data["artifacts"].append("/" + RECORD)


def get_build_hook() -> type[CompiledTwinHook]:
    """Which class hatchling uses (the module also holds hatch-mypyc's own hook class)."""
    return CompiledTwinHook
