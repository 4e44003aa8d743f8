"""`python -m bot run` with a latency trace (bench/updates.py --trace DIR): each step of each
update timestamped, nothing of it in the production code paths.

The steps, each `(time.perf_counter(), update_id or None, step, detail)`: the getUpdates answer
that brought the update (`fetched`), the update processor taking it (`queued`), a place among
the N at once (`slot`), the chat's turn (`turn`), each store call (`db>`/`db<`, with the wait
for the SQLite turn `dbturn`, the worker thread starting `thread`, each statement `sql>`/`sql<`
and the commit `commit>`/`commit<`), each Bot API call (`api>` when the method is called,
`limit>` entering the rate limiter, `send>`/`send<` around the HTTP request itself, `api<`
when its result is built) and the update done (`done`). Without an update id: store calls of
the scheduler and the outbox sender, scheduler jobs (`job>`/`job<`), the collector's passes
(`gc`), the event loop's lags (`lag`) and, at each dump, the objects the collector tracks
(`heap`). perf_counter is CLOCK_MONOTONIC on Linux: the bench process's timestamps compare
with these.

SIGUSR2 writes the steps recorded so far to KIS_TRACE_DIR/trace.json, touches `ready` and
starts a new list.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import gc
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = Path(os.environ["KIS_TRACE_DIR"])
_steps: list[tuple[float, int | None, str, str]] = []
_update: contextvars.ContextVar[int | None] = contextvars.ContextVar("update", default=None)
clock = time.perf_counter


def note(step: str, detail: str = "") -> None:
    """One timestamped step of the current update (or of none)."""
    _steps.append((clock(), _update.get(), step, detail))


def dump(_signum: int, _frame: object) -> None:
    """Write the steps so far and start anew."""
    global _steps
    steps, _steps = _steps, []
    steps.append((clock(), None, "heap", f"{len(gc.get_objects())}/frozen {gc.get_freeze_count()}"))
    (OUT / "trace.json").write_text(json.dumps(steps))
    (OUT / "ready").touch()


LAG_PERIOD = 0.005  # the event loop's lateness is sampled this often
_monitors: list[asyncio.Task] = []


async def watch_loop() -> None:
    """Note each time the event loop woke this task more than 5 ms late (`lag`: how late, the
    CPU the loop's thread used meanwhile + the CPU of the process's other threads, in ms): the
    loop was busy with something else that long (its CPU about as long as the lag), the GIL
    was with a worker thread (the others' CPU), or the process had no CPU (neither)."""
    loop = asyncio.get_running_loop()
    while True:
        due, cpu, process = loop.time() + LAG_PERIOD, time.thread_time(), time.process_time()
        await asyncio.sleep(LAG_PERIOD)
        late = loop.time() - due
        if late > 0.005:
            used = (time.thread_time() - cpu) * 1000
            others = (time.process_time() - process) * 1000 - used
            _steps.append((clock(), None, "lag", f"{late * 1000:.0f}/cpu {used:.0f}+{others:.0f}"))


_gc_started = [0.0]


def _collecting(phase: str, info: dict) -> None:
    """The cyclic garbage collector's passes of the older generations (`gc`: the generation,
    how long the pass took in ms, how many objects it freed)."""
    if phase == "start":
        _gc_started[0] = clock()
    elif info.get("generation", 0) >= 1:
        now = clock()
        _steps.append((now, None, "gc", f"{info['generation']}/{(now - _gc_started[0]) * 1000:.1f}"
                                         f"/freed {info['collected']}"))


def instrument() -> None:
    """Wrap the steps of PTB, the store and the HTTP client (monkeypatching, this process only)."""
    from telegram import Bot, Update

    from bot.delivery.ratelimit import KisRateLimiter
    from bot.metrics import MeasuredUpdates, WatchedRequest
    from storage.db import Database

    get_updates = Bot.get_updates

    async def traced_get_updates(self: Bot, *args: Any, **kwargs: Any) -> Any:
        updates = await get_updates(self, *args, **kwargs)
        now = clock()
        _steps.extend((now, u.update_id, "fetched", "") for u in updates)
        return updates

    Bot.get_updates = traced_get_updates  # type: ignore[method-assign]

    process_update = MeasuredUpdates.process_update
    do_process_update = MeasuredUpdates.do_process_update
    timed = MeasuredUpdates._timed

    async def traced_process(self: MeasuredUpdates, update: object, coroutine: Any) -> None:
        _update.set(update.update_id if isinstance(update, Update) else None)
        note("queued")
        try:
            await process_update(self, update, coroutine)
        finally:
            note("done")

    async def traced_do(self: MeasuredUpdates, update: object, coroutine: Any) -> None:
        note("slot")
        await do_process_update(self, update, coroutine)

    async def traced_timed(self: MeasuredUpdates, update: object, coroutine: Any) -> None:
        note("turn")
        await timed(self, update, coroutine)

    initialize = MeasuredUpdates.initialize

    async def traced_initialize(self: MeasuredUpdates) -> None:
        await initialize(self)
        _monitors.append(asyncio.create_task(watch_loop()))

    MeasuredUpdates.initialize = traced_initialize  # type: ignore[method-assign]
    MeasuredUpdates.process_update = traced_process  # type: ignore[method-assign]
    MeasuredUpdates.do_process_update = traced_do  # type: ignore[method-assign]
    MeasuredUpdates._timed = traced_timed  # type: ignore[method-assign]

    run = Database.run
    turn = Database._turn

    async def traced_run(self: Database, fn: Any, /, **kwargs: Any) -> Any:
        name = getattr(fn, "__name__", str(fn))
        note("db>", name)
        try:
            return await run(self, fn, **kwargs)
        finally:
            note("db<", name)

    @contextlib.asynccontextmanager
    async def traced_turn(self: Database) -> AsyncIterator[None]:
        async with turn(self):
            note("dbturn")
            yield

    call = Database.call

    def traced_call(self: Database, fn: Any, /, **kwargs: Any) -> Any:
        note("thread")  # the worker thread began (to_thread copies the update's context)
        return call(self, fn, **kwargs)

    Database.run = traced_run  # type: ignore[method-assign]
    Database.call = traced_call  # type: ignore[method-assign]

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        note("sql>", statement.split(None, 1)[0])

    def after(*_args: Any) -> None:
        note("sql<")

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "after_cursor_execute", after)
    event.listen(Engine, "commit", lambda _conn: note("commit>"))
    from sqlalchemy.orm import Session

    event.listen(Session, "after_commit", lambda _session: note("commit<"))
    Database._turn = traced_turn  # type: ignore[method-assign]

    post = Bot._post

    async def traced_post(self: Bot, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        if endpoint == "getUpdates":
            return await post(self, endpoint, *args, **kwargs)
        note("api>", endpoint)
        try:
            return await post(self, endpoint, *args, **kwargs)
        finally:
            note("api<", endpoint)

    Bot._post = traced_post  # type: ignore[method-assign]

    do_request = WatchedRequest.do_request

    async def traced_request(self: WatchedRequest, *args: Any, **kwargs: Any) -> Any:
        method = str(kwargs.get("url") or args[0]).rpartition("/")[2]
        if method == "getUpdates":
            return await do_request(self, *args, **kwargs)
        note("send>", method)
        try:
            return await do_request(self, *args, **kwargs)
        finally:
            note("send<", method)

    WatchedRequest.do_request = traced_request  # type: ignore[method-assign]

    import bot.scheduler as scheduler

    job = scheduler._job

    def traced_job(tick: Any) -> Any:
        run_tick = job(tick)

        async def run(context: Any) -> None:
            note("job>", tick.__name__)
            try:
                await run_tick(context)
            finally:
                note("job<", tick.__name__)

        run.__name__ = tick.__name__
        return run

    scheduler._job = traced_job

    limited = KisRateLimiter.process_request

    async def traced_limit(self: KisRateLimiter, *args: Any, **kwargs: Any) -> Any:
        note("limit>", str(kwargs.get("endpoint")))
        return await limited(self, *args, **kwargs)

    KisRateLimiter.process_request = traced_limit  # type: ignore[method-assign]


instrument()
gc.callbacks.append(_collecting)
signal.signal(signal.SIGUSR2, dump)
from bot.cli import main  # noqa: E402

sys.argv = ["kisbot", "run"]
main()
