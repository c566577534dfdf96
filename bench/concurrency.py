"""200 comments from 20 concurrent clients against two gunicorn workers, SQLite and PostgreSQL.

Issue 3 ("Concurrency"): all 200 saved, no 500s, no "database is locked". Each client is a
thread with its own connection and cookies that does what a browser without JavaScript does:
GET the reply page (a real captcha challenge and the CSRF cookie), POST the form back
(captcha in test mode), and expects a 302. Half the comments are replies to the post's seeded
comments, so threads grow under concurrent writes. Afterwards every acknowledged comment (a
302) is looked up in the database by its unique author name, whatever the moderation decided
(a held comment's redirect need not name its id), and gunicorn's log is searched for locks and
tracebacks.

Run: ``python bench/concurrency.py`` (``--backend sqlite`` or ``postgres`` for one only).
PostgreSQL is a cluster of the benchmark's own (``services.PrivatePostgres``, a temp folder
and a free port), never the machine's. Results: ``bench/results/concurrency.json``; exit 1 if
a goal fails.
"""

import argparse
import sys
import threading
import time

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
from services import PrivatePostgres

CLIENTS, PER_CLIENT = 20, 10
PG_NAME = "blogsite_bench_conc"


def client_run(port, post_id, parents, n, out):
    """One visitor posting ``PER_CLIENT`` comments one after the other."""
    client = Client(HOST, port)
    rnd = new_random(n)
    for k in range(PER_CLIENT):
        parent = rnd.choice(parents) if k % 2 else None
        number = n * 1000 + k
        page, sent, _ = client.post_comment(post_id, rnd, number, parent=parent)
        status = sent.status if sent else None
        name = visitor_name(number) if status == 302 else None
        out.append({"reply_status": page.status, "status": status, "name": name})
    client.close()


def hammer(port, post_id, parents):
    """All clients start together; returns the per-comment outcomes and the wall time."""
    results, threads = [], []
    for n in range(CLIENTS):
        threads.append(
            threading.Thread(target=client_run, args=(port, post_id, parents, n, results))
        )
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - start


def run_backend(name, database_url):
    env = server_env(database_url)
    seed = prepare_database(env, posts=1, threads=5, replies=1)
    post_id = seed["posts"][0]["id"]
    parents = seed["comments"][post_id]
    server = Gunicorn(env, name=f"conc-{name}").start()
    try:
        results, seconds = hammer(server.port, post_id, parents)
    finally:
        server.stop()
    names = [r["name"] for r in results if r["name"]]
    stored = check_stored(env, names)
    statuses = {}
    for r in results:
        key = str(r["status"] if r["status"] is not None else f"reply page {r['reply_status']}")
        statuses[key] = statuses.get(key, 0) + 1
    logs = server.log_report()
    seeded = sum(len(v) for v in seed["comments"].values())
    outcome = {
        "comments_sent": len(results),
        "statuses": statuses,
        "acknowledged": len(names),
        "acknowledged_missing": stored["missing"],
        "saved": stored["total"] - seeded,
        "saved_by_status": stored["by_status"],
        "seconds": round(seconds, 2),
        "comments_per_second": round(len(results) / seconds, 1),
        "server_log": logs,
    }
    outcome["goals"] = {
        "all_200_saved": outcome["saved"] == CLIENTS * PER_CLIENT
        and len(names) == CLIENTS * PER_CLIENT
        and not stored["missing"],
        "no_500": not any(r["status"] == 500 or r["reply_status"] == 500 for r in results),
        "no_database_is_locked": logs["database_is_locked"] == 0,
    }
    return outcome


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    results, started = {}, time.perf_counter()
    if args.backend in ("sqlite", "both"):
        url, folder = sqlite_url()
        try:
            results["sqlite"] = run_backend("sqlite", url)
        finally:
            remove_dir(folder)
    if args.backend in ("postgres", "both"):
        with PrivatePostgres() as pg:
            results["postgresql"] = run_backend("postgres", pg.create_database(PG_NAME))
    write_result(
        "concurrency",
        {
            "seconds": round(time.perf_counter() - started, 1),
            "setup": f"gunicorn blogsite.wsgi -w 2 (sync) on loopback, DEBUG=0, HTTPS=0, "
            f"COMMENT_RATE_LIMIT=0, COMMENT_MIN_SECONDS=0, CAPTCHA_TEST_MODE=1, locmem cache; "
            f"{CLIENTS} client threads x {PER_CLIENT} comments (GET reply page + POST)",
            **results,
        },
    )
    failed = [f"{db}: {goal}" for db, r in results.items() for goal, ok in r["goals"].items()
              if not ok]  # fmt: skip
    for db, r in results.items():
        for goal, ok in r["goals"].items():
            print(f"{'PASS' if ok else 'FAIL'}  {db}: {goal}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
