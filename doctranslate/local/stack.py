"""Start and stop the local stack: Azurite (blob storage) and the local translation service.

Both run as child processes on loopback ports. `doctranslate stack up` keeps them running in the
background and records them in `.doctranslate/stack/stack.json`; tests start their own per session.
Azurite is stopped with SIGTERM, never SIGKILL: on disk it saves metadata every 5 s and a kill loses
the last acknowledged writes (azurite-notes §7).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final

import httpx

from doctranslate.errors import ConfigurationError, StackError
from doctranslate.storage.atomic import write_atomically

AZURITE_ACCOUNT: Final = "devstoreaccount1"
# Azurite's fixed, publicly documented development key: not a secret.
AZURITE_KEY: Final = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
_PROJECT_ROOT: Final = Path(__file__).resolve().parents[2]
_READY_TIMEOUT_SECONDS: Final = 60.0
_PREFECT_READY_TIMEOUT_SECONDS: Final = 180.0  # its first start creates and migrates its database
PREFECT_DATABASE_TEMPLATE: Final = Path(sys.prefix) / "share" / "doctranslate" / "prefect.db"
"""Migrated and empty: a new stack's Prefect server starts from a copy in about 5 s, where migrating a database
of its own takes about 10 s (2 cores), which the first run of every new project would wait for."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def azurite_entry_point() -> Path:
    """Azurite's blob server script, from `DOCTRANSLATE_AZURITE_DIR`, the working directory or this checkout."""
    candidates = [
        Path(os.environ["DOCTRANSLATE_AZURITE_DIR"]) if "DOCTRANSLATE_AZURITE_DIR" in os.environ else None,
        Path.cwd() / "node_modules" / "azurite",
        _PROJECT_ROOT / "node_modules" / "azurite",
    ]
    for folder in candidates:
        if folder is not None and (folder / "dist/src/blob/main.js").is_file():
            return folder / "dist/src/blob/main.js"
    raise ConfigurationError(
        "Azurite is not installed: run scripts/setup (it runs `npm ci`), or point DOCTRANSLATE_AZURITE_DIR at a "
        "folder holding node_modules/azurite"
    )


def connection_string(blob_port: int) -> str:
    return (
        f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
        f"BlobEndpoint=http://127.0.0.1:{blob_port}/{AZURITE_ACCOUNT};"
    )


@dataclass
class ManagedProcess:
    """A child process we started, with the port it serves and where it logs."""

    pid: int
    port: int
    log: str
    group: bool = False  # stop its whole process group (a server that runs its workers as children)

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM, wait; SIGKILL only if it will not go."""
        if not self.alive():
            return
        self._signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive() or _reaped(self.pid):
                return
            time.sleep(0.05)
        self._signal(signal.SIGKILL)
        _reaped(self.pid)

    def _signal(self, number: int) -> None:
        try:
            if self.group:
                os.killpg(self.pid, number)
            else:
                os.kill(self.pid, number)
        except ProcessLookupError:
            pass


def _reaped(pid: int) -> bool:
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False  # not our child: alive() tells
    return finished == pid


def _spawn(command: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as sink:
        return subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            command,
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
            start_new_session=True,  # not killed by a Ctrl-C meant for the parent
        )


def _wait_until(
    ready: Callable[[], bool],
    process: subprocess.Popen[bytes],
    what: str,
    log: Path,
    *,
    timeout: float = _READY_TIMEOUT_SECONDS,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise StackError(f"{what} exited with code {process.returncode} while starting; its log ends:\n{tail}")
        if ready():
            return
        time.sleep(0.1)
    process.terminate()
    raise StackError(f"{what} did not become ready within {timeout:.0f} s; see {log}")


def _answers(url: str) -> bool:
    """Any HTTP answer counts (a service injecting latency or 429s is up); 10 s covers injected latency."""
    try:
        httpx.get(url, timeout=10.0)
    except httpx.HTTPError:
        return False
    return True


def start_azurite(*, port: int, log: Path, data_dir: Path | None) -> ManagedProcess:
    """Azurite's blob service on 127.0.0.1; on disk under `data_dir`, or in memory when None."""
    command = [
        "node",
        str(azurite_entry_point()),
        "--blobHost",
        "127.0.0.1",
        "--blobPort",
        str(port),
        "--silent",
        "--disableTelemetry",
        "--skipApiVersionCheck",  # let users' own scripts with the newest SDK work too
    ]
    if data_dir is None:
        command.append("--inMemoryPersistence")
    else:
        data_dir.mkdir(parents=True, exist_ok=True)
        command += ["--location", str(data_dir)]
    process = _spawn(command, log)
    _wait_until(lambda: _answers(f"http://127.0.0.1:{port}/{AZURITE_ACCOUNT}?comp=list"), process, "Azurite", log)
    return ManagedProcess(process.pid, port, str(log))


def start_local_service(
    *,
    port: int,
    key: str,
    log: Path,
    state_dir: Path | None,
    extra_env: dict[str, str] | None = None,
    concurrency: int = 4,
    allowed_storage_hosts: tuple[str, ...] = (),
    access_log: bool = False,
) -> ManagedProcess:
    """The local translation service in its own process (so it can be killed and restarted for real)."""
    command = [
        sys.executable,
        "-m",
        "doctranslate.local",
        "local-service",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--concurrency",
        str(concurrency),
    ]
    if state_dir is not None:
        command += ["--state-dir", str(state_dir)]
    for host in allowed_storage_hosts:
        command += ["--allow-storage-host", host]
    if access_log:
        command.append("--access-log")
    process = _spawn(command, log, {"DOCTRANSLATE_LOCAL_KEY": key, **(extra_env or {})})
    url = f"http://127.0.0.1:{port}/translator/document/formats?api-version=2024-05-01"
    _wait_until(lambda: _answers(url), process, "the local translation service", log)
    return ManagedProcess(process.pid, port, str(log))


def start_prefect_server(*, port: int, log: Path, home: Path) -> ManagedProcess:
    """A Prefect server with its UI, its database under `home` (run as a process: the core never imports Prefect)."""
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    env = {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_UI_API_URL": f"http://127.0.0.1:{port}/api",
    }
    home.mkdir(parents=True, exist_ok=True)
    seed_prefect_database(home)
    process = _spawn(command, log, env)
    url = f"http://127.0.0.1:{port}/api/health"
    _wait_until(lambda: _healthy(url), process, "the Prefect server", log, timeout=_PREFECT_READY_TIMEOUT_SECONDS)
    return ManagedProcess(process.pid, port, str(log), group=True)


def seed_prefect_database(home: Path) -> bool:
    """A new server's database starts as a copy of the template, when there is one; an existing database is
    left alone. True when seeded."""
    database = home / "prefect.db"
    if database.exists() or not PREFECT_DATABASE_TEMPLATE.is_file():
        return False
    write_atomically(database, PREFECT_DATABASE_TEMPLATE.read_bytes())
    return True


def make_prefect_database_template() -> Path:
    """An empty Prefect database with every migration of the installed Prefect applied, where new stacks copy
    it from (`scripts/setup` makes it after each install, so it matches the Prefect it runs)."""
    with tempfile.TemporaryDirectory(prefix="doctranslate-prefect-template-") as scratch:
        env = {**os.environ, "PREFECT_HOME": scratch, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        env.pop("PREFECT_API_DATABASE_CONNECTION_URL", None)  # the template is SQLite under its own home
        migrate = [sys.executable, "-m", "prefect", "server", "database", "upgrade", "-y"]
        done = subprocess.run(migrate, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        made = Path(scratch) / "prefect.db"
        if done.returncode != 0 or not made.is_file() or (Path(scratch) / "prefect.db-wal").exists():
            raise StackError(
                f"could not make the Prefect database template: {(done.stdout + done.stderr).strip()[-500:]}",
                hint="new stacks still work, their Prefect server creates its own database on its first start",
            )
        write_atomically(PREFECT_DATABASE_TEMPLATE, made.read_bytes())
    return PREFECT_DATABASE_TEMPLATE


def _healthy(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


@dataclass
class StackInfo:
    """What `stack up` started, and the settings that point the pipeline at it."""

    azurite: ManagedProcess
    service: ManagedProcess
    key: str
    home: str
    prefect: ManagedProcess | None = None  # None: a stack started before it had a Prefect server

    @property
    def environment(self) -> dict[str, str]:
        settings = {
            "DOCTRANSLATE_TRANSLATOR_ENDPOINT": f"http://127.0.0.1:{self.service.port}",
            "DOCTRANSLATE_TRANSLATOR_KEY": self.key,
            "DOCTRANSLATE_STORAGE_CONNECTION_STRING": connection_string(self.azurite.port),
        }
        if self.prefect is not None:
            settings["PREFECT_API_URL"] = f"http://127.0.0.1:{self.prefect.port}/api"
        return settings

    @property
    def settings(self) -> dict[str, str]:
        """The same as `environment`, as `load_settings` overrides: for a process whose environment is set."""
        return {
            "translator_endpoint": f"http://127.0.0.1:{self.service.port}",
            "translator_key": self.key,
            "storage_connection_string": connection_string(self.azurite.port),
        }

    @property
    def ui_url(self) -> str | None:
        return f"http://127.0.0.1:{self.prefect.port}" if self.prefect is not None else None

    def save(self) -> None:
        # It holds the local service's key: written whole as a new file of mode 600 (mkstemp), never readable
        # by others, not even for the moment between a write and a chmod.
        write_atomically(Path(self.home) / "stack.json", json.dumps(asdict(self), indent=2).encode())

    @classmethod
    def load(cls, home: Path) -> StackInfo | None:
        path = home / "stack.json"
        if not path.is_file():
            return None
        data = json.loads(path.read_text())
        prefect = ManagedProcess(**data["prefect"]) if data.get("prefect") else None
        services = ManagedProcess(**data["azurite"]), ManagedProcess(**data["service"])
        return cls(*services, data["key"], data["home"], prefect)

    @property
    def running(self) -> bool:
        return all(p.alive() for p in (self.azurite, self.service, self.prefect) if p is not None)


def default_home() -> Path:
    return Path.cwd() / ".doctranslate" / "stack"


def running_stack(home: Path | None = None) -> StackInfo | None:
    """The local stack `stack up` (or `translate`) started here, if it is still running."""
    info = StackInfo.load(home or default_home())
    return info if info is not None and info.running else None


def stack_up(home: Path | None = None) -> StackInfo:
    """Start Azurite (on disk), the local service (with durable state) and a Prefect server with its UI, unless
    already running."""
    home = home or default_home()
    existing = StackInfo.load(home)
    if existing is not None and existing.running and existing.prefect is not None:
        return existing
    if existing is not None:
        stack_down(home)
    home.mkdir(parents=True, exist_ok=True)
    azurite_port, service_port, prefect_port = _distinct_free_ports(3)
    key = secrets.token_hex(16)
    starts: dict[str, Callable[[], ManagedProcess]] = {
        "azurite": lambda: start_azurite(port=azurite_port, log=home / "azurite.log", data_dir=home / "azurite"),
        "service": lambda: start_local_service(
            port=service_port,
            key=key,
            log=home / "service.log",
            state_dir=home / "service",
            allowed_storage_hosts=(f"127.0.0.1:{azurite_port}",),
        ),
        "prefect": lambda: start_prefect_server(port=prefect_port, log=home / "prefect.log", home=home / "prefect"),
    }
    # All at once: none needs another to start, and the Prefect server's first start (creating its database)
    # takes longer than the other two together.
    with ThreadPoolExecutor(len(starts), thread_name_prefix="doctranslate-stack") as pool:
        futures = {name: pool.submit(start) for name, start in starts.items()}
    failures = [error for future in futures.values() if (error := future.exception()) is not None]
    started = {name: future.result() for name, future in futures.items() if future.exception() is None}
    if failures:
        for process in started.values():
            process.stop()
        raise failures[0]
    info = StackInfo(started["azurite"], started["service"], key, str(home), started["prefect"])
    info.save()
    return info


def _distinct_free_ports(count: int) -> list[int]:
    """Ports to start several servers on at once: free now, and not the same one twice."""
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


def stack_down(home: Path | None = None) -> bool:
    """Stop what `stack up` started; False when nothing was recorded."""
    home = home or default_home()
    info = StackInfo.load(home)
    if info is None:
        return False
    if info.prefect is not None:
        info.prefect.stop()
    info.service.stop()
    info.azurite.stop()
    (home / "stack.json").unlink(missing_ok=True)
    return True
