"""The verdict on a comment: block rules and policy, then the spam signals and one judge.

``Judge`` runs over plain values (a ``Submission``), so the same code judges a comment being
saved (``evaluate``) and the lines of ``classify_comments``, which loads everything once and
keeps the lines it has judged in memory. ``bench/spam_filter.py`` and ``bench/blog_spam.py``
measure this same ``Judge``.

Block rules and the policy are rules: they hold or mark spam on their own, with their reason.
The spam signals (:mod:`moderation.signals`) are evidence: each gives a weight in log-odds
points with a reason in plain words; the judge adds them up, turns the sum into a score and
compares it with the policy's thresholds, and gives the strongest reasons for its verdict.
"""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import logging
import math
import re
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from itertools import chain

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from blogsite.clientip import protected_overlap
from comments.models import Comment
from comments.moderator import Verdict

from . import bayes, duplicates, langid, rules, textfeatures, trust
from .models import BlockRule, CommentSignature, Policy
from .signals import all_signals
from .signals.context import Context, Submission
from .signals.learned import clues_text, describe
from .signals.repeats import SpamMemory
from .store import DbCounts

__all__ = ["Judge", "Submission", "RuleSet", "RecentIndex", "evaluate", "clues_text", "describe"]

logger = logging.getLogger(__name__)

# Near-duplicates are looked for among the comments received last (by id, not by the date
# written: an import brings old comments that are new to the site).
RECENT_COMMENTS = 500
SEVERITY = {"approve": 0, "hold": 1, "spam": 2}
FILTER_ERROR = "filter error"
# The score is the logistic of the evidence's sum minus OFFSET: no evidence scores 0.27, one
# clear sign of spam (about +1.5) passes the default hold threshold (0.55 = a sum of 1.2), and
# the default spam threshold (0.98) needs a sum of about 4.9, several signs together.
OFFSET = 1.0
MAX_REASONS = 3
CLEAR_SIGN = 2.0  # a named sign of spam this strong holds a comment on its own
WORDS_AGAINST_A_SIGN = 0.5  # the most the learned words may then say for the comment
BLOG_LANGUAGES_KEY = "moderation:blog-languages:v1"


@dataclass
class Result:
    verdict: Verdict
    tokens: set[str] = field(default_factory=set)
    shingles: set[int] = field(default_factory=set)
    rule_ids: list[int] = field(default_factory=list)
    evidence: list = field(default_factory=list)


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
        """The block rules as every process sees them now (``moderation.rules``)."""
        return rules.current().block_rules

    def __bool__(self) -> bool:
        return bool(self.networks or self.emails or self.domains or self.words)

    def domain_rules(self, host: str | None) -> list[BlockRule]:
        """The link-domain rules on ``host`` (normalised as ``textfeatures.link_host`` does)
        or on one of its parent domains, nearest first."""
        if not self.domains or not host:
            return []
        labels = host.split(".")
        parents = (".".join(labels[i:]) for i in range(len(labels) - 1))
        return [self.domains[name] for name in parents if name in self.domains]

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
                for rule in self.domain_rules(host):
                    if rule.pk not in seen:
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
        index = self.index
        for s in shingles:
            ids = index.get(s)
            if ids is None:
                index[s] = {cid}
            else:
                ids.add(cid)
        while len(self.order) > self.window:
            old = self.order.popleft()
            del self.added[old]
            for s in self.shingles.pop(old):
                ids = index.get(s)
                if ids is not None:
                    ids.discard(old)
                    if not ids:
                        del index[s]

    def find(self, sh: set[int], exclude: Iterable = ()) -> tuple[object, float] | None:
        if len(sh) < duplicates.MIN_SHARED:
            return None
        get = self.index.get
        shared = Counter(chain.from_iterable(ids for s in sh if (ids := get(s))))
        best = None
        least = duplicates.MIN_SHARED
        for cid, n in shared.items():
            if n < least or cid in exclude:
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
    """Runs the rules and the signals over one ``Submission`` at a time."""

    def __init__(
        self,
        policy: Policy,
        rules: RuleSet,
        counts: bayes.CountsSource | None,
        recent: RecentIndex | list[tuple[object, set[int]]],
        is_returning: Callable[[str], bool],
        *,
        spam_memory: SpamMemory | None = None,
        blog_languages: Iterable[str] = (),
        signals=None,
    ) -> None:
        self.policy, self.rules, self.counts = policy, rules, counts
        self.recent, self.is_returning = recent, is_returning
        self.spam_memory = spam_memory
        self.blog_languages = frozenset(blog_languages)
        self.signals = all_signals() if signals is None else signals

    def judge(
        self, sub: Submission, tokens: set[str] | None = None, context: Context | None = None
    ) -> Result:
        """The verdict on ``sub``; ``context``: a :class:`Context` of ``sub`` made earlier (a
        batch computes its comments' tokens first), to be completed here."""
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
        ctx = context or Context(sub, given_tokens=tokens)
        ctx.policy, ctx.counts, ctx.recent = policy, self.counts, self.recent
        ctx.spam_memory, ctx.is_returning = self.spam_memory, self.is_returning
        ctx.blog_languages = self.blog_languages
        blanket = []  # holds a returning commenter is let through
        if not sub.post_open:
            escalate("hold")
            reasons.append("comments are closed on this post")
        own = sub.trusted_user or sub.by_post_author
        if policy.comment_access == Policy.Access.MEMBERS and not sub.trusted_user:
            escalate("hold")
            reasons.append("only members may comment")
        elif policy.comment_access == Policy.Access.REGISTERED and not sub.registered:
            escalate("hold")
            reasons.append("only registered users may comment")
        if policy.link_limit and not own:
            n_links = ctx.n_links
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

        # 3. The signals, and the judge's sum.
        evidence = [e for signal in self.signals for e in signal.check(ctx)]
        if any(e.weight >= CLEAR_SIGN for e in evidence if e.signal not in ("words", "commenter")):
            # Common words the filter saw in honest comments do not acquit a named sign of
            # spam ("asks readers to subscribe", "in Russian on an English post").
            evidence = [
                replace(e, weight=max(e.weight, -WORDS_AGAINST_A_SIGN))
                if e.signal == "words"
                else e
                for e in evidence
            ]
        total = sum(e.weight for e in evidence)
        score = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total - OFFSET))))
        says = "approve"
        if score >= policy.hold_threshold:
            says = "spam" if score >= policy.spam_threshold else "hold"
        if "duplicate" in ctx.notes and not own:
            escalate(policy.duplicate_action)

        # 4. Returning commenters and staff skip the blanket policy (and, for staff and the
        # post's author, a hold by the signals); nothing else.
        trusted = own
        if blanket and not trusted and sub.email and policy.auto_approve_returning:
            trusted = ctx.returning
            if trusted and not any(e.reason == "returning commenter" for e in evidence):
                reasons.append("returning commenter")
        if blanket and not trusted:
            escalate("hold")
            reasons[len(hits) : len(hits)] = blanket
        if says == "spam" or (says == "hold" and not own):
            escalate(says)
        reasons += self.reasons_for(action, evidence)
        verdict = Verdict(action, score, reasons)
        return Result(verdict, ctx.tokens, ctx.shingles, [rule.pk for rule, _ in hits], evidence)

    @staticmethod
    def reasons_for(action: str, evidence: list) -> list[str]:
        """The strongest evidence for the verdict: against the comment when it is held or
        spam, for it when it is approved (only who wrote it: the post's author, staff, a
        returning commenter)."""
        if action == "approve":
            return [e.reason for e in evidence if e.signal == "commenter"]
        against = sorted((e for e in evidence if e.weight > 0), key=lambda e: -e.weight)
        picked = [e.reason for e in against if e.signal == "repeats"]
        for e in against:
            if len(picked) >= MAX_REASONS:
                break
            if e.reason not in picked:
                picked.append(e.reason)
        return picked


# --- the comment being saved -------------------------------------------------------------


def post_open(policy: Policy, post, at: datetime | None = None) -> bool:
    """Does ``post`` take comments at ``at`` (default now) under ``policy``?"""
    if not (policy.comments_allowed and post.allow_comments):
        return False
    published_at = getattr(post, "published_at", None)  # a page has none: never too old
    if policy.close_after_days and published_at:
        at = at or timezone.now()
        return at - published_at <= timedelta(days=policy.close_after_days)
    return True


def submission_for(comment, policy: Policy) -> Submission:
    post = comment.target  # a post or a page
    written = comment.created_at or timezone.now()
    published_at = getattr(post, "published_at", None)
    age = (written - published_at).total_seconds() / 86400 if published_at else 0.0
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
        post_title=post.title or "",
        post_text=post.body or "",
        by_post_author=user is not None and user.pk == post.author_id,
    )


def blog_languages() -> frozenset:
    """The languages the blog writes in: those of at least two of its 50 newest posts (cached
    ten minutes; a blog's languages change slowly)."""
    found = cache.get(BLOG_LANGUAGES_KEY)
    if found is None:
        from posts.models import Post

        seen = Counter()
        for title, body in Post.objects.order_by("-pk").values_list("title", "body")[:50]:
            language = langid.detect(textfeatures.normalise(f"{title}\n{body}", 4000))[1]
            if language:
                seen[language] += 1
        found = sorted(code for code, n in seen.items() if n >= 2)
        cache.set(BLOG_LANGUAGES_KEY, found, 600)
    return frozenset(found)


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


_batch = contextvars.ContextVar("moderation_pipeline_batch", default=None)


@contextlib.contextmanager
def batch():
    """Judge many comments (an import): the policy and block rules, the spam memory and the
    blog's languages are read once for the whole block, not once per comment."""
    token, memo = rules.begin_request(), _batch.set({})
    try:
        yield
    finally:
        _batch.reset(memo)
        rules.end_request(token)


def _once(name, load):
    memo = _batch.get()
    if memo is None:
        return load()
    if name not in memo:
        memo[name] = load()
    return memo[name]


def judge_comment(comment, *, count_hits=True) -> Result:
    """Judge a comment with the policy and rules of now and the filter's counts."""
    current = rules.current()
    policy = current.policy
    sub = submission_for(comment, policy)
    judge = Judge(
        policy,
        current.block_rules,
        DbCounts(),
        recent_signatures(exclude=sub.exclude),
        # a returning commenter: sent from a browser trusted for this name and email, never
        # an email alone (anyone can type one)
        lambda email: trust.vouches_for(comment.name, email, exclude=comment.pk),
        spam_memory=_once("spam_memory", SpamMemory.load),
        blog_languages=_once("blog_languages", blog_languages),
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
