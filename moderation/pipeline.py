"""The verdict on a comment: block rules, policy, near-duplicates, the Bayes filter.

``Judge`` runs the layers cheapest first over plain values (a ``Submission``), so the same
code judges a comment being saved (``evaluate``) and the lines of ``classify_comments``, which
loads everything once and keeps the lines it has judged in memory. ``bench/spam_filter.py``
cross-validates this same ``Judge`` (with the policy's defaults and in-memory counts).
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from blogsite.clientip import protected_overlap
from comments.models import Comment
from comments.moderator import Verdict

from . import bayes, duplicates, textfeatures, trust
from .models import BlockRule, CommentSignature, Policy
from .store import DbCounts

logger = logging.getLogger(__name__)

# Near-duplicates are looked for among the comments received last (by id, not by the date
# written: an import brings old comments that are new to the site).
RECENT_COMMENTS = 500
SEVERITY = {"approve": 0, "hold": 1, "spam": 2}
FILTER_ERROR = "filter error"

_SHAPES = {
    "shape:caps-most": "mostly capitals",
    "shape:caps-some": "many capitals",
    "shape:longword": "very long word",
    "shape:mixed-script": "mixed-script word",
    "hasurl:yes": "website given",
}


def describe(token: str) -> str:
    """A filter clue as a moderator reads it: 'FREE', name 'anonymous', link to x.com."""
    kind, _, value = token.partition(":")
    if not value or " " in kind:
        return f"'{token}'"
    return {
        "caps": f"'{value.upper()}'",
        "author": f"name '{value}'",
        "domain": f"link to {value}",
        "emaildomain": f"email at {value}",
        "links": "1 link" if value == "1" else f"{value} links",
    }.get(kind, _SHAPES.get(token, f"'{token}'"))


def clues_text(clues: list[tuple[str, float]], spammy: bool, n: int = 3) -> str:
    """The ``n`` strongest clues pointing the verdict's way, described once each."""
    picked: list[str] = []
    for tok, p in clues:
        if (p > 0.5) != spammy:
            continue
        d = describe(tok)
        if d.lower() not in (x.lower() for x in picked):
            picked.append(d)
        if len(picked) == n:
            break
    return ", ".join(picked)


@dataclass
class Submission:
    """What the pipeline reads of a comment."""

    text: str
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str | None = None
    post_age_days: float = 0.0
    post_open: bool = True
    registered: bool = False  # written by a logged-in user
    trusted_user: bool = False  # written by a logged-in member of staff
    exclude: frozenset = frozenset()  # comment ids not to compare with (itself, its parent)


@dataclass
class Result:
    verdict: Verdict
    tokens: set[str] = field(default_factory=set)
    shingles: set[int] = field(default_factory=set)
    rule_ids: list[int] = field(default_factory=list)


class RuleSet:
    """The block rules, compiled for matching."""

    def __init__(self, rules: Iterable[BlockRule]) -> None:
        self.networks, self.emails, self.domains, words = [], {}, {}, {}
        for rule in rules:
            if rule.kind == BlockRule.Kind.IP:
                try:
                    network = ipaddress.ip_network(rule.value, strict=False)
                except ValueError:
                    logger.warning("block rule %s: bad network %r", rule.pk, rule.value)
                    continue
                refusal = protected_overlap(network)
                if refusal:  # a rule made before the check (or before TRUSTED_PROXIES grew)
                    logger.warning("block rule %s ignored: %s", rule.pk, refusal)
                    continue
                self.networks.append((network, rule))
            elif rule.kind == BlockRule.Kind.EMAIL:
                self.emails[rule.value.lower()] = rule
            elif rule.kind == BlockRule.Kind.DOMAIN:
                self.domains[rule.value.lower()] = rule
            elif rule.value.strip():
                words[" ".join(textfeatures.words(textfeatures.normalise(rule.value)))] = rule
        words.pop("", None)
        self.words = words
        self.word_re = None
        if words:
            alternatives = sorted(
                (r"\s+".join(map(re.escape, phrase.split())) for phrase in words),
                key=len,
                reverse=True,
            )
            self.word_re = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")

    @classmethod
    def load(cls) -> RuleSet:
        return cls(BlockRule.objects.all())

    def __bool__(self) -> bool:
        return bool(self.networks or self.emails or self.domains or self.words)

    def match(self, sub: Submission) -> list[tuple[BlockRule, str]]:
        """The rules ``sub`` breaks, each with its reason."""
        hits = []
        if self.networks and sub.ip:
            try:
                ip = ipaddress.ip_address(sub.ip)
            except ValueError:
                ip = None
            for network, rule in self.networks:
                if ip is not None and ip.version == network.version and ip in network:
                    shown = rule.value.removesuffix("/32").removesuffix("/128")
                    hits.append((rule, f"blocked IP {shown}"))
        if self.emails and sub.email:
            rule = self.emails.get(sub.email.strip().lower())
            if rule is not None:
                hits.append((rule, f"blocked email {rule.value}"))
        if self.domains:
            seen = set()
            for host in textfeatures.link_domains(sub.text, sub.url):
                labels = host.split(".")
                for i in range(len(labels) - 1):
                    rule = self.domains.get(".".join(labels[i:]))
                    if rule is not None and rule.pk not in seen:
                        seen.add(rule.pk)
                        hits.append((rule, f"blocked domain {rule.value}"))
        if self.word_re is not None:
            plain = " ".join(
                textfeatures.words(textfeatures.normalise(f"{sub.author}\n{sub.text}"))
            )
            for found in dict.fromkeys(self.word_re.findall(plain)):
                phrase = " ".join(found.split())
                rule = self.words.get(phrase)
                if rule is not None:
                    kind = "phrase" if " " in phrase else "word"
                    hits.append((rule, f"blocked {kind} '{phrase}'"))
        return hits


class RecentIndex:
    """Shingles of recent comments, with an inverted index for fast near-duplicate search.

    Same answers as :func:`duplicates.find_near_duplicate` over the last ``window`` entries.
    """

    def __init__(self, window: int = RECENT_COMMENTS) -> None:
        self.window = window
        self.order: deque = deque()
        self.shingles: dict[object, set[int]] = {}
        self.index: dict[int, set] = {}
        self.added: dict[object, int] = {}  # when each entry came, to prefer the newest
        self.count = 0

    def add(self, cid, shingles: set[int]) -> None:
        if cid in self.shingles:
            return
        self.order.append(cid)
        self.shingles[cid] = shingles
        self.count += 1
        self.added[cid] = self.count
        for s in shingles:
            self.index.setdefault(s, set()).add(cid)
        while len(self.order) > self.window:
            old = self.order.popleft()
            del self.added[old]
            for s in self.shingles.pop(old):
                ids = self.index.get(s)
                if ids is not None:
                    ids.discard(old)
                    if not ids:
                        del self.index[s]

    def find(self, sh: set[int], exclude: Iterable = ()) -> tuple[object, float] | None:
        if len(sh) < duplicates.MIN_SHARED:
            return None
        shared = Counter()
        index = self.index
        for s in sh:
            ids = index.get(s)
            if ids:
                shared.update(ids)
        best = None
        for cid, n in shared.items():
            if n < duplicates.MIN_SHARED or cid in exclude:
                continue
            other = self.shingles[cid]
            sim = n / min(len(sh), len(other))
            if sim >= duplicates.THRESHOLD and (
                best is None
                or sim > best[1]
                or (sim == best[1] and self.added[cid] > self.added[best[0]])
            ):
                best = (cid, sim)
        return best


class Judge:
    """Runs the layers over one ``Submission`` at a time."""

    def __init__(
        self,
        policy: Policy,
        rules: RuleSet,
        counts: bayes.CountsSource | None,
        recent: RecentIndex | list[tuple[object, set[int]]],
        is_returning: Callable[[str], bool],
    ) -> None:
        self.policy, self.rules, self.counts = policy, rules, counts
        self.recent, self.is_returning = recent, is_returning

    def judge(self, sub: Submission, tokens: set[str] | None = None) -> Result:
        policy = self.policy
        reasons: list[str] = []
        action = "approve"

        def escalate(to: str) -> None:
            nonlocal action
            if SEVERITY[to] > SEVERITY[action]:
                action = to

        # 1. Block rules.
        hits = self.rules.match(sub) if self.rules else []
        for rule, reason in hits:
            escalate(rule.action)
            reasons.append(reason)

        # 2. Policy.
        blanket = []  # holds a returning commenter is let through
        if not sub.post_open:
            escalate("hold")
            reasons.append("comments are closed on this post")
        if policy.comment_access == Policy.Access.MEMBERS and not sub.trusted_user:
            escalate("hold")
            reasons.append("only members may comment")
        elif policy.comment_access == Policy.Access.REGISTERED and not sub.registered:
            escalate("hold")
            reasons.append("only registered users may comment")
        if policy.link_limit:
            n_links = textfeatures.count_links(sub.text)
            if n_links >= policy.link_limit:
                escalate("hold")
                reasons.append(f"{n_links} links (limit {policy.link_limit})")
        if policy.moderate == Policy.Moderate.ALWAYS:
            blanket.append("every comment is moderated")
        elif (
            policy.moderate == Policy.Moderate.OLDER_THAN
            and sub.post_age_days > policy.moderate_after_days
        ):
            blanket.append(f"post older than {policy.moderate_after_days} days")

        # 3. Near-duplicates.
        sh = duplicates.shingles(sub.text)
        if isinstance(self.recent, RecentIndex):
            dup = self.recent.find(sh, sub.exclude)
        else:
            dup = duplicates.find_near_duplicate(sh, self.recent)
        if dup is not None:
            escalate(policy.duplicate_action)
            ref = f"comment {dup[0]}" if isinstance(dup[0], int) else str(dup[0])
            reasons.append(f"near-duplicate of {ref} ({dup[1]:.0%} contained)")

        # 4. The statistical filter.
        toks = (
            tokens
            if tokens is not None
            else textfeatures.tokens(sub.text, sub.author, sub.email, sub.url)
        )
        p, filter_says = 0.5, "approve"
        if self.counts is not None:
            p, clues = bayes.score(toks, self.counts)
            if p >= policy.hold_threshold:
                filter_says = "spam" if p >= policy.spam_threshold else "hold"
                reasons.append(f"filter {p:.2f}: {clues_text(clues, True)}".rstrip(": "))
            elif action != "approve" or blanket:
                reasons.append(f"filter {p:.2f}: {clues_text(clues, False)}".rstrip(": "))

        # 5. Returning commenters and staff skip the blanket policy (and, for staff, a
        # filter hold); nothing else.
        trusted = sub.trusted_user
        if blanket and not trusted and sub.email and policy.auto_approve_returning:
            trusted = self.is_returning(sub.email)
            if trusted:
                reasons.append("returning commenter")
        if blanket and not trusted:
            escalate("hold")
            reasons[len(hits) : len(hits)] = blanket
        if filter_says == "spam" or (filter_says == "hold" and not sub.trusted_user):
            escalate(filter_says)
        verdict = Verdict(action, p, reasons)
        return Result(verdict, toks, sh, [rule.pk for rule, _ in hits])


# --- the comment being saved -------------------------------------------------------------


def post_open(policy: Policy, post, at: datetime | None = None) -> bool:
    """Does ``post`` take comments at ``at`` (default now) under ``policy``?"""
    if not (policy.comments_allowed and post.allow_comments):
        return False
    if policy.close_after_days and post.published_at:
        at = at or timezone.now()
        return at - post.published_at <= timedelta(days=policy.close_after_days)
    return True


def submission_for(comment, policy: Policy) -> Submission:
    post = comment.post
    written = comment.created_at or timezone.now()
    age = (written - post.published_at).total_seconds() / 86400 if post.published_at else 0.0
    user = comment.user if comment.user_id else None
    return Submission(
        text=comment.body or "",
        author=comment.name or "",
        email=comment.email or "",
        url=comment.url or "",
        ip=comment.ip_address or None,
        post_age_days=age,
        post_open=post_open(policy, post, written),
        registered=user is not None,
        trusted_user=bool(user and user.is_staff),
        exclude=frozenset(x for x in (comment.pk, comment.parent_id) if x is not None),
    )


def recent_signatures(exclude=(), store_missing=True) -> list[tuple[int, set[int]]]:
    """(id, shingles) of recent comments, newest first; signatures missing (comments created
    without the pipeline, e.g. by an import) are computed and, with ``store_missing``, kept."""

    rows = list(
        Comment.objects.exclude(pk__in=[x for x in exclude if x is not None])
        .order_by("-pk")
        .values_list("pk", "signature__shingles")[:RECENT_COMMENTS]
    )
    missing = [pk for pk, sh in rows if sh is None]
    computed = {}
    if missing:
        for pk, body in Comment.objects.filter(pk__in=missing).values_list("pk", "body"):
            computed[pk] = duplicates.shingles(body)
        if store_missing:
            CommentSignature.objects.bulk_create(
                [
                    CommentSignature(comment_id=pk, shingles=sorted(sh))
                    for pk, sh in computed.items()
                ],
                ignore_conflicts=True,
            )
    return [(pk, set(sh) if sh is not None else computed.get(pk, set())) for pk, sh in rows]


def judge_comment(comment, *, count_hits=True) -> Result:
    """Judge a comment with everything read from the database."""
    policy = Policy.load()
    sub = submission_for(comment, policy)
    judge = Judge(
        policy,
        RuleSet.load(),
        DbCounts(),
        recent_signatures(exclude=sub.exclude),
        # a returning commenter: sent from a browser trusted for this name and email, never
        # an email alone (anyone can type one)
        lambda email: trust.vouches_for(comment.name, email, exclude=comment.pk),
    )
    result = judge.judge(sub)
    if count_hits:
        BlockRule.record_hits(result.rule_ids)
    return result


def evaluate(comment, *, count_hits=True) -> Verdict:
    """The verdict on ``comment``; any failure inside holds it with the reason "filter error"."""
    try:
        with transaction.atomic():  # a database error inside must not break the caller's
            result = judge_comment(comment, count_hits=count_hits)
    except Exception:
        logger.exception("moderation: the filter failed on a comment by %r", comment.name)
        comment._moderation_result = None
        return Verdict("hold", 0.5, [FILTER_ERROR])
    comment._moderation_result = result
    return result.verdict
