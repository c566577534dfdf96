import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from comments.models import Comment
from posts.models import Post
from transfer.tests.conftest import CLASSIC, WXR, run, snapshot

pytestmark = pytest.mark.django_db

HEAD = CLASSIC.read_text(encoding="utf-8")
XXE = HEAD.replace(
    "<feed ",
    '<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<feed ',
).replace("Rate, rhythm", "&xxe; Rate")
LAUGHS = HEAD.replace(
    "<feed ",
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n<feed ',
).replace("<title type='text'>Ward Rounds", "<title type='text'>&lol3; Ward Rounds")


def comment(cid, post="1001", parent=None):
    related = (
        f"<link rel='related' href='https://www.blogger.com/feeds/1/1001/comments/default/{parent}'/>"
        if parent
        else ""
    )
    return (
        f"<entry><id>tag:blogger.com,1999:blog-7712345.post-{cid}</id>"
        "<published>2014-04-01T09:15:00.000-07:00</published>"
        "<category scheme='http://schemas.google.com/g/2005#kind' "
        "term='http://schemas.google.com/blogger/2008/kind#comment'/>"
        f"<content type='html'>c{cid}</content>{related}"
        f"<thr:in-reply-to ref='tag:blogger.com,1999:blog-7712345.post-{post}'/></entry>"
    )


def add(*entries):
    return HEAD.replace("</feed>", "".join(entries) + "</feed>")


def zipped(tmp):
    buffer = tmp / "takeout.zip"
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Takeout/Blogger/Blogs/x/feed.atom", HEAD)
    return buffer.read_bytes()


BAD = {
    "xxe": (XXE, "DOCTYPE declaration"),
    "billion laughs": (LAUGHS, "DOCTYPE declaration"),
    "truncated": (HEAD[: len(HEAD) // 2], "truncated"),
    "empty": ("", "the file is empty"),
    "blank": ("  \n\n", "the file is empty"),
    "wordpress": (WXR.read_text(encoding="utf-8"), "WordPress"),
    "html": ("<!DOCTYPE html><html><body>Blog</body></html>", "HTML page"),
    "not xml": ("hello, world", "not XML"),
    "other xml": (
        "<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>",
        "root is <svg>",
    ),
    "public feed": (
        "<feed xmlns='http://www.w3.org/2005/Atom'><entry><id>x</id></entry></feed>",
        "not a Blogger export",
    ),
    "missing post": (
        add(comment("9001", post="4242")),
        "post 4242 is not in the file (entry 9001)",
    ),
    "missing parent": (
        add(comment("9001", parent="777")),
        "parent comment 777 is not in the file (entry 9001)",
    ),
    "cycle": (
        add(
            comment("9001", parent="9002"),
            comment("9002", parent="9003"),
            comment("9003", parent="9001"),
        ),
        "reply cycle",
    ),
    "self reply": (
        add(comment("9001", parent="9001")),
        "reply cycle: the comment answers itself (entry 9001)",
    ),
    "duplicate comment": (add(comment("9001"), comment("9001")), "duplicate id"),
    "duplicate post": (
        HEAD.replace("blog-7712345.post-1002<", "blog-7712345.post-1001<"),
        "duplicate id: the file holds this entry twice (entry 1001)",
    ),
    "other post's parent": (
        add(comment("9001", post="1002", parent="5001")),
        "parent comment is on another post (entry 9001)",
    ),
    "bad date": (
        HEAD.replace("2015-07-09T14:05:00.000+02:00", "yesterday"),
        "bad date 'yesterday' (entry 1002)",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_file_is_refused_with_one_line_and_nothing_saved(case, write):
    text, message = BAD[case]
    before = snapshot()
    with pytest.raises(CommandError) as info:
        run("import_blogger", write(text))
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    assert snapshot() == before


@pytest.mark.parametrize(
    "data, message",
    [
        (
            HEAD.encode("utf-8").replace("Säugling".encode(), "S\xe4ugling".encode("latin-1")),
            "not UTF-8",
        ),
        (HEAD.encode("utf-8").replace(b"Sleep.", b"Sle\x01ep."), "control character XML forbids"),
        (HEAD.encode("utf-16"), "UTF-16"),
        (b"\x1f\x8b\x08\x00rest", "gzip"),
    ],
)
def test_bad_bytes_are_refused(data, message, write):
    with pytest.raises(CommandError, match=message):
        run("import_blogger", write(data))
    assert not Post.objects.exists()


def test_zip_archive_is_refused_saying_what_to_do(write, tmp_path):
    with pytest.raises(CommandError, match="zip archive.*feed.atom"):
        run("import_blogger", write(zipped(tmp_path), "takeout.zip"))


def test_dry_run_refuses_bad_files_too(write):
    with pytest.raises(CommandError, match="truncated"):
        run("import_blogger", write(HEAD[:5000]), dry_run=True)


def test_missing_file():
    with pytest.raises(CommandError, match="cannot read"):
        run("import_blogger", "/nonexistent/blog.xml")


def test_blogger_file_given_to_import_wordpress_is_refused():
    with pytest.raises(CommandError, match="Atom feed .*use import_blogger"):
        run("import_wordpress", CLASSIC)


def test_huge_title_and_deep_nesting_import_cleanly_with_warnings(write):
    deep = "&lt;div&gt;" * 100_000 + "deep text" + "&lt;/div&gt;" * 100_000
    text = HEAD.replace("Sleep.", deep.replace("&lt;", "&amp;lt;").replace("&gt;", "&amp;gt;"))
    text = HEAD.replace("&lt;p&gt;Sleep.&lt;/p&gt;", deep)
    text = text.replace("Draft: heart sounds", "T" * 2_000_000)
    _, err = run("import_blogger", write(text))
    assert "title of 2000000 characters cut to 300 (entry 1003)" in err
    assert "nested more than 300 levels deep; kept as text (entry 1004)" in err
    assert len(Post.objects.get(import_id="blogger:1003").title) == 300
    assert "deep text" in Post.objects.get(import_id="blogger:1004").body_html


def test_deep_xml_nesting_in_xhtml_content(write):
    deep = (
        "<div xmlns='http://www.w3.org/1999/xhtml'>"
        + "<b>" * 100_000
        + "x"
        + "</b>" * 100_000
        + "</div>"
    )
    text = HEAD.replace(
        "<content type='html'>&lt;p&gt;Sleep.&lt;/p&gt;</content>",
        f"<content type='xhtml'>{deep}</content>",
    )
    _, err = run("import_blogger", write(text))
    assert "kept as text (entry 1004)" in err
    assert Comment.objects.count() == 6


def test_command_line_error_is_one_line_on_stderr_and_exit_status_1(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text(XXE, encoding="utf-8")
    db = tmp_path / "cli.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{db}", "PATH": "/usr/bin:/bin"}
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    subprocess.run([sys.executable, manage, "migrate", "-v0"], env=env, check=True)
    result = subprocess.run(
        [sys.executable, manage, "import_blogger", bad], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the file has a DOCTYPE declaration")
    assert "Traceback" not in result.stderr
