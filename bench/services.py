"""A Redis and a PostgreSQL cluster of the benchmark's own, on free loopback ports.

The fault phases stop, start and restart these, never the machine's Redis (6379) nor its
PostgreSQL (5432): other people's tests use those. Both live in a temp folder that is removed
when they stop; Redis keeps nothing on disk (``--save ""``), PostgreSQL trusts loopback.

PostgreSQL comes from Debian's ``/usr/lib/postgresql/<newest>/bin`` (or ``initdb`` on the
``PATH``). ``initdb`` refuses to run as root, so under root the cluster belongs to the
``postgres`` user (``runuser``), as Debian's own clusters do.
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

HOST = "127.0.0.1"


class ServiceUnavailable(RuntimeError):
    """A service could not be started; the message says what is missing."""


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _wait(check, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise ServiceUnavailable(f"{what} did not come up within {timeout} s")


class PrivateRedis:
    """``redis-server`` on its own port, nothing saved; ``stop``/``start`` for the faults."""

    def __init__(self):
        if not shutil.which("redis-server"):
            raise ServiceUnavailable("redis-server is not installed (apt-get install redis-server)")
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="bench-redis-"))
        self.proc = None

    def url(self, db=0):
        return f"redis://{HOST}:{self.port}/{db}"

    def is_up(self):
        try:
            with socket.create_connection((HOST, self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self):
        if self.proc is not None and self.proc.poll() is None:
            return self
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", HOST, "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.dir), "--logfile", str(self.dir / "log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        _wait(self.is_up, 10, f"redis-server on port {self.port}")
        return self

    def stop(self):
        """Shut down at once (the fault): SIGKILL, as a crash or an OOM kill would."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()


def pg_bin():
    """The folder of ``initdb``/``pg_ctl``: Debian's newest, else whatever the PATH has."""
    versions = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1]
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ServiceUnavailable("PostgreSQL server binaries not found (apt-get install postgresql)")


class PrivatePostgres:
    """A throwaway cluster (``initdb`` into a temp folder, ``pg_ctl`` on a free port, trust
    auth, superuser ``postgres``): ``create_database``/``drop_database``, ``restart``."""

    def __init__(self):
        self.bin = pg_bin()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="bench-pg-"))
        self.data = self.dir / "data"
        self.as_user = []
        if os.geteuid() == 0:  # initdb will not run as root: the cluster is postgres's
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise ServiceUnavailable("running as root needs a 'postgres' user") from exc
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args, timeout=120):
        r = subprocess.run(
            [*self.as_user, *args], capture_output=True, text=True, timeout=timeout,
            cwd=self.dir,
        )  # fmt: skip
        if r.returncode != 0:
            raise ServiceUnavailable(f"{Path(args[0]).name} failed: {r.stderr.strip()[-500:]}")
        return r.stdout

    def url(self, name):
        return f"postgres://postgres@{HOST}:{self.port}/{name}"

    def start(self):
        if not (self.data / "PG_VERSION").exists():
            self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                      "-A", "trust", "-E", "UTF8", "--no-sync")  # fmt: skip
        self._pg_ctl("start")
        return self

    def _pg_ctl(self, action):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses={HOST} -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"),
                  "-w", "-t", "60", "-m", "fast", "-o", options, action)  # fmt: skip

    def restart(self):
        """The fault: every connection dropped, the server back once it accepts them."""
        self._pg_ctl("restart")

    def is_up(self):
        r = subprocess.run(
            [str(self.bin / "pg_isready"), "-h", HOST, "-p", str(self.port)],
            capture_output=True, timeout=10,
        )  # fmt: skip
        return r.returncode == 0

    def ensure_up(self):
        if not self.is_up():
            self._pg_ctl("start")

    def psql(self, sql):
        self._run(str(self.bin / "psql"), "-h", HOST, "-p", str(self.port), "-U", "postgres",
                  "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql)  # fmt: skip

    def create_database(self, name):
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name):
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self):
        if (self.data / "postmaster.pid").exists():
            try:
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                          "-w", "stop")  # fmt: skip
            except ServiceUnavailable:
                pid = int((self.data / "postmaster.pid").read_text().split()[0])
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc):
        self.close()
