"""A large file is read in a child process: the same records, in order, the same errors, the
same import; a child is never left behind."""

import multiprocessing
import os
import threading

import pytest
from django.core.management import load_command_class
from django.core.management.base import CommandError

from transfer import readahead
from transfer.tests.conftest import CLASSIC, TAKEOUT, WXR, real, run, snapshot
from transfer.tests.test_real_files import IMPORTED
from transfer.tests.test_real_wordpress import counts
from transfer.xmlstream import TransferError


@pytest.fixture(autouse=True)
def forkable(monkeypatch):
    """Forking allowed although the test run has threads of its own (the live server's)."""
    monkeypatch.setattr(readahead, "can_fork", lambda: True)


def numbered(n, then=None):
    """A reader of ``n`` records (the reading process's id, a number), then ``then`` raised."""

    def read(fileobj, size, progress):
        for i in range(n):
            yield os.getpid(), i
        if then is not None:
            raise then

    return read


def read_all(read, **options):
    with open(os.devnull, "rb") as fileobj:
        return list(readahead.records(read, fileobj, 0, min_file_bytes=0, **options))


def test_records_come_from_a_child_in_order_across_batches():
    got = read_all(numbered(2 * readahead.BATCH + 7))
    assert [i for _, i in got] == list(range(2 * readahead.BATCH + 7))
    pids = {pid for pid, _ in got}
    assert len(pids) == 1 and os.getpid() not in pids
    assert not multiprocessing.active_children()


@pytest.mark.parametrize(
    "command, fixture",
    [("import_blogger", CLASSIC), ("import_blogger", TAKEOUT), ("import_wordpress", WXR)],
)
def test_the_child_s_records_equal_the_ones_read_here(command, fixture):
    read = load_command_class("transfer", command).read
    size = fixture.stat().st_size
    with open(fixture, "rb") as here, open(fixture, "rb") as there:
        mine = list(read(here, size, None))
        theirs = list(readahead.records(read, there, size, min_file_bytes=0))
    assert len(mine) > 5 and theirs == mine


def test_a_small_file_is_read_in_this_process():
    with open(os.devnull, "rb") as fileobj:
        got = list(readahead.records(numbered(3), fileobj, 100, min_file_bytes=101))
    assert got == [(os.getpid(), 0), (os.getpid(), 1), (os.getpid(), 2)]


def test_with_other_threads_running_the_file_is_read_in_this_process(monkeypatch):
    monkeypatch.undo()  # the real check
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not readahead.can_fork()
        assert {pid for pid, _ in read_all(numbered(3))} == {os.getpid()}
    finally:
        stop.set()
        other.join()


def test_a_problem_in_the_file_comes_after_the_records_before_it():
    got = []
    with pytest.raises(TransferError) as caught, open(os.devnull, "rb") as fileobj:
        for record in readahead.records(
            numbered(600, TransferError("duplicate id", "42")), fileobj, 0, min_file_bytes=0
        ):
            got.append(record)
    assert len(got) == 600
    assert (caught.value.problem, caught.value.entry) == ("duplicate id", "42")
    assert str(caught.value) == "duplicate id (entry 42)"
    assert not multiprocessing.active_children()


def test_another_error_in_the_child_is_raised_with_its_message():
    with pytest.raises(RuntimeError, match="reading the file failed: ValueError: odd"):
        read_all(numbered(3, ValueError("odd")))


def test_a_parent_that_stops_early_ends_the_child():
    with open(os.devnull, "rb") as fileobj:
        stream = readahead.records(numbered(100_000), fileobj, 0, min_file_bytes=0)
        assert next(stream)[1] == 0
        stream.close()
    assert not multiprocessing.active_children()


@pytest.fixture
def always_ahead(monkeypatch):
    """Every file counts as large; the contexts the children were started from."""
    monkeypatch.setattr(readahead, "MIN_FILE_BYTES", 0)
    started, get_context = [], multiprocessing.get_context

    def spy(method):
        started.append(method)
        return get_context(method)

    monkeypatch.setattr(readahead.multiprocessing, "get_context", spy)
    return started


@pytest.mark.django_db
def test_a_real_export_read_ahead_imports_as_in_one_process(always_ahead):
    name = "blogger-wgdd-www.xml"
    run("import_blogger", real(name))
    assert tuple(counts().values()) == IMPORTED[name]
    assert always_ahead == ["fork"]


@pytest.mark.django_db
def test_a_real_wordpress_export_read_ahead_imports_as_in_one_process(always_ahead):
    out, err = run("import_wordpress", real("wxr-wpimporter-theme-unit-test-data.xml"))
    assert "imported 58 posts (2 drafts, 1 scheduled), 21 pages" in out
    assert "password-protected" in err  # the reader's warnings come through
    assert counts()["comments"] == 33 and counts()["replies"] == 10
    assert always_ahead == ["fork"]


@pytest.mark.django_db
def test_a_bad_file_read_ahead_is_refused_and_saves_nothing(always_ahead, write):
    text = real("blogger-wgdd-www.xml").read_text(encoding="utf-8")
    path = write(text[: len(text) // 2])
    before = snapshot()
    with pytest.raises(CommandError, match="truncated"):
        run("import_blogger", path)
    assert always_ahead == ["fork"]
    assert snapshot() == before
    assert not multiprocessing.active_children()


@pytest.mark.django_db
def test_an_error_the_importer_finds_ends_the_child_and_saves_nothing(
    always_ahead, classic_xml, write
):
    start = classic_xml.rindex("<entry>", 0, classic_xml.index("#post"))
    end = classic_xml.index("</entry>", start) + len("</entry>")
    twice = classic_xml[:end] + classic_xml[start:end] + classic_xml[end:]
    before = snapshot()
    with pytest.raises(CommandError, match="duplicate id"):
        run("import_blogger", write(twice))
    assert always_ahead == ["fork"]
    assert snapshot() == before
    assert not multiprocessing.active_children()
