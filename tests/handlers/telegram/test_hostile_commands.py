"""Every command, with arbitrary arguments, from everyone: a polite answer, never a crash."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.models import Role
from tests.auxil.harness import Harness

ARGS = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
            max_size=40),
    st.sampled_from(["08.12 10:00-12:00", "31.02 25:00-26:00", "4,5 03.12", "-1", "1e99",
                     "'; DROP TABLE bookings; --", "2021-13-01 2021-00-00", "99999999999999",
                     "08.12 10:00-12:00 999 wideo javascript:alert(1)", "\u202e12", "ｇｏｄｚ"]),
)


@given(args=st.lists(ARGS, min_size=1, max_size=6))
@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
async def test_every_command_answers_any_arguments(bot: Harness, args: list[str]) -> None:
    if not bot.api.users:  # the same people for every example
        bot.participant("1", "Anna", telegram_user_id=1001)
        for i, role in enumerate(Role):
            bot.staff(f"S{i}", role, telegram_user_id=5000 + i)
    users = [bot.user(1001), bot.user(999)] + [bot.user(5000 + i) for i in range(len(Role))]
    text = " ".join(args)
    for spec in bot.live.app.bot_data["commands"]:
        for user in users:
            before = len(user.messages)
            await user.send(f"/{spec.name} {text}"[:4000])
            assert len(user.messages) > before, f"/{spec.name} gave no answer to {user.id}"
    assert bot.live.errors == []
