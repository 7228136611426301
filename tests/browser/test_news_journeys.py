"""Browser journey of 党建新鲜事 in Debian's Chromium on a phone-sized screen: a branch secretary submits an
activity post with a photo, the committee officer approves it, a member sees it on the home page."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from PIL import Image

from dangjian.news.models import Post, PostStatus
from tests.browser.conftest import login

SHOTS = Path(settings.BASE_DIR) / "test-results"
PASSWORD = settings.DEMO_PASSWORD or "Dangjian@2026"
TITLE = "第一党支部开展“学雷锋”志愿服务（浏览器测试）"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", "--members", "200", "--force", verbosity=0)


def photo_file() -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / "news-photo.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 22, 29)).save(buf, "JPEG")
    path.write_bytes(buf.getvalue())
    return path


def sign_out(page) -> None:
    page.context.clear_cookies()


def test_a_secretary_posts_with_a_photo_the_officer_approves_and_a_member_sees_it(demo, page, live_server):
    # 1. zhibu1 writes the post with a photo and submits it for review.
    login(page, live_server, "zhibu1", PASSWORD)
    page.goto(f"{live_server.url}/news/posts/new/")
    page.fill("#id_title", TITLE)
    page.fill("#id_happened_on", (dt.date.today() - dt.timedelta(days=1)).isoformat())
    page.fill("#id_body", "支部党员志愿者走进社区，为居民义务维修家电。\n\n活动受到居民好评。")
    page.set_input_files("#id_photos", str(photo_file()))
    page.click("#post-submit")
    page.wait_for_selector("#post-article")
    assert "已提交上级党组织审核" in page.inner_text("main")
    post = Post.objects.get(title=TITLE)
    assert post.status == PostStatus.PENDING and post.photos.count() == 1
    page.screenshot(path=str(SHOTS / "news-submitted-phone.png"), full_page=True)

    # 2. erji1 (the committee above the branch) finds it in the review queue and approves it.
    sign_out(page)
    login(page, live_server, "erji1", PASSWORD)
    page.goto(f"{live_server.url}/news/review/")
    page.click(f"#review-list >> text={TITLE}")
    page.wait_for_selector("#approve-post")
    page.click("#approve-post")
    page.wait_for_url("**/news/review/")
    assert "已通过审核并发布" in page.inner_text("main")
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED

    # 3. dangyuan1, a member without any role, sees it on the home page and opens it with its photo.
    sign_out(page)
    login(page, live_server, "dangyuan1", PASSWORD)
    block = page.inner_text("#home-news")
    assert TITLE in block and "基层动态" in block
    page.click(f"#home-news >> text={TITLE}")
    page.wait_for_selector("#post-photos img")
    loaded = page.eval_on_selector("#post-photos img", "img => img.complete && img.naturalWidth > 0")
    assert loaded, "the photo did not load"
    page.screenshot(path=str(SHOTS / "news-detail-phone.png"), full_page=True)
