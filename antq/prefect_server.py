"""Prefect's temporary server, tied to the `antq` process that needs it.

When no Prefect server is configured (`PREFECT_API_URL` unset), Prefect starts a
temporary one in a child process the first time a flow talks to it, and stops it when
the Python process exits normally. A run killed by SIGTERM (systemd, `kill`, a CI
timeout) or SIGKILL (the out-of-memory killer) used to leave that server running for
good. So the command line starts the same temporary server itself, from a thread that lives
as long as the process, asking Linux to stop it when that thread's process dies
(`PR_SET_PDEATHSIG`), and turns SIGTERM into a normal exit, which stops it the way
Prefect does. The server boots while the main thread imports the flow's libraries.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

# Run in the server's process before it becomes the server: ask for SIGTERM when the
# parent dies, give up if the parent already died, then exec the real command.
_TIE = (
    "import ctypes, os, signal, sys\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "libc.prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG\n"
    "if os.getppid() != int(sys.argv[1]):\n"
    "    sys.exit(0)\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)


class _TiedSubprocess:
    """The `subprocess` module as Prefect's server code sees it while it starts: every
    child it starts is tied to this process."""

    def __getattr__(self, name: str) -> Any:
        return getattr(subprocess, name)

    @staticmethod
    def Popen(args: list[str], **kwargs: Any) -> subprocess.Popen[Any]:  # noqa: N802
        tied = [sys.executable, "-c", _TIE, str(os.getpid()), *args]
        return subprocess.Popen(tied, **kwargs)


@contextlib.contextmanager
def _tied_children(module: Any) -> Iterator[None]:
    original = module.subprocess
    module.subprocess = _TiedSubprocess()
    try:
        yield
    finally:
        module.subprocess = original


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


# On a machine's first run the server creates and migrates its database while the month
# is generated on every core: far past Prefect's default wait of 20 s.
MIN_STARTUP_SECONDS = 300


def startup_timeout() -> int:
    """How long to wait for the temporary server: Prefect's setting, or more."""
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

    return max(int(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()), MIN_STARTUP_SECONDS)


class TemporaryServer:
    """Prefect's temporary server, started by a thread of ours that lives as long as the
    process (the tie is to the thread that starts the child), so the server boots while
    the main thread imports the flow's libraries. `wait()` before the first flow."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.api_url: str | None = None

    def _serve(self, server: Any, module: Any) -> None:
        try:
            with _tied_children(module):
                server.start(timeout=startup_timeout())
            self.api_url = server.api_url
        except BaseException as exc:  # handed to the main thread by wait()
            self.error = exc
        finally:
            self.ready.set()
        threading.Event().wait()  # stay alive: the server dies with this thread

    def wait(self) -> str | None:
        self.ready.wait()
        if self.error is not None:
            raise self.error
        return self.api_url


def start_temporary_server() -> TemporaryServer | None:
    """Start Prefect's temporary server, tied to this process, when no server is
    configured and this is Linux's main thread; None when Prefect is left to decide."""
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():  # the team's own server: nothing to start
        return None
    if threading.current_thread() is not threading.main_thread():
        return None  # signal handlers belong to the main thread
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if not sys.platform.startswith("linux"):
        return None
    import prefect.server.api.server as server_module

    server = server_module.SubprocessASGIServer()  # the instance Prefect's client reuses
    if server.running:
        return None
    started = TemporaryServer()
    threading.Thread(
        target=started._serve, args=(server, server_module), name="antq-prefect-server", daemon=True
    ).start()
    return started


def wait_for(server: TemporaryServer | None) -> None:
    """Block until the server `start_temporary_server` started answers (if it did)."""
    if server is not None:
        server.wait()
