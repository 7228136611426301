"""The completion certificate (结业证书) of a course, as a PDF drawn with reportlab.

Chinese glyphs come from Debian's fonts-noto-cjk (Noto Serif CJK SC): ``dangjian.core.pdf`` finds the font
and embeds the subset of the characters the certificate uses, so every reader shows the same glyphs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

from dangjian.core import pdf

FAMILY = pdf.FAMILY
FALLBACK_FAMILY = pdf.FALLBACK_FAMILY
FONT_MISSING = pdf.FONT_MISSING
font_source = pdf.font_source  # found by the shared helper (dangjian.core.pdf); replaceable in tests


@dataclasses.dataclass(frozen=True)
class CertificateData:
    name: str
    course: str
    hours: Decimal
    completed_on: dt.date
    number: str
    org_name: str


def render(data: CertificateData) -> bytes:
    """The certificate as PDF bytes (A4 landscape, the font subset embedded)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    hours = f"{data.hours.normalize():f}"
    lines = {
        "title": "结业证书",
        "body1": f"{data.name} 同志：",
        "body2": f"完成网络党校课程《{data.course}》的全部必学内容，",
        "body3": f"经考核合格，准予结业，认定学时 {hours} 学时。",
        "number": f"证书编号：{data.number}",
        "org": data.org_name,
        "date": f"{data.completed_on.year}年{data.completed_on.month}月{data.completed_on.day}日",
        "footer": "网络党校",
    }
    text = "".join(lines.values()) + "0123456789"
    with pdf.registered_font(text, font_source()) as font_name:
        buffer = io.BytesIO()
        width, height = landscape(A4)
        c = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1)
        c.setTitle(f"结业证书 {data.number}")
        c.setAuthor(data.org_name)
        c.setSubject(data.course)
        red = colors.HexColor("#b7090d")
        gold = colors.HexColor("#c9a227")
        c.setStrokeColor(red)
        c.setLineWidth(6)
        c.rect(28, 28, width - 56, height - 56)
        c.setStrokeColor(gold)
        c.setLineWidth(1.5)
        c.rect(42, 42, width - 84, height - 84)
        c.setFillColor(red)
        c.setFont(font_name, 40)
        c.drawCentredString(width / 2, height - 130, lines["title"])
        c.setFillColor(colors.black)
        c.setFont(font_name, 20)
        c.drawString(110, height - 210, lines["body1"])
        c.drawString(150, height - 255, lines["body2"])
        c.drawString(150, height - 295, lines["body3"])
        c.setFont(font_name, 16)
        c.drawRightString(width - 110, 170, lines["org"])
        c.drawRightString(width - 110, 140, lines["date"])
        c.setFont(font_name, 11)
        c.setFillColor(colors.HexColor("#555555"))
        c.drawString(110, 80, lines["number"])
        c.drawRightString(width - 110, 80, lines["footer"])
        c.showPage()
        c.save()
        return buffer.getvalue()
