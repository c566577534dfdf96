"""Write a classic Blogger export with N posts and M threaded comments (for the benchmark).

    python bench/gen_blogger_export.py OUT.xml [--posts 10000] [--comments 100000]

About a third of the comments are replies (some to replies), a few replies come before their
parent in the file, as in real exports; bodies are a few hundred bytes of HTML.
"""

import argparse
import random
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape, quoteattr

KIND = "http://schemas.google.com/blogger/2008/kind#"
BLOG = "tag:blogger.com,1999:blog-42"
WORDS = [
    "patient",
    "ward",
    "round",
    "dose",
    "renal",
    "cardiac",
    "sepsis",
    "fluid",
    "airway",
    "audit",
    "consent",
    "rota",
    "ecg",
    "lactate",
    "antibiotic",
    "trainee",
    "handover",
    "bleep",
    "theatre",
    "clinic",
    "referral",
]


def para(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def post_entry(i, when, rng):
    slug = f"post-{i}-{rng.choice(WORDS)}"
    body = f"<p>{para(rng, 40)}</p><p><b>{para(rng, 5)}</b> <a href='https://example.org/{i}'>link</a></p>"
    labels = "".join(
        f"<category scheme='http://www.blogger.com/atom/ns#' term='{w}'/>"
        for w in rng.sample(WORDS, 2)
    )
    return (
        f"<entry><id>{BLOG}.post-{i}</id><published>{when.isoformat()}</published>"
        f"<updated>{when.isoformat()}</updated>"
        f"<category scheme='http://schemas.google.com/g/2005#kind' term='{KIND}post'/>{labels}"
        f"<title type='text'>Post {i}: {para(rng, 4)}</title>"
        f"<content type='html'>{escape(body)}</content>"
        f"<link rel='alternate' type='text/html' "
        f"href='https://bench.blogspot.com/{when:%Y/%m}/{slug}.html' title='x'/>"
        "<author><name>Bench Author</name><email>noreply@blogger.com</email></author></entry>\n"
    )


def comment_entry(cid, post, parent, when, rng):
    related = (
        f"<link rel='related' type='application/atom+xml' "
        f"href='https://www.blogger.com/feeds/42/{post}/comments/default/{parent}'/>"
        if parent
        else ""
    )
    body = f"{para(rng, 25)} <i>{para(rng, 3)}</i>"
    return (
        f"<entry><id>{BLOG}.post-{cid}</id><published>{when.isoformat()}</published>"
        f"<category scheme='http://schemas.google.com/g/2005#kind' term='{KIND}comment'/>"
        f"<title type='text'>c</title><content type='html'>{escape(body)}</content>{related}"
        f"<author><name>Reader {cid % 997}</name><uri>https://r{cid % 97}.example.net/</uri>"
        "<email>noreply@blogger.com</email></author>"
        f"<thr:in-reply-to ref={quoteattr(f'{BLOG}.post-{post}')} type='text/html'/></entry>\n"
    )


def generate(path, posts, comments, seed=1):
    rng = random.Random(seed)
    start = datetime(2010, 1, 1, tzinfo=UTC)
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            "<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns='http://www.w3.org/2005/Atom' "
            "xmlns:thr='http://purl.org/syndication/thread/1.0' "
            "xmlns:gd='http://schemas.google.com/g/2005'>\n"
            f"<id>{BLOG}</id><title type='text'>Bench</title>\n"
        )
        for i in range(1, posts + 1):
            out.write(post_entry(i, start + timedelta(hours=6 * i), rng))
        per_post = {}
        next_id = 10_000_000
        held = []  # replies written after their parent would be, to test reordering
        for n in range(comments):
            post = 1 + n % posts
            cid = next_id + n
            thread = per_post.setdefault(post, [])
            parent = rng.choice(thread) if thread and rng.random() < 0.35 else None
            thread.append(cid)
            entry = comment_entry(cid, post, parent, start + timedelta(minutes=n), rng)
            if parent is None and rng.random() < 0.02:
                held.append(entry)  # a top-level comment that appears late in the file
            else:
                out.write(entry)
        out.writelines(held)
        out.write("</feed>\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    args = parser.parse_args()
    generate(args.out, args.posts, args.comments)


if __name__ == "__main__":
    main()
