"""国密 primitives and field encryption (dangjian.core.crypto)."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.test import override_settings

from dangjian.core import crypto
from dangjian.core.errors import BusinessError

NEW_KEY = bytes.fromhex("00112233445566778899aabbccddeeff")


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def test_sm4_matches_the_gbt_32907_test_vector():
    key = plaintext = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 (the standard's vector is ECB)
    assert (encryptor.update(plaintext) + encryptor.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm3_matches_the_gbt_32905_test_vector():
    digest = sm3(b"abc").hex()
    assert digest.startswith("66c7f0f4")
    assert digest == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_hmac_sm3_is_the_rfc_2104_construction_over_sm3():
    key, message = b"k" * 20, "党员 blind index".encode()
    block = key.ljust(64, b"\0")
    inner = sm3(bytes(b ^ 0x36 for b in block) + message)
    expected = sm3(bytes(b ^ 0x5C for b in block) + inner).hex()
    assert crypto.hmac_sm3(key, message) == expected


def test_encrypt_then_decrypt_gives_back_the_text():
    for text in ("11010519491231002X", "北京市东城区东长安街1号", "13800138000", "🙂 emoji"):
        token = crypto.encrypt(text)
        assert crypto.decrypt(token) == text
        assert text not in token


def test_the_same_text_encrypts_differently_each_time():
    assert crypto.encrypt("13800138000") != crypto.encrypt("13800138000")


def test_new_values_are_encrypted_under_the_last_key():
    assert crypto.key_id_of(crypto.encrypt("x")) == list(settings.FIELD_ENCRYPTION_KEYS)[-1]


def test_a_value_under_an_old_key_still_decrypts_after_a_new_key_is_appended():
    old = crypto.encrypt("11010519491231002X")
    rotated = {**settings.FIELD_ENCRYPTION_KEYS, "t3": NEW_KEY}
    with override_settings(FIELD_ENCRYPTION_KEYS=rotated):
        fresh = crypto.encrypt("11010519491231002X")
        assert crypto.key_id_of(fresh) == "t3"
        assert crypto.key_id_of(old) != "t3"
        assert crypto.decrypt(old) == crypto.decrypt(fresh) == "11010519491231002X"


def test_a_value_whose_key_was_removed_is_refused_with_a_business_error():
    token = crypto.encrypt("secret")
    remaining = {k: v for k, v in settings.FIELD_ENCRYPTION_KEYS.items() if k != crypto.key_id_of(token)}
    with override_settings(FIELD_ENCRYPTION_KEYS=remaining), pytest.raises(BusinessError) as exc:
        crypto.decrypt(token)
    assert exc.value.code == "crypto.unknown_key"


def test_a_flipped_bit_in_the_ciphertext_is_detected():
    token = crypto.encrypt("11010519491231002X")
    kid, _, body = token.partition("$")
    raw = bytearray(base64.b64decode(body))
    raw[15] ^= 0x01
    with pytest.raises(BusinessError) as exc:
        crypto.decrypt(f"{kid}${base64.b64encode(bytes(raw)).decode()}")
    assert exc.value.code == "crypto.tampered"


def test_the_key_id_is_authenticated_so_a_value_cannot_be_relabelled():
    token = crypto.encrypt("x")
    other = next(k for k in settings.FIELD_ENCRYPTION_KEYS if k != crypto.key_id_of(token))
    with pytest.raises(BusinessError):
        crypto.decrypt(other + token[token.index("$") :])


@pytest.mark.parametrize("body", ["not base64!", "QUJD", "", "====", "A"])
def test_garbled_ciphertext_raises_a_business_error_not_a_crash(body):
    kid = crypto.current_key_id()
    with pytest.raises(BusinessError):
        crypto.decrypt(f"{kid}${body}")


def test_a_value_without_a_key_id_is_refused():
    with pytest.raises(BusinessError):
        crypto.decrypt("plaintext without separator")


def test_blind_index_is_deterministic_and_separated_by_purpose():
    a = crypto.blind_index("13800138000", purpose="member.phone")
    assert a == crypto.blind_index("13800138000", purpose="member.phone")
    assert a != crypto.blind_index("13800138000", purpose="member.id_number")
    assert len(a) == 64 and "13800138000" not in a
    assert crypto.blind_index("", purpose="member.phone") == ""


def test_blind_index_is_keyed_a_different_key_gives_a_different_index():
    before = crypto.blind_index("11010519491231002X", purpose="member.id_number")
    with override_settings(BLIND_INDEX_KEY=b"\x33" * 32):
        after = crypto.blind_index("11010519491231002X", purpose="member.id_number")
    assert before != after
    assert before != sm3(b"member.id_number\x0011010519491231002X").hex()  # not a bare hash


def test_constant_time_equal_compares_text():
    assert crypto.constant_time_equal("abc", "abc")
    assert not crypto.constant_time_equal("abc", "abd")
