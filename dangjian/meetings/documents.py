"""Documents produced from one meeting record: the standard 会议记录 and the 签到表, as Word (.docx).

Chinese typesetting after GB/T 9704-2012 (党政机关公文格式) as far as a record sheet follows it: A4 paper,
margins 37/35/28/26 mm, the title in 方正小标宋简体 二号 (22 pt) centred, text in 仿宋_GB2312 三号 (16 pt) for
paragraphs and 宋体 小四 (12 pt) in tables, labels in 黑体; the East Asian font is set explicitly so Word does
not fall back to a Western font for Chinese characters.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from dangjian.meetings.models import Attendance, Meeting
from dangjian.meetings.selectors import attendance_summary

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"
LABEL_FONT = "黑体"


def _font(run: Any, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def _document() -> Any:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    return doc


def _title(doc: Any, text: str, sub: str = "") -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), TITLE_FONT, 22)
    if sub:
        s = doc.add_paragraph()
        s.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(s.add_run(sub), BODY_FONT, 16)


def _cell(cell: Any, text: str, *, label: bool = False, center: bool = False) -> None:
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    for run in cell.paragraphs[0].runs:
        run._element.getparent().remove(run._element)
    lines = str(text or "").splitlines() or [""]
    for i, line in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.ONE_POINT_FIVE
        if center or label:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(line), LABEL_FONT if label else TABLE_FONT, 12)


def _when(meeting: Meeting) -> str:
    if meeting.starts_at is None:
        return f"{meeting.planned_on:%Y年%m月%d日}（计划）"
    start = timezone.localtime(meeting.starts_at)
    text = f"{start:%Y年%m月%d日 %H:%M}"
    if meeting.ends_at:
        text += f"—{timezone.localtime(meeting.ends_at):%H:%M}"
    return text


def _names(rows: list[Attendance]) -> str:
    return "、".join(a.member.name for a in rows) or "无"


def meeting_record_docx(meeting: Meeting) -> bytes:
    """The standard 会议记录 of one meeting: the facts, the attendance (应到/实到/请假/缺席 with names and
    reasons), the minutes and the decisions, with signature lines for the host and the recorder."""
    s = attendance_summary(meeting)
    doc = _document()
    _title(doc, f"{meeting.org.name}", f"{meeting.get_kind_display()}会议记录")
    table = doc.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    leave = "；".join(f"{a.member.name}（{a.leave_reason}）" for a in s.on_leave) or "无"
    excluded = "；".join(f"{a.member.name}（{a.get_excluded_reason_display()}）" for a in s.excluded) or "无"
    late = _names(s.late)
    rows: list[tuple[str, str, str, str] | tuple[str, str]] = [
        ("会议类型", meeting.get_kind_display(), "会议时间", _when(meeting)),
        ("会议地点", meeting.place_label or "—", "党小组" if meeting.group_id else "党组织",
         meeting.group.label if meeting.group else meeting.org.label),
        ("主持人", meeting.host.name if meeting.host else "—", "记录人",
         meeting.recorder.name if meeting.recorder else "—"),
        ("应到人数", f"{s.expected}人", "实到人数", f"{s.present}人（迟到{len(s.late)}人）"),
        ("会议主题", meeting.topic),
        ("请假人员", leave),
        ("缺席人员", _names(s.absent)),
        ("迟到人员", late),
        ("不计入应到", excluded),
    ]  # fmt: skip
    for row in rows:
        cells = table.add_row().cells
        if len(row) == 4:
            _cell(cells[0], row[0], label=True)
            _cell(cells[1], row[1])
            _cell(cells[2], row[2], label=True)
            _cell(cells[3], row[3])
        else:
            _cell(cells[0], row[0], label=True)
            merged = cells[1].merge(cells[3])
            _cell(merged, row[1])
    for label, text in (("会议记录", meeting.minutes), ("形成决定", meeting.decisions or "无")):
        cells = table.add_row().cells
        _cell(cells[0], label, label=True)
        _cell(cells[1].merge(cells[3]), text)
    widths = (Mm(28), Mm(50), Mm(28), Mm(50))
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = widths[i]
    doc.add_paragraph()
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(p.add_run("主持人（签字）：__________    记录人（签字）：__________"), BODY_FONT, 14)
    if meeting.reviewed_at:
        r = doc.add_paragraph()
        r.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        reviewer = getattr(meeting.reviewed_by, "display_name", "") or str(meeting.reviewed_by or "")
        _font(
            r.add_run(f"上级审阅：{reviewer}  {timezone.localtime(meeting.reviewed_at):%Y年%m月%d日}"),
            BODY_FONT,
            14,
        )
    return _save(doc)


def signin_sheet_docx(meeting: Meeting) -> bytes:
    """The 签到表: every member on the list with the check-in time and method, a state, and an empty column
    for a handwritten signature (the paper copy kept in the 台账)."""
    s = attendance_summary(meeting)
    doc = _document()
    _title(doc, f"{meeting.get_kind_display()}签到表")
    meta = doc.add_paragraph()
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(meta.add_run(f"{meeting.org.label}　{meeting.topic}"), BODY_FONT, 14)
    meta2 = doc.add_paragraph()
    meta2.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(meta2.add_run(f"时间：{_when(meeting)}　地点：{meeting.place_label or '—'}"), BODY_FONT, 14)
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, label in zip(
        table.rows[0].cells, ("序号", "姓名", "党员类别", "签到时间", "情况", "签名"), strict=True
    ):
        _cell(cell, label, label=True)
    for n, a in enumerate(s.rows, start=1):
        cells = table.add_row().cells
        when = f"{timezone.localtime(a.checked_in_at):%H:%M}" if a.checked_in_at else ""
        values = (str(n), a.member.name, a.member.get_status_display(), when, a.state_label, "")
        for cell, value in zip(cells, values, strict=True):
            _cell(cell, value, center=True)
    widths = (Mm(14), Mm(26), Mm(26), Mm(24), Mm(38), Mm(28))
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = widths[i]
    foot = doc.add_paragraph()
    _font(
        foot.add_run(
            f"应到{s.expected}人，实到{s.present}人，请假{len(s.on_leave)}人，缺席{len(s.absent)}人。"
        ),
        BODY_FONT,
        14,
    )
    return _save(doc)


def _save(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
