"""The one upload pipeline (SECURITY.md "Uploads"; docs/uploads.md): check by content, re-encode images,
store privately under random names, serve through one authorised view.

Public API::

    file_store(*, actor, purpose, upload, org=None, anonymous=False) -> StoredFile
    file_open(*, stored) -> bytes                  # checked (and decrypted) content
    file_read(*, actor, stored) -> Iterator[bytes] # access-checked, audited when the purpose says so
    file_delete(*, actor, stored, authorised=False)
    file_get(*, user, public_id) -> StoredFile | None
    file_may_read(*, user, stored) -> bool
    upload_throttle(*, request, anonymous=False) -> HttpResponse | None
    policy_get(purpose) / policy_register(policy) / policy_with(purpose, **changes)
"""

from dangjian.core.uploads.policies import (
    MB,
    UploadPolicy,
    policy_get,
    policy_list,
    policy_register,
    policy_with,
)
from dangjian.core.uploads.services import (
    clean_display_name,
    download_name,
    file_check,
    file_chunks,
    file_delete,
    file_get,
    file_may_read,
    file_open,
    file_read,
    file_reseal,
    file_store,
    file_sweep_orphans,
    upload_storage,
    upload_throttle,
)

__all__ = [
    "MB",
    "UploadPolicy",
    "clean_display_name",
    "download_name",
    "file_check",
    "file_chunks",
    "file_delete",
    "file_get",
    "file_may_read",
    "file_open",
    "file_read",
    "file_reseal",
    "file_store",
    "file_sweep_orphans",
    "policy_get",
    "policy_list",
    "policy_register",
    "policy_with",
    "upload_storage",
    "upload_throttle",
]
