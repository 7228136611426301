from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "dangjian.supervision"
    verbose_name = "党风廉政监督"

    def ready(self) -> None:
        from dangjian.core import uploads
        from dangjian.core.uploads.policies import DOCUMENT, IMAGE, MB
        from dangjian.supervision import services

        # 佐证材料 of 履责 and 整改: photos and documents; read by whoever reads the organisation's
        # supervision data (the responsible organisation and the levels above), deleted by its managers.
        uploads.policy_register(
            uploads.UploadPolicy(
                services.EVIDENCE_PURPOSE,
                "监督佐证材料",
                {IMAGE: 10 * MB, DOCUMENT: 20 * MB},
                read_permission="supervision.view",
                manage_permission="supervision.manage",
            ),
            replace=True,
        )
