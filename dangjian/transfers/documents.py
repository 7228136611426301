"""The numbered three-part 《中国共产党党员组织关系介绍信》 as PDF: 存根 (kept by the issuer), 介绍信 (to the
receiver) and 回执 (back to the sender), cut apart along dashed lines (DOMAIN.md §6).

Every part carries the letter's number; the 存根 and the 介绍信 carry name, sex, age, 民族, 正式/预备
(with the probation start for a 预备党员), 公民身份号码, from and to organisations, 党费交至 (年 月), the
validity in days and the date. Drawn with reportlab and the embedded Noto CJK subset of ``dangjian.core.pdf``.

The 流动党员活动证 (教管条例 第三十二条; DOMAIN.md §2, glossary ``MobileRegistration``) is drawn the same way:
证号, the member (name, sex, birth month, 民族, 正式/预备, 入党日期), the 流出党组织, 外出地点, 流入地党组织,
外出原因, 外出期限, 联系方式, 发证日期 with the validity, and 党费交至 (a 流动党员 with the card may pay
where they are, DOMAIN.md §4).
"""

from __future__ import annotations

import dataclasses
import io
from typing import Any
from xml.sax.saxutils import escape

from dangjian.core import pdf
from dangjian.members.choices import MemberStatus
from dangjian.transfers import rules
from dangjian.transfers.models import MobileRegistration, Transfer


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


# --------------------------------------------------------------------------------------------------------
# 流动党员活动证


@dataclasses.dataclass(frozen=True)
class CertificateContent:
    number: str
    issuer: str
    rows: tuple[tuple[str, str], ...]
    issued_on: str
    ended: str


def certificate_content(registration: MobileRegistration) -> CertificateContent:
    """The values printed on the 活动证 (no identity number, address or phone of the record: the card
    travels with the member; the contact is what was registered for the time away)."""
    r, member = registration, registration.member
    paid = member.dues_paid_until
    rows = (
        ("证　　号", r.certificate_number),
        ("姓　　名", member.name),
        ("性　　别", member.get_gender_display()),
        ("出生年月", f"{member.birth_date.year}年{member.birth_date.month}月"),
        ("民　　族", member.ethnicity),
        ("党员类别", member.get_status_display()),
        ("入党日期", _ymd(member.joined_on)),
        ("流出党组织", r.org.name),
        ("外出地点", r.destination),
        ("流入地党组织", r.destination_org or "（尚未确定，到达后就近参加组织生活）"),
        ("外出原因", r.get_reason_display()),
        ("外出期限", f"{_ymd(r.started_on)}至{_ymd(r.expected_until)}"),
        ("联系方式", r.contact or "—"),
        ("党费交至", f"{paid.year}年{paid.month}月" if paid else "（未登记）"),
        ("发证日期", _ymd(r.certificate_issued_on)),
        ("有效期至", _ymd(r.certificate_valid_until)),
    )
    ended = f"已于{_ymd(r.ended_on)}收回（{r.end_note}）" if r.ended_on else ""
    return CertificateContent(
        number=r.certificate_number,
        issuer=r.org.name,
        rows=rows,
        issued_on=_ymd(r.certificate_issued_on),
        ended=ended.replace("（）", ""),
    )


def certificate_pdf(registration: MobileRegistration) -> bytes:
    """The 流动党员活动证 on one A4 page; ``BusinessError("core.font_missing")`` without the CJK fonts."""
    content = certificate_content(registration)
    seen: list[str] = []
    _certificate_story(content, "Helvetica", "Helvetica", seen)
    text = "".join(seen)
    with (
        pdf.registered_font(text, pdf.font_source((pdf.SERIF, pdf.SANS))) as body,
        pdf.registered_font(text, pdf.font_source((pdf.SANS, pdf.SERIF))) as heading,
    ):
        story = _certificate_story(content, body, heading, [])
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm
        from reportlab.platypus import SimpleDocTemplate

        out = io.BytesIO()
        doc = SimpleDocTemplate(
            out,
            pagesize=A4,
            topMargin=22 * mm,
            bottomMargin=18 * mm,
            leftMargin=24 * mm,
            rightMargin=22 * mm,
            title=f"流动党员活动证 {content.number}",
            author=content.issuer,
            subject=dict(content.rows)["姓　　名"],
            pageCompression=1,
        )
        doc.build(story)
        return out.getvalue()


def _certificate_story(c: CertificateContent, body: str, heading: str, seen: list[str]) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    def style(name: str, font: str, size: float, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.6, wordWrap="CJK", **kw)

    def p(text: str, st: ParagraphStyle) -> Any:
        seen.append(text)
        return Paragraph(escape(text), st)

    title = style("title", heading, 18, alignment=TA_CENTER, spaceAfter=3 * mm)
    number = style("number", body, 11, alignment=TA_RIGHT)
    label = style("label", heading, 11)
    value = style("value", body, 12)
    para = style("para", body, 11, firstLineIndent=22)
    right = style("right", body, 12, alignment=TA_RIGHT)
    rows = [[p(k, label), p(v, value)] for k, v in c.rows]
    table = Table(rows, colWidths=[34 * mm, 126 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f3f3")),
            ]
        )
    )
    story: list[Any] = [
        p("中国共产党流动党员活动证", title),
        p(f"第 {c.number} 号", number),
        Spacer(1, 2 * mm),
        table,
        Spacer(1, 4 * mm),
        p(
            "持证党员外出期间，组织关系仍隶属流出党组织，可凭本证在流入地参加党的组织生活、"
            "接受教育管理，并可在流入地交纳党费。外出结束或组织关系转接后，本证由流出党组织收回。",
            para,
        ),
    ]
    if c.ended:
        story.append(p(c.ended, para))
    story += [Spacer(1, 8 * mm), p(f"{c.issuer}（盖章）", right), p(c.issued_on, right)]
    return story
