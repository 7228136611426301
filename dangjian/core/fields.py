"""EncryptedTextField: a text column that holds SM4-GCM ciphertext and gives Python the plaintext."""

from __future__ import annotations

from typing import Any

from django.db import models

from dangjian.core import crypto


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Encrypts on save and decrypts on load. Not searchable: pair it with a blind-index column."""

    description = "加密文本"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))
