"""The outbox renders a text function in its recipient's language (staff: Polish), whatever
the language of the update that caused it; texts given as strings are sent as they are."""

from __future__ import annotations

from sqlmodel import col, select

from storage import consultations, outbox
from storage.clock import ManualClock
from storage.consultation_rules import parse_slot_request
from storage.db import Database
from storage.language import current, speaking
from storage.models import OutboxMessage
from tests.auxil.factories import Factory


def texts(db: Database, prefix: str) -> dict[str, str]:
    with db.session() as s:
        return {m.dedupe_key: m.text for m in s.exec(select(OutboxMessage).where(
            col(OutboxMessage.dedupe_key).startswith(prefix)))}


def test_enqueue_renders_in_the_recipients_language(db: Database, clock: ManualClock) -> None:
    make = Factory(db, clock)
    olena = make.participant("1", "Olena", telegram_user_id=11, language="uk")
    john = make.participant("2", "John", phone="+48601000002", language="en")
    monika = make.staff("Monika", "psychologist", telegram_user_id=12)

    def queue(*, session, key: str, **who) -> None:
        outbox.enqueue(session=session, dedupe_key=key, kind="notice", due_at=clock.now(),
                       text=lambda channel: f"{current()}/{channel}", **who)

    with speaking("uk"):  # e.g. a Ukrainian participant's update caused all three
        db.call(queue, key="t:olena", participant=olena)
        db.call(queue, key="t:john", participant=john)
        db.call(queue, key="t:monika", staff=monika)
    assert texts(db, "t:") == {"t:olena": "uk/telegram", "t:john": "en/sms",
                               "t:monika": "pl/telegram"}
    with db.session() as s:
        row = s.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == "t:olena")).one()
        assert row.payload == {"sms_text": "uk/sms"}  # the fallback in her language too


def test_a_withdrawn_slot_and_the_waiting_list_are_told_in_each_language(
        db: Database, clock: ManualClock) -> None:
    make = Factory(db, clock)
    monika = make.staff("Monika", "psychologist", telegram_user_id=12)
    olena = make.participant("1", "Olena", telegram_user_id=11, language="uk")
    john = make.participant("2", "John", telegram_user_id=13, language="en")
    today = clock.now().date()
    [slot] = db.call(consultations.publish_slots, staff=monika,
                     request=parse_slot_request(["08.12", "10:00-11:00"], today),
                     now=clock.now(), tz=make.tz, default_minutes=60).created
    booking = make.booking(olena, slot)
    # Told by the psychologist's press, in Olena's language, not the psychologist's Polish.
    db.call(consultations.staff_cancel_slot, staff_id=monika.id, slot_id=slot.id,
            now=clock.now(), tell=lambda b: f"{current()}: {b.id}")
    assert list(texts(db, "slot-cancelled:").values()) == [f"uk: {booking.id}"]
    for person in (olena, john):
        db.call(consultations.join_waitlist, participant_id=person.id, service="psychologist",
                now=clock.now())
    db.call(consultations.notify_waitlist, service="psychologist", now=clock.now(),
            text=lambda channel: current())
    assert sorted(texts(db, "waitlist:").values()) == ["en", "uk"]

