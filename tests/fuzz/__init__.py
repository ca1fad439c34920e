"""The fuzz harness (issue 9): hostile values at every public entry point.

``python -m tests.fuzz --minutes N [--seed S] [--target NAME]`` (README,
"Fuzzing"). The parts: :mod:`~tests.fuzz.values` (the values thrown),
:mod:`~tests.fuzz.oracle` (what a call may do), :mod:`~tests.fuzz.fixtures`
(template databases, hostile paths), one module of targets per layer
(``core_targets``, ``store_targets``, ``campus_targets``, ``cli_targets``,
``http_targets``) and :mod:`~tests.fuzz.runner` (time-bounded hypothesis
chunks, counts, replay commands).
"""
