"""Chinese fonts for PDFs drawn with reportlab (the party school's certificate, the meeting record).

Chinese glyphs come from Debian's fonts-noto-cjk (Noto Serif CJK SC for text like 宋体, Noto Sans CJK SC for
titles and labels like 黑体), found with ``fc-list``. Those fonts have PostScript (CFF) outlines, which
reportlab cannot embed, so the characters a document uses are cut out of the font with fontTools and
converted to TrueType outlines first; reportlab then embeds that subset. The PDF therefore shows the same
glyphs on every reader, with no font installed there, and its ToUnicode map lets readers copy the text.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import logging
import secrets
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

from dangjian.core.errors import BusinessError

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
FAMILY = SERIF
FALLBACK_FAMILY = SANS
_KNOWN = {
    SERIF: Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    SANS: Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
}
FONT_MISSING = (
    "服务器未安装中文字体（Noto Serif CJK / Noto Sans CJK），无法生成 PDF 文件。"
    "请管理员安装：sudo apt-get install fonts-noto-cjk"
)
# Always in a subset: digits, Latin letters and common punctuation (page numbers, times, dates).
BASE_CHARS = (
    "0123456789 -—:：/.,，。、；;（）()《》“”【】…%abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)


@functools.lru_cache(maxsize=1)
def _installed() -> dict[str, Path]:
    """The Regular .ttc file of each Noto CJK family ``fc-list`` knows (empty without fontconfig)."""
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
        for family in (SERIF, SANS):
            if family in families.split(",") and "Regular" in name and family not in found:
                found[family] = Path(name.strip())
    return found


def font_source(prefer: Iterable[str] = (SERIF, SANS)) -> tuple[Path, str]:
    """The .ttc file and family of the first installed family of ``prefer`` (then any Noto CJK family);
    ``BusinessError("core.font_missing")`` with an install hint if there is none."""
    order = list(dict.fromkeys([*prefer, SERIF, SANS]))
    installed = _installed()
    for family in order:
        if family in installed and installed[family].exists():
            return installed[family], family
    for family in order:
        path = _KNOWN.get(family)
        if path is not None and path.exists():
            return path, family
    raise BusinessError("core.font_missing", FONT_MISSING)


def subset_truetype(text: str, source: tuple[Path, str] | None = None) -> bytes:
    """A TrueType font (quadratic outlines) with only the glyphs of ``text``, from the Noto CJK .ttc
    ``source`` (default: ``font_source()``)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.subset import Options, Subsetter
    from fontTools.ttLib import TTCollection, newTable

    path, family = source or font_source()
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
    maxp.maxZones = 1
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


@contextlib.contextmanager
def registered_font(text: str, source: tuple[Path, str] | None = None) -> Iterator[str]:
    """Register with reportlab a subset of the Chinese font covering ``text`` (plus ``BASE_CHARS``) and yield
    its name for ``setFont`` / paragraph styles; it is unregistered afterwards (one subset per document).

    reportlab shares one font object between registrations of the same face name, so every subset gets a
    face name of its own (the PostScript name plus a digest of the subset): a second document with other
    characters would otherwise draw with the first one's glyphs.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font_bytes = subset_truetype("".join(sorted(set(text + BASE_CHARS))), source)
    digest = hashlib.sha1(font_bytes, usedforsecurity=False).hexdigest()[:12]
    name = f"NotoCJK-{digest}-{secrets.token_hex(4)}"  # unique: a concurrent render keeps its own
    font = TTFont(name, io.BytesIO(font_bytes))
    font.face.name = font.face.name + b"-" + digest.encode()
    pdfmetrics.registerFont(font)
    try:
        yield name
    finally:
        pdfmetrics._fonts.pop(name, None)
        if pdfmetrics._dynFaceNames.get(font.face.name) is font:
            pdfmetrics._dynFaceNames.pop(font.face.name, None)
