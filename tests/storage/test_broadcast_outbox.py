"""A broadcast as outbox rows: the rows at confirm, cancel, the report's counts, live claims."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from storage import broadcast_outbox, broadcasts, outbox
from storage.broadcast_outbox import BroadcastTexts, Report
from storage.clock import ManualClock
from storage.db import Database
from storage.models import OutboxMessage
from tests.auxil.factories import coordinator, person

TZ = ZoneInfo("Europe/Warsaw")


def confirm(db: Database, clock: ManualClock, **kwargs: object) -> int:
    """A broadcast to everybody, confirmed; its id."""
    staff_id = coordinator(db)
    draft = db.call(broadcasts.start_draft, staff_id=staff_id, now=clock.now(), text="Hej")
    db.call(broadcasts.set_audience, broadcast_id=draft.id, staff_id=staff_id, audience="all")
    db.call(broadcasts.confirm, broadcast_id=draft.id, staff_id=staff_id, now=clock.now(), tz=TZ,
            **kwargs)
    return draft.id  # type: ignore[return-value]


def messages(db: Database, broadcast_id: int) -> list[OutboxMessage]:
    with db.session() as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.broadcast_id == broadcast_id)
                           .order_by(OutboxMessage.id)))


def test_one_row_per_recipient_with_its_channel_texts_and_buttons(db: Database,
                                                                 clock: ManualClock) -> None:
    tg = person(db, "1", telegram_user_id=11, phone="+48601000001")
    sms = person(db, "2", phone="+48601000002")
    out = person(db, "3", phone="+48601000003", sms_opt_out=True)
    nobody = person(db, "4")
    at = clock.now() + timedelta(days=1)
    texts = BroadcastTexts("Zaproszenie", "Zaproszenie. Odpisz TAK lub NIE.",
                           [[("✅ Będę", "ws:yes:1"), ("❌ Nie będę", "ws:no:1")]])
    bid = confirm(db, clock, send_at=at, texts=texts)
    rows = {m.participant_id: m for m in messages(db, bid)}
    assert {p: (m.channel, m.status, m.last_error) for p, m in rows.items()} == {
        tg.id: ("telegram", "pending", None), sms.id: ("sms", "pending", None),
        out.id: ("none", "skipped", "opted_out"), nobody.id: ("none", "skipped", "unreachable")}
    assert rows[tg.id].text == "Zaproszenie" and rows[tg.id].payload == {
        "sms_text": "Zaproszenie. Odpisz TAK lub NIE.",
        "buttons": [[["✅ Będę", "ws:yes:1"], ["❌ Nie będę", "ws:no:1"]]]}
    assert rows[sms.id].text == "Zaproszenie. Odpisz TAK lub NIE." and rows[sms.id].payload is None
    assert {m.dedupe_key for m in rows.values()} == {f"broadcast:{bid}:{p}" for p in rows}
    assert {m.due_at for m in rows.values()} == {at}
    assert db.call(outbox.claim_due, now=clock.now(), worker="w", limit=10) == []  # not yet due


def test_cancelling_a_scheduled_broadcast_leaves_no_pending_row(db: Database,
                                                                clock: ManualClock) -> None:
    for n in range(3):
        person(db, f"P{n}", telegram_user_id=100 + n)
    bid = confirm(db, clock, send_at=clock.now() + timedelta(hours=2))
    staff_id = db.call(broadcasts.get, broadcast_id=bid).created_by
    db.call(broadcasts.cancel, broadcast_id=bid, staff_id=staff_id, now=clock.now())
    assert {m.status for m in messages(db, bid)} == {"cancelled"}
    clock.advance(timedelta(hours=3))
    assert db.call(outbox.claim_due, now=clock.now(), worker="w", limit=10) == []
    assert db.call(broadcast_outbox.start_due, now=clock.now()) == []


def finish(db: Database, clock: ManualClock, message_id: int, status: str,
           error: str | None = None, blocked: bool = False) -> None:
    db.call(outbox.finish_many, now=clock.now(),
            outcomes=[outbox.Outcome(message_id, status, error, blocked=blocked)])


def test_report_counts_every_recipient_once(db: Database, clock: ManualClock) -> None:
    for n in range(3):
        person(db, f"T{n}", telegram_user_id=100 + n, phone=f"+4860100010{n}")
    person(db, "B", telegram_user_id=200)  # blocked, no phone
    person(db, "S", phone="+48601000200")
    person(db, "O", phone="+48601000300", sms_opt_out=True)
    person(db, "N")
    bid = confirm(db, clock, chat_id=5001)
    by_number = {m.chat_id or m.phone: m.id for m in messages(db, bid)}
    finish(db, clock, by_number[100], "sent")  # type: ignore[index]
    finish(db, clock, by_number[101], "failed", outbox.BLOCKED, blocked=True)  # type: ignore[index]
    finish(db, clock, by_number[200], "failed", outbox.BLOCKED, blocked=True)  # type: ignore[index]
    finish(db, clock, by_number["+48601000200"], "failed", "rejected")  # type: ignore[index]
    assert db.call(broadcast_outbox.report, broadcast_id=bid) == Report(
        total=7, sent_telegram=1, blocked=1, failed=1, opted_out=1, unreachable=1, open=2)
    fallback = [m for m in messages(db, bid) if m.dedupe_key.endswith(":sms")]
    assert [(m.channel, m.phone, m.payload) for m in fallback] == [
        ("sms", "+48601000101", {"fallback": True})]
    finish(db, clock, fallback[0].id, "sent")  # type: ignore[arg-type]
    done = db.call(broadcast_outbox.finish_if_done, broadcast_id=bid, now=clock.now(),
                   report_text=lambda r: f"raport {r.delivered}")
    assert done is None  # T2 is still pending
    finish(db, clock, by_number[102], "sent")  # type: ignore[index]
    done = db.call(broadcast_outbox.finish_if_done, broadcast_id=bid, now=clock.now(),
                   report_text=lambda r: f"raport {r.delivered}")
    assert done == Report(total=7, sent_telegram=2, sent_sms=1, sms_instead=1, failed=1, blocked=1,
                          opted_out=1, unreachable=1)
    assert db.call(broadcast_outbox.finish_if_done, broadcast_id=bid, now=clock.now(),
                   report_text=lambda r: "again") is None  # reported once
    with db.session() as s:
        report = s.exec(select(OutboxMessage).where(
            col(OutboxMessage.dedupe_key) == f"broadcast:{bid}:report")).one()
    assert (report.chat_id, report.text, report.status) == (5001, "raport 3", "pending")


def test_a_live_workers_claim_is_never_reclaimed(db: Database, clock: ManualClock) -> None:
    person(db, "1", telegram_user_id=11)
    confirm(db, clock)
    [claimed] = db.call(outbox.claim_due, now=clock.now(), worker="live", limit=5)
    for _ in range(3):  # a heartbeat every 10 s keeps the claim fresh
        clock.advance(timedelta(seconds=50))
        assert db.call(outbox.heartbeat, worker="live", now=clock.now()) == 1
        assert db.call(outbox.reclaim_stuck, now=clock.now(), older_than=timedelta(minutes=1)) == 0
    clock.advance(timedelta(seconds=61))  # no heartbeat: the process is gone
    assert db.call(outbox.reclaim_stuck, now=clock.now(), older_than=timedelta(minutes=1)) == 1
    [again] = db.call(outbox.claim_due, now=clock.now(), worker="next", limit=5)
    assert again.id == claimed.id and again.attempts == 2
