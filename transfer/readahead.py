"""A large file read in a child process while the import writes what it has read.

Reading a Blogger export (the XML parser, then each entry turned into a record) is about a third
of a large import's time, and making and writing the rows the rest; one after the other, one
core did both while the other waited. Here a forked child reads the file and sends the records
through a pipe in batches, the parent imports them as they come, and each has a core of its own.

The child only reads: it runs the format's ``read`` (pure parsing: no database) and never
touches the parent's database connection, which it inherits with the fork and leaves
to the parent (a forked process ends with ``os._exit``: nothing is closed or committed for it).
The pipe holds a few batches at most, so the child is never far ahead and memory stays flat.
A problem with the file (a ``TransferError``) is raised in the parent, at the record where the
child met it, with the same message; if the parent stops early (an error of its own), the child
is ended. Small files are read in the process as before, and so is any file where forking is
not safe (no ``fork``, or other threads running).
"""

import contextlib
import multiprocessing
import signal
import sys
import threading

from transfer.xmlstream import TransferError

MIN_FILE_BYTES = 8 * 2**20  # smaller files: a child costs more than it saves
BATCH = 500  # records per message


def records(read, fileobj, size, progress=None, *, min_file_bytes=None):
    """What ``read(fileobj, size, progress)`` yields; from a child process for a large file
    (in this process where forking is not safe: no ``fork``, or other threads running)."""
    limit = MIN_FILE_BYTES if min_file_bytes is None else min_file_bytes
    if size < limit or not can_fork():
        yield from read(fileobj, size, progress)
        return
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(  # (daemonic: ended, not waited for, if this process exits)
        target=_read_in_child, args=(read, fileobj, size, sender), name="import-reader",
        daemon=True,
    )  # fmt: skip
    for stream in (sys.stdout, sys.stderr):  # or the child writes out their buffers again
        stream.flush()
    child.start()
    sender.close()  # the child's end: the parent sees the pipe close if the child dies
    try:
        while True:
            try:
                what, payload, offset = receiver.recv()
            except EOFError:
                raise RuntimeError("the process reading the file ended unexpectedly") from None
            if what == "records":
                if progress:
                    progress.update(offset, size)
                yield from payload
            elif what == "problem":
                raise TransferError(*payload)
            elif what == "failed":
                raise RuntimeError(f"reading the file failed: {payload}")
            else:
                return
    finally:
        receiver.close()
        if child.is_alive():
            child.terminate()
        child.join()


def can_fork():
    """Is forking safe here? Not where there is no ``fork``, nor with other threads running
    (one of them may hold a lock the child would wait for forever)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _read_in_child(read, fileobj, size, sender):
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent stops, then ends it
    batch = []
    try:
        for record in read(fileobj, size, None):
            batch.append(record)
            if len(batch) == BATCH:
                sender.send(("records", batch, fileobj.tell()))
                batch = []
        last = ("done", None, size)
    except TransferError as exc:
        last = ("problem", (exc.problem, exc.entry), 0)
    except BrokenPipeError:
        return  # the parent stopped reading
    except Exception as exc:  # noqa: BLE001 (told to the parent, which raises it)
        last = ("failed", f"{type(exc).__name__}: {exc}", 0)
    with contextlib.suppress(BrokenPipeError):
        sender.send(("records", batch, size))  # the records before the end, or the problem
        sender.send(last)
