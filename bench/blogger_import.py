"""Benchmark ``import_blogger``: a generated classic export (10,000 posts and 100,000 comments by
default) imported into a fresh SQLite file and a fresh PostgreSQL database, each in a child
process; wall time and peak memory (``ru_maxrss`` of the largest process, and the import's
process and its file-reading child together, as PSS, sampled), against the time the bare
XML parser the importer uses (ElementTree's C parser) takes over the same file (the fastest
of several parses).

    python bench/blogger_import.py [--posts N] [--comments M] [--skip-postgres] [--runs K]
                                   [--pg-db NAME]

``--runs K`` imports K times into fresh databases and keeps the fastest (the machine is shared:
one run alone varies by a third); ``--pg-db`` names the scratch PostgreSQL database (dropped
and created for each run).

Writes bench/results/blogger_import.json. Goals: under 60 s, under 500 MB, at most 8x the parse.
"""

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from gen_blogger_export import generate  # noqa: E402

PARSE_RUNS = 5
PG_URL = "postgres://postgres@127.0.0.1:5432/{}"


def bare_parse(path):
    """The time ElementTree's C parser, the one the importer uses, takes to stream the file."""
    import xml.etree.ElementTree as ET

    start, cpu = time.perf_counter(), time.process_time()
    for _, elem in ET.iterparse(str(path), events=("end",)):  # noqa: S314 (our own file)
        if elem.tag.endswith("entry"):
            elem.clear()
    return "xml.etree (C)", time.perf_counter() - start, time.process_time() - cpu


def child_run(args, env):
    """Run a manage.py command in a child; return (seconds, its peak RSS in MB, its output,
    its CPU seconds (its own children's included), the peak proportional memory (PSS) of it
    and its children together in MB, sampled every 50 ms)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), *args], env=env, stdout=out, stderr=err,
            text=True,
        )  # fmt: skip
        tree_peak = 0
        while process.poll() is None:
            tree_peak = max(tree_peak, tree_rss(process.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(args, process.returncode, out.read(), err.read())
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode:
        raise RuntimeError(f"{' '.join(args)}: {result.stderr.strip()[-2000:]}")
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: the import is the largest.
    cpu = usage.ru_utime + usage.ru_stime - cpu
    return (
        seconds,
        max(usage.ru_maxrss, before) / 1024,
        result.stdout.strip(),
        cpu,
        tree_peak / 1024,
    )


def tree_rss(pid):
    """The proportional resident memory (kB: a page shared by n processes counts 1/n in each)
    of a process and its children (the import reads a large file in a child forked from it),
    read from /proc; 0 where there is none."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            total += next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            total += sum(tree_rss(int(child)) for child in children.read().split())
    except (OSError, ValueError):
        pass
    return total


def run_on(database_url, export, parse_seconds, fresh=None, runs=1, parse_cpu=None):
    """Import into a fresh database ``runs`` times (``fresh()`` empties it before each); the
    fastest run, its peak memory (the largest of all runs) and every run's time; the least CPU
    time the importing process took, against the bare parse's (on a loaded machine wall times
    wait for the other processes; the database server's CPU is not in it)."""
    env = {**os.environ, "DATABASE_URL": database_url}
    times, peaks, cpus, tree_peaks = [], [], [], []
    for _ in range(runs):
        if fresh:
            fresh()
        child_run(["migrate", "-v0"], env)
        seconds, peak_mb, summary, cpu, tree_mb = child_run(["import_blogger", str(export)], env)
        times.append(seconds)
        peaks.append(peak_mb)
        tree_peaks.append(tree_mb)
        cpus.append(cpu)
    again, *_ = child_run(["import_blogger", str(export)], env)
    seconds = min(times)
    return {
        "import_seconds": round(seconds, 2),
        "import_runs": [round(t, 2) for t in times],
        "peak_rss_mb": round(max(peaks), 1),
        "peak_pss_of_both_processes_mb": round(max(tree_peaks), 1),
        "ratio_to_bare_parse": round(seconds / parse_seconds, 1),
        "import_cpu_runs": [round(t, 2) for t in cpus],
        "cpu_ratio_to_bare_parse": round(min(cpus) / parse_cpu, 1) if parse_cpu else None,
        "second_run_seconds": round(again, 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "summary": summary,
    }


def psql(sql):
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql],
        check=True, capture_output=True,
    )  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--runs", type=int, default=1, help="imports per database; the fastest")
    parser.add_argument("--pg-db", default="blogsite_bench", help="scratch PostgreSQL database")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "blogger_import.json"))
    args = parser.parse_args()

    results = {"posts": args.posts, "comments": args.comments}
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "blog-bench.xml"
        generate(export, args.posts, args.comments)
        results["file_mb"] = round(export.stat().st_size / 2**20, 1)
        # The fastest of several parses: one parse alone varies by half on a busy machine.
        runs = [bare_parse(export) for _ in range(PARSE_RUNS)]
        results["bare_parser"] = runs[0][0]
        parse_seconds = min(seconds for _, seconds, _ in runs)
        parse_cpu = min(cpu for *_, cpu in runs)
        results["bare_parse_seconds"] = round(parse_seconds, 2)
        results["bare_parse_runs"] = [round(seconds, 2) for _, seconds, _ in runs]
        results["bare_parse_cpu_seconds"] = round(parse_cpu, 2)
        results["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
        sqlite_file = Path(tmp) / "bench.sqlite3"
        try:
            results["sqlite"] = run_on(
                f"sqlite:///{sqlite_file}",
                export,
                parse_seconds,
                fresh=lambda: sqlite_file.unlink(missing_ok=True),
                runs=args.runs,
                parse_cpu=parse_cpu,
            )
        except RuntimeError as exc:
            results["sqlite"] = {"error": str(exc)}
        if not args.skip_postgres:
            name = args.pg_db

            def fresh():
                psql(f"DROP DATABASE IF EXISTS {name}")
                psql(f"CREATE DATABASE {name}")

            try:
                results["postgresql"] = run_on(
                    PG_URL.format(name),
                    export,
                    parse_seconds,
                    fresh=fresh,
                    runs=args.runs,
                    parse_cpu=parse_cpu,
                )
            except (RuntimeError, subprocess.CalledProcessError, FileNotFoundError) as exc:
                results["postgresql"] = {"error": str(exc)}
            finally:
                with contextlib.suppress(subprocess.CalledProcessError, FileNotFoundError):
                    psql(f"DROP DATABASE IF EXISTS {name}")
    results["goals"] = {"seconds": 60, "peak_rss_mb": 500, "ratio_to_bare_parse": 8}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
