"""Pathological Markdown: render and post time against ordinary prose of the same length.

    python bench/markdown_worst.py [--quick]

Each input is built to exactly the size measured: 10,000 characters (the comment form's
maximum) for the comment renderer and the staff renderer, and 100,000 characters (a long post)
for the staff renderer. "render" is ``posts.markup`` alone, the best of several runs (the
machine is shared, so the minimum is the steadiest figure); "post" is the whole posting path
without HTTP (``operations.add_comment``: render, judge, save, record) on a migrated SQLite
file. Each ratio is over ordinary prose of the same size; the goal is at most 5x.
Writes bench/results/markdown_worst.json, naming the worst input.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import setup_django, write_result  # noqa: E402

GOAL = 5.0
WORDS = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "a",
    "lazy",
    "dog",
    "while",
    "some",
    "readers",
    "comment",
    "on",
    "posts",
    "about",
    "gardens",
    "trains",
    "and",
    "the",
    "weather",
    "in",
    "spring",
]


def prose(n):
    rnd, out, size = random.Random(1), [], 0
    while size < n:
        sentence = " ".join(rnd.choice(WORDS) for _ in range(12)).capitalize() + ". "
        out.append(sentence + ("\n\n" if rnd.random() < 0.15 else ""))
        size += len(out[-1])
    return "".join(out)[:n]


def markdown_prose(n):
    """Ordinary Markdown a commenter writes: prose with a link, emphasis and code here and
    there, a list and a quote."""
    rnd, out, size = random.Random(2), [], 0
    extras = [
        " See [the docs](https://example.com/docs).",
        " That is *really* nice.",
        " Use `make test` first.",
        "\n\n- one point\n- another point\n\n",
        "\n\n> quoted words from above\n\n",
        " **Bold** claim.",
    ]
    while size < n:
        part = " ".join(rnd.choice(WORDS) for _ in range(12)).capitalize() + "."
        if rnd.random() < 0.3:
            part += rnd.choice(extras)
        out.append(part + ("\n\n" if rnd.random() < 0.15 else " "))
        size += len(out[-1])
    return "".join(out)[:n]


def rep(unit, n):
    return (unit * (n // len(unit) + 1))[:n]


def lines(make, n):
    out, i, size = [], 0, 0
    while size < n:
        out.append(make(i))
        size += len(out[-1])
        i += 1
    return "".join(out)[:n]


CASES = {
    "[ run": lambda n: rep("[", n),
    "[]( run": lambda n: rep("[](", n),
    "[a]( run": lambda n: rep("[a](", n),
    "[[] run": lambda n: rep("[[]", n),
    "![ run": lambda n: rep("![", n),
    "[^ run": lambda n: rep("[^", n),
    "*[ mix": lambda n: rep("*[", n),
    "[* mix": lambda n: rep("[*", n),
    "<![ mix": lambda n: rep("<![CDATA[", n),
    "nested [[[…]]]": lambda n: "[" * (n // 2) + "]" * (n - n // 2),
    "[a] run": lambda n: rep("[a]", n),
    "[a](b) links": lambda n: rep("[a](b) ", n),
    '[a](b "( titles': lambda n: rep('[a](b "(") ', n),
    "* run": lambda n: rep("*", n),
    "*a emphasis": lambda n: rep("*a", n),
    "**a strong": lambda n: rep("**a", n),
    "_a emphasis": lambda n: rep("_a", n),
    "nested *_*_": lambda n: rep("*_", n // 2) + rep("_*", n - n // 2),
    "< run": lambda n: rep("<", n),
    "<a run": lambda n: rep("<a", n),
    "<http run": lambda n: rep("<http://", n),
    "<div run": lambda n: rep("<div>", n),
    "<!-- run": lambda n: rep("<!--", n),
    "` run": lambda n: rep("`", n),
    "`a code spans": lambda n: rep("`a", n),
    "growing ``` runs": lambda n: lines(lambda i: "`" * (i + 1) + "a", n),
    "\\ run": lambda n: rep("\\", n),
    "& run": lambda n: rep("&", n),
    "&a run": lambda n: rep("&a", n),
    "> nested quotes": lambda n: rep(">", n),
    "> > nested quotes": lambda n: rep("> ", n),
    "- > quote in list": lambda n: "- " + rep(">", n - 2),
    ">\\n quote lines": lambda n: rep(">\n", n),
    "nested lists": lambda n: lines(lambda i: "  " * i + "- x\n", n),
    "- a list items": lambda n: rep("- a\n", n),
    "a\\n\\n paragraphs": lambda n: rep("a\n\n", n),
    "[a]\\n\\n paragraphs": lambda n: rep("[a]\n\n", n),
    "a  \\n line breaks": lambda n: rep("a  \n", n),
    "reference definitions": lambda n: lines(lambda i: f"[r{i}]: http://e.com/{i}\n", n),
    "abbreviations": lambda n: lines(lambda i: f"*[A{i}]: x\n", n),
    "footnotes": lambda n: lines(lambda i: f"x[^{i}]\n\n[^{i}]: y\n", n),
    "| table": lambda n: "a|b\n-|-\n" + rep("|", n - 8),
}


def best_ms(fn, text, repeat):
    """Best and median CPU time of this process (steadier than wall time on a shared
    machine; SQLite runs in-process, so posting is counted whole)."""
    fn(text)  # warm: regexes compiled, caches filled
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn(text)
        times.append((time.process_time() - start) * 1000)
    return round(min(times), 2), round(statistics.median(times), 2)


def render_table(renderer, size, repeat, names):
    base = {name: best_ms(renderer, make(size), repeat) for name, make in BASELINES.items()}
    prose_ms = base["prose"][0]
    rows = {name: {"best_ms": b, "median_ms": m, "ratio": round(b / prose_ms, 2)}
            for name, (b, m) in base.items()}  # fmt: skip
    for name in names:
        best, median = best_ms(renderer, CASES[name](size), repeat)
        rows[name] = {"best_ms": best, "median_ms": median, "ratio": round(best / prose_ms, 2)}
        print(f"  {name:26} {best:9.2f} ms  {rows[name]['ratio']:6.2f}x", flush=True)
    return rows


def post_table(size, repeat, names):
    """The posting path (render, judge, save, record) at ``size``, prose against each."""
    from django.contrib.auth import get_user_model

    from comments import operations
    from comments.models import Comment
    from posts.models import Post

    author = get_user_model().objects.create_user("bench-author")
    post = Post.objects.create(title="Bench", body="Body.", author=author, status="published")

    def posting(text):
        comment = Comment(post=post, name="Visitor", email="v@example.com", body=text)
        operations.add_comment(comment)

    texts = {"prose": prose(size), **{name: CASES[name](size) for name in names}}
    prose_ms = best_ms(posting, texts["prose"], repeat)[0]
    rows = {}
    for name, text in texts.items():
        best, median = best_ms(posting, text, repeat)
        rows[name] = {"best_ms": best, "median_ms": median, "ratio": round(best / prose_ms, 2)}
        print(f"  {name:26} {best:9.2f} ms  {rows[name]['ratio']:6.2f}x", flush=True)
    return rows


BASELINES = {"prose": prose, "markdown prose": markdown_prose}

HTML_CASES = {
    "nested <div>": lambda n: rep("<div>", n),
    "nested <b><i>": lambda n: rep("<b><i>", n),
    "< run": lambda n: rep("<", n),
    "& run": lambda n: rep("&", n),
    "<a run": lambda n: rep("<a", n),
    "<table> rows": lambda n: rep("<table><tr><td>", n),
    "unclosed attributes": lambda n: rep("<p title='", n),
}


def html_table(size, repeat):
    """Imported HTML (``clean_html``), against ordinary HTML: the Markdown prose rendered."""
    from posts.markup import clean_html, render_markdown

    base = render_markdown(markdown_prose(size * 2))[:size]
    prose_ms = best_ms(clean_html, base, repeat)[0]
    rows = {"prose": {"best_ms": prose_ms, "ratio": 1.0}}
    for name, make in HTML_CASES.items():
        best, median = best_ms(clean_html, make(size), repeat)
        rows[name] = {"best_ms": best, "median_ms": median, "ratio": round(best / prose_ms, 2)}
        print(f"  {name:26} {best:9.2f} ms  {rows[name]['ratio']:6.2f}x", flush=True)
    return rows


def worst(rows):
    name = max((n for n in rows if n not in BASELINES), key=lambda n: rows[n]["ratio"])
    return {"input": name, **rows[name]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, no 100,000 size")
    args = parser.parse_args()
    setup_django(COMMENT_RATE_LIMIT="0")
    from posts.markup import render_comment_markdown, render_markdown

    repeat = 3 if args.quick else 7
    names = list(CASES)
    results = {"goal": f"each input at most {GOAL:g}x ordinary prose of the same size"}
    tables = [
        ("comment renderer, 10,000 characters", render_comment_markdown, 10_000, repeat),
        ("staff renderer, 10,000 characters", render_markdown, 10_000, repeat),
    ]
    if not args.quick:
        tables.append(("staff renderer, 100,000 characters", render_markdown, 100_000, 3))
    for title, renderer, size, runs in tables:
        print(f"{title} (best of {runs}, ratio over prose):", flush=True)
        rows = render_table(renderer, size, runs, names)
        results[title] = {"worst": worst(rows), "inputs": rows}
    for size in (10_000, 100_000):
        title = f"imported HTML, {size:,} characters"
        print(f"{title} (best of {repeat}, ratio over ordinary HTML):", flush=True)
        rows = html_table(size, repeat)
        results[title] = {"worst": worst(rows), "inputs": rows}
    print("posting a comment, 10,000 characters:", flush=True)
    rows = post_table(10_000, repeat, names)
    results["posting a comment, 10,000 characters"] = {"worst": worst(rows), "inputs": rows}
    tables_out = {title: table for title, table in results.items() if isinstance(table, dict)}
    summary = {
        title: f"{t['worst']['input']}: {t['worst']['ratio']}x" for title, t in tables_out.items()
    }
    results["worst"] = summary
    results["within_goal"] = all(t["worst"]["ratio"] <= GOAL for t in tables_out.values())
    print("worst inputs:", summary)
    write_result("markdown_worst", results)


if __name__ == "__main__":
    main()
