"""What a file is, decided by its content alone: magic bytes, then a walk of its structure.

Never the extension and never the browser's Content-Type. Each format is walked to its real end so that data
appended after it (a ZIP, HTML or a script: a polyglot such as a GIFAR) is found; markup signatures in the
first bytes (HTML, SVG, XML, PHP) refuse a file whatever it claims to be; a ZIP end-of-directory record in the
last 64 KiB of a file that is not a ZIP refuses it too. Documents are inspected for active content: PDF
JavaScript, launch and embedded-file actions (also inside compressed object streams), Office macros,
ActiveX, OLE objects, remote templates and DDE. Videos and audio are checked for type and structure only and
are never decoded or executed. Images are decoded in ``images.py``.

Every refusal is a ``BusinessError`` with a stable ``upload.*`` code and a Chinese message.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from dangjian.core.errors import BusinessError
from dangjian.core.uploads.policies import AUDIO, DOCUMENT, IMAGE, VIDEO


@dataclass(frozen=True)
class Format:
    """A file format the platform accepts: its kind, the content type it is served with and its extension."""

    name: str
    kind: str
    mime: str
    ext: str


JPEG = Format("jpeg", IMAGE, "image/jpeg", ".jpg")
PNG = Format("png", IMAGE, "image/png", ".png")
GIF = Format("gif", IMAGE, "image/gif", ".gif")
WEBP = Format("webp", IMAGE, "image/webp", ".webp")
MP4 = Format("mp4", VIDEO, "video/mp4", ".mp4")
MOV = Format("mov", VIDEO, "video/quicktime", ".mov")
WEBM = Format("webm", VIDEO, "video/webm", ".webm")
MP3 = Format("mp3", AUDIO, "audio/mpeg", ".mp3")
M4A = Format("m4a", AUDIO, "audio/mp4", ".m4a")
PDF = Format("pdf", DOCUMENT, "application/pdf", ".pdf")
DOCX = Format(
    "docx", DOCUMENT, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"
)
XLSX = Format("xlsx", DOCUMENT, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
PPTX = Format(
    "pptx", DOCUMENT, "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"
)
TEXT = Format("text", DOCUMENT, "text/plain", ".txt")
# A ZIP that may be DOCX, XLSX or PPTX: ``check_ooxml`` decides which.
OOXML = Format("ooxml", DOCUMENT, "application/zip", ".zip")

ALL_FORMATS = (JPEG, PNG, GIF, WEBP, MP4, MOV, WEBM, MP3, M4A, PDF, DOCX, XLSX, PPTX, TEXT)
IMAGE_FORMATS = (JPEG, PNG, GIF, WEBP)

HEAD = 4096  # bytes read to decide the type
MARKUP_WINDOW = 1024  # markup signatures are looked for in this many leading bytes
ZIP_TAIL = 65_557  # a ZIP reader looks for its end record in the last 64 KiB + 22 bytes


# --------------------------------------------------------------------------------------------------------
# Refusals


def corrupt() -> BusinessError:
    return BusinessError("upload.corrupt", "文件已损坏或类型与内容不符")


def polyglot() -> BusinessError:
    return BusinessError("upload.polyglot", "文件已损坏或类型与内容不符（文件中夹带了其他内容）")


def not_allowed(allowed: str = "") -> BusinessError:
    suffix = f"（此处仅接受：{allowed}）" if allowed else ""
    return BusinessError("upload.type_not_allowed", f"文件类型不允许{suffix}")


def active_content() -> BusinessError:
    return BusinessError(
        "upload.active_content", "文档含有宏、脚本、嵌入对象或外部链接等活动内容，不允许上传"
    )


# --------------------------------------------------------------------------------------------------------
# Reading a file without holding it in memory


class Blob:
    """Random access to an upload (a Django ``File`` or any seekable binary file object) of known size."""

    def __init__(self, fh: Any, size: int) -> None:
        self._fh = fh
        self.size = size

    def read_at(self, offset: int, length: int) -> bytes:
        if offset >= self.size or length <= 0:
            return b""
        self._fh.seek(offset)
        data: bytes = self._fh.read(min(length, self.size - offset))
        return data

    def tail(self, length: int) -> bytes:
        return self.read_at(max(0, self.size - length), length)


class BytesBlob(Blob):
    """A ``Blob`` over bytes already in memory."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.size = len(data)

    def read_at(self, offset: int, length: int) -> bytes:
        return self._data[offset : offset + max(0, length)]


# --------------------------------------------------------------------------------------------------------
# Signatures anywhere in the first bytes, and ZIP records at the end

_MARKUP = re.compile(
    rb"<(?:!doctype|html|head|body|script|svg|\?xml|\?php|iframe|frameset|object|embed|img|style|meta|link"
    rb"|title|form|base|xsl:)|javascript:|vbscript:",
    re.IGNORECASE,
)
_EXECUTABLES = (
    b"MZ",
    b"\x7fELF",
    b"\xca\xfe\xba\xbe",
    b"\xfe\xed\xfa",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
)


def check_no_markup(head: bytes) -> None:
    """Refuse a file whose first bytes hold HTML, SVG, XML or script signatures (what browsers sniff)."""
    if _MARKUP.search(head[:MARKUP_WINDOW]):
        raise not_allowed()


def check_no_zip_tail(blob: Blob) -> None:
    """Refuse a non-ZIP file that a ZIP reader would open (GIFAR-style polyglot: its end record is last)."""
    if b"PK\x05\x06" in blob.tail(ZIP_TAIL):
        raise polyglot()


# --------------------------------------------------------------------------------------------------------
# Deciding the type

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
_VIDEO_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"M4VH",
    b"M4VP", b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"3g2b", b"3g2c", b"MSNV", b"dash", b"mmp4",
}  # fmt: skip
_AUDIO_BRANDS = {b"M4A ", b"M4B "}


def sniff(head: bytes) -> Format:
    """The format the leading bytes announce (to be confirmed by the format's own check).

    Refuses at once what is never accepted: executables and scripts, HEIF photos (no decoder; the message
    says how to get JPEG), legacy Office/WPS binaries (macros cannot be checked) and anything unknown.
    """
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        return _iso_format(head)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return OOXML
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise BusinessError(
            "upload.legacy_office",
            "不支持旧版 Office/WPS 格式（.doc/.xls/.ppt/.wps），请另存为 .docx/.xlsx/.pptx 后上传",
        )
    if head.startswith(b"ID3") or mp3_frame_length(head[:4]):
        return MP3
    if head.startswith(_EXECUTABLES) or head.startswith(b"#!"):
        raise not_allowed()
    if b"\x00" not in head and (_is_utf8_prefix(head) or _is_gb18030(head)):
        return TEXT  # GBK text too, so that ``check_text`` can say which encoding is wanted
    raise not_allowed()


def _iso_format(head: bytes) -> Format:
    major = head[8:12]
    size = int.from_bytes(head[0:4], "big")
    brands = {major} | {head[i : i + 4] for i in range(16, min(size, len(head)) - 3, 4)}
    if major in _HEIF_BRANDS or (brands & _HEIF_BRANDS and major not in _VIDEO_BRANDS | _AUDIO_BRANDS):
        raise BusinessError(
            "upload.heif",
            "暂不支持 HEIC/HEIF 图片：请在手机相机设置中选择“兼容性最佳”（JPEG），或转换为 JPG 后上传",
        )
    if major in _AUDIO_BRANDS:
        return M4A
    if major == b"qt  ":
        return MOV
    if major in _VIDEO_BRANDS:
        return MP4
    raise not_allowed()


def _decodes(head: bytes, encoding: str) -> bool:
    """Whether ``head`` is text in ``encoding``, allowing a multi-byte character cut at the window's end."""
    for cut in range(4):
        try:
            head[: len(head) - cut].decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _is_utf8_prefix(head: bytes) -> bool:
    return _decodes(head, "utf-8")


def _is_gb18030(head: bytes) -> bool:
    return _decodes(head, "gb18030") and not any(b < 0x20 and b not in b"\t\n\r\x0c" for b in head)


# --------------------------------------------------------------------------------------------------------
# Images: where the data really ends


def image_end(fmt: Format, data: bytes, start: int = 0) -> int:
    """The offset just past the end marker of the image (JPEG EOI, PNG IEND, GIF trailer, RIFF size)."""
    try:
        if fmt is JPEG:
            return _jpeg_end(data, start)
        if fmt is PNG:
            return _png_end(data)
        if fmt is GIF:
            return _gif_end(data)
        if fmt is WEBP:
            riff = int.from_bytes(data[4:8], "little")
            if riff < 4 or 8 + riff > len(data):
                raise corrupt()
            return 8 + riff
    except IndexError:
        raise corrupt() from None
    raise ValueError(fmt.name)


def _jpeg_end(data: bytes, start: int) -> int:
    n = len(data)
    if data[start : start + 2] != b"\xff\xd8":
        raise corrupt()
    pos = start + 2
    while True:
        if pos >= n or data[pos] != 0xFF:
            raise corrupt()
        while pos < n and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= n:
            raise corrupt()
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # EOI
            return pos
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            continue
        if marker == 0x00 or pos + 2 > n:
            raise corrupt()
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2:
            raise corrupt()
        pos += length
        if marker == 0xDA:  # start of scan: entropy-coded data runs to the next real marker
            while True:
                ff = data.find(b"\xff", pos)
                if ff < 0 or ff + 1 >= n:
                    raise corrupt()
                following = data[ff + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:  # stuffed byte or restart marker
                    pos = ff + 2
                elif following == 0xFF:
                    pos = ff + 1
                else:
                    pos = ff
                    break


def _png_end(data: bytes) -> int:
    pos, n = 8, len(data)
    while pos + 12 <= n:
        length = int.from_bytes(data[pos : pos + 4], "big")
        chunk = data[pos + 4 : pos + 8]
        if not chunk.isalpha():
            raise corrupt()
        pos += 12 + length
        if chunk == b"IEND":
            if pos > n:
                raise corrupt()
            return pos
    raise corrupt()


def _gif_end(data: bytes) -> int:
    n = len(data)
    if n < 14:
        raise corrupt()
    flags = data[10]
    pos = 13 + (3 * (2 << (flags & 7)) if flags & 0x80 else 0)
    while pos < n:
        block = data[pos]
        if block == 0x3B:  # trailer
            return pos + 1
        if block == 0x21:  # extension: label, then sub-blocks
            pos = _skip_sub_blocks(data, pos + 2)
        elif block == 0x2C:  # image descriptor, local colour table, LZW code size, sub-blocks
            local = data[pos + 9]
            pos += 10 + (3 * (2 << (local & 7)) if local & 0x80 else 0) + 1
            pos = _skip_sub_blocks(data, pos)
        else:
            raise corrupt()
    raise corrupt()


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    while True:
        size = data[pos]
        pos += 1
        if size == 0:
            return pos
        pos += size


_PADDING = b"\x00\r\n\t "


def check_image_trailer(fmt: Format, data: bytes) -> None:
    """Refuse data after the image's end marker, except what cameras legitimately append to a JPEG.

    Allowed after the end: padding (NUL or whitespace); for JPEG also further complete JPEG streams (MPF
    secondary images, Ultra HDR gain maps), an ISO-BMFF box chain running exactly to the end of the file
    (Google/Samsung motion-photo video) and a Samsung ``SEFH``…``SEFT`` trailer. None of it is kept: the
    image is re-encoded from pixels. Anything else (a ZIP, HTML, a script, unknown bytes) is a polyglot.
    """
    n = len(data)
    pos = image_end(fmt, data)
    appended = 0
    while pos < n:
        if data[pos] in _PADDING and data[pos + 4 : pos + 8] != b"ftyp":  # a box's size may start with NULs
            pos += 1
            continue
        if fmt is not JPEG or appended >= 8 or _MARKUP.search(data[pos : pos + MARKUP_WINDOW]):
            raise polyglot()
        appended += 1
        try:
            if data.startswith(b"\xff\xd8\xff", pos):
                pos = _jpeg_end(data, pos)
                continue
            if data[pos + 4 : pos + 8] == b"ftyp":
                box_chain(BytesBlob(data), pos)
                return
        except BusinessError:
            raise polyglot() from None
        if data.endswith(b"SEFT") and data.find(b"SEFH", pos) >= 0:
            return
        raise polyglot()


# --------------------------------------------------------------------------------------------------------
# ISO base media (MP4, MOV, M4A), WebM, MP3


def _box_type_ok(kind: bytes) -> bool:
    return len(kind) == 4 and all(0x20 <= b <= 0x7E or b == 0xA9 for b in kind)


def box_chain(blob: Blob, start: int = 0) -> list[bytes]:
    """The top-level box types from ``start``; the boxes must cover the file exactly (zero padding aside)."""
    pos, end = start, blob.size
    kinds: list[bytes] = []
    while pos < end:
        header = blob.read_at(pos, 16)
        if header[:8] == bytes(8) or end - pos < 8:
            if blob.read_at(pos, 65_536).strip(b"\x00") or end - pos > 65_536:
                raise corrupt()
            break
        size, kind = int.from_bytes(header[:4], "big"), header[4:8]
        if not _box_type_ok(kind):
            raise corrupt()
        if size == 1:
            size = int.from_bytes(header[8:16], "big")
            if size < 16:
                raise corrupt()
        elif size == 0:
            size = end - pos
        elif size < 8:
            raise corrupt()
        if pos + size > end:
            raise corrupt()
        kinds.append(kind)
        pos += size
        if len(kinds) > 100_000:
            raise corrupt()
    if not kinds or kinds[0] != b"ftyp":
        raise corrupt()
    return kinds


def check_iso_media(blob: Blob) -> None:
    """MP4, MOV, M4A: an ``ftyp`` box first, a ``moov`` box, and boxes that end exactly with the file."""
    if b"moov" not in box_chain(blob):
        raise corrupt()


def _vint(data: bytes, pos: int) -> tuple[int, int, bool]:
    """An EBML variable-size integer at ``pos``: (value, length, all value bits set = unknown size)."""
    first = data[pos]
    if first == 0:
        raise corrupt()
    length = 8 - first.bit_length() + 1
    raw = int.from_bytes(data[pos : pos + length], "big")
    value = raw & ((1 << (7 * length)) - 1)
    return value, length, value == (1 << (7 * length)) - 1


def check_webm(blob: Blob) -> None:
    """WebM: an EBML header whose DocType is ``webm``, then one Segment that ends with the file."""
    head = blob.read_at(0, HEAD)
    try:
        size, length, _ = _vint(head, 4)
        body_start, body_end = 4 + length, 4 + length + size
        if body_end > len(head):
            raise corrupt()
        doctype, pos = b"", body_start
        while pos < body_end:
            id_len = 8 - head[pos].bit_length() + 1
            element = head[pos : pos + id_len]
            value_size, size_len, _ = _vint(head, pos + id_len)
            value_at = pos + id_len + size_len
            if element == b"\x42\x82":
                doctype = head[value_at : value_at + value_size]
            pos = value_at + value_size
        if doctype.rstrip(b"\x00") != b"webm":
            raise not_allowed()
        if head[body_end : body_end + 4] != b"\x18\x53\x80\x67":  # Segment
            raise corrupt()
        seg_size, seg_len, unknown = _vint(head, body_end + 4)
    except IndexError:
        raise corrupt() from None
    if not unknown and body_end + 4 + seg_len + seg_size != blob.size:
        raise corrupt()


_MP3_BITRATES = {
    3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1 layer III
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2 layer III
}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def mp3_frame_length(header: bytes) -> int:
    """The length of the MPEG audio layer III frame whose 4-byte header is given; 0 if it is not one."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return 0
    version, layer = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate_index, rate_index, padding = header[2] >> 4, (header[2] >> 2) & 3, (header[2] >> 1) & 1
    if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return 0
    bitrate = _MP3_BITRATES[3 if version == 3 else 2][bitrate_index] * 1000
    rate = _MP3_RATES[version][rate_index]
    return (144 if version == 3 else 72) * bitrate // rate + padding


def check_mp3(blob: Blob) -> None:
    """MP3: an optional ID3v2 tag, then two consecutive valid layer III frame headers."""
    pos = 0
    head = blob.read_at(0, 10)
    if head.startswith(b"ID3"):
        if len(head) < 10 or any(b & 0x80 for b in head[6:10]):
            raise corrupt()
        size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
        pos = 10 + size + (10 if head[5] & 0x10 else 0)
        skipped = blob.read_at(pos, 65_536)  # some writers pad after the tag
        pos += len(skipped) - len(skipped.lstrip(b"\x00"))
    first = mp3_frame_length(blob.read_at(pos, 4))
    if not first:
        raise corrupt()
    if pos + first < blob.size - 128 and not mp3_frame_length(blob.read_at(pos + first, 4)):
        raise corrupt()


# --------------------------------------------------------------------------------------------------------
# Documents

_PDF_NAME = rb"[^\s/<>\[\]()%{}]"
_PDF_DANGEROUS = frozenset(
    {
        b"JavaScript",
        b"JS",
        b"Launch",
        b"EmbeddedFile",
        b"EmbeddedFiles",
        b"RichMedia",
        b"SubmitForm",
        b"ImportData",
        b"GoToE",
        b"GoToR",
    }
)
_PDF_NAMES = re.compile(rb"/(" + _PDF_NAME + rb"+)")
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_FILTER = re.compile(rb"/Filter\b\s*(\[[^\]]*\]|/" + _PDF_NAME + rb"+)?")
_PDF_STREAM = re.compile(rb"stream\r?\n")
_PDF_OBJ = re.compile(rb"\d+\s+\d+\s+obj\b")
_PDF_INFLATE_LIMIT = 64 * 1024 * 1024
_FLATE = {b"FlateDecode", b"Fl"}


def _unescape(data: bytes) -> bytes:
    """Names with ``#xx`` escapes decoded (``/J#61vaScript`` is ``/JavaScript`` to a PDF reader)."""
    return _PDF_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data) if b"#" in data else data


def _pdf_names(data: bytes) -> set[bytes]:
    return set(_PDF_NAMES.findall(_unescape(data)))


def uninspectable_pdf() -> BusinessError:
    return BusinessError("upload.pdf_uninspectable", "PDF 的压缩或加密方式无法检查，请另存为普通 PDF 后上传")


def check_pdf(data: bytes) -> None:
    """PDF: ``%PDF-`` at the start, ``%%EOF`` at the end, and no active content.

    Active content: JavaScript, launch, embedded files, rich media, form submission and remote go-to
    actions, found by name (``#xx`` escapes decoded) in every dictionary: those written in the file outside
    stream data, and those inside object streams, which are decompressed for the purpose (up to 64 MiB).
    An object stream that cannot be inspected (encrypted PDF, another filter, predictors) refuses the file.
    Stream data itself (pages, images, fonts) is not searched: it holds no dictionaries, and random bytes
    would match short names such as ``/JS``.
    """
    if not data.startswith(b"%PDF-") or not data.rstrip(_PADDING).endswith(b"%%EOF"):
        raise corrupt()
    outside: list[bytes] = []
    object_streams: list[tuple[bytes, bytes]] = []
    pos = 0
    for match in _PDF_STREAM.finditer(data):
        if match.start() < pos:
            continue  # inside stream data already skipped (or the "stream" of "endstream")
        end = data.find(b"endstream", match.end())
        if end < 0:
            raise corrupt()
        objects = list(_PDF_OBJ.finditer(data, max(pos, match.start() - 4096), match.start()))
        header = _unescape(data[objects[-1].start() if objects else pos : match.start()])
        if {b"ObjStm", b"First"} & set(_PDF_NAMES.findall(header)):  # /First is required to read one
            object_streams.append((header, data[match.end() : end]))
        outside.append(data[pos : match.start()])
        pos = end + len(b"endstream")
    outside.append(data[pos:])
    dictionaries = b"".join(outside)
    names = _pdf_names(dictionaries)
    if names & _PDF_DANGEROUS:
        raise active_content()
    inflated = 0
    for header, body in object_streams:
        if b"Encrypt" in names:
            raise uninspectable_pdf()
        filters: list[bytes] = []
        found = _PDF_FILTER.search(header)
        if found:
            if not found.group(1):  # an indirect filter (/Filter 12 0 R) cannot be read here
                raise uninspectable_pdf()
            filters = _PDF_NAMES.findall(found.group(1))
        if filters:
            if len(filters) > 1 or filters[0] not in _FLATE or b"DecodeParms" in header:
                raise uninspectable_pdf()
            try:
                body = zlib.decompressobj().decompress(body, _PDF_INFLATE_LIMIT - inflated)
            except zlib.error:
                raise corrupt() from None
        inflated += len(body)
        if inflated >= _PDF_INFLATE_LIMIT:
            raise uninspectable_pdf()
        if _pdf_names(body) & _PDF_DANGEROUS:
            raise active_content()


_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
_OOXML_MAX_ENTRIES = 10_000
_OOXML_MAX_UNPACKED = 1024 * 1024 * 1024
_XML_PART_LIMIT = 4 * 1024 * 1024
# DDE: Word fields (DDEAUTO, a DDE instruction), Excel DDE links and formulas such as cmd|' /c calc'!A1.
_DDE = re.compile(
    rb"DDEAUTO|<[\w:]*ddeLink\b|instrText[^>]*>\s*DDE\b|<f(?:\s[^>]*)?>[^<]*\w\|'?[^'<|!]*'?!", re.IGNORECASE
)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml(zf: zipfile.ZipFile, name: str) -> ElementTree.Element:
    with zf.open(name) as fh:
        raw = fh.read(_XML_PART_LIMIT + 1)
    if len(raw) > _XML_PART_LIMIT or b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        raise corrupt()
    try:
        return ElementTree.fromstring(raw)  # noqa: S314 (no DTD, no entities: refused just above)
    except ElementTree.ParseError:
        raise corrupt() from None


def check_ooxml(fh: Any) -> Format:
    """DOCX, XLSX or PPTX: a valid ZIP with ``[Content_Types].xml`` naming exactly one main part that exists.

    Refused: macro-enabled content types and ``vbaProject.bin`` (.docm/.xlsm/.pptm renamed), ActiveX, OLE
    objects (``embeddings/*.bin``), external relationships other than hyperlinks (remote templates), DDE
    fields, links and formulas, encrypted entries, more than 10 000 entries or 1 GiB unpacked (ZIP bombs),
    and any entry whose data fails its CRC (every entry is read through once).
    """
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise corrupt() from None
    with zf:
        try:
            return _check_ooxml(zf)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, NotImplementedError):
            raise corrupt() from None


def _check_ooxml(zf: zipfile.ZipFile) -> Format:
    infos = zf.infolist()
    if len(infos) > _OOXML_MAX_ENTRIES or sum(i.file_size for i in infos) > _OOXML_MAX_UNPACKED:
        raise corrupt()
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        raise not_allowed()
    for info in infos:
        lower = "/" + info.filename.lower()
        if info.flag_bits & 0x1:
            raise corrupt()
        if (
            lower.endswith(("/vbaproject.bin", "/vbadata.xml", "/attachedtoolbars.bin"))
            or "/activex/" in lower
        ):
            raise active_content()
        if "/embeddings/" in lower and lower.endswith(".bin"):
            raise active_content()
    types: dict[str, str] = {}
    for element in _xml(zf, "[Content_Types].xml"):
        content_type = element.get("ContentType", "")
        if _local(element.tag) == "Override":
            types[element.get("PartName", "").lstrip("/")] = content_type
        lowered = content_type.lower()
        if "macroenabled" in lowered or "vbaproject" in lowered or "activex" in lowered:
            raise active_content()
    mains = [(part, _OOXML_MAIN[t]) for part, t in types.items() if t in _OOXML_MAIN]
    if len(mains) != 1:
        raise not_allowed()
    main_part, fmt = mains[0]
    if main_part not in names:
        raise corrupt()
    for name in names:
        if not name.endswith(".rels"):
            continue
        for rel in _xml(zf, name):
            external = rel.get("TargetMode", "").lower() == "external"
            if external and not rel.get("Type", "").endswith("/hyperlink"):
                raise active_content()
    for info in infos:  # a full read: CRC errors and truncated entries surface here
        scan = info.filename.lower().endswith(".xml")
        with zf.open(info) as entry:
            carry = b""
            while chunk := entry.read(1024 * 1024):
                if scan and _DDE.search(carry + chunk):
                    raise active_content()
                carry = chunk[-256:]
    return fmt


def check_text(data: bytes) -> None:
    """Plain text: UTF-8 (a BOM is allowed), no NUL byte, and not a script (``#!``)."""
    if b"\x00" in data or data.lstrip(b"\xef\xbb\xbf").startswith(b"#!"):
        raise not_allowed()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise BusinessError("upload.text_encoding", "文本文件须为 UTF-8 编码") from None
