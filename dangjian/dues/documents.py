"""Documents of 党费: the PDF receipt of a confirmed payment (reportlab, Chinese font via core.pdf) and the
Excel ledger (台账) of bills for treasurers."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from dangjian.core import excel, pdf
from dangjian.dues.models import DuesBill, DuesPayment


def receipt_lines(payment: DuesPayment) -> list[tuple[str, str]]:
    payer = payment.get_payer_kind_display() + (f"（{payment.payer_name}）" if payment.payer_name else "")
    lines = [
        ("收据编号", payment.receipt_no or ""),
        ("党员姓名", payment.member.name),
        ("所在党支部", payment.org.name),
        ("交纳方式", payment.get_kind_display()),
        ("交纳月份", payment.months_label or "—"),
        ("金额（元）", f"{payment.amount:.2f}"),
        ("交纳人", payer),
        ("支付渠道", "线下交纳" if payment.provider == "offline" else payment.provider),
        ("到账时间", f"{payment.confirmed_at:%Y-%m-%d %H:%M}" if payment.confirmed_at else ""),
    ]
    if payment.campaign_id:
        lines.append(("专项收缴", payment.campaign.title if payment.campaign else ""))
    if payment.remit_upward:
        lines.append(("说明", "大额党费，全额上缴党中央"))
    return lines


def receipt_pdf(payment: DuesPayment) -> bytes:
    """The receipt (党费收据) of a confirmed payment, A5 landscape."""
    from reportlab.lib.pagesizes import A5, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    title = "中国共产党党费收据"
    lines = receipt_lines(payment)
    text = title + "".join(a + b for a, b in lines) + payment.org.name + "（盖章）经办人"
    buffer = io.BytesIO()
    with (
        pdf.registered_font(text, pdf.font_source((pdf.SERIF, pdf.SANS))) as body,
        pdf.registered_font(text, pdf.font_source((pdf.SANS, pdf.SERIF))) as heading,
    ):
        width, height = landscape(A5)
        c = canvas.Canvas(buffer, pagesize=(width, height))
        c.setTitle(f"党费收据 {payment.receipt_no}")
        c.setFont(heading, 18)
        c.drawCentredString(width / 2, height - 22 * mm, title)
        y = height - 38 * mm
        for label, value in lines:
            c.setFont(heading, 11)
            c.drawString(25 * mm, y, label)
            c.setFont(body, 11)
            c.drawString(60 * mm, y, value)
            y -= 8.5 * mm
        c.setFont(body, 11)
        c.drawRightString(width - 25 * mm, 22 * mm, f"{payment.org.name}（盖章）")
        c.drawRightString(
            width - 25 * mm,
            14 * mm,
            "经办人：" + (payment.confirmed_by.full_name if payment.confirmed_by else ""),
        )
        c.showPage()
        c.save()
    return buffer.getvalue()


LEDGER_HEADERS = (
    "党支部",
    "党员",
    "月份",
    "党费类别",
    "月交纳基数",
    "应交金额",
    "状态",
    "交纳方式",
    "收据编号",
    "到账日期",
)


def ledger_rows(bills: Iterable[DuesBill]) -> Iterable[list[object]]:
    for b in bills:
        p = b.payment
        yield [
            b.org.name,
            b.member.name,
            f"{b.month:%Y-%m}",
            b.fixing.get_category_display() if b.fixing else "",
            float(b.fixing.base) if b.fixing else None,
            float(b.amount),
            b.get_status_display(),
            p.get_kind_display() if p else "",
            (p.receipt_no or "") if p else "",
            p.confirmed_at.date() if p and p.confirmed_at else None,
        ]


def ledger_xlsx(bills: Iterable[DuesBill], *, title: str) -> bytes:
    """党费收缴台账: one row per bill, in the order given."""
    return excel.write_workbook(
        headers=LEDGER_HEADERS,
        rows=ledger_rows(bills),
        sheet_title="党费台账",
        title=title,
        widths={0: 30, 1: 12, 8: 22},
    )


def month_label(month: dt.date) -> str:
    return f"{month:%Y年%m月}"
