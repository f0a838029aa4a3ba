"""`partnerbilling serve` on the embedded PostgreSQL, run as a real process and stopped by real
signals: however it stops, the embedded server it started stops too, and a server left behind by
a killed process is stopped by the next run. Its start-up log says each fact once, in one format."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from alembic.script import ScriptDirectory

from partnerbilling.migrate import alembic_config

COMMAND = str(Path(sys.executable).with_name("partnerbilling"))
LOG_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (INFO|WARNING|ERROR|CRITICAL) [\w.]+: \S.*")

pytestmark = pytest.mark.timeout(300)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _gone(pid: int, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _postgres_processes(pgdata: Path) -> list[int]:
    """The pids of the processes whose command line names this data folder (the postmaster)."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0") if entry.name.isdigit() else []
        except OSError:
            continue
        if str(pgdata).encode() in cmdline and cmdline[0].endswith(b"/postgres"):
            pids.append(int(entry.name))
    return pids


class Served:
    """One ``partnerbilling serve`` (or other command's) process on an embedded server; its
    output goes to a file."""

    def __init__(self, data_dir: Path, port: int, command: tuple[str, ...] = ("serve",)) -> None:
        self.data_dir = data_dir
        self.pgdata = data_dir.resolve() / "pgdata"
        self.port = port
        self.log = data_dir.parent / f"{command[0]}-{port}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERBILLING_")}
        env["PARTNERBILLING_DATA_DIR"] = str(data_dir)
        if command == ("serve",):
            command = ("serve", "--port", str(port))
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [COMMAND, *command], stdout=out, stderr=subprocess.STDOUT, env=env
            )

    @property
    def output(self) -> str:
        return self.log.read_text()

    def get(self, path: str, **headers: str) -> httpx.Response:
        return httpx.get(f"http://127.0.0.1:{self.port}{path}", headers=headers, timeout=5)

    def wait_healthy(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if self.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"serve did not become healthy:\n{self.output}")

    def wait_for(self, text: str, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            assert time.monotonic() < deadline and self.process.poll() is None, self.output
            time.sleep(0.2)

    def wait(self, timeout: float = 60.0) -> int:
        return self.process.wait(timeout)

    def stop(self, signum: int) -> int:
        self.process.send_signal(signum)
        return self.wait()

    def postmaster_pid(self) -> int:
        return int((self.pgdata / "postmaster.pid").read_text().split("\n", 1)[0])

    def users(self) -> list[int]:
        """The pids the embedded server counts as using it."""
        users: list[int] = json.loads((self.pgdata / ".handle_pids.json").read_text() or "[]")
        return users


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data folder for the module's runs (the server is created once, then started by each)."""
    return tmp_path_factory.mktemp("embedded") / "data"


@pytest.fixture
def serve(data_dir: Path) -> Iterator[Callable[..., Served]]:
    """Start ``partnerbilling serve`` processes; whatever a failing test leaves running is ended."""
    started: list[Served] = []

    def start(
        port: int | None = None, folder: Path = data_dir, command: tuple[str, ...] = ("serve",)
    ) -> Served:
        served = Served(folder, port or _free_port(), command)
        started.append(served)
        return served

    yield start
    for served in started:
        if served.process.poll() is None:
            served.process.kill()
            served.process.wait()
        for pid in _postgres_processes(served.pgdata):
            os.kill(pid, signal.SIGINT)  # PostgreSQL's fast shutdown
            _gone(pid)


# uvicorn ends a served process on either signal after a graceful shutdown: SIGTERM as if it had
# killed it (exit status 128 + 15, as a shell reports it), Ctrl+C's SIGINT as a normal exit.
@pytest.mark.parametrize(
    ("signum", "status"),
    [(signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGINT, 0)],
    ids=["SIGTERM", "SIGINT"],
)
def test_a_signal_stops_serve_and_the_embedded_server_it_started(
    serve: Callable[..., Served], signum: int, status: int
) -> None:
    served = serve()
    served.wait_healthy()
    postmaster = served.postmaster_pid()
    assert served.process.pid in served.users()

    assert served.stop(signum) == status, served.output
    assert _gone(postmaster), served.output
    assert not (served.pgdata / "postmaster.pid").exists()
    assert served.users() == []
    assert "Traceback" not in served.output


def test_a_signal_stops_a_worker_and_the_embedded_server_it_started(serve: Callable[..., Served]) -> None:
    worker = serve(command=("worker",))
    worker.wait_for("delivery worker started")
    postmaster = worker.postmaster_pid()
    assert worker.stop(signal.SIGTERM) == 0, worker.output
    assert _gone(postmaster), worker.output
    assert worker.users() == []


def test_a_failure_at_start_up_stops_the_embedded_server(serve: Callable[..., Served]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        served = serve(port=taken.getsockname()[1])
        assert served.wait() != 0
    assert "address already in use" in served.output
    assert "embedded PostgreSQL started" in served.output  # it had started before the failure
    assert _postgres_processes(served.pgdata) == [], served.output
    assert served.users() == []


def test_a_server_left_by_a_killed_process_is_joined_and_stopped_by_the_next_run(
    serve: Callable[..., Served],
) -> None:
    first = serve()
    first.wait_healthy()
    leftover = first.postmaster_pid()
    first.process.kill()  # no clean-up at all: the server stays up, the dead pid stays listed
    first.wait()
    assert _alive(leftover)
    assert first.users() == [first.process.pid]

    second = serve()
    second.wait_healthy()
    assert second.postmaster_pid() == leftover
    assert second.users() == [second.process.pid]
    assert second.stop(signal.SIGTERM) == 128 + signal.SIGTERM
    assert _gone(leftover), second.output
    assert "embedded PostgreSQL joined" in second.output
    assert "embedded PostgreSQL started" not in second.output
    assert f"forgot ended processes {first.process.pid}" in second.output


def test_the_start_up_log_says_each_fact_once_in_one_format(
    serve: Callable[..., Served], tmp_path: Path
) -> None:
    served = serve(folder=tmp_path / "fresh")
    served.wait_healthy()
    assert served.get("/healthz", **{"X-Request-Id": "probe-1"}).status_code == 200
    served.stop(signal.SIGTERM)
    lines = served.output.splitlines()

    assert [line for line in lines if not LOG_LINE.fullmatch(line)] == []
    messages = [line.split(": ", 1)[1] for line in lines]
    once = [
        "embedded PostgreSQL started, data under",
        "Started server process",
        "Application startup complete.",
        "Uvicorn running on",
        "embedded PostgreSQL stopped",
    ]
    for fact in once:
        assert sum(message.startswith(fact) for message in messages) == 1, (fact, lines)
    applied = [m for m in messages if m.startswith("Running upgrade")]
    revisions = list(ScriptDirectory.from_config(alembic_config()).walk_revisions())
    assert len(applied) == len(set(applied)) == len(revisions)
    assert not [m for m in messages if "plugin" in m or "Context impl" in m or "joined" in m]
    access = [line for line in lines if " partnerbilling.access: " in line and "probe-1" in line]
    assert len(access) == 1
    assert re.search(r"partnerbilling.access: GET /healthz 200 \d+\.\dms request_id=probe-1$", access[0])
