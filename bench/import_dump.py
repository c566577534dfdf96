"""Dump every row an import leaves, to check that a change to the importers stores the same.

    python bench/import_dump.py REPO COMMAND FILE OUT

Imports FILE with ``REPO/manage.py COMMAND`` (import_blogger, import_wordpress, import_disqus)
into a fresh SQLite file and writes each table's rows to OUT, one a line, with what differs
from run to run by design written as NOW (times of the import) or RANDOM (unusable password
hashes, version tokens). Run it with the code before and after a change (``git archive HEAD |
tar -x -C DIR`` gives the code before, with a symlink to the venv) and compare the two files.
"""

import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

NOW = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d")
RANDOM = re.compile(r"^[0-9a-f]{32}$")


def normalised(value, table, started):
    if isinstance(value, str) and NOW.match(value) and value[:10] >= started:
        return "NOW"
    if isinstance(value, str) and (
        RANDOM.match(value) or (table == "auth_user" and value.startswith("!"))
    ):
        return "RANDOM"
    return value


def main():
    repo, command, path, out = sys.argv[1:5]
    started = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400))  # (a day's margin)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/dump.sqlite3"}
        python, manage = os.path.join(repo, ".venv/bin/python"), os.path.join(repo, "manage.py")
        subprocess.run([python, manage, "migrate", "-v0"], env=env, check=True)
        result = subprocess.run(
            [python, manage, command, path], env=env, capture_output=True, text=True
        )
        lines = [f"exit {result.returncode}", result.stdout.strip(), result.stderr.strip()]
        with sqlite3.connect(f"{tmp}/dump.sqlite3") as connection:
            tables = connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN "
                "('django_migrations', 'sqlite_sequence', 'django_session') ORDER BY name"
            ).fetchall()
            for (table,) in tables:
                for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY 1'):  # noqa: S608
                    values = [normalised(v, table, started) for v in row]
                    lines.append(f"{table}\t{values!r}")
    with open(out, "w", encoding="utf-8") as dump:
        dump.write("\n".join(lines) + "\n")
    print(out, len(lines), "lines")


if __name__ == "__main__":
    main()
