"""The bench side of a latency trace (bench/updates.py --trace DIR, with bench/trace_bot.py).

The bench process notes when it pushed each update into the stand-in, when each of the bot's
Bot API calls reached the stand-in (`standin`, with the method) and when the reply was seen
(`seen`); the bot notes its own steps. Merged per update and ordered by time, each step shows
how long after the previous one it came. perf_counter is CLOCK_MONOTONIC on Linux, the same
clock in both processes.
"""

from __future__ import annotations

import asyncio
import gc
import json
import signal
import statistics
import time
from collections import defaultdict
from itertools import pairwise
from pathlib import Path
from typing import Any

from bot.sandbox.botapi import BotApiStandIn

Step = tuple[float, int | None, str, str]


class BenchTrace:
    """What the bench process sees of each update."""

    def __init__(self, api: BotApiStandIn) -> None:
        self.steps: list[Step] = []
        self._by_chat: dict[int, int] = {}  # a chat's last pushed update
        self._by_query: dict[str, int] = {}
        push, dispatch = api.push_update, api._dispatch

        def pushed(update: dict) -> int:
            update_id = push(update)
            now = time.perf_counter()
            chat = _chat(update)
            if chat is not None:
                self._by_chat[chat] = update_id
            if "callback_query" in update:
                self._by_query[str(update["callback_query"]["id"])] = update_id
            self.steps.append((now, update_id, "push", ""))
            return update_id

        async def dispatched(method: str, params: dict) -> Any:
            if method.lower() != "getupdates":
                self.steps.append((time.perf_counter(), self._owner(params), "standin", method))
            return await dispatch(method, params)

        api.push_update = pushed  # type: ignore[method-assign]
        api._dispatch = dispatched  # type: ignore[method-assign]
        self._gc_started = 0.0
        gc.callbacks.append(self._collecting)

    def _collecting(self, phase: str, info: dict) -> None:
        """This process's collector passes of the older generations (`bench gc`): while one
        runs, the stand-in answers nobody."""
        now = time.perf_counter()
        if phase == "start":
            self._gc_started = now
        elif info.get("generation", 0) >= 1:
            self.steps.append((now, None, "bench gc", f"{info['generation']}/"
                               f"{(now - self._gc_started) * 1000:.1f}/freed {info['collected']}"))

    def _owner(self, params: dict) -> int | None:
        query = params.get("callback_query_id")
        if query is not None:
            return self._by_query.get(str(query))
        chat = params.get("chat_id")
        return self._by_chat.get(chat) if isinstance(chat, int) else None

    def seen(self, chat_id: int, at: float) -> None:
        """The reply to the chat's last update reached the stand-in."""
        self.steps.append((at, self._by_chat.get(chat_id), "seen", ""))


def _chat(update: dict) -> int | None:
    if "message" in update:
        return update["message"]["chat"]["id"]
    query = update.get("callback_query") or {}
    return ((query.get("message") or {}).get("chat") or {}).get("id")


async def bot_steps(proc: asyncio.subprocess.Process, where: Path) -> list[Step]:
    """Ask the traced bot for its steps so far (and have it start a new list)."""
    ready = where / "ready"
    ready.unlink(missing_ok=True)
    proc.send_signal(signal.SIGUSR2)
    for _ in range(600):
        if ready.exists():
            return [tuple(s) for s in json.loads((where / "trace.json").read_text())]
        await asyncio.sleep(0.05)
    raise TimeoutError("no trace from the bot")


def _label(step: str, detail: str) -> str:
    return f"{step} {detail}".strip()


def report(steps: list[Step], updates: set[int], slowest: int = 5) -> list[str]:
    """Per update of `updates`: its steps in time order; the gaps between consecutive steps
    (median, p99 and max over the updates), the slowest updates step by step, and what ran
    without an update (store calls of the scheduler, the loop's lags) while they waited."""
    per: dict[int, list[Step]] = defaultdict(list)
    background: list[Step] = []
    for s in sorted(steps):
        if s[1] is None:
            background.append(s)
        elif s[1] in updates:
            per[s[1]].append(s)
    total = {u: ss[-1][0] - ss[0][0] for u, ss in per.items()
             if ss[0][2] == "push" and any(x[2] == "seen" for x in ss)}
    if not total:
        return ["no complete updates traced"]
    gaps: dict[str, list[float]] = defaultdict(list)
    for u in total:
        ss = per[u]
        for a, b in pairwise(ss):
            gaps[f"{_label(a[2], a[3])} → {_label(b[2], b[3])}"].append((b[0] - a[0]) * 1000)
    full = [float(s[3].split("/")[1]) for s in background if s[2] == "gc" and s[3][0] == "2"]
    lags = [s[3] for s in background if s[2] == "lag" and float(s[3].split("/")[0]) >= 20]
    bench = [s[3] for s in background if s[2] == "bench gc" and s[3][0] == "2"]
    lines = [f"the whole scenario: {len(full)} passes of the collector's oldest generation"
             + (f" (ms/freed: {', '.join(s[3][2:] for s in background if s[2] == 'gc' and s[3][0] == '2')})"
                if full else "")
             + f"; the event loop {len(lags)} times ≥ 20 ms late (late/cpu of the loop+other threads, ms: "
             + ", ".join(lags[:8]) + ")",
             f"the bench process (the stand-in): {len(bench)} passes of its oldest generation"
             + (f" (ms/freed: {', '.join(b[2:] for b in bench)})" if bench else ""),
             *(f"objects the collector tracks (not frozen/frozen) at the end: {s[3]}"
               for s in background if s[2] == "heap"),
             f"{len(total)} updates traced; push → seen ms: median "
             f"{statistics.median(total.values()) * 1000:.1f}, max {max(total.values()) * 1000:.1f}",
             "gaps between consecutive steps (ms): count, median, p99, max"]
    order = sorted(gaps, key=lambda k: -statistics.median(gaps[k]) * len(gaps[k]))
    for key in order[:24]:
        v = sorted(gaps[key])
        p99 = v[min(len(v) - 1, int(len(v) * 0.99))]
        lines.append(f"  {len(v):5d} {statistics.median(v):7.2f} {p99:7.2f} {v[-1]:7.2f}  {key}")
    for u in sorted(total, key=lambda u: -total[u])[:slowest]:
        ss = per[u]
        start, end = ss[0][0], ss[-1][0]
        lines.append(f"update {u}: {total[u] * 1000:.1f} ms")
        for a, b in zip([ss[0], *ss], ss, strict=False):
            lines.append(f"    +{(b[0] - a[0]) * 1000:7.2f}  {(b[0] - start) * 1000:7.2f}  "
                         f"{_label(b[2], b[3])}")
        near = [s for s in background if start <= s[0] <= end]
        others = {s[1] for s in steps if s[1] is not None and s[1] != u and start <= s[0] <= end}
        lines.append(f"    meanwhile: {len(others)} other updates had steps; "
                     + (", ".join(f"{(s[0] - start) * 1000:.0f} ms {_label(s[2], s[3])}"
                                  for s in near[:12]) or "nothing in the background"))
    return lines
