from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "dangjian.appraisal"
    verbose_name = "组织生活会与民主评议党员"

    def ready(self) -> None:
        from dangjian.appraisal import services
        from dangjian.core import uploads
        from dangjian.core.uploads.policies import DOCUMENT, MB

        # 对照检查材料: a document (PDF, DOCX or UTF-8 text) the member uploads; readable by the member who
        # uploaded it and by whoever reads the branch's 组织生活 (meetings.view over its organisation).
        uploads.policy_register(
            uploads.UploadPolicy(
                services.MATERIAL_PURPOSE,
                "对照检查材料",
                {DOCUMENT: 20 * MB},
                types=frozenset(
                    {
                        "application/pdf",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        "text/plain",
                    }
                ),
                read_permission="meetings.view",
                manage_permission="meetings.change",
            ),
            replace=True,
        )
