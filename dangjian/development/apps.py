from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "dangjian.development"
    verbose_name = "发展党员"

    def ready(self) -> None:
        from dangjian.core import uploads
        from dangjian.core.uploads.policies import DOCUMENT, IMAGE, MB
        from dangjian.development import services

        # 发展党员材料 (入党申请书, 谈话记录, 考察表, 政审材料, 入党志愿书 scans …): a PDF, DOCX or image;
        # readable by
        # whoever reads the branch's development files (development.view), kept by development.manage.
        uploads.policy_register(
            uploads.UploadPolicy(
                services.DOCUMENT_PURPOSE,
                "发展党员材料",
                {DOCUMENT: 20 * MB, IMAGE: 10 * MB},
                types=frozenset(
                    {
                        "application/pdf",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        "image/jpeg",
                        "image/png",
                    }
                ),
                read_permission="development.view",
                manage_permission="development.manage",
                keep_original_name=True,
                encrypt=True,
                audit_reads=True,
            ),
            replace=True,
        )
