"""Documents produced from one meeting record: the standard 会议记录 as Word (.docx) and PDF, and the 签到表.

Chinese typesetting after GB/T 9704-2012 (党政机关公文格式) as far as a record sheet follows it: A4 paper,
margins 37/35/28/26 mm, the title in 方正小标宋简体 二号 (22 pt) centred, text in 仿宋_GB2312 三号 (16 pt) for
paragraphs and 宋体 小四 (12 pt) in tables, labels in 黑体; the East Asian font is set explicitly so Word does
not fall back to a Western font for Chinese characters. The PDF embeds Debian's Noto CJK instead (Serif for
text, Sans for the title and labels; ``dangjian.core.pdf``), breaks lines between any two Chinese characters
with the 避头尾 rules of reportlab's CJK wrapping, and numbers pages “— 1 —” as 公文 do.
"""

from __future__ import annotations

import dataclasses
import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from dangjian.core import pdf
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


# --------------------------------------------------------------------------------------------------------
# PDF


@dataclasses.dataclass(frozen=True)
class RecordContent:
    """What the 会议记录 shows, read once from the record: the PDF is laid out from these strings only."""

    org: str
    kind: str
    topic: str
    when: str
    place: str
    unit_label: str
    unit: str
    host: str
    recorder: str
    expected: int
    present: int
    leave_count: int
    absent_count: int
    late: str
    on_leave: str
    absent: str
    excluded: str
    minutes: str
    decisions: str
    signin: list[tuple[str, str, str, str, str]]  # 序号, 姓名, 党员类别, 签到时间, 情况
    version: int
    reviewed: str


def record_content(meeting: Meeting) -> RecordContent:
    s = attendance_summary(meeting)
    reviewed = ""
    if meeting.reviewed_at:
        reviewer = getattr(meeting.reviewed_by, "display_name", "") or str(meeting.reviewed_by or "")
        reviewed = f"上级审阅：{reviewer}  {timezone.localtime(meeting.reviewed_at):%Y年%m月%d日}"
    signin = [
        (
            str(n),
            a.member.name,
            a.member.get_status_display(),
            f"{timezone.localtime(a.checked_in_at):%H:%M}" if a.checked_in_at else "",
            a.state_label,
        )
        for n, a in enumerate(s.rows, start=1)
    ]
    return RecordContent(
        org=meeting.org.name,
        kind=meeting.get_kind_display(),
        topic=meeting.topic,
        when=_when(meeting),
        place=meeting.place_label or "—",
        unit_label="党小组" if meeting.group_id else "党组织",
        unit=meeting.group.label if meeting.group else meeting.org.label,
        host=meeting.host.name if meeting.host else "—",
        recorder=meeting.recorder.name if meeting.recorder else "—",
        expected=s.expected,
        present=s.present,
        leave_count=len(s.on_leave),
        absent_count=len(s.absent),
        late=_names(s.late),
        on_leave="；".join(f"{a.member.name}（{a.leave_reason}）" for a in s.on_leave) or "无",
        absent=_names(s.absent),
        excluded="；".join(f"{a.member.name}（{a.get_excluded_reason_display()}）" for a in s.excluded)
        or "无",
        minutes=meeting.minutes or "",
        decisions=meeting.decisions or "无",
        signin=signin,
        version=getattr(meeting, "version", 1),
        reviewed=reviewed,
    )


def meeting_record_pdf(meeting: Meeting) -> bytes:
    """The standard 会议记录 of one meeting as PDF (A4): title, the facts (时间、地点、主持人、记录人、
    应到/实到/请假/缺席), 会议内容 from the minutes, 形成决定, signature lines and the sign-in list."""
    content = record_content(meeting)
    seen: list[str] = []
    _story(content, "Helvetica", "Helvetica", seen)  # a dry run collects every string the PDF draws
    text = "".join(seen)
    with (
        pdf.registered_font(text, pdf.font_source((pdf.SERIF, pdf.SANS))) as body,
        pdf.registered_font(text, pdf.font_source((pdf.SANS, pdf.SERIF))) as heading,
    ):
        return _build(content, _story(content, body, heading, []), body)


def _story(c: RecordContent, body: str, heading: str, seen: list[str]) -> list[Any]:
    """The flowables of the record; every string drawn is appended to ``seen``."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    def style(name: str, font: str, size: float, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.5, wordWrap="CJK", **kw)

    def p(text: str, st: ParagraphStyle) -> Any:
        seen.append(text)
        return Paragraph(escape(text).replace("\n", "<br/>"), st)

    title = style("title", heading, 22, alignment=TA_CENTER, spaceAfter=2 * mm)
    subtitle = style("subtitle", heading, 16, alignment=TA_CENTER, spaceAfter=6 * mm)
    section = style("section", heading, 14, spaceBefore=5 * mm, spaceAfter=2 * mm)
    para = style("para", body, 12, firstLineIndent=24)  # 首行缩进两字
    cell = style("cell", body, 10.5)
    label = style("label", heading, 10.5, alignment=TA_CENTER)
    centre = style("centre", body, 10.5, alignment=TA_CENTER)
    right = style("right", body, 12, alignment=TA_RIGHT)
    sign = style("sign", body, 12, alignment=TA_RIGHT, spaceBefore=8 * mm)

    def lines(text: str) -> list[Any]:
        return [p(line.strip(), para) for line in text.splitlines() if line.strip()] or [p("无", para)]

    width = A4[0] - 54 * mm
    sub = f"{c.kind}会议记录" + (f"（第{c.version}版）" if c.version > 1 else "")
    story: list[Any] = [p(c.org, title), p(sub, subtitle)]
    facts = [
        ("会议类型", c.kind, "会议时间", c.when),
        ("会议地点", c.place, c.unit_label, c.unit),
        ("主持人", c.host, "记录人", c.recorder),
        ("应到人数", f"{c.expected}人", "实到人数", f"{c.present}人"),
        ("会议主题", c.topic),
        ("请假人员", c.on_leave),
        ("缺席人员", c.absent),
        ("迟到人员", c.late),
        ("不计入应到", c.excluded),
    ]
    rows: list[list[Any]] = []
    spans: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
    for i, row in enumerate(facts):
        if len(row) == 4:
            rows.append([p(row[0], label), p(row[1], cell), p(row[2], label), p(row[3], cell)])
        else:
            rows.append([p(row[0], label), p(row[1], cell), "", ""])
            spans.append(("SPAN", (1, i), (3, i)))
    grey = colors.HexColor("#f3f3f3")
    grid = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    meta = Table(rows, colWidths=[24 * mm, width / 2 - 24 * mm, 24 * mm, width / 2 - 24 * mm])
    meta.setStyle(
        TableStyle(
            [*grid, ("BACKGROUND", (0, 0), (0, -1), grey), ("BACKGROUND", (2, 0), (2, 3), grey), *spans]
        )
    )
    story += [meta, p("会议内容", section), *lines(c.minutes)]
    story += [p("形成决定", section), *lines(c.decisions)]
    story.append(p("主持人（签字）：__________　　记录人（签字）：__________", sign))
    if c.reviewed:
        story.append(p(c.reviewed, right))
    story.append(p("签到名单", section))
    head = [p(h, label) for h in ("序号", "姓名", "党员类别", "签到时间", "情况")]
    signin = [head] + [[p(v, centre) for v in row] for row in c.signin]
    if len(signin) == 1:
        signin.append([p("—", centre) for _ in range(5)])
    table = Table(signin, colWidths=[14 * mm, 30 * mm, 30 * mm, 26 * mm, width - 100 * mm], repeatRows=1)
    table.setStyle(TableStyle([*grid, ("BACKGROUND", (0, 0), (-1, 0), grey)]))
    story += [table, Spacer(1, 4 * mm)]
    summary = f"应到{c.expected}人，实到{c.present}人，请假{c.leave_count}人，缺席{c.absent_count}人。"
    story.append(p(summary, style("summary", body, 12)))
    return story


def _build(c: RecordContent, story: list[Any], body: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    def page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(body, 12)
        canvas.drawCentredString(A4[0] / 2, 18 * mm, f"— {doc.page} —")  # 页码 as in 公文
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        topMargin=37 * mm,
        bottomMargin=35 * mm,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        title=f"{c.kind}会议记录：{c.topic}",
        author=c.org,
        subject=c.topic,
        pageCompression=1,
    )
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return out.getvalue()


def _save(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
