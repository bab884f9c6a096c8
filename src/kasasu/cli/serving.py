"""The uvicorn servers behind ``kasasu serve``: one process, or (``--workers N``) uvicorn's
supervisor and N child processes sharing the socket, each building the application from the
environment (``kasasu.app:create_app_from_env``). Imported only when ``kasasu serve`` runs."""

from __future__ import annotations

import asyncio
import socket

import anyio.to_thread
import uvicorn
from uvicorn.supervisors import multiprocess

from kasasu.cli.common import settings
from kasasu.kit import deadline

STARTUP_FAILURE = 3  # uvicorn's exit status when it cannot listen or load the application


class Server(uvicorn.Server):
    """uvicorn's server, which on SIGTERM gives the requests in flight the graceful time,
    then cancels them; a second before that, the reads still running are stopped
    (kasasu.kit.deadline), so their clients get a 503 with Retry-After rather than a
    dropped connection, and no worker thread keeps the process alive.

    ``threads``: at most this many requests run their sync work (the database's) at once,
    in worker threads (KASASU_SERVER__THREADS); the limit is the event loop's, so it is set
    once the server's loop runs."""

    def __init__(self, config: uvicorn.Config, *, threads: int) -> None:
        super().__init__(config)
        self.threads = threads

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = self.threads
        await super().startup(sockets)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        grace = self.config.timeout_graceful_shutdown or 0
        stop = asyncio.get_running_loop().call_later(
            max(0, grace - 1), deadline.cancel_running, deadline.SHUTDOWN
        )
        try:
            await super().shutdown(sockets)
        finally:
            stop.cancel()


class _Child(multiprocess.Process):
    """A child process of the supervisor, serving with :class:`Server` as a single process
    does (uvicorn's own children serve with its plain server)."""

    @property
    def server(self) -> uvicorn.Server:
        if self._server is None:
            # The child's settings: read from the environment, as its application is.
            self._server = Server(self.config, threads=settings().server.threads)
        return self._server


def serve_in_processes(config: uvicorn.Config) -> bool:
    """Bind the socket, start ``config.workers`` children and supervise them (a child that
    dies is replaced) until SIGTERM or SIGINT, which each child gets in turn for its graceful
    shutdown. False when a child could not start (the application failed to load)."""
    try:
        sock = config.bind_socket()
    except SystemExit:  # uvicorn has logged why (the address is in use, say)
        return False
    supervisor = multiprocess.Multiprocess(config, sockets=[sock])
    # The supervisor makes each child (the first ones, and those replacing a dead child)
    # with the module's ``Process``, looked up at that moment: ours while it supervises.
    # A child is pickled by reference, so the spawned process imports this module for it.
    plain = multiprocess.Process
    multiprocess.Process = _Child  # type: ignore[misc]  # the only way in, see above
    try:
        supervisor.run()
    finally:
        multiprocess.Process = plain  # type: ignore[misc]
        sock.close()
    return all(child.exitcode != STARTUP_FAILURE for child in supervisor.processes)
