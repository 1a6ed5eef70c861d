"""The cyclic garbage collector, paused while evx builds many objects that form no cycles.

Annotating a document or decoding a cache entry makes hundreds of thousands of small,
acyclic containers; the collector would rescan them again and again (it doubles the time)
and could free nothing.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off (as it was, if it was off already)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
