"""`manage.py check --deploy --fail-level WARNING` is clean with production settings (SECURITY.md)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path: Path) -> dict[str, str]:
    dropped = ("DJANGO_SETTINGS_MODULE", "DEBUG", "DEMO_MODE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(60),
        FIELD_KEYS="k1:" + secrets.token_hex(16),
        BLIND_INDEX_KEY=secrets.token_hex(32),
        AUDIT_HMAC_KEY=secrets.token_hex(32),
        ALLOWED_HOSTS="dangjian.intranet.example",
        VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_its_keys(tmp_path):
    env = production_env(tmp_path)
    del env["FIELD_KEYS"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "FIELD_KEYS" in result.stderr
    assert not (tmp_path / "secrets.json").exists()  # never generated in production
