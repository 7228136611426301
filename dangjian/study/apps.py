from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "dangjian.study"
    verbose_name = "学习专题与学习笔记"

    def ready(self) -> None:
        from dangjian.core import uploads
        from dangjian.core.uploads.policies import AUDIO, DOCUMENT, MB, VIDEO, UploadPolicy
        from dangjian.study import content
        from dangjian.studytime import content as registry

        registry.register(content.PREFIX, resolve=content.resolve, on_progress=content.on_progress)
        uploads.policy_register(
            UploadPolicy(
                "study.material",
                "学习专题资料",
                {DOCUMENT: 50 * MB, VIDEO: 500 * MB, AUDIO: 100 * MB},
                types=frozenset(
                    {
                        "application/pdf",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        "video/mp4",
                        "video/webm",
                        "video/quicktime",
                        "audio/mpeg",
                        "audio/mp4",
                    }
                ),
                read_permission="study.manage",
                manage_permission="study.manage",
                read_check=content.may_read_material,
            ),
            replace=True,
        )
