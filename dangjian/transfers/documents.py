"""The numbered three-part 《中国共产党党员组织关系介绍信》 as PDF: 存根 (kept by the issuer), 介绍信 (to the
receiver) and 回执 (back to the sender), cut apart along dashed lines (DOMAIN.md §6).

Every part carries the letter's number; the 存根 and the 介绍信 carry name, sex, age, 民族, 正式/预备
(with the probation start for a 预备党员), 公民身份号码, from and to organisations, 党费交至 (年 月), the
validity in days and the date. Drawn with reportlab and the embedded Noto CJK subset of ``dangjian.core.pdf``.
"""

from __future__ import annotations

import dataclasses
import io
from typing import Any
from xml.sax.saxutils import escape

from dangjian.core import pdf
from dangjian.members.choices import MemberStatus
from dangjian.transfers import rules
from dangjian.transfers.models import Transfer


@dataclasses.dataclass(frozen=True)
class LetterContent:
    number: str
    issuer: str
    name: str
    sex: str
    age: str
    ethnicity: str
    status: str
    id_number: str
    from_org: str
    to_org: str
    dues_paid_until: str
    valid_days: str
    issued_on: str
    expires_on: str
    system_ref: str


def _ymd(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "____年__月__日"


def letter_content(transfer: Transfer) -> LetterContent:
    """The values printed on the letter (identity number in full: the letter is the official document)."""
    member = transfer.member
    status = transfer.get_member_status_display() or member.get_status_display()
    if transfer.member_status == MemberStatus.PROBATIONARY and transfer.probation_started_on:
        ends = rules.probation_ends_on(transfer.probation_started_on)
        status += f"（预备期自{_ymd(transfer.probation_started_on)}起，至{_ymd(ends)}止）"
    issued = transfer.issued_on
    paid = transfer.dues_paid_until
    return LetterContent(
        number=transfer.letter_number or "（未开具）",
        issuer=transfer.issuing_org.name if transfer.issuing_org else transfer.from_org_name,
        name=member.name,
        sex=member.get_gender_display(),
        age=str(rules.age_on(member.birth_date, issued)) if issued else "",
        ethnicity=member.ethnicity,
        status=status,
        id_number=member.id_number,
        from_org=transfer.from_org_name,
        to_org=transfer.to_org_name,
        dues_paid_until=f"{paid.year}年{paid.month}月" if paid else "____年__月（未登记）",
        valid_days=str(transfer.valid_days or ""),
        issued_on=_ymd(issued),
        expires_on=_ymd(transfer.expires_on),
        system_ref=transfer.system_ref,
    )


def letter_pdf(transfer: Transfer) -> bytes:
    """The three parts on A4, one after the other, separated by cut lines."""
    content = letter_content(transfer)
    seen: list[str] = []
    _story(content, "Helvetica", "Helvetica", seen)  # a dry run collects every string drawn
    text = "".join(seen)
    with (
        pdf.registered_font(text, pdf.font_source((pdf.SERIF, pdf.SANS))) as body,
        pdf.registered_font(text, pdf.font_source((pdf.SANS, pdf.SERIF))) as heading,
    ):
        return _build(content, _story(content, body, heading, []))


def _story(c: LetterContent, body: str, heading: str, seen: list[str]) -> list[Any]:
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    def style(name: str, font: str, size: float, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.6, wordWrap="CJK", **kw)

    def p(text: str, st: ParagraphStyle) -> Any:
        seen.append(text)
        return Paragraph(escape(text), st)

    title = style("title", heading, 16, alignment=TA_CENTER, spaceAfter=2 * mm)
    part = style("part", heading, 11, alignment=TA_CENTER)
    number = style("number", body, 11, alignment=TA_RIGHT)
    para = style("para", body, 12, firstLineIndent=24)
    plain = style("plain", body, 12)
    right = style("right", body, 12, alignment=TA_RIGHT)
    cut = style("cut", body, 9, alignment=TA_CENTER, spaceBefore=4 * mm, spaceAfter=4 * mm)

    who = f"{c.name}同志（{c.sex}），{c.age}岁，{c.ethnicity}，系中共{c.status}，公民身份号码{c.id_number}"
    no = f"{c.issuer} 第 {c.number} 号"
    stub = [
        p("存　根", part),
        p(no, number),
        p(f"{who}，组织关系由{c.from_org}转到{c.to_org}。", para),
        p(f"党费已交到{c.dues_paid_until}。有效期{c.valid_days}天（至{c.expires_on}）。", para),
    ]
    if c.system_ref:
        stub.append(p(f"全国党员管理信息系统转接编号：{c.system_ref}", para))
    stub.append(p(c.issued_on, right))
    letter = [
        p("中国共产党党员组织关系介绍信", title),
        p(no, number),
        p(f"{c.to_org}：", plain),
        p(f"{who}，由{c.from_org}去{c.to_org}，请转接组织关系。", para),
        p(f"该同志党费已交到{c.dues_paid_until}。", para),
        p(f"（有效期{c.valid_days}天）", para),
        Spacer(1, 4 * mm),
        p(f"{c.issuer}（盖章）", right),
        p(c.issued_on, right),
    ]
    receipt = [
        p("中国共产党党员组织关系介绍信回执", title),
        p(no, number),
        p(f"{c.issuer}：", plain),
        p(f"{c.name}同志的党员组织关系已转达我处，特此回执。", para),
        Spacer(1, 4 * mm),
        p("接收党组织（盖章）", right),
        p("____年__月__日", right),
    ]
    line = "- - - - - - - - - - - - - - - -  沿此线剪开（骑缝盖章）  - - - - - - - - - - - - - - - -"
    return [*stub, p(line, cut), *letter, p(line, cut), *receipt]


def _build(c: LetterContent, story: list[Any]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        leftMargin=24 * mm,
        rightMargin=22 * mm,
        title=f"党员组织关系介绍信 第{c.number}号",
        author=c.issuer,
        subject=f"{c.name} {c.from_org}→{c.to_org}",
        pageCompression=1,
    )
    doc.build(story)
    return out.getvalue()
