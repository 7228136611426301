"""The one download view for uploaded files (SECURITY.md "Uploads": downloaded only through an authorised
view with ``Content-Disposition: attachment``)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.views.decorators.http import require_safe

from dangjian.access import classify
from dangjian.core import uploads
from dangjian.core.errors import BusinessError

# The bytes are never a page: no script, no plug-in, no styles, no same-origin rights even if opened inline.
FILE_CSP = "default-src 'none'; sandbox"


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback name and the UTF-8 name (RFC 6266 / RFC 5987)."""
    fallback = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@require_safe
def file_download(request: HttpRequest, token: str) -> StreamingHttpResponse:
    """Serve a stored file to its uploader or to users whose scope covers it; 404 for everyone else.

    Always as an attachment, with the stored (content-decided) type, ``nosniff``, a sandboxing CSP and no
    caching. A file whose bytes are missing or fail their digest check is 404 too (and logged).
    """
    stored = uploads.file_get(user=request.user, public_id=token)
    if stored is None:
        raise Http404("文件不存在")
    try:
        chunks = uploads.file_read(actor=request.user, stored=stored)
    except BusinessError as exc:
        raise Http404(exc.message) from exc
    content_type = stored.content_type
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Length"] = str(stored.size)
    response["Content-Disposition"] = content_disposition(uploads.download_name(stored))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = FILE_CSP
    response["Referrer-Policy"] = "no-referrer"
    return response


file_download.access = classify.PERMISSION  # type: ignore[attr-defined]
