"""The Bot API client (aiohttp): PTB's timeouts and errors, every answer's status reported."""

from __future__ import annotations

import pytest
from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.sandbox.botapi import BotApiStandIn
from bot.telegram_request import WatchedRequest
from tests.auxil.factories import free_port

DEFAULT = BaseRequest.DEFAULT_NONE


def test_the_timeouts_are_ptbs_four_and_the_whole_request_at_most_their_sum() -> None:
    request = WatchedRequest(on_answer=lambda _status: None, read_timeout=15,
                             write_timeout=15, connect_timeout=10, pool_timeout=1)
    limits = request._timeout(DEFAULT, DEFAULT, DEFAULT, DEFAULT, media=False)
    assert (limits.sock_read, limits.sock_connect, limits.connect, limits.total) == \
        (15, 10, 11, 41)
    upload = request._timeout(DEFAULT, DEFAULT, DEFAULT, DEFAULT, media=True)
    assert upload.total == 15 + 20 + 10 + 1  # a file's write gets the media write timeout
    unbounded = request._timeout(None, DEFAULT, DEFAULT, DEFAULT, media=False)
    assert unbounded.sock_read is None and unbounded.total is None


async def test_a_refused_connection_is_a_network_error_and_no_answer() -> None:
    statuses: list[int] = []
    request = WatchedRequest(on_answer=statuses.append)
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match="aiohttp"):
            await request.do_request(f"http://127.0.0.1:{free_port()}/bot0:X/getMe", "POST")
    finally:
        await request.shutdown()
    assert statuses == []


async def test_parameters_reach_the_bot_api_and_each_status_is_reported() -> None:
    statuses: list[int] = []
    request = WatchedRequest(on_answer=statuses.append)
    await request.initialize()
    try:
        async with BotApiStandIn() as api:
            api.add_user(7)
            url = f"{api.url}/bot{api.token}"
            status, _ = await request.do_request(
                f"{url}/sendMessage", "POST",
                RequestData([RequestParameter.from_input("chat_id", 7),
                             RequestParameter.from_input("text", "Zażółć")]))
            assert status == 200 and api.chat(7)[-1].text == "Zażółć"
            status, _ = await request.do_request(f"{url}/getChat", "POST",
                                                 RequestData([RequestParameter.from_input("chat_id", "x")]))
    finally:
        await request.shutdown()
    assert statuses == [200, status]


def test_the_proxy_is_the_environments_once_per_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    request = WatchedRequest(on_answer=lambda _status: None)
    assert request._proxy_for("https://api.telegram.org/bot1:X/getMe") == \
        "http://proxy.example:3128"
    assert request._proxy_for("http://127.0.0.1:8081/bot1:X/getMe") is None
    monkeypatch.delenv("HTTPS_PROXY")
    assert request._proxy_for("https://api.telegram.org/bot1:X/sendMessage") == \
        "http://proxy.example:3128"  # kept, as httpx keeps what it read at the start
