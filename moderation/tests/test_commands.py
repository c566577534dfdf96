import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from comments.models import Comment, NotificationAddress
from moderation import operations
from moderation.models import BlockRule, Decision, FilterTotals, TokenCount
from moderation.tests.helpers import make_moderator, submit
from posts.tests.factories import make_post


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_jsonl(tmp_path, rows, name="in.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


ADVERT = "Read our FREE guide to passing medical exams, the best tips for every student online"
ROWS = [
    {"text": "Thanks, this helped me plan my teaching next week.", "author": "Ann",
     "email": "ann@example.org", "url": "", "label": "ham"},
    {"text": ADVERT, "author": "Promo", "email": "", "url": "", "label": "spam"},
    {"text": "Hello! " + ADVERT + " today only", "author": "Promo 2", "email": "", "url": "",
     "label": "spam"},
    {"text": "see http://a.example/ http://b.example/ http://c.example/", "author": "x",
     "email": "", "url": "", "post_age_days": 3},
]  # fmt: skip


def test_classify_comments_prints_exactly_one_object_per_line_and_a_summary(db, tmp_path):
    out, err = run("classify_comments", write_jsonl(tmp_path, ROWS))
    lines = out.splitlines()
    assert len(lines) == len(ROWS) + 1
    verdicts = [json.loads(line) for line in lines[:-1]]
    for v in verdicts:
        assert list(v) == ["action", "score", "reasons"]
        assert v["action"] in ("approve", "hold", "spam")
        assert 0 <= v["score"] <= 1 and isinstance(v["reasons"], list)
    assert verdicts[0] == {"action": "approve", "score": verdicts[0]["score"], "reasons": []}
    assert "near-duplicate of line 2 (100% contained)" in verdicts[2]["reasons"]
    assert "3 links (limit 2)" in verdicts[3]["reasons"]
    summary = json.loads(lines[-1])
    assert list(summary) == ["summary", "spam_caught", "ham_marked_spam", "ham_held", "n"]
    assert summary == {"summary": True, "spam_caught": 1.0, "ham_marked_spam": 0.0,
                       "ham_held": 0.0, "n": 4}  # fmt: skip
    assert err.count("\n") == 1 and err.startswith("classify_comments: 4 comments")
    assert not Comment.objects.exists() and not Decision.objects.exists()


def test_classify_comments_without_labels_has_no_summary(db, tmp_path):
    rows = [{k: v for k, v in r.items() if k != "label"} for r in ROWS]
    out, _ = run("classify_comments", write_jsonl(tmp_path, rows))
    assert len(out.splitlines()) == len(rows)
    assert "summary" not in out


def test_classify_comments_sees_the_sites_state(db, tmp_path):
    post = make_post()
    earlier = submit(post, body=ADVERT)
    BlockRule.objects.create(kind="email", value="bad@example.com")
    rows = [{"text": ADVERT, "author": "a", "email": "", "url": ""},
            {"text": "Hi there", "author": "b", "email": "bad@example.com", "url": ""}]  # fmt: skip
    out, _ = run("classify_comments", write_jsonl(tmp_path, rows))
    first, second = map(json.loads, out.splitlines())
    assert f"near-duplicate of comment {earlier.pk} (100% contained)" in first["reasons"]
    assert second["action"] == "spam" and "blocked email bad@example.com" in second["reasons"]
    assert BlockRule.objects.get().hits == 0  # nothing saved


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "ok"}\n{not json\n', "line 2: not valid JSON"),
        ('["a list"]\n', "line 1: expected a JSON object"),
        ('{"text": 5}\n', "'text' must be a string"),
        ('{"text": "x", "label": "maybe"}\n', "label must be 'spam' or 'ham'"),
    ],
)
def test_classify_comments_refuses_bad_input(db, tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError, match=message):
        call_command("classify_comments", str(path), stdout=out)
    assert out.getvalue() == ""


def test_classify_comments_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("classify_comments", str(tmp_path / "nope.jsonl"))


def test_train_spam_filter_from_a_file_and_from_history(db, tmp_path):
    moderator = make_moderator()
    rows = [{"text": f"zorblax quimbly offer {n}", "author": "z", "email": "", "url": "",
             "label": "spam"} for n in range(5)]  # fmt: skip
    out, _ = run("train_spam_filter", write_jsonl(tmp_path, rows))
    assert "5 from the file" in out
    assert TokenCount.objects.get(token="zorblax").spam == 5
    starter = FilterTotals.objects.get().nspam - 5

    comment = submit(body="A remark on flumbering gizmos and their maintenance")
    operations.moderate([comment], "spam", moderator)
    out, _ = run("train_spam_filter", "--from-history")
    assert "1 from history" in out
    totals = FilterTotals.objects.get()
    assert totals.nspam == starter + 1
    assert not TokenCount.objects.filter(token="zorblax").exists()
    assert TokenCount.objects.get(token="flumbering").spam == 1
    operations.moderate([comment], "pending", moderator)  # undo after a retrain still balances
    assert not TokenCount.objects.filter(token="flumbering").exists()
    assert FilterTotals.objects.get().nspam == starter


def test_history_training_ignores_what_commenters_did_themselves(db):
    """A registered reader's own comment is recorded with them as actor: not a decision."""
    from comments.models import Comment as C
    from posts.tests.factories import make_user

    reader = make_user("reader")
    post = make_post()
    comment = C.objects.create(post=post, name="r", body="zorblaxian pills for everyone")
    Decision.objects.create(
        comment=comment, label="x", actor=reader, from_status="", to_status="approved"
    )
    out, _ = run("train_spam_filter", "--from-history")
    assert "0 from history" in out
    assert not TokenCount.objects.filter(token="zorblaxian").exists()


def test_rescore_moves_held_comments_the_filter_now_calls_spam(db):
    moderator = make_moderator()
    post = make_post()
    # With a link: word statistics alone never mark a short link-free comment spam.
    held = Comment.objects.create(
        post=post,
        name="x",
        status="pending",
        body="zorblax quimbly flimflam deals http://zorblax.example",
    )
    teach = [Comment.objects.create(post=make_post(), name="y", status="pending",
                                    body=f"zorblax quimbly flimflam bargains {n} http://z.example")
             for n in range(8)]  # fmt: skip
    operations.moderate(teach, "spam", moderator)
    out, _ = run("rescore_comments")
    held.refresh_from_db()
    assert held.status == "spam", held.reasons
    assert held.decisions.first().reason.startswith("rescored:")
    assert "Rescored 1 pending comments: 1 to spam" in out


def test_purge_spam_keeps_spam_with_replies_and_recent_spam(db):
    post = make_post()
    old = timezone.now() - timedelta(days=40)
    lone = Comment.objects.create(post=post, name="s", body="spam", status="spam", created_at=old)
    parent = Comment.objects.create(post=post, name="s", body="spam", status="spam", created_at=old)
    reply = Comment.objects.create(post=post, parent=parent, name="r", body="reply")
    recent = Comment.objects.create(post=post, name="s", body="spam", status="spam")
    out, _ = run("purge_spam", "--dry-run")
    assert "Would delete 1 spam comments older than 30 days; 1 kept" in out
    assert Comment.objects.count() == 4
    out, _ = run("purge_spam")
    assert "Deleted 1 spam" in out
    assert set(Comment.objects.values_list("pk", flat=True)) == {parent.pk, reply.pk, recent.pk}
    assert not Comment.objects.filter(pk=lone.pk).exists()
    run("purge_spam", "--older-than", "0")
    assert not Comment.objects.filter(pk=recent.pk).exists()


def test_erase_commenter(db):
    post = make_post()
    NotificationAddress.objects.create(email="ada@example.org")
    mine = [
        submit(post, body="First remark of mine.", name="Ada Byron", email="Ada@Example.org",
               url="https://ada.example/", ip_address="192.0.2.1", user_agent="Firefox"),
        submit(post, body="Another, later remark.", name="Ada Byron", email="ada@example.org"),
    ]  # fmt: skip
    other = submit(post, body="Not hers.", name="Bob", email="bob@example.org")
    out, _ = run("erase_commenter", "ada@example.org", "--dry-run")
    assert "Would erase the personal data of 2 comments" in out
    run("erase_commenter", "ada@example.org")
    for c in mine:
        c.refresh_from_db()
        assert (c.name, c.email, c.url, c.ip_address, c.user_agent, c.status) == (
            "[erased]",
            "",
            "",
            None,
            "",
            "removed",
        )
        assert c.decisions.first().to_status == "removed"
    other.refresh_from_db()
    assert other.email == "bob@example.org" and other.status == "approved"
    assert not NotificationAddress.objects.exists()


def test_classify_accepts_lines_with_only_text(db, tmp_path):
    out, _ = run("classify_comments", write_jsonl(tmp_path, [{"text": "Thanks, a useful post."}]))
    verdict = json.loads(out)
    assert verdict["action"] in ("approve", "hold", "spam")


def test_classify_names_the_latest_of_equal_earlier_lines(db, tmp_path):
    rows = [{"text": ADVERT} for _ in range(12)]
    out, _ = run("classify_comments", write_jsonl(tmp_path, rows))
    last = json.loads(out.splitlines()[11])
    assert any("line 11" in reason for reason in last["reasons"]), last


def test_erase_commenter_scrubs_the_ip_from_reasons(db):
    BlockRule.objects.create(kind="ip", value="198.51.100.9/32", action="hold")
    comment = submit(email="eve@example.org", ip_address="198.51.100.9")
    assert any("198.51.100.9" in r for r in comment.reasons)
    run("erase_commenter", "eve@example.org")
    comment.refresh_from_db()
    assert not any("198.51.100.9" in r for r in comment.reasons)
    assert not Decision.objects.filter(reason__contains="198.51.100.9").exists()
