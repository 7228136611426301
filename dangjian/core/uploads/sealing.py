"""Encryption of file bytes at rest: SM4-GCM under the field keys, with the key id stored in the header.

The same key material and key-id scheme as ``dangjian.core.crypto`` (settings.FIELD_ENCRYPTION_KEYS; the
last key seals new files, older keys still open theirs, so keys can be rotated). Layout of a sealed file::

    b"DJF1" ‖ len(key id) (1 byte) ‖ key id ‖ nonce (12) ‖ ciphertext ‖ tag (16)

The associated data binds the ciphertext to its key id and to the file's identity (``StoredFile.id``), so a
sealed file copied over another one's storage name does not open.
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

from dangjian.core import crypto
from dangjian.core.errors import BusinessError

MAGIC = b"DJF1"
_NONCE = 12
_TAG = 16


def _keys() -> dict[str, bytes]:
    keys: dict[str, bytes] = settings.FIELD_ENCRYPTION_KEYS
    return keys


def _aad(key_id: str, context: bytes) -> bytes:
    return b"dangjian.file\x00" + key_id.encode() + b"\x00" + context


def seal(data: bytes, *, context: bytes, key_id: str | None = None) -> bytes:
    """``data`` encrypted under the current field key (or ``key_id``), bound to ``context``."""
    kid = key_id or crypto.current_key_id()
    kid_bytes = kid.encode()
    if not 0 < len(kid_bytes) < 256:
        raise ValueError("key ids are 1 to 255 bytes long")
    nonce = os.urandom(_NONCE)
    encryptor = Cipher(algorithms.SM4(_keys()[kid]), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(_aad(kid, context))
    body = encryptor.update(data) + encryptor.finalize()
    return MAGIC + bytes([len(kid_bytes)]) + kid_bytes + nonce + body + encryptor.tag


def key_id_of(blob: bytes) -> str:
    """The key id a sealed file names (``""`` when the header is not one)."""
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 1:
        return ""
    length = blob[len(MAGIC)]
    return blob[len(MAGIC) + 1 : len(MAGIC) + 1 + length].decode("ascii", "replace")


def unseal(blob: bytes, *, context: bytes) -> bytes:
    """The plaintext of a sealed file. ``crypto.unknown_key`` / ``crypto.tampered`` as for field values."""
    kid = key_id_of(blob)
    if not kid or kid not in _keys():
        raise BusinessError("crypto.unknown_key", "加密数据的密钥不可用或数据已损坏")
    start = len(MAGIC) + 1 + len(kid.encode())
    if len(blob) < start + _NONCE + _TAG:
        raise BusinessError("crypto.tampered", "加密数据校验失败（可能被篡改）")
    nonce, body, tag = blob[start : start + _NONCE], blob[start + _NONCE : -_TAG], blob[-_TAG:]
    try:
        decryptor = Cipher(algorithms.SM4(_keys()[kid]), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(_aad(kid, context))
        return decryptor.update(body) + decryptor.finalize()
    except Exception as exc:  # InvalidTag: the stored bytes, the key id or the context was altered
        raise BusinessError("crypto.tampered", "加密数据校验失败（可能被篡改）") from exc
