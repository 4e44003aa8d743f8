"""PostgreSQL unreachable for a moment while the bot runs: polite apology, nothing lost, recovery."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlmodel import select

from bot.app import build_application
from bot.scheduler import _job, outbox_tick
from handlers.context import Deps
from handlers.texts import common as texts
from storage import outbox, people
from storage.db import Database
from storage.models import HourEntry, OutboxMessage, WorkSite
from tests.auxil.harness import make_settings
from tests.auxil.tcpproxy import TcpProxy
from tests.auxil.tg import TrackingUpdateProcessor, running


async def test_a_database_outage_is_survived(api, pg_db: Database, clock) -> None:
    target = make_url(pg_db.url)
    proxy = await TcpProxy(target.host or "127.0.0.1", target.port or 5432).up()
    url = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    db = Database(url)  # every call below goes through the proxy (the pool as in production)

    def setup(*, session) -> None:
        session.add(WorkSite(name="Park"))
        session.flush()
        new = people.NewParticipant(number="1", first_name="Anna", last_name="T", gender="K",
                                    phone=None, referred_on=clock.now().date(), work_site="Park")
        anna = people.add_participant(session=session, new=new, actor="cli", now=clock.now())
        anna.telegram_user_id = 1001
        outbox.enqueue(session=session, dedupe_key="n:1", kind="notice", text="Ogłoszenie",
                       due_at=clock.now(), participant=anna)

    await db.run(setup)  # in a thread: the proxy lives on this event loop
    app = build_application(Deps(settings=make_settings(api, url), db=db, clock=clock),
                            update_processor=TrackingUpdateProcessor())
    try:
        async with running(app, api) as live:
            user = live.user(1001)
            await proxy.down()
            await user.send("/godziny 4")
            assert user.last_text == texts.INTERNAL_ERROR  # an apology, not silence
            await _job(outbox_tick)(type("Ctx", (), {"application": app})())  # logged, not raised
            assert api.chat(1001)[-1].text == texts.INTERNAL_ERROR
            await proxy.up()
            await user.send("/godziny 4")
            assert user.last_text.startswith("Zapisano 4 godziny")
            await outbox_tick(app)
            assert [m.text for m in api.chat(1001)].count("Ogłoszenie") == 1
            # the one update that met the outage (in each handler group it reached), with
            # one apology
            assert {u.update_id for u, _ in live.errors} == {1}
            assert [m.text for m in api.chat(1001)].count(texts.INTERNAL_ERROR) == 1
    finally:
        await proxy.down()
        db.dispose()
    with pg_db.session() as s:
        assert len(s.exec(select(HourEntry)).all()) == 1
        assert s.exec(select(OutboxMessage.status)).one() == "sent"
