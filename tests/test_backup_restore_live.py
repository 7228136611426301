"""Back up the test database and restore it into a fresh database in other processes (SECURITY.md: "a test
restores into a fresh database and compares row counts and Chinese text; backups contain no plaintext
canary").

The fresh database is a second SQLite file when the suite runs on SQLite, and a second PostgreSQL database
(CREATE DATABASE) when it runs on PostgreSQL. ``manage.py migrate`` and ``manage.py restore`` run there as
an operator would run them, with the same keys passed in the environment; the result is read back through
``manage.py shell`` and ``manage.py verify_audit``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from conftest import make_member
from dangjian.core import backup
from dangjian.orgs import services as org_services

KEY_ENV = ("SECRET_KEY", "FIELD_KEYS", "BLIND_INDEX_KEY", "AUDIT_HMAC_KEY")
CANARY_ID = "11010519491231002X"
MEMBER_NAME = "测试中文姓名·甲"
ORG_NAME = "中共测试公司第一支部委员会"
STEP_TIMEOUT = 120  # seconds per manage.py step; the whole test takes a few seconds on either database

READ_BACK = """
import json
from dangjian.audit.verify import verify_chain
from dangjian.core import backup
from dangjian.members.models import Member
from dangjian.orgs.models import Org
member = Member.objects.get(name=%r)
print(json.dumps({
    "counts": {m._meta.label_lower: m._base_manager.count() for m in backup.backup_models()},
    "member": [member.name, member.org.name, member.id_number, member.phone, member.address],
    "org": Org.objects.filter(name=%r).count(),
    "chain_ok": verify_chain().ok,
}, ensure_ascii=False))
"""


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """A ``DATABASE_URL`` naming an empty database beside the test database, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    assert connection.vendor == "postgresql", connection.vendor
    import psycopg
    from psycopg import sql

    params = connection.settings_dict
    name = f"{params['NAME']}_restore"
    server = {
        "host": params["HOST"] or "127.0.0.1",
        "port": params["PORT"] or 5432,
        "user": params["USER"] or "postgres",
        "password": params["PASSWORD"] or None,
    }
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    credentials = urllib.parse.quote(server["user"], safe="")
    if server["password"]:
        credentials += ":" + urllib.parse.quote(server["password"], safe="")
    try:
        yield f"postgres://{credentials}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(drop)


def manage(*args: str, database_url: str, var_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run ``manage.py`` with production settings on ``database_url`` and this process's keys."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "VAR_DIR": str(var_dir),
        **{name: os.environ[name] for name in KEY_ENV},
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.django_db
def test_a_backup_restores_into_a_fresh_database_with_every_row_and_the_chinese_text(
    world: Any, fresh_database: str, tmp_path: Path
) -> None:
    org = org_services.org_create(
        actor=None, parent=world.committee, name=ORG_NAME, kind="branch", bootstrap=True
    )
    make_member(
        org,
        MEMBER_NAME,
        id_number=CANARY_ID,
        birth_date=dt.date(1949, 12, 31),
        gender="female",
        phone="13912345678",
        address="北京市西城区金丝雀胡同8号",
    )
    source = {m._meta.label_lower: m._base_manager.count() for m in backup.backup_models()}
    target = tmp_path / "dangjian.djbk"
    result = backup.backup_create(path=target)
    assert result.counts == source

    # No plaintext canary: not in the file, and not in the decrypted payload either (fields stay ciphertext).
    data = target.read_bytes()
    for secret in (CANARY_ID, "13912345678", "金丝雀胡同", MEMBER_NAME, ORG_NAME):
        assert secret.encode() not in data
    payload = b"\n".join(backup.payload_text(path=target)).decode()
    assert MEMBER_NAME in payload and ORG_NAME in payload
    for secret in (CANARY_ID, "13912345678", "金丝雀胡同"):
        assert secret not in payload

    var_dir = tmp_path / "var"
    var_dir.mkdir()
    ok(manage("migrate", "--noinput", "-v", "0", database_url=fresh_database, var_dir=var_dir))
    restored_out = ok(manage("restore", str(target), "-v", "0", database_url=fresh_database, var_dir=var_dir))
    assert "行数与备份清单一致" in restored_out

    read_back = READ_BACK % (MEMBER_NAME, ORG_NAME)
    shell = manage("shell", "-v", "0", "-c", read_back, database_url=fresh_database, var_dir=var_dir)
    found = json.loads(ok(shell).strip().splitlines()[-1])
    expected = {**source, "audit.auditentry": source["audit.auditentry"] + 1}  # plus the restore entry
    assert found["counts"] == expected
    assert found["member"] == [MEMBER_NAME, ORG_NAME, CANARY_ID, "13912345678", "北京市西城区金丝雀胡同8号"]
    assert found["org"] == 1
    assert found["chain_ok"] is True
    assert "校验通过" in ok(manage("verify_audit", "-v", "0", database_url=fresh_database, var_dir=var_dir))

    # Now the fresh database has data: a second restore is refused with a Chinese message.
    again = manage("restore", str(target), "-v", "0", database_url=fresh_database, var_dir=var_dir)
    assert again.returncode == 1
    assert "目标数据库已有数据" in again.stderr
