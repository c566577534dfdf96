"""Python's cycle collector paused while a batch command builds many long-lived objects."""

import gc
from contextlib import contextmanager


@contextmanager
def no_cycle_collector():
    """The cycle collector off inside the block, as it was after. For work that makes no
    reference cycles of its own but keeps tens of thousands of objects alive (an import's
    elements, records and rows; a classified file's lines): every few hundred new objects the
    collector walked the young ones, and now and then every object, for nothing (a quarter of
    an import's time, a tenth of ``classify_comments``'). Reference counting still frees
    everything as before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
