from typing import Any

from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "dangjian.news"
    verbose_name = "党建新鲜事"

    def ready(self) -> None:
        from dangjian.core import uploads

        uploads.policy_with("news.photo", read_check=_published_photo)


def _published_photo(user: Any, stored: Any) -> bool:
    """Photos of a published post are read by every signed-in user (published news of the enterprise);
    others only by the uploader and users whose orgs.view scope covers the post's organisation."""
    from dangjian.news.models import PostPhoto, PostStatus

    return PostPhoto.objects.filter(file=stored, post__status=PostStatus.PUBLISHED).exists()
