"""A small progress bar for the command line (private).

It draws on a terminal only: when the stream is not a TTY (piped, redirected,
captured by a test) or the user passed ``--quiet``, every call is a no-op, so
callers never need to check. It redraws at most every ``interval`` seconds,
so calling :meth:`Progress.update` once per row costs almost nothing.

The fraction done (for the bar and the ETA) comes from ``position`` against
``total`` -- for a CSV file, bytes read against the file size -- while the
rate counts ``items`` (rows), which is what a person wants to read.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["Progress", "format_duration"]

_BAR_WIDTH = 24


def format_duration(seconds: float) -> str:
    """``H:MM:SS`` (or ``M:SS`` under an hour) for a number of seconds.

    >>> format_duration(75.4)
    '1:15'
    >>> format_duration(3725)
    '1:02:05'
    """
    total = round(max(seconds, 0.0))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """A one-line progress bar with a rate and an ETA, on a terminal only.

    ``total`` is the size of the whole job in the unit of ``position``
    (None when unknown: the bar then shows only the count and the rate).
    ``enabled=None`` means "when ``stream`` is a terminal".

    >>> import io
    >>> p = Progress(total=100, label="dedupe", stream=io.StringIO())
    >>> p.enabled  # a StringIO is not a terminal
    False
    >>> p.update(50)  # a no-op when disabled
    >>> p.close()
    """

    def __init__(
        self,
        total: int | None = None,
        *,
        label: str = "",
        unit: str = "rows",
        stream: TextIO | None = None,
        enabled: bool | None = None,
        interval: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream: TextIO = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.total = total if total and total > 0 else None
        self.label = label
        self.unit = unit
        self.interval = interval
        self._clock = clock
        self._start = clock()
        self._next_draw = self._start + interval
        self._items = 0
        self._position = 0
        self._width = 0

    def update(self, items: int, position: int | None = None) -> None:
        """Report ``items`` done so far (and ``position`` in ``total`` units,
        which defaults to ``items``). Redraws when ``interval`` has passed.

        >>> import io
        >>> out = io.StringIO()
        >>> p = Progress(total=10, stream=out, enabled=True, interval=0.0)
        >>> p.update(5)
        >>> "50%" in out.getvalue()
        True
        """
        if not self.enabled:
            return
        self._items = items
        self._position = items if position is None else position
        now = self._clock()
        if now >= self._next_draw:
            self._next_draw = now + self.interval
            self._draw(now)

    def close(self) -> None:
        """Draw the final state and end the line (nothing when disabled)."""
        if not self.enabled:
            return
        self._draw(self._clock(), final=True)
        self.stream.write("\n")
        self.stream.flush()
        self.enabled = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def line(self, now: float, *, final: bool = False) -> str:
        """The text of the bar at time ``now`` (no carriage return).

        >>> p = Progress(total=200, label="load", enabled=True, clock=lambda: 0.0)
        >>> p._items = p._position = 50
        >>> p.line(10.0)
        'load  [######..................]   25%  50 rows  5 rows/s  ETA 0:30'
        """
        elapsed = max(now - self._start, 1e-9)
        rate = self._items / elapsed
        parts = [self.label] if self.label else []
        if self.total is not None:
            fraction = min(self._position / self.total, 1.0)
            filled = int(fraction * _BAR_WIDTH)
            parts.append("[" + "#" * filled + "." * (_BAR_WIDTH - filled) + "]")
            parts.append(f"{fraction * 100:3.0f}%")
        parts.append(f"{self._items:,} {self.unit}")
        parts.append(f"{rate:,.0f} {self.unit}/s")
        if final:
            parts.append(f"in {format_duration(elapsed)}")
        elif self.total is not None and self._position > 0:
            remaining = elapsed * (self.total - self._position) / self._position
            parts.append(f"ETA {format_duration(remaining)}")
        return "  ".join(parts)

    def _draw(self, now: float, *, final: bool = False) -> None:
        text = self.line(now, final=final)
        pad = " " * max(self._width - len(text), 0)
        self._width = len(text)
        self.stream.write("\r" + text + pad)
        self.stream.flush()
