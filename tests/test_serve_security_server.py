"""Hostile clients against `kg serve` as a real uvicorn process on 127.0.0.1 (docs/security.md):
a client that hangs up frees its worker, over-long request heads and bodies get clean 414/431/413
answers, and the command-line options reach the server."""
from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import pytest

from _kg_builds import Server, fixture_build
from test_serve_security import CROSS_JOIN, SLOW, Listener

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def build() -> Path:
    return fixture_build()


def http(url: str, *, data: bytes | None = None, headers: dict | None = None):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def raw(port: int, *parts: bytes) -> bytes:
    """Send ``parts`` as they are (a pause between them, so the server sees each alone) and read one
    answer: its head and as much body as Content-Length says."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        for k, part in enumerate(parts):
            try:
                s.sendall(part)
            except (BrokenPipeError, ConnectionResetError):
                break  # it may answer before we are done sending
            if k < len(parts) - 1:
                time.sleep(0.3)
        out = b""
        try:
            while b"\r\n\r\n" not in out and (chunk := s.recv(65536)):
                out += chunk
            head = out.split(b"\r\n\r\n", 1)[0].lower()
            length = int(head.split(b"content-length:", 1)[1].split(b"\r\n", 1)[0]) if b"content-length:" in head else 0
            while len(out.split(b"\r\n\r\n", 1)[-1]) < length and (chunk := s.recv(65536)):
                out += chunk
        except (ConnectionResetError, socket.timeout):
            pass
    return out


def ask(server: Server) -> tuple[int, float]:
    started = time.monotonic()
    status, _, body = http(server.endpoint + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}))
    assert status != 200 or json.loads(body)["boolean"] is True
    return status, time.monotonic() - started


def test_a_client_that_hangs_up_frees_its_worker(build):
    server = Server(build, "--workers", "1", "--timeout", "15")
    try:
        before = {p.pid for p in psutil.Process(server.proc.pid).children(recursive=True)}
        target = "/sparql?" + urllib.parse.urlencode({"query": SLOW})
        with socket.create_connection(("127.0.0.1", server.port)) as s:
            s.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())
            time.sleep(0.7)  # the query is running; now the client leaves
        status, took = ask(server)
        assert status == 200 and took < 5  # not behind the 15 s the slow query was allowed
        after = {p.pid for p in psutil.Process(server.proc.pid).children(recursive=True)}
        assert before - after  # its worker process was ended (and another started)
    finally:
        server.stop()


def test_oversized_requests_get_clean_answers(build):
    server = Server(build, "--workers", "1")
    try:
        host = f"Host: 127.0.0.1:{server.port}\r\n".encode()
        url = b"GET /sparql?query=ASK%7B%7D" + b"%20" * 20_000 + b" HTTP/1.1\r\n"
        answer = raw(server.port, url + host + b"\r\n")  # past --max-url: the app answers
        assert answer.startswith(b"HTTP/1.1 414 ") and b"POST the query" in answer, answer[:80]
        # past what uvicorn buffers of an unfinished request head: the protocol answers, in the same words
        answer = raw(server.port, b"GET /sparql?query=" + b"A" * 100_000, b"A HTTP/1.1\r\n" + host + b"\r\n")
        assert answer.startswith(b"HTTP/1.1 414 ") and b"POST the query" in answer, answer[:80]
        answer = raw(server.port, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n" + host + b"X-Big: " + b"b" * 100_000,
                     b"\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 431 "), answer[:80]
        started = time.monotonic()  # 50 MB announced, a few bytes sent: refused without reading it
        answer = raw(server.port, b"POST /sparql HTTP/1.1\r\n" + host + b"Content-Type: application/sparql-query\r\n"
                     b"Content-Length: 50000000\r\n\r\nASK {}")
        assert answer.startswith(b"HTTP/1.1 413 ") and b"--max-body" in answer
        assert time.monotonic() - started < 5
        status, _ = ask(server)
        assert status == 200
    finally:
        server.stop()


def test_defaults_refuse_foreign_hosts_cors_and_service(build):
    ear = Listener()
    server = Server(build, "--workers", "1")
    try:
        q = urllib.parse.urlencode({"query": "ASK {}"})
        status, _, body = http(f"{server.endpoint}?{q}", headers={"Host": f"rebound.example:{server.port}"})
        assert status == 400 and b"--allow-host" in body
        status, headers, _ = http(f"http://localhost:{server.port}/sparql?{q}", headers={"Origin": "https://a.example"})
        assert status == 200 and "access-control-allow-origin" not in {k.lower() for k in headers}
        status, _, body = http(server.endpoint, data=urllib.parse.urlencode({"query": (
            f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{ear.port}/sparql> {{ ?s ?p ?o }} }}")}).encode())
        assert status == 400 and b"federated queries are refused" in body
        time.sleep(0.3)
        assert ear.connections == 0
    finally:
        server.stop()
        ear.close()


def test_command_line_options_reach_the_server(build):
    ear = Listener()
    server = Server(build, "--workers", "1", "--allow-service", "127.0.0.1", "--cors", "https://app.example",
                    "--allow-host", "kg.example.org", "--max-query-memory", "200", "--max-body", "2000")
    try:
        q = urllib.parse.urlencode({"query": "ASK {}"})
        assert http(f"{server.endpoint}?{q}", headers={"Host": "kg.example.org"})[0] == 200
        _, headers, _ = http(f"{server.endpoint}?{q}", headers={"Origin": "https://app.example"})
        assert {k.lower(): v for k, v in headers.items()}.get("access-control-allow-origin") == "https://app.example"
        status, _, _ = http(server.endpoint, data=b"ASK {}" + b" " * 3000,
                            headers={"Content-Type": "application/sparql-query"})
        assert status == 413
        status, _, body = http(server.endpoint + "?" + urllib.parse.urlencode({"query": CROSS_JOIN}))
        assert status == 503 and b"memory limit (200 MB" in body
        http(server.endpoint, data=urllib.parse.urlencode({"query": (
            f"ASK {{ SERVICE <http://127.0.0.1:{ear.port}/sparql> {{ ?s ?p ?o }} }}")}).encode())
        assert ear.connections >= 1  # the allowed host was called
        assert ask(server)[0] == 200
    finally:
        server.stop()
        ear.close()
