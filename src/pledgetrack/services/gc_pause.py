"""Pausing Python's cyclic garbage collector around bulk work.

Loading and evaluating a province plan allocates about a million small objects
(rows, readings, results) that form no reference cycles. The cyclic collector
still walks them again and again as they pile up, which slows an evaluation down
and, because a collection holds the GIL, freezes the TUI while a worker thread
evaluates a month. Reference counting still frees everything at once; the
collector resumes afterwards.

Resuming alone would only defer the cost: the next collections would walk every
object made during the pause that is still alive (the loaded plan, the evaluation on
screen), and the TUI would stall on each. So the survivors are frozen first
(``gc.freeze``): the collector leaves them alone, reference counting still frees
them. The price is that a reference cycle left unreachable inside a paused block is
never collected. So the blocks make (almost) none: the latest-reading statement,
whose aliased table made hundreds of such objects per evaluation, is built once per
process (storage.latest._cached_latest).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off; nests, and is safe across threads
    (the collector comes back when the last block ends, if it was on before the first)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.freeze()
                gc.enable()
