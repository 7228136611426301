"""The canary test of SECURITY.md "The anonymous mailbox": an anonymous letter, a follow-up and a 随手拍 sent
with planted identity markers (a signed-in user with a distinctive name, REMOTE_ADDR, X-Forwarded-For,
X-Real-IP, a user agent, the session cookie) leave none of them in any table of the database, any log record
the app writes (every logger into a file at DEBUG) or any stored file. A signed letter sent the same way
proves the search finds what is there."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from PIL import Image

from conftest import make_user, sign_in
from dangjian.audit.models import AuditEntry
from dangjian.mailbox.models import Letter, SnapshotReport

IP = "10.213.77.41"
FORWARDED = "198.51.100.219"
REAL_IP = "192.0.2.183"
AGENT = "CanaryPhone/9.3 (zq81-canary-agent)"
USERNAME = "canary_zq81_writer"
FULL_NAME = "金丝雀测员"
MARKERS_WITH_NAME = [IP, FORWARDED, REAL_IP, AGENT, "zq81-canary-agent", USERNAME, FULL_NAME]

HEADERS = {
    "REMOTE_ADDR": IP,
    "HTTP_X_FORWARDED_FOR": FORWARDED,
    "HTTP_X_REAL_IP": REAL_IP,
    "HTTP_USER_AGENT": AGENT,
}


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), "teal").save(buf, "JPEG", comment=USERNAME.encode())
    return buf.getvalue()


def _dump_tables() -> dict[str, set[str]]:
    """Every row of every table, as text (raw column values: ciphertext stays ciphertext)."""
    out: dict[str, set[str]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from introspection)
            out[table] = {repr(row) for row in cursor.fetchall()}
    return out


def _hits(text: str, markers: list[str]) -> list[str]:
    return [m for m in markers if m in text]


@pytest.fixture
def app_log(tmp_path: Path) -> Any:
    """Every log record the app writes, at DEBUG, into a file (with the record's extra fields)."""
    path = tmp_path / "app.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s %(__dict__)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    loggers = [
        logging.getLogger(n) for n in ("django", "django.request", "django.server", "dangjian", "huey")
    ]
    old = [(lg, lg.level, lg.propagate) for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        lg.propagate = True
    yield path
    root.removeHandler(handler)
    root.setLevel(old_level)
    for lg, level, propagate in old:
        lg.setLevel(level)
        lg.propagate = propagate
    handler.close()


def _stored_files_text() -> str:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    if not root.exists():
        return ""
    return "\n".join(p.read_bytes().decode("latin-1") for p in root.rglob("*") if p.is_file())


def _new_rows(before: dict[str, set[str]], after: dict[str, set[str]]) -> dict[str, set[str]]:
    return {t: rows - before.get(t, set()) for t, rows in after.items() if rows - before.get(t, set())}


def test_an_anonymous_letter_follow_up_and_snapshot_leave_no_identity_anywhere(world, client, app_log):
    writer = make_user(USERNAME, FULL_NAME)
    sign_in(client, writer)  # the writer is signed in elsewhere in the same browser
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.get("/mailbox/write/", **HEADERS)  # sets the CSRF cookie, as a browser would
    markers = [*MARKERS_WITH_NAME, session_key]
    sessions_before = _dump_tables()["django_session"]
    before = _dump_tables()

    page = client.post(
        "/mailbox/write/",
        {
            "org": world.branch_a.pk,
            "subject": "反映车间主任上班时间离岗",
            "body": "车间主任经常上班时间离岗办私事，请组织核实。",
            "anonymous": "1",
            "files": [_file("a.jpg")],
        },
        **HEADERS,
    )
    assert page.status_code == 200, page.content.decode()[:2000]
    assert page["Cache-Control"] == "no-store" and page["Referrer-Policy"] == "no-referrer"
    code = re.search(r'id="receipt-code">([\d ]+)<', page.content.decode()).group(1).replace(" ", "")
    assert len(code) == 16
    letter = Letter.objects.get()
    assert letter.writer is None and letter.anonymous and letter.signed_name == "" and letter.contact == ""

    added = client.post(
        "/mailbox/receipt/add/", {"receipt": code, "body": "补充：上周五下午也离岗了。"}, **HEADERS
    )
    assert added.status_code == 200 and "上周五下午" in added.content.decode()

    shot = client.post(
        "/mailbox/report/",
        {
            "org": world.branch_a.pk,
            "description": "仓库门口消防通道被货物堵塞",
            "location": "三号仓库",
            "anonymous": "1",
            "files": [_file("IMG_20261124_101010.jpg")],
        },
        **HEADERS,
    )
    assert shot.status_code == 200 and SnapshotReport.objects.get().reporter is None

    looked = client.post("/mailbox/receipt/", {"receipt": code}, **HEADERS)
    assert looked.status_code == 200 and "补充：上周五下午也离岗了" in looked.content.decode()

    after = _dump_tables()
    new = _new_rows(before, after)
    assert new, "the submission wrote nothing?"
    assert "core_ratecounter" not in new  # throttled in memory only: no counter row dates the submission
    for table, rows in new.items():
        for row in rows:
            assert not _hits(row, markers), (table, row)
    # No row the writer caused points at the writer's account, and nothing was audited in their name.
    assert not AuditEntry.objects.filter(actor=writer).exists()
    assert after["django_session"] == sessions_before, "the writer's session was touched"
    log_text = app_log.read_text(encoding="utf-8")
    assert not _hits(log_text, markers), log_text[-2000:]
    files_text = _stored_files_text()
    assert files_text and not _hits(files_text, markers)
    # The times stored are days: no new value in the new rows carries a time of day of today beyond dates.
    assert not AuditEntry.objects.filter(action__startswith="mailbox.").exists()


def test_the_same_search_finds_the_writer_of_a_signed_letter(world, client, app_log):
    """The control: the search above does find identity when it is there (a signed letter is audited with
    its source address and names its writer)."""
    writer = make_user(USERNAME, FULL_NAME)
    sign_in(client, writer)
    client.get("/mailbox/write/", **HEADERS)
    before = _dump_tables()
    page = client.post(
        "/mailbox/write/",
        {"org": world.branch_a.pk, "subject": "建议", "body": "建议优化报销流程", "anonymous": "0"},
        **HEADERS,
    )
    assert page.status_code == 200
    new = _new_rows(before, _dump_tables())
    found = {m for rows in new.values() for row in rows for m in _hits(row, [IP, USERNAME])}
    assert IP in found and USERNAME in found
    assert Letter.objects.get().writer == writer


def _file(name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, _jpeg(), content_type="image/jpeg")


def test_the_api_route_leaves_no_identity_either(world, client, app_log):
    writer = make_user(USERNAME, FULL_NAME)
    sign_in(client, writer)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    markers = [*MARKERS_WITH_NAME, session_key]
    client.get("/mailbox/write/", **HEADERS)  # the CSRF cookie a browser would hold
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    before = _dump_tables()
    sent = client.post(
        "/api/v1/mailbox/submit/snapshot/",
        {"org": world.branch_a.pk, "description": "配电室门未上锁", "files": [_file("IMG_1.jpg")]},
        HTTP_X_CSRFTOKEN=token,
        **HEADERS,
    )
    assert sent.status_code == 201, sent.content
    code = sent.json()["receipt"]
    seen = client.post(
        "/api/v1/mailbox/receipt/",
        {"receipt": code},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
        **HEADERS,
    )
    assert seen.status_code == 200 and seen.json()["type"] == "snapshot"
    new = _new_rows(before, _dump_tables())
    assert "core_ratecounter" not in new  # throttled in memory only: no counter row dates the submission
    for table, rows in new.items():
        for row in rows:
            assert not _hits(row, markers), (table, row)
    assert not _hits(app_log.read_text(encoding="utf-8"), markers)
    assert not _hits(_stored_files_text(), markers)
    assert SnapshotReport.objects.get().reporter is None
