"""The backup file: a tar.gz (manifest.json, then the data), sealed with AES-256-GCM under a
key derived from the secret with scrypt (the `cryptography` library) when there is one.

An unencrypted backup is a plain .tar.gz any admin can open; an encrypted one starts with
MAGIC, the format version, scrypt's log2(n), the salt and the nonce (all authenticated).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import tarfile
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from storage.errors import DomainError

MAGIC = b"KISBOT-BACKUP\x00"
FORMAT = 1
SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P = 15, 8, 1
SALT_BYTES, NONCE_BYTES = 16, 12


@dataclass(frozen=True)
class Manifest:
    """What a backup holds."""

    dialect: str
    revision: str | None
    created_at: str
    tables: dict[str, int]  # table → rows, in restore order

    @property
    def rows(self) -> int:
        """Rows in all tables."""
        return sum(self.tables.values())


# --- encryption -------------------------------------------------------------------------------

def _key(secret: bytes, salt: bytes, log_n: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=2 ** log_n, r=SCRYPT_R, p=SCRYPT_P).derive(secret)


def seal(payload: bytes, secret: bytes | None) -> bytes:
    """The archive as stored: plain, or MAGIC + format + scrypt log2(n) + salt + nonce + AES-GCM."""
    if not secret:
        return payload
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    header = MAGIC + bytes([FORMAT, SCRYPT_LOG_N]) + salt + nonce
    return header + AESGCM(_key(secret, salt, SCRYPT_LOG_N)).encrypt(nonce, payload, header)


def unseal(data: bytes, secret: bytes | None) -> bytes:
    """The archive inside a stored backup; DomainError when it cannot be opened."""
    if data[:2] == b"\x1f\x8b":  # gzip: not encrypted
        return data
    if not data.startswith(MAGIC):
        raise DomainError("backup_not_a_backup")
    if not secret:
        raise DomainError("backup_needs_passphrase")
    start = len(MAGIC)
    if data[start] != FORMAT:
        raise DomainError("backup_unknown_format", version=data[start])
    log_n = data[start + 1]
    salt = data[start + 2:start + 2 + SALT_BYTES]
    body = start + 2 + SALT_BYTES + NONCE_BYTES
    nonce, header = data[start + 2 + SALT_BYTES:body], data[:body]
    if log_n > 22:
        raise DomainError("backup_not_a_backup")
    try:
        return AESGCM(_key(secret, salt, log_n)).decrypt(nonce, data[body:], header)
    except InvalidTag:
        raise DomainError("backup_wrong_passphrase") from None


# --- the archive ------------------------------------------------------------------------------

def pack(manifest: Manifest, members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=6, mtime=0) as gz, \
            tarfile.open(fileobj=gz, mode="w") as tar:
        for name, data in [("manifest.json", json.dumps(manifest.__dict__).encode()), *members]:
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def unpack(archive: bytes) -> tuple[Manifest, dict[str, bytes]]:
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            members = {m.name: tar.extractfile(m).read()  # type: ignore[union-attr]
                       for m in tar.getmembers() if m.isfile()}
        manifest = Manifest(**json.loads(members.pop("manifest.json")))
    except (tarfile.TarError, OSError, EOFError, KeyError, TypeError, ValueError):
        raise DomainError("backup_damaged") from None
    return manifest, members


def read_manifest(data: bytes, secret: bytes | None) -> Manifest:
    """What a stored backup holds (opening it checks the passphrase and the archive)."""
    return unpack(unseal(data, secret))[0]
