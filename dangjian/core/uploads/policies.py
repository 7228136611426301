"""Per-purpose upload policies: what a feature accepts, how large, and how it is kept.

A purpose is the feature key (``"news.photo"``). Each policy lists the allowed kinds with their size limits,
optionally narrows the content types, sets the pixel limit for images and says whether the original name is
kept, whether the bytes are encrypted at rest and whether the upload is always anonymous. The registry is
code, not data: a purpose no policy names is refused (``upload.unknown_purpose``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dangjian.core.errors import BusinessError
from dangjian.core.models import FileKind

if TYPE_CHECKING:
    from dangjian.core.models import StoredFile

MB = 1024 * 1024

IMAGE = FileKind.IMAGE.value
VIDEO = FileKind.VIDEO.value
DOCUMENT = FileKind.DOCUMENT.value
AUDIO = FileKind.AUDIO.value

ReadCheck = Callable[[Any, "StoredFile"], bool]


@dataclass(frozen=True)
class UploadPolicy:
    """What one purpose accepts and how its files are kept.

    ``limits`` maps each allowed kind to its size limit in bytes. ``types`` narrows the accepted content
    types (as detected, e.g. ``"image/gif"``); ``None`` accepts every type of the allowed kinds.
    ``max_pixels`` is the pixel-flood limit for images; ``max_side`` scales larger images down on re-encoding.
    ``keep_original_name``: keep the sanitised file name for display. ``encrypt``: SM4-GCM at rest.
    ``anonymous``: always stored without uploader, original name or time of day (SECURITY.md mailbox).
    ``read_permission``: who may download, besides the uploader: users whose scope for it covers the file's
    organisation; ``read_check`` adds a rule of the owning feature (e.g. any member of the organisation).
    ``manage_permission``: who may delete, besides the uploader. ``audit_reads``: every download is audited.
    """

    purpose: str
    label: str
    limits: Mapping[str, int]
    types: frozenset[str] | None = None
    max_pixels: int = 40_000_000
    max_side: int | None = None
    keep_original_name: bool = True
    encrypt: bool = False
    anonymous: bool = False
    read_permission: str = "orgs.view"
    manage_permission: str = "orgs.change"
    read_check: ReadCheck | None = field(default=None, compare=False)
    audit_reads: bool = False

    @property
    def max_bytes(self) -> int:
        return max(self.limits.values())

    def kinds_label(self) -> str:
        return "、".join(FileKind(k).label for k in self.limits)


_POLICIES: dict[str, UploadPolicy] = {}


def policy_register(policy: UploadPolicy, *, replace: bool = False) -> UploadPolicy:
    """Add a purpose (from the owning app's ``AppConfig.ready``). Replacing one must be explicit."""
    if not policy.limits or any(k not in FileKind.values for k in policy.limits):
        raise ValueError(f"{policy.purpose}: limits must name kinds among {FileKind.values}")
    if policy.purpose in _POLICIES and not replace:
        raise ValueError(f"upload purpose {policy.purpose!r} is already registered")
    _POLICIES[policy.purpose] = policy
    return policy


def policy_get(purpose: str) -> UploadPolicy:
    """The policy of ``purpose``; ``BusinessError("upload.unknown_purpose")`` when none is registered."""
    try:
        return _POLICIES[purpose]
    except KeyError:
        raise BusinessError("upload.unknown_purpose", f"未知的上传用途：{purpose}") from None


def policy_list() -> list[UploadPolicy]:
    return sorted(_POLICIES.values(), key=lambda p: p.purpose)


def policy_with(purpose: str, **changes: Any) -> UploadPolicy:
    """Register a changed copy of a purpose's policy (e.g. ``read_check`` added by the news app)."""
    return policy_register(dataclasses.replace(policy_get(purpose), **changes), replace=True)


# The purposes known today. Read permissions named here but not yet granted by any role (meetings.view,
# supervision.*) leave downloads to the uploader until the owning app defines them in access.roles.
for _policy in (
    UploadPolicy("test.image", "测试图片", {IMAGE: 5 * MB}),
    UploadPolicy(
        "news.photo",
        "新闻图片",
        {IMAGE: 20 * MB},
        types=frozenset({"image/jpeg", "image/png", "image/webp"}),
        max_pixels=50_000_000,
        max_side=4096,
    ),
    UploadPolicy(
        "meeting.attachment",
        "会议附件",
        {IMAGE: 20 * MB, DOCUMENT: 50 * MB, VIDEO: 500 * MB, AUDIO: 100 * MB},
        max_pixels=50_000_000,
        max_side=4096,
        read_permission="meetings.view",
        manage_permission="meetings.change",
    ),
    UploadPolicy(
        "snapshot.media",
        "随手拍图片与视频",
        {IMAGE: 20 * MB, VIDEO: 100 * MB},
        max_pixels=50_000_000,
        max_side=4096,
        keep_original_name=False,  # phone names carry the moment of capture (IMG_20260101_103522.jpg)
        read_permission="supervision.snapshot_view",
        manage_permission="supervision.snapshot_handle",
    ),
    UploadPolicy(
        "mailbox.attachment",
        "书记信箱附件",
        {IMAGE: 20 * MB, DOCUMENT: 20 * MB, AUDIO: 20 * MB, VIDEO: 50 * MB},
        max_pixels=50_000_000,
        max_side=4096,
        keep_original_name=False,
        encrypt=True,
        anonymous=True,
        read_permission="supervision.mailbox_read",
        manage_permission="supervision.mailbox_handle",
        audit_reads=True,
    ),
    UploadPolicy(
        "learning.material",
        "学习资料",
        {DOCUMENT: 50 * MB, IMAGE: 20 * MB, VIDEO: 500 * MB, AUDIO: 100 * MB},
        max_pixels=50_000_000,
    ),
):
    policy_register(_policy)
