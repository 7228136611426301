from django.apps import AppConfig


class MailboxConfig(AppConfig):
    name = "dangjian.mailbox"
    verbose_name = "书记信箱与随手拍"

    def ready(self) -> None:
        from dangjian.core import uploads
        from dangjian.core.uploads.policies import AUDIO, DOCUMENT, IMAGE, MB, VIDEO
        from dangjian.mailbox import (
            board,  # noqa: F401 (registers the supervision board's section)
            services,
        )

        # Attachments of letters and 随手拍 media: always stored anonymously (no uploader, no name, no time of
        # day), encrypted at rest, and readable only by the designated handlers of the organisation (granted
        # mailbox.handle *at* it, not above it: ``read_check``). The read permission names no role's code,
        # so the subtree rule of the pipeline admits nobody; every download is audited.
        def designated(user: object, stored: object) -> bool:
            return getattr(stored, "org_id", None) in services.handler_org_ids(user)

        for purpose, label, limits in (
            (
                services.LETTER_PURPOSE,
                "书记信箱附件",
                {IMAGE: 20 * MB, DOCUMENT: 20 * MB, AUDIO: 20 * MB, VIDEO: 50 * MB},
            ),
            (services.SNAPSHOT_PURPOSE, "随手拍图片与视频", {IMAGE: 20 * MB, VIDEO: 50 * MB}),
        ):
            uploads.policy_register(
                uploads.UploadPolicy(
                    purpose,
                    label,
                    limits,
                    max_pixels=50_000_000,
                    max_side=4096,
                    # Phone file names carry the moment of capture (IMG_20260101_1035.jpg).
                    keep_original_name=False,
                    encrypt=True,
                    anonymous=True,
                    read_permission="mailbox.designated_handler",
                    manage_permission="mailbox.designated_handler",
                    read_check=designated,
                    audit_reads=True,
                ),
                replace=True,
            )
