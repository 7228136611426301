"""The completion certificate (结业证书) of a course, as a PDF drawn with reportlab.

Chinese glyphs come from Debian's fonts-noto-cjk (Noto Serif CJK SC, found with ``fc-list``). Those fonts
have PostScript (CFF) outlines, which reportlab cannot embed, so the characters the certificate uses are cut
out of the font with fontTools and converted to TrueType outlines first; reportlab then embeds that subset.
The PDF therefore shows the same glyphs on every reader, with no font installed there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import io
import logging
import subprocess
from decimal import Decimal
from pathlib import Path

from dangjian.core.errors import BusinessError

FAMILY = "Noto Serif CJK SC"
FALLBACK_FAMILY = "Noto Sans CJK SC"
_KNOWN = (
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)
FONT_MISSING = (
    "服务器未安装中文字体（Noto Serif CJK / Noto Sans CJK），无法生成证书。"
    "请管理员安装：sudo apt-get install fonts-noto-cjk"
)


@dataclasses.dataclass(frozen=True)
class CertificateData:
    name: str
    course: str
    hours: Decimal
    completed_on: dt.date
    number: str
    org_name: str


@functools.lru_cache(maxsize=1)
def font_source() -> tuple[Path, str]:
    """The .ttc file and family of the Chinese font; ``BusinessError`` with an install hint if none."""
    found: dict[str, Path] = {}
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "family", "file"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    for line in out.splitlines():
        name, _, families = line.partition(":")
        for family in (FAMILY, FALLBACK_FAMILY):
            if family in families.split(",") and "Regular" in name and family not in found:
                found[family] = Path(name.strip())
    for family in (FAMILY, FALLBACK_FAMILY):
        if family in found and found[family].exists():
            return found[family], family
    for path, family in zip(_KNOWN, (FAMILY, FALLBACK_FAMILY), strict=True):
        if path.exists():
            return path, family
    raise BusinessError("school.font_missing", FONT_MISSING)


def _subset_truetype(text: str) -> bytes:
    """A TrueType font (quadratic outlines) with only the glyphs of ``text``, from the Noto CJK .ttc."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.subset import Options, Subsetter
    from fontTools.ttLib import TTCollection, newTable

    path, family = font_source()
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # the subsetter logs every table at INFO
    collection = TTCollection(str(path), lazy=True)
    font = next(
        (f for f in collection.fonts if f["name"].getDebugName(1) == family),
        collection.fonts[0],
    )
    options = Options()
    options.desubroutinize = True
    options.layout_features = []
    options.notdef_outline = True
    options.name_IDs = ["*"]
    subsetter = Subsetter(options=options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        width, _ = hmtx.metrics[name]
        hmtx.metrics[name] = (width, getattr(glyph, "xMin", 0))
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones",):
        setattr(maxp, attr, 1)
    for attr in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    font["maxp"] = maxp
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def render(data: CertificateData) -> bytes:
    """The certificate as PDF bytes (A4 landscape, the font subset embedded)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
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
    font_bytes = _subset_truetype(text)
    font_name = "NotoCJK-" + hashlib.sha1(font_bytes, usedforsecurity=False).hexdigest()[:12]
    pdfmetrics.registerFont(TTFont(font_name, io.BytesIO(font_bytes)))
    try:
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
    finally:
        pdfmetrics._fonts.pop(font_name, None)  # one subset per certificate: do not keep it registered
