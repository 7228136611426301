"""Field encryption (SM4-GCM, key id per value) and keyed blind indexes (HMAC-SM3).

Keys live outside the database (settings.FIELD_ENCRYPTION_KEYS, settings.BLIND_INDEX_KEY). The last key in
FIELD_ENCRYPTION_KEYS encrypts new values; older keys still decrypt, so keys can be rotated.
Stored form: ``<key id>$<base64(nonce ‖ ciphertext ‖ tag)>``.
"""

from __future__ import annotations

import base64
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

from dangjian.core.errors import BusinessError

_NONCE = 12
_TAG = 16


def _keys() -> dict[str, bytes]:
    keys: dict[str, bytes] = settings.FIELD_ENCRYPTION_KEYS
    return keys


def current_key_id() -> str:
    return list(_keys())[-1]


def encrypt(plaintext: str, *, key_id: str | None = None) -> str:
    kid = key_id or current_key_id()
    key = _keys()[kid]
    nonce = os.urandom(_NONCE)
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(kid.encode())
    ct = enc.update(plaintext.encode("utf-8")) + enc.finalize()
    return f"{kid}${base64.b64encode(nonce + ct + enc.tag).decode('ascii')}"


def key_id_of(token: str) -> str:
    return token.partition("$")[0]


def decrypt(token: str) -> str:
    kid, sep, body = token.partition("$")
    if not sep or kid not in _keys():
        raise BusinessError("crypto.unknown_key", "加密数据的密钥不可用或数据已损坏")
    try:
        # Garbled base64 or a value too short to hold nonce and tag is tampering too, not a crash.
        raw = base64.b64decode(body, validate=True)
        if len(raw) < _NONCE + _TAG:
            raise ValueError("ciphertext too short")
        nonce, ct, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
        dec = Cipher(algorithms.SM4(_keys()[kid]), modes.GCM(nonce, tag)).decryptor()
        dec.authenticate_additional_data(kid.encode())
        return (dec.update(ct) + dec.finalize()).decode("utf-8")
    except Exception as exc:  # InvalidTag, binascii.Error, ValueError: the stored value was altered
        raise BusinessError("crypto.tampered", "加密数据校验失败（可能被篡改）") from exc


def hmac_sm3(key: bytes, data: bytes) -> str:
    h = crypto_hmac.HMAC(key, hashes.SM3())
    h.update(data)
    return h.finalize().hex()


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed index for equality look-up of an encrypted value; ``purpose`` separates fields."""
    if not value:
        return ""
    return hmac_sm3(settings.BLIND_INDEX_KEY, f"{purpose}\x00{value}".encode())


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
