"""Start and stop the real Neo4j 5.26 test server (tests/neo4j-server) from Python.

Used by the pytest fixtures (tests/conftest_neo4j.py) and by bench/bench_neo4j.py. The server is a
Java process with Bolt on 127.0.0.1 (a free port), auth enabled, its password passed through the
environment; it prints ``NEO4J_BOLT_URI=…`` when ready and shuts down when its stdin closes.
"""
from __future__ import annotations

import os
import secrets
import selectors
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVER_DIR = ROOT / "tests" / "neo4j-server"
BUILD_SCRIPT = ROOT / "scripts" / "setup.d" / "40-neo4j.sh"
MAIN_CLASS = "zhengwu.testserver.Main"
USER = "neo4j"


class ServerStartError(RuntimeError):
    """The test server could not be built or did not come up."""


@dataclass
class Neo4jServer:
    uri: str
    user: str
    password: str
    home: Path
    log: Path
    process: subprocess.Popen

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self, timeout: float = 60.0) -> None:
        """Close stdin (the server shuts down cleanly), then terminate/kill if it lingers."""
        proc = self.process
        if proc.poll() is None:
            try:
                if proc.stdin:
                    proc.stdin.close()
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        if proc.stdout:
            proc.stdout.close()

    def kill(self) -> None:
        """SIGKILL: the server dies with no shutdown (for failure tests)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def is_built() -> bool:
    return (SERVER_DIR / "target" / "classes" / "zhengwu" / "testserver" / "Main.class").exists() \
        and (SERVER_DIR / "target" / "dependency").is_dir()


def ensure_built() -> None:
    """Build the launcher with the idempotent setup step if it is not there yet."""
    if is_built():
        return
    proc = subprocess.run(["bash", str(BUILD_SCRIPT)], capture_output=True, text=True)
    if proc.returncode != 0 or not is_built():
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-15:]
        raise ServerStartError("building the Neo4j test launcher failed:\n" + "\n".join(tail))


def start(home: Path, *, password: str | None = None, port: int = 0, heap: str = "1g",
          pagecache: str = "64m", gc: tuple[str, ...] = ("-XX:+UseSerialGC",),
          initial_heap: str = "1g", timeout: float = 240.0) -> Neo4jServer:
    """Start a server on ``home`` (created if missing; an existing store is reopened)."""
    ensure_built()
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    password = password or secrets.token_urlsafe(18)
    log = home / "server.log"
    classpath = os.pathsep.join([str(SERVER_DIR / "target" / "classes"),
                                 str(SERVER_DIR / "target" / "dependency" / "*")])
    # A small heap, serial GC and a small page cache: the machine's 2 cores are shared.
    # --add-opens as in Neo4j's own launcher (page cache without reflection fallbacks).
    cmd = [os.environ.get("JAVA", "java"), f"-Xmx{heap}", f"-Xms{initial_heap}", *gc,
           "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
           "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-Dlog4j2.disable.jmx=true",
           "-cp", classpath, MAIN_CLASS, "--home", str(home), "--port", str(port),
           "--pagecache", pagecache]
    env = dict(os.environ, NEO4J_PASSWORD=password)
    with open(log, "ab") as log_fh:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log_fh,
                                env=env, cwd=str(home))
    uri = _wait_for_uri(proc, timeout)
    if uri is None:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        tail = log.read_text(errors="replace").strip().splitlines()[-20:]
        raise ServerStartError(f"Neo4j test server did not start within {timeout:.0f}s "
                               f"(exit {proc.returncode}); log {log}:\n" + "\n".join(tail))
    return Neo4jServer(uri=uri, user=USER, password=password, home=home, log=log, process=proc)


def _wait_for_uri(proc: subprocess.Popen, timeout: float) -> str | None:
    assert proc.stdout is not None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    buf = b""
    try:
        while time.monotonic() < deadline:
            if not sel.select(timeout=1.0):
                if proc.poll() is not None:
                    return None
                continue
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                return None
            buf += chunk
            for line in buf.decode("utf-8", "replace").splitlines():
                if line.startswith("NEO4J_BOLT_URI="):
                    return line.split("=", 1)[1].strip()
        return None
    finally:
        sel.close()


def admin_import(home: Path, csv_dir: Path, command: str, timeout: float = 300.0) -> subprocess.CompletedProcess:
    """Run the ``neo4j-admin database import full …`` line of an export (from its README) for real,
    with the admin tool from the launcher's classpath, into ``home`` (small memory, one thread)."""
    import shlex

    ensure_built()
    argv = shlex.split(command)
    if argv[:5] != ["neo4j-admin", "database", "import", "full", argv[4]]:
        raise ValueError(f"not an import command: {command}")
    args = argv[1:5] + ["--max-off-heap-memory=256m", "--threads=1"] + argv[5:]
    classpath = os.pathsep.join([str(SERVER_DIR / "target" / "classes"),
                                 str(SERVER_DIR / "target" / "dependency" / "*")])
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, NEO4J_HOME=str(home))
    return subprocess.run([os.environ.get("JAVA", "java"), "-Xmx512m", "-XX:+UseSerialGC", "-cp",
                           classpath, "org.neo4j.cli.AdminTool", *args],
                          cwd=str(csv_dir), env=env, capture_output=True, text=True, timeout=timeout)
