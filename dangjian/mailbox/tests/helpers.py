from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dangjian.mailbox import services


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (30, 20), "navy").save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def letter(
    world: Any,
    *,
    subject: str = "反映车间主任上班离岗",
    body: str = "车间主任经常上班时间离岗，请核实。",
    **kw: Any,
) -> Any:
    kw.setdefault("org", world.branch_a)
    kw.setdefault("anonymous", True)
    return services.letter_submit(writer=None, subject=subject, body=body, **kw)


def report(world: Any, **kw: Any) -> Any:
    kw.setdefault("org", world.branch_a)
    return services.snapshot_submit(
        reporter=None, description="消防通道被堵塞", anonymous=True, uploads=[jpeg()], **kw
    )
