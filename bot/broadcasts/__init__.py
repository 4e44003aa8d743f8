"""Broadcasts: the durable, rate-limited sender of coordinators' notices (Telegram and SMS)."""
