"""The production update processor: many updates at once, but each chat's in the order they came."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.metrics import MeasuredUpdates, Metrics


def update(update_id: int, chat_id: int) -> Update:
    return Update.de_json({"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "text": "x",
        "chat": {"id": chat_id, "type": "private"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "U"}}}, None)


async def test_a_chats_second_update_waits_for_its_first_while_other_chats_go_on() -> None:
    processor = MeasuredUpdates(8, Metrics())
    await processor.initialize()
    done: list[int] = []
    first_may_end = asyncio.Event()
    other_chat_done = asyncio.Event()

    async def handle(update_id: int, gate: asyncio.Event | None = None) -> None:
        if gate is not None:
            await gate.wait()
        done.append(update_id)
        if update_id == 3:
            other_chat_done.set()

    tasks = [asyncio.create_task(processor.process_update(update(1, 100), handle(1, first_may_end))),
             asyncio.create_task(processor.process_update(update(2, 100), handle(2))),
             asyncio.create_task(processor.process_update(update(3, 200), handle(3)))]
    await other_chat_done.wait()  # another chat is not held up by chat 100's first update
    assert done == [3]  # and chat 100's second has not overtaken its first
    first_may_end.set()
    await asyncio.gather(*tasks)
    assert done == [3, 1, 2]
    assert processor._chats == {}  # nothing kept for chats with nothing in flight
    await processor.shutdown()
