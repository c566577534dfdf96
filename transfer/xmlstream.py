"""Read an export file as a stream of XML elements, safely.

The file is fed in chunks to the C ElementTree pull parser; each complete entry (``entry`` for
Atom, ``item`` for WordPress) is handed out and then dropped, so memory does not grow with the
bodies, and one entry may hold at most ``MAX_ENTRY_BYTES``. Before any of that the whole prolog,
however long, is read by a small expat parser that refuses a DOCTYPE (and therefore every
entity declaration, internal or external: XXE, "billion laughs"); after the root element's
start XML allows no DOCTYPE, so none can come later. The chunk reader also refuses bytes that
are not UTF-8 or that XML forbids, and reports progress.
"""

import codecs
import re
import sys
import time
import xml.etree.ElementTree as ET
from xml.parsers import expat

CHUNK = 1 << 16
# One entry's XML (a post with its HTML, a comment), counted to within a chunk: far above any
# real one (Blogger caps a post at about 1 MB), low enough that its tree and the sanitiser's
# work stay in memory.
MAX_ENTRY_BYTES = 10 * 1024 * 1024
MAX_TAG_NAMES = 10_000  # distinct tag names remembered (a real export has a few dozen)
# Elements whose text names the entry they are in (Atom id, WXR guid and wp:post_id).
ID_TAG_ENDINGS = ("}id", "}post_id", "}comment_id", "guid", "}author_login")
# Control characters XML 1.0 forbids (tab, newline and carriage return are allowed).
FORBIDDEN = bytes(range(0x00, 0x09)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20))
# Each forbidden byte turned into NUL (itself forbidden), every other byte kept: one translate
# and one find look through a chunk four times faster than a regular expression.
_FORBIDDEN_TO_NUL = bytes.maketrans(FORBIDDEN, b"\0" * len(FORBIDDEN))


class TransferError(Exception):
    """A problem with the file or its content; ``entry`` names the entry where there is one."""

    def __init__(self, problem, entry=None):
        self.problem, self.entry = problem, entry
        super().__init__(f"{problem} (entry {entry})" if entry else problem)


def sniff(head):
    """Say what a file that is not XML looks like, from its first bytes, or return None."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        return "the file is empty"
    if head.startswith(b"PK\x03\x04"):
        return (
            "this is a zip archive, not an export: unpack it (a Takeout archive holds "
            "Blogger/Blogs/<name>/feed.atom) and give the .xml or .atom file"
        )
    if head.startswith(b"\x1f\x8b"):
        return "this is a gzip-compressed file: decompress it first"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "the file is UTF-16, not UTF-8 (Blogger exports are UTF-8)"
    lower = stripped[:512].lower()
    if lower.startswith((b"<!doctype html", b"<html")) or b"<html" in lower[:200]:
        return "this is an HTML page, not an export (save the export file, not the page)"
    if lower.startswith((b"{", b"[")):
        return "this looks like JSON, not an XML export"
    if not stripped.startswith(b"<"):
        return "this is not XML (it does not start with '<')"
    return None


class _StopProlog(Exception):
    pass


def check_prolog(fileobj):
    """Read ``fileobj`` up to the root element's start, refusing a DOCTYPE (with its entity
    declarations) however far in it comes; return the root element's tag as ElementTree writes
    it (``{uri}name``), or None if the file ends first. Leaves the file where it was."""
    found = []

    def doctype(*args):
        raise TransferError(
            "the file has a DOCTYPE declaration; exports never do, and it is refused "
            "because DTDs and entities can read local files or explode in memory"
        )

    def start(name, attrs):
        uri, _, local = name.rpartition(" ")
        found.append(f"{{{uri}}}{local}" if uri else local)
        raise _StopProlog

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = lambda *a: doctype()
    parser.StartElementHandler = start
    position = fileobj.tell()
    try:
        while data := fileobj.read(CHUNK):
            parser.Parse(data, False)
    except _StopProlog:
        return found[0]
    except expat.ExpatError as exc:
        raise TransferError(_xml_problem(str(exc))) from None
    finally:
        fileobj.seek(position)
    return None


class Root:
    """The root element as the readers see it: only its tag (the tree is never kept)."""

    def __init__(self, tag):
        self.tag = tag


def _xml_problem(message):
    return f"the file is not well-formed XML ({message})"


class ChunkReader:
    """Read a binary file in chunks: check UTF-8 and forbidden bytes, report progress."""

    def __init__(self, fileobj, size, progress=None):
        self.fileobj, self.size, self.progress = fileobj, size, progress
        self.offset = 0
        self.decoder = codecs.getincrementaldecoder("utf-8")()

    def chunks(self):
        while True:
            data = self.fileobj.read(CHUNK)
            if not data:
                try:
                    self.decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    raise TransferError("the file ends inside a UTF-8 character") from None
                return
            bad = data.translate(_FORBIDDEN_TO_NUL).find(0)
            if bad >= 0:
                raise TransferError(
                    f"byte 0x{data[bad]:02x} at offset {self.offset + bad} is a "
                    "control character XML forbids"
                )
            try:
                self.decoder.decode(data)
            except UnicodeDecodeError as exc:
                raise TransferError(
                    f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} at offset "
                    f"{self.offset + exc.start})"
                ) from None
            self.offset += len(data)
            if self.progress:
                self.progress.update(self.offset, self.size)
            yield data


class Progress:
    """A one-line progress report on a terminal (standard error), at most a few times a second."""

    def __init__(self, stream=None, label="importing"):
        self.stream = stream or sys.stderr
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.label, self.last, self.counts = label, 0.0, ""

    def update(self, done, total):
        now = time.monotonic()
        if not self.enabled or now - self.last < 0.25:
            return
        self.last = now
        pct = 100 * done // total if total else 100
        bar = "#" * (pct // 4)
        self.stream.write(f"\r{self.label} [{bar:<25}] {pct:3d}% {self.counts}")
        self.stream.flush()

    def done(self):
        if self.enabled and self.last:
            self.stream.write("\n")
            self.stream.flush()


def iter_elements(fileobj, size, entry_tags, progress=None):
    """Yield ``("root", element)`` once, then each complete element whose tag is in
    ``entry_tags`` as ``("entry", element)``; also ``("ns", (prefix, uri))`` for namespaces.

    An entry is emptied once the consumer is done with it; its empty shell stays in the tree
    (a few dozen bytes each), so memory follows the number of entries, never their bodies.
    """
    what = sniff(fileobj.read(4096))
    if what:
        raise TransferError(what)
    fileobj.seek(0)
    root_tag = check_prolog(fileobj)
    is_entry = entry_tags if callable(entry_tags) else entry_tags.__contains__
    if root_tag is not None:
        yield "root", Root(root_tag)
    reader = ChunkReader(fileobj, size, progress)
    yield from _elements(reader, is_entry, root_tag is None, remember=not callable(entry_tags))


def iter_root_children(fileobj, size, entry_tag, progress=None):
    """What :func:`iter_elements` yields, for a format whose entries are all children of the
    root element (Atom's ``entry`` in ``feed``): the root's children whose tag is
    ``entry_tag``, each once complete; the root's other children are dropped unseen.

    Faster: the parser reports no element to Python, only the root's start and namespace
    declarations, and the entries are taken from the tree it builds after each chunk (every
    child of the root but the last is complete), then removed from it. A pull parser's event
    for each of an export's 1.2 million elements cost more than parsing the file.
    """
    what = sniff(fileobj.read(4096))
    if what:
        raise TransferError(what)
    fileobj.seek(0)
    root_tag = check_prolog(fileobj)
    if root_tag is not None:
        yield "root", Root(root_tag)
    reader = ChunkReader(fileobj, size, progress)
    yield from _children(reader, entry_tag, report_root=root_tag is None)


def _report_only_namespaces(parser):
    """From now on ``parser`` (an ``XMLPullParser``) queues only namespace declarations: the
    events it reports are chosen by ``XMLParser._setevents``, which ``XMLPullParser`` itself
    calls with the events it is given (both the C and the Python implementations, 3.11 to
    3.13). That is private: where a Python lacks it, the parser goes on reporting every start,
    which ``_children`` skips (slower, the same entries)."""
    setevents = getattr(getattr(parser, "_parser", None), "_setevents", None)
    if setevents is not None and hasattr(parser, "_events_queue"):
        setevents(parser._events_queue, ("start-ns",))


def _children(reader, entry_tag, report_root):
    parser = ET.XMLPullParser(events=("start", "start-ns"))
    root = None
    entries, entry_from, open_child = 0, 0, None  # the child being read: since where, which
    try:
        for data in reader.chunks():
            parser.feed(data)
            for event, elem in parser.read_events():
                if event == "start-ns":
                    yield "ns", elem
                elif root is None:  # the first start: the root's
                    root = elem
                    if report_root:
                        yield "root", elem
                    _report_only_namespaces(parser)  # (the starts already queued are skipped)
            if root is None:
                continue
            done = len(root) - 1  # the last child may be open still
            if done > 0:
                for child in root[:done]:
                    if child.tag == entry_tag:
                        yield "entry", child
                        entries += 1
                del root[:done]
            if len(root) and root[0] is not open_child:
                open_child, entry_from = root[0], reader.offset
            if open_child is not None and reader.offset - entry_from > MAX_ENTRY_BYTES:
                raise TransferError(
                    f"an entry holds more than {MAX_ENTRY_BYTES // 2**20} MB of XML, more than "
                    "any real export; it is refused so that the import fits in memory",
                    _entry_name(_latest_id(open_child), entries + 1, entry_from),
                )
        parser.close()
    except ET.ParseError as exc:
        raise _parse_error(exc) from None
    if root is None:
        raise TransferError("the file holds no XML element")
    for child in list(root):
        if child.tag == entry_tag:
            yield "entry", child
    root.clear()


def _latest_id(elem):
    """The text of the last element in ``elem`` that names an entry (its own id, or a
    comment's in it), as the element stream remembers it."""
    found = None
    for node in elem.iter():
        if node.text and node.tag.endswith(ID_TAG_ENDINGS):
            found = node.text
    return found


def _elements(reader, is_entry, find_root, remember):
    # Knowing the root's tag from the head, the parser need not report element starts: half
    # the events, and this loop is most of the reading time on a large export.
    parser = ET.XMLPullParser(
        events=("start", "end", "start-ns") if find_root else ("end", "start-ns")
    )
    seen_root = not find_root
    entries, entry_from, entry_id = 0, 0, None  # the entry being read: where, what
    # What each tag is, worked out once per tag name, not once per element: an entry (1), an
    # element naming one (2), anything else (0); only when ``is_entry`` is a set's (a callable
    # may answer differently for the same tag: WordPress's channel title).
    kinds = {}
    try:
        for data in reader.chunks():
            parser.feed(data)
            for event, elem in parser.read_events():
                if event != "end":
                    if event == "start-ns":
                        yield "ns", elem
                    elif not seen_root:
                        seen_root = True
                        yield "root", elem
                    continue
                tag = elem.tag
                kind = kinds.get(tag)
                if kind is None:
                    kind = 1 if is_entry(tag) else 2 if tag.endswith(ID_TAG_ENDINGS) else 0
                    if remember and len(kinds) < MAX_TAG_NAMES:
                        kinds[tag] = kind
                if kind == 1:
                    yield "entry", elem
                    elem.clear()
                    entries, entry_from, entry_id = entries + 1, reader.offset, None
                elif kind == 2 and elem.text:
                    entry_id = elem.text  # the latest id: the entry's own, or a comment's in it
            if reader.offset - entry_from > MAX_ENTRY_BYTES:
                raise TransferError(
                    f"an entry holds more than {MAX_ENTRY_BYTES // 2**20} MB of XML, more than "
                    "any real export; it is refused so that the import fits in memory",
                    _entry_name(entry_id, entries + 1, entry_from),
                )
        parser.close()
    except ET.ParseError as exc:
        raise _parse_error(exc) from None
    if not seen_root:
        raise TransferError("the file holds no XML element")


def _parse_error(exc):
    message = str(exc)
    if "no element found" in message or "unclosed token" in message:
        return TransferError(f"the file is truncated ({message})")
    if "undefined entity" in message:
        return TransferError(f"the file uses an undefined entity ({message})")
    return TransferError(_xml_problem(message))


def _entry_name(entry_id, number, offset):
    if entry_id:
        # a Blogger id ends in "post-<number>", as the other errors name entries
        return entry_id.strip().rpartition(".post-")[2][:200]
    return f"number {number} of the file, after byte {offset}"


VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*?(/?)>")
MAX_HTML_DEPTH = 300


def tame_html(html):
    """Return ``(html, warning)``: HTML nested deeper than the sanitiser handles quickly is
    reduced to its text (the sanitiser's time grows with the square of the depth)."""
    if not html or html.count("<") < MAX_HTML_DEPTH:
        return html, None
    depth = deepest = 0
    for match in TAG.finditer(html):
        if match.group(1):
            depth = max(depth - 1, 0)
        elif not match.group(3) and match.group(2).lower() not in VOID:
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_HTML_DEPTH:
                break
    if deepest <= MAX_HTML_DEPTH:
        return html, None
    text = TAG.sub("", html)
    return text, f"its HTML is nested more than {MAX_HTML_DEPTH} levels deep; kept as text"


def serialize_children(elem):
    """Serialize an element's content (Atom ``type="xhtml"``) without recursion."""
    out = [escape_text(elem.text or "")]
    stack = [(child, False) for child in reversed(list(elem))]
    while stack:
        node, closing = stack.pop()
        name = node.tag.rsplit("}", 1)[-1]
        if closing:
            out.append(f"</{name}>" + escape_text(node.tail or ""))
            continue
        attrs = "".join(
            f' {k.rsplit("}", 1)[-1]}="{escape_attr(v)}"' for k, v in node.attrib.items()
        )
        out.append(f"<{name}{attrs}>" + escape_text(node.text or ""))
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(list(node)))
    return "".join(out)


def escape_text(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text):
    return escape_text(text).replace('"', "&quot;")
