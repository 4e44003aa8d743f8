"""Sending what the outbox holds: Telegram and SMS, once, with retries."""
