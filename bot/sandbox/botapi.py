"""An in-process Telegram Bot API stand-in for running the real PTB Application in tests."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import web

from bot.sandbox.botapi_methods import BotApiMethods, Params
from bot.sandbox.botapi_models import (
    DEFAULT_DESCRIPTIONS,
    ApiError,
    ApiFailure,
    Button,
    Fault,
    SentMessage,
    StoredFile,
    UploadedFile,
    UserProfile,
    decode_param,
)

__all__ = [
    "ApiError",
    "BotApiStandIn",
    "Button",
    "SentMessage",
    "StoredFile",
    "UserProfile",
]

T = TypeVar("T")
Handler = Callable[[Params], Awaitable[Any]]


class BotApiStandIn(BotApiMethods):
    """Imitates api.telegram.org on 127.0.0.1 and records everything the bot does."""

    def __init__(
        self,
        *,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "kisbot_test_bot",
        bot_first_name: str = "KIS Bot",
        enforce_limits: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.enforce_limits = enforce_limits  # the 429 rate limits (every other check always)
        self.clock = clock  # seconds, for rate limits and callback lifetimes (tests inject one)
        self.url = ""
        self.requests: list[tuple[str, Params]] = []
        self.unknown_calls: list[tuple[str, Params]] = []
        self.errors: list[ApiError] = []
        self._expected: list[tuple[str, int | None]] = []
        self.count_429 = 0
        self.webhook_url = ""
        self._init_methods_state()
        self._faults: list[Fault] = []
        self._pending: list[Params] = []
        self._next_update_id = 1
        self._fetched_upto = 0
        self._confirmed_below = 1
        self._wake_generation = 0
        self._changed = asyncio.Event()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._methods: dict[str, Handler] = self._method_table()

    def _method_table(self) -> dict[str, Handler]:
        """Served methods by lower-case name."""
        table: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
            "getFile": self._get_file,
        }
        return {name.lower(): handler for name, handler in table.items()}

    # ---- lifecycle ------------------------------------------------------------------------

    async def start(self) -> BotApiStandIn:
        """Listen on an ephemeral port of 127.0.0.1."""
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._serve_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self

    async def stop(self) -> None:
        """Wake pending long polls and delays, then close the server."""
        self._closing.set()
        self._bump()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiStandIn:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """Value for `ApplicationBuilder().base_url(...)`."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for `ApplicationBuilder().base_file_url(...)`."""
        return f"{self.url}/file/bot"

    # ---- people ---------------------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str = "Anna",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "pl",
        *,
        wrote: bool = True,
    ) -> UserProfile:
        """Register a person so chats and updates carry their name.

        `wrote`: the person has already written to the bot (otherwise sending to them answers
        403 until their first update arrives).
        """
        profile = UserProfile(user_id, first_name, last_name, username, language_code)
        self.users[user_id] = profile
        if wrote:
            self.wrote.add(user_id)
        return profile

    def opened_chat(self, user_id: int) -> None:
        """The person has written to the bot before (e.g. linked their account): the bot may
        write to them."""
        self.wrote.add(user_id)

    def block(self, user_id: int) -> None:
        """From now on every call writing to this chat answers 403 'bot was blocked'.

        Declares those refusals as expected (the test chose them)."""
        self.blocked.add(user_id)

    # ---- updates --------------------------------------------------------------------------

    def push_update(self, update: Params) -> int:
        """Queue an update (update_id assigned here) and wake a pending long poll."""
        update_id = self._next_update_id
        self._next_update_id += 1
        self._note_sender(update)
        self._pending.append({"update_id": update_id, **update})
        self._bump()
        return update_id

    async def wait_fetched(self, update_id: int, timeout: float = 5.0) -> None:
        """Wait until a getUpdates answer has carried this update to the bot."""
        await self.wait_for(lambda: self._fetched_upto >= update_id, timeout, f"fetch {update_id}")

    def confirmed(self, update_id: int) -> bool:
        """Whether the bot confirmed this update (a restarted bot will not get it again)."""
        return self._confirmed_below > update_id

    async def wait_confirmed(self, update_id: int, timeout: float = 5.0) -> None:
        """Wait until the bot confirmed this update with a later getUpdates offset."""
        await self.wait_for(
            lambda: self._confirmed_below > update_id, timeout, f"confirm {update_id}"
        )

    def _note_sender(self, update: Params) -> None:
        """A person's message or button press opens their chat; a press starts a query."""
        for kind in ("message", "callback_query", "edited_message"):
            sender = (update.get(kind) or {}).get("from") or {}
            if isinstance(sender.get("id"), int) and not sender.get("is_bot"):
                self.person_wrote(sender["id"])
        query = update.get("callback_query")
        if query and "id" in query:
            self.callback_sent(str(query["id"]))

    def wake_polls(self) -> None:
        """Make every pending long poll answer now (with whatever is queued)."""
        self._wake_generation += 1
        self._bump()

    async def _get_updates(self, params: Params) -> list[Params]:
        """getUpdates with real long polling."""
        if self.webhook_url:
            raise ApiFailure(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = params.get("offset") or 0
        if offset > 0:
            self._confirmed_below = max(self._confirmed_below, offset)
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        generation = self._wake_generation

        def ready() -> bool:
            woken = self._wake_generation != generation
            return bool(self._pending) or woken or self._closing.is_set()

        with contextlib.suppress(TimeoutError):
            await self._wait_quietly(ready, float(params.get("timeout") or 0))
        return self._pending[: int(params.get("limit") or 100)]

    async def _delete_webhook(self, params: Params) -> bool:
        """deleteWebhook."""
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _set_webhook(self, params: Params) -> bool:
        """setWebhook."""
        self.webhook_url = params.get("url", "")
        return True

    async def _get_webhook_info(self, params: Params) -> Params:
        """getWebhookInfo."""
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }

    async def _get_me(self, params: Params) -> Params:
        """getMe."""
        return self.bot_user

    # ---- faults ---------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int | None = None,
        description: str | None = None,
        retry_after: int | None = None,
        delay: float | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` wait `delay` s and/or answer an error."""
        if status is None and retry_after is not None:
            status = 429
        if status is None and delay is None:
            status = 400
        text = description or DEFAULT_DESCRIPTIONS.get(status or 0, f"Error {status}")
        if status == 429 and description is None:
            text = f"Too Many Requests: retry after {retry_after}"
        self._faults.append(Fault(method.lower(), status, text, retry_after, delay, times))

    @property
    def pending_faults(self) -> list[Fault]:
        """Scripted faults not yet consumed."""
        return [fault for fault in self._faults if fault.times > 0]

    def _take_fault(self, method: str) -> Fault | None:
        """Consume one use of the first fault scripted for this method."""
        for fault in self._faults:
            if fault.method == method.lower() and fault.times > 0:
                fault.times -= 1
                return fault
        return None

    async def _apply_fault(self, fault: Fault) -> None:
        """Delay and/or raise as scripted."""
        if fault.delay:
            with contextlib.suppress(TimeoutError):
                await self._wait_quietly(self._closing.is_set, fault.delay)
        if fault.status is not None:
            raise ApiFailure(fault.status, fault.description, fault.retry_after)

    def expect_refusal(self, description: str, chat_id: int | None = None) -> None:
        """Declare that answers whose description contains `description` (to `chat_id`, or
        any chat) are part of the test, not a bot mistake."""
        self._expected.append((description, chat_id))

    @property
    def unexpected_errors(self) -> list[ApiError]:
        """Refusals nobody scripted or declared: each one is a bot mistake."""
        return [error for error in self.errors if not error.expected]

    def assert_clean(self) -> None:
        """Fail if the bot called an unknown method or a scripted fault was never used."""
        assert not self.unknown_calls, f"bot called unknown methods: {self.unknown_calls}"
        assert not self.pending_faults, f"scripted faults never used: {self.pending_faults}"

    def assert_no_refusals(self) -> None:
        """Fail if Telegram would have refused something the test did not expect."""
        assert not self.unexpected_errors, (
            f"the stand-in refused requests no test expected: {self.unexpected_errors}\n"
            f"{self.dump()}")

    # ---- waiting --------------------------------------------------------------------------

    def _bump(self) -> None:
        """Wake everything waiting for a change."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_quietly(self, predicate: Callable[[], Any], timeout: float) -> Any:
        """Wait until predicate() is truthy; TimeoutError after `timeout` seconds."""
        async with asyncio.timeout(timeout):
            while True:
                changed = self._changed
                result = predicate()
                if result:
                    return result
                await changed.wait()

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0, what: str = "") -> T:
        """Wait (no polling) until predicate() is truthy; AssertionError with a dump if not."""
        try:
            return await self._wait_quietly(predicate, timeout)
        except TimeoutError:
            label = what or getattr(predicate, "__name__", repr(predicate))
            raise AssertionError(
                f"timed out after {timeout}s waiting for {label}\n{self.dump()}"
            ) from None

    async def wait_until(self, predicate: Callable[[], T], timeout: float) -> T:
        """Wait (no polling) until predicate() is truthy; TimeoutError after `timeout` s."""
        return await self._wait_quietly(predicate, timeout)

    def notify(self) -> None:
        """Wake everything waiting (something outside the stand-in changed)."""
        self._bump()

    def dump(self, last: int = 25) -> str:
        """Recent requests, errors and unknown calls, for failure messages."""
        lines = [f"last {last} of {len(self.requests)} requests:"]
        lines += [f"  {method} {_short(params)}" for method, params in self.requests[-last:]]
        lines += [f"error answers: {self.errors[-10:]}", f"unknown calls: {self.unknown_calls}"]
        return "\n".join(lines)

    def calls(self, method: str) -> list[Params]:
        """Params of every recorded call of a method."""
        return [params for name, params in self.requests if name.lower() == method.lower()]

    # ---- HTTP -----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        """Answer one Bot API call."""
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await _read_params(request)
        self.requests.append((method, params))
        self._bump()
        try:
            result = await self._dispatch(method, params)
            body, status = {"ok": True, "result": result}, 200
        except ApiFailure as failure:
            body, status = failure.payload(), failure.status
            self._record_error(method, params, failure)
        else:
            if method.lower() == "getupdates" and result and request.transport is not None:
                self._fetched_upto = max(self._fetched_upto, result[-1]["update_id"])
        self._bump()
        return web.json_response(body, status=status)

    async def _dispatch(self, method: str, params: Params) -> Any:
        """Run the method's handler after any scripted fault."""
        handler = self._methods.get(method.lower())
        if handler is None:
            self.unknown_calls.append((method, params))
            raise ApiFailure(404, f"Not Found: method {method} is not served by the stand-in")
        fault = self._take_fault(method)
        if fault is not None:
            try:
                await self._apply_fault(fault)
            except ApiFailure as failure:
                failure.scripted = True
                raise
        return await handler(params)

    def _record_error(self, method: str, params: Params, failure: ApiFailure) -> None:
        """Keep an error answer for inspection."""
        chat_id = params.get("chat_id")
        chat_id = chat_id if isinstance(chat_id, int) else None
        expected = failure.scripted or (failure.status == 403 and chat_id in self.blocked) or any(
            text in failure.description and wanted in (None, chat_id)
            for text, wanted in self._expected)
        self.errors.append(
            ApiError(method, chat_id, failure.status, failure.description, expected))
        if failure.status == 429:
            self.count_429 += 1

    async def _serve_file(self, request: web.Request) -> web.Response:
        """Download a file the bot sent (path from getFile)."""
        if request.match_info["token"] != self.token:
            raise web.HTTPUnauthorized()
        for stored in self.files.values():
            if stored.file_path == request.match_info["path"]:
                return web.Response(body=stored.data, content_type=stored.mime_type)
        raise web.HTTPNotFound()

    def now(self) -> int:
        """Telegram timestamp for new updates and messages (wall time: PTB reads it)."""
        return int(time.time())


async def _read_params(request: web.Request) -> Params:
    """Decode a form-urlencoded or multipart request (JSON bodies also accepted)."""
    if request.content_type == "application/json":
        return dict(await request.json())
    params: Params = dict(request.query)
    for name, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            params[name] = UploadedFile(value.filename, value.file.read(), value.content_type)
        else:
            params[name] = str(value)
    return {name: _decode(name, value) for name, value in params.items()}


def _decode(name: str, value: Any) -> Any:
    """Decode one value unless it is a file."""
    return value if isinstance(value, UploadedFile) else decode_param(name, value)


def _short(params: Params, width: int = 160) -> str:
    """A one-line, truncated repr of params."""
    text = repr({k: ("<file>" if isinstance(v, UploadedFile) else v) for k, v in params.items()})
    return text if len(text) <= width else text[: width - 3] + "..."
