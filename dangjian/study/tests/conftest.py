"""Fixtures of the study tests: a published topic of 一公司党委 with an article, a video and a PDF, assigned
as required study to 第一党支部; time is driven through the study-time heartbeat service."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from dangjian.points import services as points
from dangjian.study import services
from dangjian.studytime import services as studytime

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def docx_bytes() -> bytes:
    import io

    from docx import Document

    doc = Document()
    doc.add_heading("党章学习要点", level=1)
    doc.add_paragraph("第一条 党员必须履行的义务。")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "条目"
    table.cell(0, 1).text = "内容"
    table.cell(1, 0).text = "第三条"
    table.cell(1, 1).text = "党员义务"
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def study(world: SimpleNamespace) -> SimpleNamespace:
    points.points_seed_rules()
    officer = world.officer
    topic = services.topic_create(actor=officer, org=world.committee, title="学习贯彻党的二十大精神")
    article = services.item_add_article(
        actor=officer,
        topic=topic,
        title="深刻领会新时代十年的伟大变革",
        body="<p>第一段</p><script>x</script>",
    )
    pdf = services.item_add_file(
        actor=officer, topic=topic, kind="document", title="学习辅导材料",
        upload=SimpleUploadedFile("辅导.pdf", PDF),
    )  # fmt: skip
    services.assignment_add(
        actor=officer, topic=topic, org=world.branch_a, include_subtree=True, required=True,
        deadline=timezone.localdate() + dt.timedelta(days=7),
    )  # fmt: skip
    services.topic_publish(actor=officer, topic=topic)
    return SimpleNamespace(topic=topic, article=article, pdf=pdf)


def study_for(user: Any, key: str, seconds: int, start: dt.datetime | None = None) -> dt.datetime:
    """Send heartbeats 15 s apart for ``seconds`` (plus the opening beat); returns the time of the last."""
    now = start or timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    with TestCase.captureOnCommitCallbacks(execute=True):
        studytime.study_heartbeat(user=user, content_key=key, state="visible", now=now)
    for _ in range(seconds // 15):
        now += dt.timedelta(seconds=15)
        with TestCase.captureOnCommitCallbacks(execute=True):
            studytime.study_heartbeat(user=user, content_key=key, state="visible", now=now)
    return now
