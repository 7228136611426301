"""Test settings: the real settings, with fixed keys, immediate jobs and a fast hasher."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 20)
os.environ.setdefault("FIELD_KEYS", "t1:000102030405060708090a0b0c0d0e0f,t2:0f0e0d0c0b0a09080706050403020100")
os.environ.setdefault("BLIND_INDEX_KEY", "11" * 32)
os.environ.setdefault("AUDIT_HMAC_KEY", "22" * 32)
os.environ.setdefault("VAR_DIR", str(Path(tempfile.gettempdir()) / "dangjian-test-var"))

from config.settings import *  # noqa: F403
from config.settings import DATABASES, HUEY

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; production uses Argon2
SECURITY_POLICY_CACHE_SECONDS = 0  # every test sees the policy its own transaction wrote
STUDY_CONTENT_CACHE_SECONDS = 0  # likewise the study content (dangjian/studytime/content.py)
POINTS_BOARD_CACHE_SECONDS = 0  # and the points boards (dangjian/points/selectors.py)
HUEY = {**HUEY, "immediate": True}
DEMO_PASSWORD = "Dangjian@2026"  # noqa: S105 (demo data only)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not ":memory:", so that live-server tests run requests in parallel on their own connections
    # (pytest-xdist adds the worker id to the name).
    # The process id keeps concurrent runs on one machine apart.
    _test_dir = Path(os.environ["VAR_DIR"])
    _test_dir.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(_test_dir / f"test_dangjian_{os.getpid()}.sqlite3")}
