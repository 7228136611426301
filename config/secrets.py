"""Keys kept outside the database.

Production reads them from the environment (``SECRET_KEY``, ``FIELD_KEYS``, ``BLIND_INDEX_KEY``,
``AUDIT_HMAC_KEY``). A development or demo machine gets a ``var/secrets.json`` generated once, so that
``make run`` works on a fresh checkout; that file is never committed.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path


def _generate() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_KEYS": "k1:" + secrets.token_hex(16),
        "BLIND_INDEX_KEY": secrets.token_hex(32),
        "AUDIT_HMAC_KEY": secrets.token_hex(32),
    }


def load(var_dir: Path, *, allow_generate: bool) -> dict[str, str]:
    """Return the keys, from the environment first, then from ``var/secrets.json``."""
    names = ("SECRET_KEY", "FIELD_KEYS", "BLIND_INDEX_KEY", "AUDIT_HMAC_KEY")
    if all(os.environ.get(n) for n in names):
        return {n: os.environ[n] for n in names}
    path = var_dir / "secrets.json"
    if not path.exists():
        if not allow_generate:
            missing = ", ".join(n for n in names if not os.environ.get(n))
            raise RuntimeError(f"缺少密钥配置：{missing}（生产环境须通过环境变量提供）")
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(_generate(), indent=2))
        path.chmod(0o600)
    stored: dict[str, str] = json.loads(path.read_text())
    return {n: os.environ.get(n) or stored[n] for n in names}


def parse_field_keys(value: str) -> dict[str, bytes]:
    """``"k1:hex,k2:hex"`` → ``{"k1": b"...", "k2": b"..."}``; the last one encrypts new values."""
    keys: dict[str, bytes] = {}
    for part in value.split(","):
        kid, _, hexkey = part.strip().partition(":")
        key = bytes.fromhex(hexkey)
        if len(key) != 16:
            raise RuntimeError(f"字段加密密钥 {kid} 长度应为 16 字节（SM4）")
        keys[kid] = key
    return keys
