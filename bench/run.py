"""Run every benchmark in its own process; results land in bench/results/*.json."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    "pages.py",
    "comments_thread.py",
    "page_speed.py",  # after comments_thread.py: its table copies the cold render goals
    "concurrency.py",
    "spam_filter.py",
    "blog_spam.py",
    "blogger_import.py",
    "markdown_worst.py",
    "load.py",
    "mail_faults.py",
]


def main():
    failed = []
    for name in BENCHMARKS:
        script = HERE / name
        if not script.exists():
            continue
        print(f"=== {name} ===", flush=True)
        if subprocess.run([sys.executable, str(script)], cwd=HERE).returncode != 0:
            failed.append(name)
    if failed:
        sys.exit(f"benchmarks failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
