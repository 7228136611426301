"""The upload services: store a checked file, read it back, decide who may read it, delete it.

Every feature stores its files through ``file_store`` and serves them through the one download view
(``core:file_download``). Files live in the upload storage (``settings.UPLOAD_STORAGE``; by default a
``FileSystemStorage`` on ``settings.PRIVATE_MEDIA_ROOT``, outside every served path) under random names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import secrets
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.module_loading import import_string

from dangjian.access import scope
from dangjian.audit import services as audit
from dangjian.core import crypto, ratelimit
from dangjian.core.errors import BusinessError
from dangjian.core.models import StoredFile
from dangjian.core.uploads import detect, images, sealing
from dangjian.core.uploads.policies import MB, UploadPolicy, policy_get

logger = logging.getLogger(__name__)

STORE_ACTION = "core.file.store"
READ_ACTION = "core.file.read"
DELETE_ACTION = "core.file.delete"
GENERIC_NAME = "附件"
DISPLAY_NAME_LIMIT = 100
STREAM_THRESHOLD = 8 * MB  # larger unencrypted files are streamed (digest checked at the end)
_CHUNK = 256 * 1024


# --------------------------------------------------------------------------------------------------------
# Storage and names


def upload_storage() -> Storage:
    """The storage of uploaded files, from ``settings.UPLOAD_STORAGE`` (``BACKEND`` and ``OPTIONS``).

    A ``FileSystemStorage`` without a location uses ``settings.PRIVATE_MEDIA_ROOT``, with files readable by
    the service account only (0600, folders 0700) and no URL: files are served by the download view alone.
    """
    config: dict[str, Any] = getattr(settings, "UPLOAD_STORAGE", {})
    backend = import_string(config.get("BACKEND", "django.core.files.storage.FileSystemStorage"))
    options: dict[str, Any] = dict(config.get("OPTIONS", {}))
    if issubclass(backend, FileSystemStorage):
        options.setdefault("location", settings.PRIVATE_MEDIA_ROOT)
        options.setdefault("file_permissions_mode", 0o600)
        options.setdefault("directory_permissions_mode", 0o700)
    storage: Storage = backend(**options)
    return storage


def random_token() -> str:
    return secrets.token_urlsafe(24)


_WINDOWS_RESERVED = re.compile(r'[<>:"/\\|?*]')


def clean_display_name(raw: str | None, *, ext: str, limit: int = DISPLAY_NAME_LIMIT) -> str:
    """A file name safe to show and to offer for download, with the extension of the detected type.

    Drops any path (``/`` or ``\\``), control and format characters (including bidirectional overrides that
    disguise ``gpj.exe`` as ``exe.jpg``), characters Windows forbids, leading dots and extra spaces, cuts the
    stem to ``limit`` characters and replaces the extension with ``ext``. Empty when nothing is left.
    """
    name = unicodedata.normalize("NFC", (raw or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(_WINDOWS_RESERVED.sub("_", name).split())
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    stem = stem.strip(" .")[:limit].rstrip(" .")
    return f"{stem}{ext}" if stem else ""


def download_name(stored: StoredFile) -> str:
    """The name a download is offered under: the display name, or a generic one with the right extension."""
    if stored.display_name:
        return stored.display_name
    ext = next((f.ext for f in detect.ALL_FORMATS if f.mime == stored.content_type), "")
    return f"{GENERIC_NAME}{ext}"


# --------------------------------------------------------------------------------------------------------
# Checking


@dataclass(frozen=True)
class Checked:
    """The outcome of the checks: the format, and the bytes to store when they are not the upload's own."""

    fmt: detect.Format
    size: int
    data: bytes | None = None
    width: int | None = None
    height: int | None = None


def too_large(limit: int) -> BusinessError:
    return BusinessError("upload.too_large", f"文件过大（上限 {limit / MB:g} MB）", details={"limit": limit})


def file_check(*, upload: File[Any], policy: UploadPolicy) -> Checked:
    """Decide what ``upload`` is from its content and check it against ``policy``. Writes nothing.

    Order: size against the policy's largest limit; the type from magic bytes; markup signatures in the
    first bytes; the kind and type against the policy; size against the kind's limit; a ZIP end record at
    the end of a non-ZIP file; then the format's own check (images: trailer walk, full decode and re-encode;
    PDF and Office: active content; text: UTF-8; video and audio: structure). Raises ``BusinessError``.
    """
    size = upload.size or 0
    if size <= 0:
        raise BusinessError("upload.empty", "文件为空")
    if size > policy.max_bytes:
        raise too_large(policy.max_bytes)
    blob = detect.Blob(upload, size)
    head = blob.read_at(0, detect.HEAD)
    fmt = detect.sniff(head)
    if fmt is not detect.OOXML:  # XML is an Office file's own content (and may be stored uncompressed)
        detect.check_no_markup(head)
    if fmt.kind not in policy.limits:
        raise detect.not_allowed(policy.kinds_label())
    if size > policy.limits[fmt.kind]:
        raise too_large(policy.limits[fmt.kind])
    if fmt is not detect.OOXML:
        detect.check_no_zip_tail(blob)
    if fmt in detect.IMAGE_FORMATS:
        _check_type(fmt, policy)
        original = _read_all(blob)
        detect.check_image_trailer(fmt, original)
        clean = images.reencode(original, fmt, max_pixels=policy.max_pixels, max_side=policy.max_side)
        return Checked(clean.fmt, len(clean.data), clean.data, clean.width, clean.height)
    data: bytes | None = None
    if fmt is detect.OOXML:
        fmt = detect.check_ooxml(upload)
    elif fmt is detect.PDF:
        data = _read_all(blob)
        detect.check_pdf(data)
    elif fmt is detect.TEXT:
        data = _read_all(blob)
        detect.check_text(data)
    elif fmt is detect.WEBM:
        detect.check_webm(blob)
    elif fmt is detect.MP3:
        detect.check_mp3(blob)
    else:
        detect.check_iso_media(blob)
    _check_type(fmt, policy)
    return Checked(fmt, size, data)


def _check_type(fmt: detect.Format, policy: UploadPolicy) -> None:
    if policy.types is not None and fmt.mime not in policy.types:
        raise detect.not_allowed()


def _read_all(blob: detect.Blob) -> bytes:
    data = blob.read_at(0, blob.size)
    if len(data) != blob.size:
        raise detect.corrupt()
    return data


# --------------------------------------------------------------------------------------------------------
# Storing


def file_store(
    *, actor: Any, purpose: str, upload: File[Any], org: Any = None, anonymous: bool = False
) -> StoredFile:
    """Check ``upload`` for ``purpose`` and keep it: the one way a file enters the platform.

    Rules: the purpose's policy decides the allowed kinds, types and sizes (``file_check``); images are
    stored re-encoded; the file gets a random storage name and a random download id; the original name is
    kept only sanitised and only if the policy says so; policies with ``encrypt`` seal the bytes (SM4-GCM).
    Anonymous (``anonymous=True`` or the policy's ``anonymous``): no uploader, no original name, no time of
    day (``created_at`` empty, the file's modification time set to midnight), and no audit entry (its exact
    time would date the file).
    Who may attach files to what is the calling feature's rule; this service does not check scope.
    Side effects: one file in the upload storage; audit ``core.file.store`` (purpose, size, type) in the same
    transaction, unless anonymous. A refused upload raises ``BusinessError`` and leaves nothing in storage or
    the database; if the caller's own transaction rolls back later, ``file_sweep_orphans`` removes the file.
    """
    policy = policy_get(purpose)
    anonymous = anonymous or policy.anonymous
    checked = file_check(upload=upload, policy=policy)
    file_id = uuid.uuid4()
    payload: File[Any]
    if checked.data is not None or policy.encrypt:
        content = checked.data if checked.data is not None else _read_all(detect.Blob(upload, checked.size))
        key_id = ""
        if policy.encrypt:
            content = sealing.seal(content, context=file_id.hex.encode())
            key_id = crypto.current_key_id()
        digest = hashlib.sha256(content).hexdigest()
        payload = ContentFile(content)
    else:
        hasher = hashlib.sha256()
        for chunk in upload.chunks(_CHUNK):
            hasher.update(chunk)
        digest, key_id, payload = hasher.hexdigest(), "", upload
    today = timezone.localdate()
    keep_name = policy.keep_original_name and not anonymous
    token = random_token()
    storage = upload_storage()
    saved = storage.save(f"{token[:2]}/{token}", payload)
    try:
        if anonymous:
            _blur_modified_time(storage, saved, today)
        with transaction.atomic():
            stored = StoredFile.objects.create(
                id=file_id,
                public_id=random_token(),
                storage_name=saved,
                display_name=clean_display_name(upload.name, ext=checked.fmt.ext) if keep_name else "",
                kind=checked.fmt.kind,
                content_type=checked.fmt.mime,
                size=checked.size,
                sha256=digest,
                width=checked.width,
                height=checked.height,
                purpose=purpose,
                org=org,
                uploader=None if anonymous or not getattr(actor, "is_authenticated", False) else actor,
                encrypted=policy.encrypt,
                key_id=key_id,
                anonymous=anonymous,
                created_on=today,
                created_at=None if anonymous else timezone.now(),
            )
            _audit_store(actor=actor, stored=stored, anonymous=anonymous)
    except BaseException:
        storage.delete(saved)
        raise
    return stored


def _audit_store(*, actor: Any, stored: StoredFile, anonymous: bool) -> None:
    # SECURITY.md "The anonymous mailbox": the stored submission time is the day only. An audit entry
    # carries its exact time, so on a quiet day even an entry naming neither file nor sender would date the
    # submission it belongs to: an anonymous file is stored without one (the handlers' reads are audited).
    if anonymous:
        return
    audit.record(
        actor=actor,
        action=STORE_ACTION,
        target=stored,
        org_path=stored.org.path if stored.org is not None else "",
        changes={"purpose": stored.purpose, "size": stored.size, "type": stored.content_type},
    )


def _blur_modified_time(storage: Storage, name: str, day: dt.date) -> None:
    try:
        path = storage.path(name)
    except NotImplementedError:  # object storage: no file times to set
        return
    midnight = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone()).timestamp()
    os.utime(path, (midnight, midnight))


# --------------------------------------------------------------------------------------------------------
# Reading


def file_open(*, stored: StoredFile) -> bytes:
    """The content of ``stored``: its digest checked, decrypted when sealed. Does not check access.

    Raises ``upload.missing`` when the bytes are gone and ``upload.tampered`` (or ``crypto.*``) when they
    were altered.
    """
    blob = _read_stored(stored)
    if hashlib.sha256(blob).hexdigest() != stored.sha256:
        raise _tampered(stored)
    if stored.encrypted:
        return sealing.unseal(blob, context=stored.id.hex.encode())
    return blob


def _read_stored(stored: StoredFile) -> bytes:
    try:
        with upload_storage().open(stored.storage_name, "rb") as fh:
            data: bytes = fh.read()
    except FileNotFoundError:
        raise BusinessError("upload.missing", "文件不存在或已被删除") from None
    return data


def _tampered(stored: StoredFile) -> BusinessError:
    logger.error("stored file %s failed its digest check", stored.pk)
    return BusinessError("upload.tampered", "文件校验失败（可能被篡改）")


def file_chunks(*, stored: StoredFile) -> Iterator[bytes]:
    """The content of ``stored`` in chunks, for large files; its digest is checked after the last chunk.

    Opens the file at once (``upload.missing`` is raised here, not mid-stream); a digest mismatch raises
    ``upload.tampered`` at the end, which cuts the response short. Sealed files are read whole.
    """
    if stored.encrypted:
        return iter([file_open(stored=stored)])
    try:
        fh = upload_storage().open(stored.storage_name, "rb")
    except FileNotFoundError:
        raise BusinessError("upload.missing", "文件不存在或已被删除") from None
    return _verified_chunks(fh, stored)


def _verified_chunks(fh: File[Any], stored: StoredFile) -> Iterator[bytes]:
    hasher = hashlib.sha256()
    with fh:
        while chunk := fh.read(_CHUNK):
            hasher.update(chunk)
            yield chunk
    if hasher.hexdigest() != stored.sha256:
        raise _tampered(stored)


def file_may_read(*, user: Any, stored: StoredFile) -> bool:
    """Whether ``user`` may download ``stored``.

    The uploader may; so may a user whose scope for the purpose's ``read_permission`` covers the file's
    organisation, and anyone the purpose's ``read_check`` admits. Nobody else, and no inactive account.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if stored.uploader_id is not None and stored.uploader_id == user.pk:
        return True
    try:
        policy = policy_get(stored.purpose)
    except BusinessError:
        return False
    if stored.org is not None and scope.org_in_scope(user, policy.read_permission, stored.org):
        return True
    return bool(policy.read_check is not None and policy.read_check(user, stored))


def file_get(*, user: Any, public_id: str) -> StoredFile | None:
    """The file with download id ``public_id`` if ``user`` may read it; ``None`` otherwise (answer 404)."""
    stored = StoredFile.objects.select_related("org").filter(public_id=public_id).first()
    if stored is None or not file_may_read(user=user, stored=stored):
        return None
    return stored


def file_read(*, actor: Any, stored: StoredFile) -> Iterator[bytes]:
    """The content of ``stored`` for ``actor``, who must be allowed to read it (``upload.not_found`` if not).

    Files up to 8 MiB and sealed files are read and checked whole before the first byte is returned; larger
    ones are streamed (``file_chunks``). Side effect: audit ``core.file.read`` when the purpose audits reads
    (mailbox attachments: every read by a handler is recorded).
    """
    if not file_may_read(user=actor, stored=stored):
        raise BusinessError("upload.not_found", "文件不存在或无权查看")
    if stored.encrypted or stored.size <= STREAM_THRESHOLD:
        chunks = iter([file_open(stored=stored)])
    else:
        chunks = file_chunks(stored=stored)
    if policy_get(stored.purpose).audit_reads:
        audit.record(
            actor=actor,
            action=READ_ACTION,
            target=stored,
            org_path=stored.org.path if stored.org is not None else "",
            changes={"purpose": stored.purpose},
        )
    return chunks


# --------------------------------------------------------------------------------------------------------
# Deleting, re-sealing, sweeping


def _may_manage(actor: Any, stored: StoredFile) -> bool:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if stored.uploader_id is not None and stored.uploader_id == actor.pk:
        return True
    try:
        permission = policy_get(stored.purpose).manage_permission
    except BusinessError:
        return False
    return stored.org is not None and scope.org_in_scope(actor, permission, stored.org)


def file_delete(*, actor: Any, stored: StoredFile, authorised: bool = False) -> None:
    """Delete ``stored``: its row now, its bytes once the transaction commits.

    Rules: the uploader may delete, or a user whose scope for the purpose's ``manage_permission`` covers the
    file's organisation; a feature service that has already decided (e.g. deleting the meeting the file
    belongs to) passes ``authorised=True``. Otherwise ``upload.forbidden``.
    Side effects: audit ``core.file.delete`` in the same transaction; the stored bytes are removed on commit.
    """
    if not authorised and not _may_manage(actor, stored):
        raise BusinessError("upload.forbidden", "无权删除该文件")
    name = stored.storage_name
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=DELETE_ACTION,
            target=stored,
            org_path=stored.org.path if stored.org is not None else "",
            changes={"purpose": stored.purpose},
        )
        stored.delete()
        transaction.on_commit(lambda: upload_storage().delete(name))


def file_reseal(*, stored: StoredFile) -> bool:
    """Seal an encrypted file again under the current field key (key rotation). True if it was re-sealed.

    The new ciphertext goes to a new random storage name; the row is switched over only if it still points
    at the old bytes, and the old bytes are removed on commit. Idempotent: a file already under the current
    key is left alone.
    """
    current = crypto.current_key_id()
    if not stored.encrypted or stored.key_id == current:
        return False
    sealed = sealing.seal(file_open(stored=stored), context=stored.id.hex.encode(), key_id=current)
    storage, old = upload_storage(), stored.storage_name
    token = random_token()
    new = storage.save(f"{token[:2]}/{token}", ContentFile(sealed))
    digest = hashlib.sha256(sealed).hexdigest()
    try:
        with transaction.atomic():
            switched = StoredFile.objects.filter(pk=stored.pk, storage_name=old).update(
                storage_name=new, sha256=digest, key_id=current
            )
            if switched:
                transaction.on_commit(lambda: storage.delete(old))
    except BaseException:
        storage.delete(new)
        raise
    if not switched:
        storage.delete(new)
        return False
    stored.storage_name, stored.sha256, stored.key_id = new, digest, current
    return True


def file_sweep_orphans(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete stored bytes that no ``StoredFile`` row names and that are older than ``older_than``.

    They are left behind when a caller's transaction rolls back after ``file_store`` wrote the bytes.
    ``older_than`` must exceed any transaction's length and is at least a day, because anonymous files
    carry midnight as their modification time. Returns the number of files removed.
    """
    older_than = max(older_than, dt.timedelta(days=1))
    storage = upload_storage()
    cutoff = timezone.now() - older_than
    removed = 0
    try:
        folders, _ = storage.listdir("")
    except FileNotFoundError:
        return 0
    for folder in folders:
        _, files = storage.listdir(folder)
        names = [f"{folder}/{name}" for name in files]
        for start in range(0, len(names), 500):
            batch = names[start : start + 500]
            known = set(
                StoredFile.objects.filter(storage_name__in=batch).values_list("storage_name", flat=True)
            )
            for name in batch:
                if name not in known and storage.get_modified_time(name) < cutoff:
                    storage.delete(name)
                    removed += 1
    return removed


# --------------------------------------------------------------------------------------------------------
# Rate limit for upload views


def upload_throttle(*, request: HttpRequest, anonymous: bool = False) -> HttpResponse | None:
    """Count one upload against the ``upload`` rate limit; a 429 response when it is exceeded, else None.

    Signed-in uploads count per client address and user (``ratelimit.client_key``). Anonymous submissions
    count in one shared bucket (``settings.UPLOAD_ANONYMOUS_RATE``) so that no address or user is ever
    written to the rate counters (SECURITY.md "The anonymous mailbox").
    """
    if anonymous:
        limit, window = getattr(settings, "UPLOAD_ANONYMOUS_RATE", (300, 600))
        key = "upload:anonymous"
    else:
        limit, window = ratelimit.limit_for("upload")
        key = f"upload:{ratelimit.client_key(request)}"
    allowed, retry_after = ratelimit.hit(key, limit=limit, window=window)
    return None if allowed else ratelimit.too_many(request, retry_after)
