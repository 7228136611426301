"""学习笔记导出为 Word (.docx, python-docx): title, date, then each note with its content title and text.
Chinese text is set in 宋体/黑体 through ``w:eastAsia`` (Word otherwise falls back to a Latin font)."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone

from dangjian.audit import services as audit
from dangjian.study import selectors

BODY_FONT = "宋体"
HEADING_FONT = "黑体"


def _east_asian(run: Any, font: str, size: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = font
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), font)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold


def notes_docx(*, actor: Any) -> bytes:
    """The actor's own notes as a Word document, newest first. Audit: study.note.export."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    member = selectors.member_of(actor)
    notes = list(selectors.own_notes(actor)) if member is not None else []
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _east_asian(title.add_run("学习笔记"), HEADING_FONT, 18, True)
    now = timezone.localtime()
    info = doc.add_paragraph()
    info.alignment = WD_ALIGN_PARAGRAPH.CENTER
    who = member.name if member is not None else actor.get_username()
    _east_asian(info.add_run(f"{who}　导出日期：{now:%Y年%m月%d日}　共 {len(notes)} 篇"), BODY_FONT, 10.5)
    for note in notes:
        heading = doc.add_paragraph()
        _east_asian(heading.add_run(note.content_title), HEADING_FONT, 14, True)
        meta = doc.add_paragraph()
        when = timezone.localtime(note.created_at)
        _east_asian(
            meta.add_run(f"{when:%Y-%m-%d %H:%M}　{'已分享到支部' if note.shared else '仅自己可见'}"),
            BODY_FONT,
            9,
        )
        for line in note.body.splitlines() or [""]:
            _east_asian(doc.add_paragraph().add_run(line), BODY_FONT, 12)
    buffer = io.BytesIO()
    doc.save(buffer)
    audit.record(
        actor=actor,
        action="study.note.export",
        changes={"notes": len(notes)},
        target_repr="学习笔记导出",
        org_path=member.org.path if member is not None else "",
    )
    return buffer.getvalue()
