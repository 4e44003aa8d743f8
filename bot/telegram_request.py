"""The bot's HTTP client for the Bot API: PTB's request interface over aiohttp's client.

PTB's own `HTTPXRequest` (httpx over httpcore and anyio) cost about 1.5 ms of CPU per
update in bench/updates.py against the Bot API stand-in, aiohttp about 0.65 ms (the same
echo bot, back to back, issue 21): before each request httpcore asks every pooled
connection whether the server closed it (a `getpeername` and a `poll` per connection, and
anyio builds a dict of its attributes each time), where aiohttp is told by the event loop
when a connection closes. aiohttp is already a dependency (the webhook server).

What PTB's request gives is kept: the same timeouts (pool, connect, read, write: a total
that is their sum is the write's limit, which aiohttp has not on its own), `TimedOut` for a
timeout and `NetworkError` for any other failure to talk to Telegram, files as multipart
form data, other parameters form-encoded as PTB sends them, proxies from the environment
(HTTPS_PROXY, NO_PROXY, as httpx reads them: once, not with aiohttp's `trust_env`, which
looks them and ~/.netrc up again in a worker thread at every request), the certificates
httpx trusts (certifi's, not the system's), and `on_answer` told the status of every answer.
"""

from __future__ import annotations

import ssl
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import certifi
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT = BaseRequest.DEFAULT_NONE


class WatchedRequest(BaseRequest):
    """Bot API requests over one aiohttp session, telling `on_answer` every answer's status."""

    def __init__(self, *, on_answer: Callable[[int], None], connection_pool_size: int = 1,
                 read_timeout: float | None = 5.0, write_timeout: float | None = 5.0,
                 connect_timeout: float | None = 5.0, pool_timeout: float | None = 1.0,
                 media_write_timeout: float | None = 20.0) -> None:
        self._on_answer = on_answer
        self._pool_size = connection_pool_size
        self._timeouts = {"read": read_timeout, "write": write_timeout,
                          "connect": connect_timeout, "pool": pool_timeout}
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, str | None] = {}  # origin → its proxy from the environment

    @property
    def read_timeout(self) -> float | None:
        """The read timeout when a call names none (PTB adds it to getUpdates' long poll)."""
        return self._timeouts["read"]

    async def initialize(self) -> None:
        """Open the session (on the running event loop)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=self._pool_size,
                    ssl=ssl.create_default_context(cafile=certifi.where())),
                headers={"User-Agent": self.USER_AGENT},
                cookie_jar=aiohttp.DummyCookieJar())

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = DEFAULT, write_timeout: Any = DEFAULT,
                         connect_timeout: Any = DEFAULT, pool_timeout: Any = DEFAULT,
                         ) -> tuple[int, bytes]:
        """One request; its status and body (`TimedOut`, `NetworkError` as PTB raises them)."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This WatchedRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        data: Any = request_data.json_parameters if request_data else None
        if files:
            data = _form(data or {}, files)
        timeout = self._timeout(read_timeout, write_timeout, connect_timeout, pool_timeout,
                                media=bool(files))
        try:
            async with self._session.request(method, url, data=data, timeout=timeout,
                                             proxy=self._proxy_for(url)) as answer:
                status, payload = answer.status, await answer.read()
        except TimeoutError as exc:  # aiohttp's own timeouts are subclasses
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc
        self._on_answer(status)
        return status, payload

    def _proxy_for(self, url: str) -> str | None:
        """The proxy the environment names for the URL's origin (looked up once per origin)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._proxies:
            bypass = bool(parts.hostname) and urllib.request.proxy_bypass(parts.hostname or "")
            self._proxies[origin] = None if bypass else urllib.request.getproxies().get(
                parts.scheme)
        return self._proxies[origin]

    def _timeout(self, read: Any, write: Any, connect: Any, pool: Any, *,
                 media: bool) -> aiohttp.ClientTimeout:
        """aiohttp's limits for PTB's four: waiting for a pooled connection and connecting
        (`connect`), connecting (`sock_connect`), each read (`sock_read`), and the whole
        request at most their sum (the write has no limit of its own in aiohttp)."""
        given = {"read": read, "write": write, "connect": connect, "pool": pool}
        chosen = {k: self._timeouts[k] if isinstance(v, type(DEFAULT)) else v
                  for k, v in given.items()}
        if media and isinstance(write, type(DEFAULT)):
            chosen["write"] = self._media_write_timeout
        parts = list(chosen.values())
        total = None if any(p is None for p in parts) else sum(parts)
        waiting = (None if chosen["pool"] is None or chosen["connect"] is None
                   else chosen["pool"] + chosen["connect"])
        return aiohttp.ClientTimeout(total=total, connect=waiting,
                                     sock_connect=chosen["connect"], sock_read=chosen["read"])


def _form(parameters: dict[str, str], files: dict[str, Any]) -> aiohttp.FormData:
    """Multipart form data: the parameters, then each file (name, content, MIME type)."""
    form = aiohttp.FormData()
    for name, value in parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
