"""A stand-in SMS provider on 127.0.0.1: records requests, answers with canned responses."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Canned:
    """One canned answer."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class ProviderStandIn:
    """Answers each request with the next canned response, or else from `answer` (a provider's
    rule computed from the request's form); fails on a request with neither."""

    def __init__(self, answer: Callable[[dict[str, str]], Canned] | None = None) -> None:
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self.responses: list[Canned] = []
        self.answer = answer
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> ProviderStandIn:
        """Listen on an ephemeral port."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self

    async def stop(self) -> None:
        """Close; unused canned responses are a test error."""
        if self._runner is not None:
            await self._runner.cleanup()
        assert not self.responses, f"unused canned responses: {self.responses}"

    async def _handle(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.requests.append((request.path, dict(request.headers), form))
        assert self.responses or self.answer, f"unexpected request {request.path}"
        canned = self.responses.pop(0) if self.responses else self.answer(form)  # type: ignore[misc]
        body = canned.body if isinstance(canned.body, str) else json.dumps(canned.body or {})
        return web.Response(status=canned.status, text=body, headers=canned.headers,
                            content_type="application/json")
