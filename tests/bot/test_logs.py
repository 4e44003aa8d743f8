"""Logs never carry phone numbers, bot tokens or configured secrets."""

from __future__ import annotations

import json
import logging

from bot.logs import RedactingFormatter, redact


def test_phone_numbers_in_any_notation_are_masked() -> None:
    for phone in ("+48601234567", "+48 601 234 567", "601 234 567", "601-234-567", "601234567"):
        assert "234" not in redact(f"sent to {phone} now"), phone


def test_dates_times_and_ids_stay_readable() -> None:
    text = "booking 17 at 2026-12-07 10:00:00, update 12345, version 1.2.3"
    assert redact(text) == text


def test_tokens_and_secrets_are_masked() -> None:
    url = "POST https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe"
    assert "AAHdq" not in redact(url)
    assert redact("smsapi token abcd1234efgh", ["abcd1234efgh"]) == "smsapi token ***"


def test_formatter_writes_json_lines_with_redacted_exceptions() -> None:
    formatter = RedactingFormatter(secrets=["s3cr3t-value"])
    try:
        raise ValueError("failed for +48601234567 with s3cr3t-value")
    except ValueError:
        import sys

        record = logging.LogRecord("kis", logging.ERROR, __file__, 1, "send %s", ("x",),
                                   sys.exc_info())
    line = json.loads(formatter.format(record))
    assert line["msg"] == "send x" and line["level"] == "ERROR"
    assert "601234567" not in line["exc"] and "s3cr3t-value" not in line["exc"]
