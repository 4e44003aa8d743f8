"""The SMS channel: segment counting, the keyword language, providers."""
