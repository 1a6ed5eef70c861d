"""A one-line progress display on stderr, shown only when stderr is a terminal."""
from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, total: int | None = None, stream: TextIO | None = None, enabled: bool | None = None,
                 every: float = 0.2):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total = total
        self.every = every
        self.began = time.monotonic()
        self.shown = 0.0
        self.documents = 0
        self.tokens = 0

    def update(self, documents: int = 1, tokens: int = 0) -> None:
        self.documents += documents
        self.tokens += tokens
        now = time.monotonic()
        if self.enabled and now - self.shown >= self.every:
            self.shown = now
            self.stream.write("\r" + self.line(now) + "\x1b[K")
            self.stream.flush()

    def line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self.began, 1e-9)
        rate = self.tokens / elapsed
        done = f"{self.documents:,}" + (f"/{self.total:,}" if self.total else "") + " docs"
        parts = [done, f"{rate:,.0f} tokens/s", f"{_clock(elapsed)} elapsed"]
        if self.total and self.documents:
            left = elapsed / self.documents * max(self.total - self.documents, 0)
            parts.append(f"{_clock(left)} left")
        return "evx: " + " | ".join(parts)

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"

