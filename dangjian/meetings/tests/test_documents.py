"""The 会议记录 as PDF: a valid file with Debian's Noto CJK embedded, the facts, minutes, decisions and
sign-in list in reading order, Chinese lines broken inside the page, and the download audited like the
Word one."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from conftest import sign_in
from dangjian.audit.models import AuditEntry
from dangjian.core import pdf
from dangjian.core.errors import BusinessError
from dangjian.meetings import documents, services
from dangjian.meetings.tests import pdftext

LONG = (
    "支部书记领学党的二十届四中全会公报，围绕推动高质量发展、全面深化改革、加强党的建设等方面逐段解读，"
    "结合本单位年度重点任务，要求每名党员对照岗位职责查找差距，明确下一步改进方向并在下次组织生活时交流。"
)


@pytest.fixture
def held(world, theme_day):
    leave = theme_day.attendances.exclude(member=world.member).first()
    services.attendance_update(
        actor=world.secretary_a, attendance=leave, leave_reason="外出培训", present=False
    )
    mine = theme_day.attendances.get(member=world.member)
    services.attendance_update(actor=world.secretary_a, attendance=mine, present=True)
    return services.meeting_record(
        actor=world.secretary_a,
        meeting=theme_day,
        minutes=f"一、重温入党誓词\n二、集中学习：{LONG}\n三、党员交流发言 <b>&amp; “不走样”",
        decisions="同意将“学习强国”积分情况纳入年度评议参考。",
    )


def test_secretary_downloads_the_pdf_record_with_the_chinese_font_embedded(client, world, held):
    sign_in(client, world.secretary_a)
    response = client.get(reverse("meetings:meeting_pdf", args=[held.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and ".pdf" in response["Content-Disposition"]
    data = response.content
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert re.search(rb"startxref\s+\d+\s+%%EOF", data)  # a cross-reference table readers can find
    parsed = pdftext.parse(data)
    heads = b"".join(parsed.objects.values())
    assert heads.count(b"/FontFile2") == 2  # Serif for text, Sans for title and labels, both embedded
    assert re.search(rb"/FontName /[A-Z]{6}\+NotoSerifCJK", heads)
    assert re.search(rb"/FontName /[A-Z]{6}\+NotoSansCJK", heads)
    text = pdftext.text(data)
    lines = text.splitlines()
    assert lines[:3] == ["— 1 —", world.branch_a.name, "主题党日会议记录"]
    assert held.topic in text
    for expected in (
        "会议时间",
        "会议地点",
        "三楼党员活动室",
        "主持人",
        "党员甲",
        "记录人",
        "应到人数",
        "实到人数",
    ):
        assert expected in text, expected
    assert "请假人员" in text and "（外出培训）" in text
    assert text.index("会议内容") < text.index("一、重温入党誓词") < text.index("形成决定")
    assert "<b>&amp; “不走样”" in text  # markup in the minutes is text, not formatting
    assert "同意将“学习强国”积分情况纳入年度评议参考。" in text
    assert text.index("签到名单") < text.rindex("党员甲") and "已签到" in text
    # The long paragraph is broken between Chinese characters into lines that fit the page: a 156 mm frame
    # takes 36 characters of 12 pt text (34 on the first line, indented by two), and nothing is lost.
    start = lines.index(next(line for line in lines if line.startswith("二、集中学习")))
    wrapped = []
    for line in lines[start:]:
        wrapped.append(line)
        if line.endswith("交流。"):
            break
    assert len(wrapped) == 4 and len(wrapped[0]) <= 34 and all(len(line) <= 36 for line in wrapped)
    assert "".join(wrapped) == f"二、集中学习：{LONG}"
    entry = AuditEntry.objects.get(action="meetings.record.download", target_id=str(held.pk))
    assert entry.changes == {"document": "record_pdf"} and entry.org_path == world.branch_a.path


def test_other_branch_secretary_gets_404_on_the_pdf_and_nothing_is_logged(client, world, held):
    sign_in(client, world.secretary_b)
    assert client.get(reverse("meetings:meeting_pdf", args=[held.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="meetings.record.download").exists()


def test_a_missing_font_is_a_clear_message_and_no_download_is_logged(client, world, held, monkeypatch):
    def missing(prefer=()):
        raise BusinessError("core.font_missing", pdf.FONT_MISSING)

    monkeypatch.setattr(pdf, "font_source", missing)
    with pytest.raises(BusinessError):
        documents.meeting_record_pdf(held)
    sign_in(client, world.secretary_a)
    response = client.get(reverse("meetings:meeting_pdf", args=[held.pk]), follow=True)
    assert "fonts-noto-cjk" in response.content.decode()
    assert not AuditEntry.objects.filter(action="meetings.record.download").exists()


def test_a_planned_meeting_gives_a_record_sheet_with_its_planned_date(world):
    meeting = services.meeting_create(
        actor=world.secretary_a,
        org=world.branch_a,
        kind="lecture",
        topic="党课：学习新修订的《中国共产党纪律处分条例》",
        planned_on=dt.date(2026, 5, 3),
    )
    text = pdftext.text(documents.meeting_record_pdf(meeting))
    assert "党课：学习新修订的《中国共产党纪律处分条例》" in text and "2026年05月03日（计划）" in text


def test_two_records_in_a_row_each_draw_their_own_characters(world):
    """reportlab shares a font object between registrations of one face name; each subset has its own name,
    so the second document does not draw with the first one's glyphs (and the certificate neither)."""
    topics = ("党课：学习新修订的《中国共产党纪律处分条例》", "主题党日：走进红色教育基地缅怀革命先烈")
    for topic in topics:
        meeting = services.meeting_create(
            actor=world.secretary_a,
            org=world.branch_a,
            kind="lecture",
            topic=topic,
            planned_on=dt.date(2026, 6, 1),
        )
        assert topic in pdftext.text(documents.meeting_record_pdf(meeting))
