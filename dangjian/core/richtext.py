"""Rich text (study articles, party-school lessons…): an allow-list sanitiser (nh3), a renderer that
rebuilds the markup from a parsed tree with every token escaped (so nothing is marked safe by hand),
and Word (.docx) to HTML.

Why two layers: ``sanitize`` runs when an article is saved (what is stored is already clean); ``render`` runs
when it is shown and re-serialises only allow-listed tags and attributes through ``format_html``, which
escapes each value, so stored markup that somehow bypassed the sanitiser still cannot inject script.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from typing import Any

import nh3
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString

from dangjian.core.errors import BusinessError

TAGS = frozenset(
    {
        "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "blockquote", "ul", "ol", "li",
        "a", "table", "thead", "tbody", "tr", "th", "td", "hr", "sub", "sup", "span",
    }
)  # fmt: skip
ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}
VOID = frozenset({"br", "hr"})
MAX_CHARS = 200_000


def sanitize(html: str) -> str:
    """Keep only the allow-listed tags and attributes; links get ``rel="noopener noreferrer"``."""
    return nh3.clean(
        (html or "")[:MAX_CHARS],
        tags=set(TAGS),
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def from_plain_text(text: str) -> str:
    """Plain text (pasted without markup) → paragraphs."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\r\n\s*\r\n", text or "") if p.strip()]
    return "".join(
        "<p>" + "<br>".join(str(conditional_escape(line)) for line in p.splitlines()) + "</p>"
        for p in paragraphs
    )


def prepare(raw: str) -> str:
    """What the editor sends → clean HTML: markup is sanitised; text without any tag becomes paragraphs."""
    if not re.search(r"<[a-zA-Z/][^>]*>", raw or ""):
        return from_plain_text(raw)
    return sanitize(raw)


def plain_text(html: str) -> str:
    """The text of clean HTML (for summaries and the note export)."""
    return re.sub(r"\s+", " ", nh3.clean(html or "", tags=set())).strip()


class _Node:
    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag: str, attrs: list[tuple[str, str]]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Node | str] = []


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("", [])
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            return
        allowed = ATTRIBUTES.get(tag, set())
        kept = [(k, v or "") for k, v in attrs if k in allowed]
        if tag == "a":
            kept = [(k, v) for k, v in kept if k != "href" or _safe_url(v)]
            kept.append(("rel", "noopener noreferrer"))
        node = _Node(tag, kept)
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in TAGS and tag not in VOID and len(self.stack) > 1:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _safe_url(url: str) -> bool:
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    return scheme in URL_SCHEMES or (not scheme and not url.startswith("//"))


def _render(node: _Node | str) -> SafeString:
    if isinstance(node, str):
        return conditional_escape(node)
    inner = format_html_join("", "{}", ((_render(c),) for c in node.children))
    if not node.tag:
        return inner
    attrs = format_html_join("", ' {}="{}"', ((k, v) for k, v in node.attrs))
    if node.tag in VOID:
        return format_html("<{}{}>", node.tag, attrs)
    return format_html("<{}{}>{}</{}>", node.tag, attrs, inner, node.tag)


def render(html: str) -> SafeString:
    """Clean HTML → markup for a template: allow-listed tags and attributes only, every text and attribute
    value escaped by ``format_html``."""
    builder = _TreeBuilder()
    builder.feed(sanitize(html))
    builder.close()
    return _render(builder.root)


# --------------------------------------------------------------------------------------------------------
# Word (.docx) → HTML


def text_length(html: str) -> int:
    """Characters of visible text (for an estimated reading time)."""
    return len(re.sub(r"\s+", "", plain_text(html)))


def docx_to_html(data: bytes) -> str:
    """The paragraphs (headings as h2–h4, bold/italic/underline runs), bulleted and numbered lists and tables
    of a .docx, in document order, as clean HTML (python-docx). Images and text boxes are left out.
    ``BusinessError`` when the file cannot be read as a Word document."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds on a damaged package
        raise BusinessError("core.bad_docx", "无法读取该 Word 文档，请另存为 .docx 后重试") from exc
    parts: list[str] = []
    open_list: str | None = None
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, doc)
            kind = _list_kind(paragraph)
            if open_list and kind != open_list:
                parts.append(f"</{open_list}>")
                open_list = None
            if kind:
                inner = _runs_html(paragraph)
                if inner.strip():
                    if open_list is None:
                        parts.append(f"<{kind}>")
                        open_list = kind
                    parts.append(f"<li>{inner}</li>")
                continue
            parts.append(_paragraph_html(paragraph))
        elif tag == "tbl":
            if open_list:
                parts.append(f"</{open_list}>")
                open_list = None
            parts.append(_table_html(Table(child, doc)))
    if open_list:
        parts.append(f"</{open_list}>")
    return sanitize("".join(p for p in parts if p))


def _list_kind(paragraph: Any) -> str | None:
    style = (paragraph.style.name or "") if paragraph.style is not None else ""
    if "Number" in style:
        return "ol"
    if "Bullet" in style or "List" in style:
        return "ul"
    return None


def _runs_html(paragraph: Any) -> str:
    out = []
    for run in paragraph.runs:
        text = str(conditional_escape(run.text or ""))
        if not text:
            continue
        if run.bold:
            text = f"<strong>{text}</strong>"
        if run.italic:
            text = f"<em>{text}</em>"
        if run.underline:
            text = f"<u>{text}</u>"
        out.append(text)
    return "".join(out)


def _paragraph_html(paragraph: Any) -> str:
    inner = _runs_html(paragraph)
    if not inner.strip():
        return ""
    style = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
    if style == "title":
        return f"<h2>{inner}</h2>"
    match = re.match(r"heading (\d)", style)
    if match:
        level = min(max(int(match.group(1)) + 1, 2), 4)
        return f"<h{level}>{inner}</h{level}>"
    return f"<p>{inner}</p>"


def _cell_text(cell: Any) -> str:
    return "<br>".join(str(conditional_escape(p.text)) for p in cell.paragraphs)


def _table_html(table: Any) -> str:
    rows = []
    header = len(table.rows) > 1  # the first row of a longer table is its header
    for r, row in enumerate(table.rows):
        cell_tag = "th" if r == 0 and header else "td"
        cells = "".join(f"<{cell_tag}>{_cell_text(cell)}</{cell_tag}>" for cell in row.cells)
        rows.append(f"<tr>{cells}</tr>")
    return f"<table>{''.join(rows)}</table>" if rows else ""
