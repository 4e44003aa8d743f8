"""The SMS conversation: the keyword language, segment counting and the replies."""
