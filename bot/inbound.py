"""Process an inbound event once: claim it in the store, do the work, then finish or release."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from handlers.context import Deps
from storage import inbound
from storage.inbound import Claim

log = logging.getLogger(__name__)


async def once(deps: Deps, *, source: str, kind: str, external_id: str | None,
               work: Callable[[], Awaitable[object]], atomic: bool = False,
               handover: bool = False) -> Claim:
    """Run `work` unless this event was taken in before (an event without an id always runs).

    atomic: the claim, everything `work` does in the store and the mark 'done' are one
    transaction (`Database.transaction`): a failure halfway leaves nothing behind, so the
    provider's retry does the whole of it once; a duplicate arriving meanwhile waits for the
    first to commit and then finds it done. `work` must then make no network calls.

    handover: `work` only hands the event on in this process (a Telegram update put on the
    application's queue) and cannot fail: the claim is written as done at once, one
    transaction instead of a claim and a finish (bench/RESULTS.md, issue 21).

    Otherwise, when `work` raises, the claim is released (the provider's retry is processed)
    and the error propagates; when even the release fails, the claim goes stale after a few
    minutes.
    """
    if not external_id:
        await work()
        return Claim.claimed
    key = {"source": source, "kind": kind, "external_id": external_id}
    if atomic:
        async with deps.db.transaction():
            claim = await deps.db.run(inbound.claim, now=deps.clock.now(), **key)
            if claim is Claim.claimed:
                await work()
                await deps.db.run(inbound.finish, **key)
            else:
                log.info("inbound %s %s seen before (%s): skipped", source, kind, claim)
        return claim
    claim = await deps.db.run(inbound.claim, now=deps.clock.now(), done=handover, **key)
    if claim is not Claim.claimed:
        log.info("inbound %s %s seen before (%s): skipped", source, kind, claim)
        return claim
    if handover:
        await work()
        return claim
    try:
        await work()
    except BaseException:
        await deps.db.run(inbound.release, **key)
        raise
    await deps.db.run(inbound.finish, **key)
    return claim
