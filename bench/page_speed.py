"""Reader pages against a static file, side by side in one run (issue 15's goals).

Two gunicorn servers (``blogsite.wsgi``, 2 sync workers each, DEBUG=0, one SQLite file), one
with the local-memory cache and one with a Redis of the benchmark's own (``services.py``), both
with the bench-only settings of ``speed_site/`` (the 1,000-comment post on one page; WhiteNoise
also serving a folder of saved pages; ``/bench/ok``). ``wrk`` (4 keep-alive connections, 2
threads, loopback) drives each target in turn, round after round, so that a noisy moment hits
all of them alike; each figure is the median of the rounds. Targets:

- ``post_locmem``, ``post_redis``: the post with 1,000 threaded comments, warm (with Redis,
  each worker keeps the pages it last served in front of it: ``PAGE_CACHE_LOCAL_BYTES``);
- ``post_redis_roundtrip``: the same with that tier off, every hit a Redis round trip (a
  third server; no goal, shown for what Redis itself costs);
- ``whitenoise``: the very bytes of that page, saved as a file and served by the locmem
  server's WhiteNoise (the same process, the same middleware before it);
- ``floor``: ``/bench/ok``, a view returning "ok" through the whole middleware stack;
- ``index``, ``tag``: the front page and a tag page, warm;
- ``post_304``: the post page with ``If-None-Match`` set to the ETag the page was sent with
  (no ETag: a made-up one; what the server answers is recorded, and anything but 304 FAILs).

Goals (``GOALS``): the post pages >= 60% of whitenoise, index and tag >= 70% of the floor,
the 304 >= 80% of the floor and a 304 it must be. The cold render goals (>= 5x
django-comments-xtd at 1,000 comments, >= 3x at 100, <= 8 queries) are measured in-process by
``comments_thread.py`` and copied into this run's table from ``results/comments_thread.json``.

Needs ``wrk`` (``apt-get install wrk``; ``bench/install_deps.sh`` installs it, ``make bench``
runs that) and ``redis-server``. Run: ``python bench/page_speed.py`` (about 3 minutes;
``--seconds`` per measure, ``--rounds``). Results: ``results/page_speed.json`` and
``results/page_speed.md``; exit 1 when a goal fails or the run could not be made.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import RESULTS, write_result
from load_http import Client
from load_server import (
    HOST,
    Gunicorn,
    django_json,
    prepare_database,
    remove_dir,
    server_env,
    sqlite_url,
)
from services import PrivateRedis, ServiceUnavailable

HERE = Path(__file__).resolve().parent
CONNECTIONS, THREADS = 4, 2
SPEED_SITE = {"DJANGO_SETTINGS_MODULE": "speed_site.settings", "PYTHONPATH": str(HERE)}
GOALS = {  # target: (baseline, fraction of the baseline's requests/second)
    "post_locmem": ("whitenoise", 0.60),
    "post_redis": ("whitenoise", 0.60),
    "index": ("floor", 0.70),
    "tag": ("floor", 0.70),
    "post_304": ("floor", 0.80),
}
SEED_BIG = """
import json, sys
sys.path.insert(0, "bench")
from django.contrib.auth import get_user_model
from comments_thread import SCENARIOS, USERS, seed_post
User = get_user_model()
author = User.objects.get(username="benchauthor")
users = [User.objects.create_user(f"reader{n:02d}", f"reader{n:02d}@example.org",
                                  first_name=f"Reader{n}", last_name="Bench")
         for n in range(USERS)]
post = seed_post(author, users, "A post with 1,000 comments", SCENARIOS["mixed"])
print(json.dumps({"url": post.get_absolute_url(), "comments": post.comments.count()}))
"""


def wrk(port, path, seconds, headers=()):
    """One ``wrk`` run: requests/second, p50 and p99 in ms, and the non-2xx/3xx count."""
    cmd = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--latency"]
    for header in headers:
        cmd += ["-H", header]
    out = subprocess.run(
        [*cmd, f"http://{HOST}:{port}{path}"],
        capture_output=True, text=True, timeout=seconds + 30, check=True,
    ).stdout  # fmt: skip
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    if "Requests/sec" not in out or len(latency) != 2:
        raise RuntimeError(f"wrk {path}: no figures in its output:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)$", out, re.M)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(latency["50"]),
        "p99_ms": _ms(latency["99"]),
        "non_2xx_3xx": int(bad.group(1)) if bad else 0,
        **({"socket_errors": errors.group(1).strip()} if errors else {}),
    }


def _ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 3)


def probe(port, path, headers=None):
    """What one request gets: status, the headers that matter and the body's size."""
    client = Client(HOST, port)
    try:
        conn = client._connection()
        conn.request("GET", path, headers={"Host": f"{HOST}:{port}", **(headers or {})})
        resp = conn.getresponse()
        body = resp.read()
    finally:
        client.close()
    wanted = ("etag", "last-modified", "cache-control", "content-type", "content-length")
    return resp.status, {k.lower(): v for k, v in resp.getheaders() if k.lower() in wanted}, body


def servers(env, redis_url, static_dir):
    """The locmem server (with the saved-page folder), the Redis one and the Redis one
    without its per-process tier, all started."""
    local = Gunicorn({**env, **SPEED_SITE, "BENCH_WHITENOISE_ROOT": str(static_dir)}, name="locmem")
    shared = Gunicorn({**env, **SPEED_SITE, "REDIS_URL": redis_url}, name="redis")
    bare = Gunicorn(
        {**env, **SPEED_SITE, "REDIS_URL": redis_url, "PAGE_CACHE_LOCAL_BYTES": "0"},
        name="redis-roundtrip",
    )
    return local.start(), shared.start(), bare.start()


def measure(targets, seconds, rounds):
    """Each target once per round, in turn; after a warm-up pass. Medians over the rounds."""
    for port, path, headers in targets.values():
        wrk(port, path, 2, headers)  # warm: both workers render and cache
    runs = {name: [] for name in targets}
    load = []
    for _ in range(rounds):
        load.append(round(os.getloadavg()[0], 2))
        for name, (port, path, headers) in targets.items():
            runs[name].append(wrk(port, path, seconds, headers))
    load.append(round(os.getloadavg()[0], 2))
    out = {}
    for name, samples in runs.items():
        out[name] = {
            "rps": round(statistics.median(s["rps"] for s in samples), 1),
            "p50_ms": round(statistics.median(s["p50_ms"] for s in samples), 2),
            "p99_ms": round(statistics.median(s["p99_ms"] for s in samples), 2),
            "rounds": samples,
        }
    return out, load


def verdicts(results, statuses):
    goals = {}
    for name, (base, share) in GOALS.items():
        ratio = results[name]["rps"] / results[base]["rps"]
        ok = ratio >= share and (name != "post_304" or statuses["post_304"] == 304)
        goals[name] = {
            "baseline": base,
            "ratio": round(ratio, 3),
            "goal": share,
            "status": statuses.get(name, 200),
            "result": "PASS" if ok else "FAIL",
        }
    return goals


def cold_goals():
    """The cold render goals from this run's ``comments_thread.py`` (run before this one)."""
    path = RESULTS / "comments_thread.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return {"measured_at": data["measured_at"], "goals": data["goals"],
            "cold": data.get("cold_vs_xtd", {})}  # fmt: skip


def markdown(data):
    r, g = data["targets"], data["goals"]
    lines = [
        f"# Reader pages vs a static file ({data['measured_at']})",
        "",
        f"{data['setup']}. Load average {data['load_average']} (1 min, per round).",
        "",
        "| target | req/s | p50 ms | p99 ms | ratio | goal | result |",
        "|---|---|---|---|---|---|---|",
    ]
    labels = {
        "post_locmem": "1,000-comment post, warm, local-memory cache",
        "post_redis": "the same, Redis cache (and each worker's tier in front of it)",
        "post_redis_roundtrip": "the same, Redis cache, every hit a Redis round trip",
        "whitenoise": "whitenoise serving the same bytes (same process)",
        "floor": 'a view returning "ok" through our middleware (the floor)',
        "index": "index, warm",
        "tag": "tag page, warm",
        "post_304": f"post page, If-None-Match matching (answered {data['statuses']['post_304']})",
    }
    for name, label in labels.items():
        t = r[name]
        goal = g.get(name)
        ratio = f"{goal['ratio']:.0%} of {goal['baseline']}" if goal else ""
        if name == "post_redis_roundtrip":  # no goal: what the tier saves
            ratio = f"{t['rps'] / r['whitenoise']['rps']:.0%} of whitenoise"
        need = f">= {goal['goal']:.0%}" + (" and 304" if name == "post_304" else "") if goal else ""
        result = goal["result"] if goal else ""
        lines.append(
            f"| {label} | {t['rps']:,.0f} | {t['p50_ms']:.2f} | {t['p99_ms']:.2f} "
            f"| {ratio} | {need} | {result} |"
        )
    cold = data.get("cold_render")
    if cold:
        lines += ["", f"Cold render, in-process (comments_thread.py, {cold['measured_at']}):", ""]
        lines += ["| goal | result |", "|---|---|"]
        lines += [f"| {name} | {result} |" for name, result in cold["goals"].items()]
        for size, row in cold.get("cold", {}).items():
            lines.append(
                f"| {size}: ours {row['ours_ms']} ms, xtd {row['xtd_ms']} ms (wall); "
                f"{_cpu(row)} | {row['ratio']}x |"
            )
    return "\n".join(lines) + "\n"


def _cpu(row):
    if "cpu_ratio" not in row:
        return "CPU time not measured"
    return f"CPU ours {row['ours_cpu_ms']} ms, xtd {row['xtd_cpu_ms']} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--table",
        action="store_true",
        help="only write the markdown table "
        "again from the saved results (and comments_thread.json's cold goals)",
    )
    args = parser.parse_args()
    if args.table:
        data = json.loads((RESULTS / "page_speed.json").read_text())
        data["cold_render"] = cold_goals()
        (RESULTS / "page_speed.json").write_text(json.dumps(data, indent=2) + "\n")
        (RESULTS / "page_speed.md").write_text(markdown(data))
        print((RESULTS / "page_speed.md").read_text())
        return
    if not shutil.which("wrk"):
        sys.exit(
            "page_speed: wrk is not installed: run bench/install_deps.sh (apt-get install wrk)"
        )
    started = time.monotonic()
    url, folder = sqlite_url()
    static_dir = Path(tempfile.mkdtemp(prefix="bench-static-"))
    try:
        with PrivateRedis() as redis:
            env = server_env(url)
            seed = prepare_database(env)
            big = django_json({**env, **SPEED_SITE}, SEED_BIG)
            # the page's bytes, from a server, saved as the file WhiteNoise will serve
            probe_server = Gunicorn({**env, **SPEED_SITE}, workers=1, name="probe").start()
            try:
                status, headers, body = probe(probe_server.port, big["url"])
            finally:
                probe_server.stop()
            assert status == 200, status
            (static_dir / "bench-post.html").write_bytes(body)
            local, shared, bare = servers(env, redis.url(0), static_dir)
            try:
                data = run(local, shared, bare, seed, big, body, headers, args)
            finally:
                local.stop()
                shared.stop()
                bare.stop()
    except ServiceUnavailable as exc:
        sys.exit(f"page_speed: {exc}")
    finally:
        remove_dir(folder)
        remove_dir(static_dir)
    data["seconds"] = round(time.monotonic() - started)
    write_result("page_speed", data)
    (RESULTS / "page_speed.md").write_text(markdown({**data, "measured_at": time.strftime(
        "%Y-%m-%d %H:%M UTC", time.gmtime())}))  # fmt: skip
    print((RESULTS / "page_speed.md").read_text())
    failed = [n for n, g in data["goals"].items() if g["result"] != "PASS"]
    if data.get("cold_render"):
        failed += [n for n, r in data["cold_render"]["goals"].items() if r != "PASS"]
    if failed:
        sys.exit(f"page_speed: goals failed: {', '.join(failed)}")


def run(local, shared, bare, seed, big, body, headers, args):
    tag = f"/tag/{seed['tags'][0]}/"
    etag = headers.get("etag")
    conditional = [f"If-None-Match: {etag or chr(34) + 'no-etag-sent' + chr(34)}"]
    statuses = {}
    for name, port, path, extra in (
        ("post_locmem", local.port, big["url"], {}),
        ("post_redis", shared.port, big["url"], {}),
        ("post_redis_roundtrip", bare.port, big["url"], {}),
        ("whitenoise", local.port, "/bench-post.html", {}),
        ("floor", local.port, "/bench/ok", {}),
        ("index", local.port, "/", {}),
        ("tag", local.port, tag, {}),
        ("post_304", local.port, big["url"], dict(h.split(": ", 1) for h in conditional)),
    ):
        status, _, got = probe(port, path, extra)
        statuses[name] = status
        if name == "whitenoise" and got != body:
            raise RuntimeError("WhiteNoise did not serve the page's bytes")
    targets = {
        "post_locmem": (local.port, big["url"], ()),
        "post_redis": (shared.port, big["url"], ()),
        "post_redis_roundtrip": (bare.port, big["url"], ()),
        "whitenoise": (local.port, "/bench-post.html", ()),
        "floor": (local.port, "/bench/ok", ()),
        "index": (local.port, "/", ()),
        "tag": (local.port, tag, ()),
        "post_304": (local.port, big["url"], tuple(conditional)),
    }
    results, load = measure(targets, args.seconds, args.rounds)
    data = {
        "setup": f"gunicorn blogsite.wsgi -w 2 (sync) x 3 servers (local-memory cache; "
        f"Redis of its own, with and without the per-process tier), SQLite, DEBUG=0, speed_site settings (1,000 comments on one page); "
        f"wrk -t {THREADS} -c {CONNECTIONS} -d {args.seconds}s on loopback, median of "
        f"{args.rounds} rounds",
        "page_bytes": len(body),
        "comments": big["comments"],
        "post_headers": headers,
        "etag_sent": etag,
        "statuses": statuses,
        "load_average": load,
        "targets": results,
        "goals": verdicts(results, statuses),
    }
    cold = cold_goals()
    if cold:
        data["cold_render"] = cold
    return data


if __name__ == "__main__":
    main()
