"""Shared set-up for in-process benchmarks: a throwaway database and timing helpers."""

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def setup_django(**env):
    """Point Django at a fresh SQLite file (unless DATABASE_URL is given) and migrate it."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
    os.environ.setdefault("HTTPS", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "blogsite.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():  # DEBUG=0 wants the manifest
        call_command("collectstatic", verbosity=0, interactive=False)


def measure(fn, repeat=30, warmup=2, setup=None):
    """Run ``fn`` and return timings in ms (wall clock, and this process's CPU time: on a
    shared machine, waiting for a core counts in the first only) plus the queries of the last
    run; ``setup`` runs before each timed run, untimed and uncounted (to empty a cache, say)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        fn()
    times, cpu = [], []
    for _ in range(repeat):
        if setup is not None:
            setup()
        with CaptureQueriesContext(connection) as queries:
            start, cpu_start = time.perf_counter(), time.process_time()
            fn()
            cpu.append((time.process_time() - cpu_start) * 1000)
            times.append((time.perf_counter() - start) * 1000)
    return {
        "median_ms": round(statistics.median(times), 2),
        "cpu_median_ms": round(statistics.median(cpu), 2),  # this process's CPU: less noisy
        "p90_ms": round(sorted(times)[int(len(times) * 0.9) - 1], 2),
        "queries": len(queries),
    }


def machine():
    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count()}  # fmt: skip


def write_result(name, data):
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(), **data}
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
    print(json.dumps(data, indent=2))
    return data


# --- spam filter benchmarks: one way to count and to print -----------------------------------


def spam_rates(pairs) -> dict:
    """(label, action) pairs -> the spam goals' rates, as shares and as counts.

    ``spam_caught``: spam not approved (held or marked spam); ``ham_marked_spam`` and
    ``ham_held``: honest comments marked spam / held. A share is ``None`` without rows.
    """
    spam = [a for lab, a in pairs if lab == "spam"]
    ham = [a for lab, a in pairs if lab == "ham"]

    def share(n, of):
        return round(n / len(of), 4) if of else None

    caught = sum(a != "approve" for a in spam)
    spam_as_spam = sum(a == "spam" for a in spam)
    marked = sum(a == "spam" for a in ham)
    held = sum(a == "hold" for a in ham)
    return {
        "n": len(spam) + len(ham),
        "spam": len(spam),
        "ham": len(ham),
        "spam_caught": share(caught, spam),
        "spam_marked_spam": share(spam_as_spam, spam),
        "ham_marked_spam": share(marked, ham),
        "ham_held": share(held, ham),
        "spam_missed_n": len(spam) - caught,
        "ham_marked_spam_n": marked,
        "ham_held_n": held,
    }


RATES_HEADER = f"{'set':<36}{'caught':>8}{'missed':>8}{'h->spam':>14}{'ham held':>14}"


def rates_row(name: str, r: dict, note: str = "") -> str:
    """One line of the spam goals' table: shares with their counts."""

    def pct(x, digits=1):
        return "-" if x is None else f"{x:.{digits}%}"

    marked = f"{r['ham_marked_spam_n']} ({pct(r['ham_marked_spam'], 2)})"
    held = f"{r['ham_held_n']} ({pct(r['ham_held'])})"
    line = f"{name:<36}{pct(r['spam_caught']):>8}{r['spam_missed_n']:>8}{marked:>14}{held:>14}"
    return f"{line}   {note}" if note else line
