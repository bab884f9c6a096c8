"""Stopping work that ran out of time, that nobody waits for any more, or at shutdown.

A request's work runs under a :class:`Budget`, held in a context variable so that the worker
thread running a sync handler sees it too. Once the budget is cancelled (its time is spent,
the client disconnected, the server is stopping):

- every checkpoint raises :class:`Cancelled`: :func:`check` before each analytics query
  (``analytics.evaluate``) and before each SQL statement (``kasasu.db``);
- a statement that is running is stopped where it runs: a connection registered with
  :func:`interruptible` (DuckDB's ``interrupt()``, PostgreSQL's cancel request) is
  interrupted again and again until the work has let go of it, because an interrupt that
  lands between two statements is lost; SQLite's progress handler (``kasasu.db``) asks
  :func:`cancelled` while a statement runs.

The delivery layer turns what the interrupted work raises into its answer (``kasasu.db``'s
``transaction()`` raises ``Unavailable``: 503 with Retry-After).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any, Literal

Reason = Literal["deadline", "disconnected", "shutdown"]
DEADLINE: Reason = "deadline"
DISCONNECTED: Reason = "disconnected"
SHUTDOWN: Reason = "shutdown"

INTERRUPT_EVERY = 0.05  # seconds between two interrupts of a connection still in use
log = logging.getLogger("kasasu.budget")


class Cancelled(Exception):
    """The work was stopped: ``reason`` says why."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(f"work cancelled: {reason}")
        self.reason = reason


class Budget:
    """The right of one piece of work to go on: ``seconds`` long at most (None: no limit),
    until :meth:`cancel`. Thread-safe; cancelling never blocks."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = seconds
        self.started = time.monotonic()
        self.reason: Reason | None = None
        self._lock = threading.Lock()
        self._interrupters: dict[int, Callable[[], object]] = {}
        self._keys = itertools.count()

    def cancel(self, reason: Reason) -> None:
        """Stop the work: checkpoints raise from now on, and the registered connections are
        interrupted (from a thread of their own) until the work lets go of them."""
        with self._lock:
            if self.reason is not None:
                return
            self.reason = reason
        threading.Thread(target=self._interrupt, name="kasasu-interrupt", daemon=True).start()

    def _interrupt(self) -> None:
        while True:
            with self._lock:
                calls = list(self._interrupters.values())
            if not calls:
                return
            for call in calls:
                with suppress(Exception):  # a connection closing meanwhile
                    call()
            time.sleep(INTERRUPT_EVERY)

    def check(self) -> None:
        if self.reason is not None:
            raise Cancelled(self.reason)

    @property
    def retry_after(self) -> int:
        """Seconds to wait before asking again: as long as the budget for work that ran out
        of it (at once would fail the same way on a busy server), else one."""
        if self.reason == DEADLINE and self.seconds is not None:
            return max(1, math.ceil(self.seconds))
        return 1

    @contextmanager
    def interruptible(self, interrupt: Callable[[], object]) -> Iterator[None]:
        """While inside, a cancellation calls ``interrupt`` (repeatedly; from another
        thread) to stop what runs on a connection. Raises at once if already cancelled."""
        with self._lock:
            key = next(self._keys)
            self._interrupters[key] = interrupt
        try:
            self.check()
            yield
        finally:
            with self._lock:
                self._interrupters.pop(key, None)


_current: ContextVar[Budget | None] = ContextVar("kasasu_budget", default=None)


def current() -> Budget | None:
    """The budget of the work running here, or None (the CLI, jobs, tests)."""
    return _current.get()


def check() -> None:
    """Raise :class:`Cancelled` if the work running here was stopped."""
    budget = _current.get()
    if budget is not None:
        budget.check()


def cancelled() -> bool:
    budget = _current.get()
    return budget is not None and budget.reason is not None


@contextmanager
def interruptible(interrupt: Callable[[], object]) -> Iterator[None]:
    """:meth:`Budget.interruptible` of the current budget; nothing without one."""
    budget = _current.get()
    if budget is None:
        yield
        return
    with budget.interruptible(interrupt):
        yield


_running: set[Budget] = set()
_running_lock = threading.Lock()


@contextmanager
def running(budget: Budget) -> Iterator[Budget]:
    """Make ``budget`` the current one inside (and in threads started from here)."""
    token = _current.set(budget)
    with _running_lock:
        _running.add(budget)
    try:
        yield budget
    finally:
        with _running_lock:
            _running.discard(budget)
        _current.reset(token)


def cancel_running(reason: Reason) -> None:
    """Cancel every budget in use in this process (the server is stopping)."""
    with _running_lock:
        budgets = list(_running)
    for budget in budgets:
        budget.cancel(reason)


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class BudgetMiddleware:
    """ASGI middleware: each HTTP request whose method is in ``methods`` runs under a
    :class:`Budget` of ``seconds``, cancelled when the time is spent, when the client
    disconnects before the answer is complete, or when the server cancels the request at
    shutdown (uvicorn does so once its graceful timeout is over)."""

    def __init__(self, app: App, seconds: float, methods: tuple[str, ...] = ("GET", "HEAD")):
        self.app = app
        self.seconds = seconds
        self.methods = methods

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in self.methods:
            await self.app(scope, receive, send)
            return
        budget = Budget(self.seconds)
        timer = asyncio.get_running_loop().call_later(self.seconds, budget.cancel, DEADLINE)
        answered, status = False, 0
        inbox: asyncio.Queue[Message] = asyncio.Queue()

        async def listen() -> None:
            # The client's messages pass through; a disconnect before the whole answer is
            # sent means nobody waits for the work any more.
            while True:
                message = await receive()
                await inbox.put(message)
                if message["type"] == "http.disconnect":
                    if not answered:
                        budget.cancel(DISCONNECTED)
                    return

        async def sending(message: Message) -> None:
            nonlocal answered, status
            await send(message)
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                answered = True

        listener = asyncio.create_task(listen())
        try:
            with running(budget):
                await self.app(scope, inbox.get, sending)
        except asyncio.CancelledError:
            budget.cancel(SHUTDOWN)
            raise
        finally:
            timer.cancel()
            listener.cancel()
            if budget.reason is not None and (not answered or status == 503):
                log.warning(
                    "%s %s: work stopped after %.1f s (%s)",
                    scope["method"],
                    scope["path"],
                    time.monotonic() - budget.started,
                    budget.reason,
                )
