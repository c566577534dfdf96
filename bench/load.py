"""Load and faults: readers and commenters against two gunicorn workers, then break things.

Issue 6 ("Load and faults"). Phases, each with 50 reader threads (index, post pages, tag pages,
archives, feeds) and 10 commenter threads (reply page + POST, captcha in test mode), each
thread a keep-alive ``http.client`` connection with its own cookies:

1. ``postgres_redis``: PostgreSQL + Redis cache (``--seconds``, default 60);
2. ``sqlite``: SQLite file + local-memory cache (``--seconds``);
3. ``fault_redis``: PostgreSQL + Redis, Redis shut down after a few seconds and started again
   ~10 s later; the rate limit is ON here (100000/m, never reached) so that its "skipped"
   log line can show; the site must keep serving and taking comments;
4. ``fault_postgres``: PostgreSQL restarted mid-run; requests must fail cleanly (503, never
   500) and recover within seconds; no acknowledged comment lost;
5. ``fault_mail``: ``EMAIL_URL=smtp://127.0.0.1:1`` (nothing listens), a third of the comments
   ask for reply mail too: every comment must still be saved.

After each phase every comment answered with a 302 is looked up in the database (by its
unique author name: a held comment's redirect need not name its id). The client runs on the
same 2 CPUs as the server, so the figures are a floor, not a capacity. The Redis and the
PostgreSQL cluster the phases use and break are the benchmark's own (``services.py``: free
ports, temp folders, removed at the end), never the machine's 6379 and 5432.

Run: ``python bench/load.py`` (about 4-5 minutes), ``--quick`` (10 s phases, smoke run),
``--seconds N`` for the two load phases, ``--phases a,b`` to pick. Results:
``bench/results/load.json``. Exit 0 when the run completed (goals are printed as PASS/FAIL
and stored), 1 if it could not run.
"""

import argparse
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import write_result
from load_http import Client, new_random, visitor_name
from load_server import (
    HOST,
    Gunicorn,
    check_stored,
    prepare_database,
    remove_dir,
    server_env,
    sqlite_url,
)
from services import PrivatePostgres, PrivateRedis

READERS, COMMENTERS = 50, 10
PG_NAME = "blogsite_bench_load"
OK = {"read": {200}, "reply_page": {200}, "comment": {302}}
PHASES = ["postgres_redis", "sqlite", "fault_redis", "fault_postgres", "fault_mail"]


class Recorder:
    """Every request as ``(seconds since phase start, kind, status, ms)``, plus the ids of the
    comments the server acknowledged. ``list.append`` is atomic under the GIL."""

    def __init__(self, name=""):
        self.name = name  # makes the commenters' names unique across phases
        self.start = time.monotonic()
        self.requests = []
        self.acknowledged = []
        self.events = {}

    def add(self, kind, response):
        ended = round(time.monotonic() - self.start, 3)
        self.requests.append((ended, kind, response.status, response.ms))

    def event(self, name):
        self.events[name] = round(time.monotonic() - self.start, 2)


def reader_urls(seed):
    """What readers ask for, weighted by repetition: mostly posts, then the index and tags."""
    posts = [p["url"] for p in seed["posts"]]
    months = sorted({p["month"] for p in seed["posts"]})
    tags = [f"/tag/{t}/" for t in seed["tags"]]
    return (
        posts * 3
        + ["/", "/", "/", "/?page=2"] * 3
        + tags * 2
        + months[:4]
        + ["/feeds/posts/", "/feeds/comments/", "/feeds/posts/rss/", f"{posts[0]}comments/feed/"]
    )


def reader(port, urls, n, rec, stop):
    client, rnd = Client(HOST, port), new_random(n)
    while not stop.is_set():
        rec.add("read", client.get(rnd.choice(urls)))
    client.close()


def commenter(port, seed, n, rec, stop, notify_every):
    """Comments on random posts; every other one a reply to a seeded (approved) comment."""
    client, rnd = Client(HOST, port), new_random(1000 + n)
    k = 0
    while not stop.is_set():
        post = rnd.choice(seed["posts"])
        parent = rnd.choice(seed["comments"][post["id"]]) if k % 2 else None
        notify = bool(notify_every) and k % notify_every == 0
        number = f"{rec.name}-{n}-{k}"
        page, sent, _ = client.post_comment(post["id"], rnd, number, parent=parent, notify=notify)
        rec.add("reply_page", page)
        if sent is not None:
            rec.add("comment", sent)
            if sent.status == 302:
                rec.acknowledged.append(visitor_name(number))
        k += 1
        if page.status == 0 or (sent is not None and sent.status == 0):
            time.sleep(0.05)  # the server is unreachable: do not spin
    client.close()


def drive(port, seed, seconds, rec, notify_every=0, script=()):
    """Run readers and commenters for ``seconds``; ``script`` is ``[(at_second, fn)]``: the
    faults, fired from this thread while the load runs."""
    stop = threading.Event()
    urls = reader_urls(seed)
    threads = [
        threading.Thread(target=reader, args=(port, urls, n, rec, stop), daemon=True)
        for n in range(READERS)
    ] + [
        threading.Thread(
            target=commenter, args=(port, seed, n, rec, stop, notify_every), daemon=True
        )
        for n in range(COMMENTERS)
    ]
    rec.start = time.monotonic()
    for t in threads:
        t.start()
    try:
        for at, action in sorted(script, key=lambda s: s[0]):
            time.sleep(max(0.0, at - (time.monotonic() - rec.start)))
            action()
        time.sleep(max(0.0, seconds - (time.monotonic() - rec.start)))
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=35)
    return time.monotonic() - rec.start


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))], 1)


def summarise(rec, elapsed):
    """Requests per second, latency, errors by status and kind, and the comment tallies."""
    reqs = rec.requests
    out = {
        "seconds": round(elapsed, 1),
        "requests": len(reqs),
        "requests_per_second": round(len(reqs) / elapsed, 1),
        "p50_ms": percentile([r[3] for r in reqs], 50),
        "p99_ms": percentile([r[3] for r in reqs], 99),
        "by_kind": {},
        "errors": {},
    }
    for kind in OK:
        mine = [r for r in reqs if r[1] == kind]
        out["by_kind"][kind] = {
            "requests": len(mine),
            "per_second": round(len(mine) / elapsed, 1),
            "p50_ms": percentile([r[3] for r in mine], 50),
            "p99_ms": percentile([r[3] for r in mine], 99),
        }
        for r in mine:
            if r[2] not in OK[kind]:
                key = f"{kind} {r[2] or 'connection error'}"
                out["errors"][key] = out["errors"].get(key, 0) + 1
    out["status_500"] = sum(1 for r in reqs if r[2] == 500)
    out["comments_acknowledged"] = len(rec.acknowledged)
    if rec.events:
        out["events_at_second"] = rec.events
    return out


def errors_window(rec, after):
    """First and last failed request (status not OK) after ``after`` seconds."""
    bad = [r[0] for r in rec.requests if r[0] >= after and r[2] not in OK[r[1]]]
    return (min(bad), max(bad)) if bad else (None, None)


def comments_check(env, rec, out, total_before):
    """Lost: acknowledged (302) but not in the database. Stored without acknowledgement (a
    failed answer after the commit) is not a loss, but the visitor may send it twice."""
    stored = check_stored(env, rec.acknowledged)
    out["comments_lost"] = len(stored["missing"])
    out["lost_ids"] = stored["missing"][:20]
    out["stored_without_acknowledgement"] = (
        stored["total"] - total_before - len(rec.acknowledged) + len(stored["missing"])
    )
    out["comments_by_status_in_db"] = stored["by_status"]


def phase(name, env, seed, seconds, notify_every=0, script_for=None):
    """Start gunicorn with ``env``, drive the load (and the fault script), check the comments."""
    total_before = check_stored(env, [])["total"]
    server = Gunicorn(env, name=name).start()
    rec = Recorder(name)
    try:
        script = script_for(rec) if script_for else ()
        elapsed = drive(server.port, seed, seconds, rec, notify_every, script)
    finally:
        server.stop()
    out = summarise(rec, elapsed)
    comments_check(env, rec, out, total_before)
    out["server_log"] = server.log_report()
    return out, rec


# --- the phases --------------------------------------------------------------------------------


def run_load(name, env, seed, seconds):
    out, _ = phase(name, env, seed, seconds)
    out["goals"] = {
        "zero_lost_comments": out["comments_lost"] == 0,
        "zero_500s": out["status_500"] == 0 and out["server_log"]["tracebacks"] == 0,
    }
    return out


def run_fault_redis(env, seed, seconds, down_at, down_for, redis):
    env = {**env, "COMMENT_RATE_LIMIT": "100000/m"}

    def script(rec):
        def stop():
            rec.event("redis_stopped")
            redis.stop()

        def start():
            redis.start()
            rec.event("redis_started")

        return [(down_at, stop), (down_at + down_for, start)]

    try:
        out, rec = phase("fault_redis", env, seed, seconds, script_for=script)
    finally:
        redis.start()
    down = [r for r in rec.requests if down_at <= r[0] <= down_at + down_for]
    out["while_down"] = {
        "requests": len(down),
        "ok": sum(1 for r in down if r[2] in OK[r[1]]),
        "comments_acknowledged": sum(1 for r in down if r[1] == "comment" and r[2] == 302),
        "status_500": sum(1 for r in down if r[2] == 500),
    }
    out["goals"] = {
        "zero_lost_comments": out["comments_lost"] == 0,
        "zero_500s": out["status_500"] == 0,
        "kept_taking_comments_while_down": out["while_down"]["comments_acknowledged"] > 0,
    }
    return out


def run_fault_postgres(env, seed, seconds, restart_at, pg):
    def script(rec):
        def restart():
            rec.event("restart_begun")
            pg.restart()
            rec.event("restart_returned")

        return [(restart_at, restart)]

    try:
        out, rec = phase("fault_postgres", env, seed, seconds, script_for=script)
    finally:
        pg.ensure_up()
    first, last = errors_window(rec, restart_at)
    returned = rec.events.get("restart_returned")
    fault_reqs = [r for r in rec.requests if r[0] >= restart_at and r[2] not in OK[r[1]]]
    out["fault"] = {
        "failed_requests": len(fault_reqs),
        "failed_by_status": _count(r[2] for r in fault_reqs),
        "first_failure_at": first,
        "last_failure_at": last,
        "outage_seconds": round(last - first, 2) if last is not None else 0.0,
        "recovered_seconds_after_restart_begun": (
            round(last - rec.events["restart_begun"], 2) if last is not None else 0.0
        ),
        "restart_took_seconds": round(returned - rec.events["restart_begun"], 2),
        "ok_after_last_failure": sum(
            1 for r in rec.requests if last is not None and r[0] > last and r[2] in OK[r[1]]
        ),
    }
    out["goals"] = {
        "zero_lost_comments": out["comments_lost"] == 0,
        "failed_cleanly_no_500": out["status_500"] == 0,
        "recovered_within_10_seconds": out["fault"]["recovered_seconds_after_restart_begun"] <= 10,
    }
    return out


def run_fault_mail(env, seed, seconds):
    """Mail goes out from the task worker (``db_worker``), so one runs beside the server; its
    failures to reach the mail server are what must be logged, the comments kept."""
    from mail_faults import Worker

    env = {**env, "EMAIL_URL": "smtp://127.0.0.1:1"}
    worker = Worker(env, Path(tempfile.mkdtemp(prefix="bench-")) / "worker.log").start()
    try:
        out, _ = phase("fault_mail", env, seed, seconds, notify_every=3)
        deadline = time.monotonic() + 30  # the worker works through the queue after the load
        while "could not be sent" not in worker.log() and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        worker.stop()
    log = worker.log()
    out["worker_log"] = {
        "mail_failed_lines": log.count("could not be sent"),
        "tracebacks": log.count("Traceback (most recent call last)"),
        "log_file": str(worker.log_path),
    }
    out["goals"] = {
        "zero_lost_comments": out["comments_lost"] == 0,
        "zero_500s": out["status_500"] == 0,
        "comments_saved": out["comments_acknowledged"] > 0,
        "mail_failures_logged": out["server_log"]["mail_failed_lines"]
        + out["worker_log"]["mail_failed_lines"]
        > 0,
    }
    return out


def _count(items):
    counts = {}
    for item in items:
        key = str(item or "connection error")
        counts[key] = counts.get(key, 0) + 1
    return counts


# --- main --------------------------------------------------------------------------------------


def on_sigterm(signum, frame):
    raise KeyboardInterrupt  # run the finally blocks: our services stopped, folders removed


def postgres_phases(wanted, seconds, fault_seconds, quick):
    results = {}
    with PrivatePostgres() as pg, PrivateRedis() as redis:
        env = server_env(pg.create_database(PG_NAME), REDIS_URL=redis.url(0))
        seed = prepare_database(env)
        if "postgres_redis" in wanted:
            results["postgres_redis"] = run_load("postgres_redis", env, seed, seconds)
        if "fault_redis" in wanted:
            down_at, down_for = (2, 6) if quick else (5, 10)
            results["fault_redis"] = run_fault_redis(
                env, seed, max(fault_seconds, down_at + down_for + 5), down_at, down_for, redis
            )
        if "fault_postgres" in wanted:
            results["fault_postgres"] = run_fault_postgres(
                env, seed, fault_seconds, 2 if quick else 5, pg
            )
        if "fault_mail" in wanted:
            results["fault_mail"] = run_fault_mail(env, seed, min(fault_seconds, 15))
    return results


def sqlite_phase(seconds):
    url, folder = sqlite_url()
    try:
        env = server_env(url)
        seed = prepare_database(env)
        return run_load("sqlite", env, seed, seconds)
    finally:
        remove_dir(folder)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of each load phase")
    parser.add_argument("--quick", action="store_true", help="10 s phases: a smoke run")
    parser.add_argument("--phases", default=",".join(PHASES), help="comma separated subset")
    args = parser.parse_args()
    seconds = 10 if args.quick else args.seconds
    fault_seconds = 12 if args.quick else 25
    wanted = [p.strip() for p in args.phases.split(",") if p.strip()]
    if unknown := set(wanted) - set(PHASES):
        parser.error(f"unknown phases: {', '.join(sorted(unknown))}")
    signal.signal(signal.SIGTERM, on_sigterm)
    started = time.monotonic()
    results = {}
    if set(wanted) - {"sqlite"}:
        results.update(postgres_phases(wanted, seconds, fault_seconds, args.quick))
    if "sqlite" in wanted:
        results["sqlite"] = sqlite_phase(seconds)
    ordered = {name: results[name] for name in PHASES if name in results}
    write_result(
        "load",
        {
            "setup": (
                f"gunicorn blogsite.wsgi -w 2 (sync workers) on 127.0.0.1, DEBUG=0, HTTPS=0, "
                f"COMMENT_RATE_LIMIT=0 (100000/m in fault_redis), COMMENT_MIN_SECONDS=0, "
                f"CAPTCHA_TEST_MODE=1; {READERS} reader and {COMMENTERS} commenter threads "
                f"(http.client, keep-alive attempted; sync workers close after each response); "
                f"20 posts with 9 seeded comments each; PostgreSQL phases use Redis, "
                f"both the benchmark's own (temp cluster and redis-server on free ports), "
                f"SQLite uses the local-memory cache"
            ),
            "caveat": "client and server share the same CPUs: the client's threads take a "
            "share of them, so requests/second is a lower bound for this machine",
            "load_phase_seconds": seconds,
            "mode": "quick" if args.quick else "full",
            "total_seconds": round(time.monotonic() - started),
            **ordered,
        },
    )
    for name, r in ordered.items():
        for goal, ok in r["goals"].items():
            print(f"{'PASS' if ok else 'FAIL'}  {name}: {goal}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("load: interrupted; its own PostgreSQL and Redis stopped")
