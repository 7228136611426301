"""Branch activity posts: writing with photos, submitting, review by the level above, taking down."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_user
from dangjian.access import services as access_services
from dangjian.audit.models import AuditEntry
from dangjian.core.errors import BusinessError
from dangjian.core.models import StoredFile
from dangjian.news import selectors, services
from dangjian.news.models import Post, PostPhoto, PostStatus
from dangjian.news.tests.conftest import image_upload

DAY = dt.date(2026, 3, 2)


def draft(world, **kw) -> Post:
    data = {
        "actor": world.secretary_a,
        "org": world.branch_a,
        "title": "第一党支部开展主题党日活动",
        "body": "3月2日，第一党支部组织全体党员参观革命纪念馆。\n\n大家重温入党誓词。",
        "happened_on": DAY,
    } | kw
    return services.post_create(**data)


def pending(world, **kw) -> Post:
    post = draft(world, **kw)
    return services.post_submit(actor=kw.get("actor", world.secretary_a), post=post)


def test_secretary_writes_a_post_with_photos_stored_through_the_upload_pipeline(world):
    post = draft(world, photos=[image_upload("合影.jpg"), image_upload("现场.png", fmt="PNG")])
    assert post.status == PostStatus.DRAFT and post.author == world.secretary_a
    photos = list(post.photos.select_related("file"))
    assert [p.position for p in photos] == [0, 1]
    assert all(p.file.purpose == "news.photo" and p.file.org == world.branch_a for p in photos)
    assert post.paragraphs() == ["3月2日，第一党支部组织全体党员参观革命纪念馆。", "大家重温入党誓词。"]
    entry = AuditEntry.objects.get(action="news.post.create")
    assert entry.target_id == str(post.pk) and entry.org_path == world.branch_a.path


def test_a_non_image_photo_is_refused_and_nothing_is_kept(world, news_snapshot):
    before = news_snapshot()
    fake = SimpleUploadedFile("报告.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    with pytest.raises(BusinessError) as exc:
        draft(world, photos=[image_upload(), fake])
    assert exc.value.code == "upload.type_not_allowed" and "报告.pdf" in exc.value.message
    assert news_snapshot() == before


def test_more_than_nine_photos_are_refused(world, news_snapshot):
    before = news_snapshot()
    with pytest.raises(BusinessError) as exc:
        draft(world, photos=[image_upload(f"{i}.jpg") for i in range(10)])
    assert exc.value.code == "news.too_many_photos"
    assert news_snapshot() == before


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"org": "branch_b"}, "news.forbidden"),
        ({"org": "group_a"}, "news.group_not_allowed"),
        ({"title": " "}, "news.title_required"),
        ({"body": ""}, "news.body_required"),
        ({"happened_on": dt.date(2099, 1, 1)}, "news.future_date"),
        ({"actor": "member_user"}, "news.forbidden"),
    ],
)
def test_a_bad_post_is_refused_and_changes_nothing(world, news_snapshot, fields, code):
    fields = {k: getattr(world, v) if k in ("org", "actor") else v for k, v in fields.items()}
    before = news_snapshot()
    with pytest.raises(BusinessError) as exc:
        draft(world, **fields)
    assert exc.value.code == code
    assert news_snapshot() == before


def test_the_committee_officer_approves_a_branch_post_and_it_is_published(world):
    post = pending(world)
    assert post.status == PostStatus.PENDING and post.submitted_at is not None
    assert post in selectors.post_list_for_reviewer(user=world.officer)
    services.post_approve(actor=world.officer, post=post)
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED and post.published_at is not None
    assert post.reviewed_by == world.officer
    assert post in selectors.published_post_list()
    entry = AuditEntry.objects.get(action="news.post.approve")
    assert entry.actor == world.officer and entry.org_path == world.branch_a.path


def test_a_returned_post_carries_the_reason_and_can_be_edited_and_resubmitted(world):
    post = pending(world)
    services.post_return(actor=world.officer, post=post, reason="请补充活动照片")
    post.refresh_from_db()
    assert post.status == PostStatus.RETURNED and post.review_note == "请补充活动照片"
    services.post_update(
        actor=world.secretary_a, post=post, title="第一党支部主题党日（修改）", photos=[image_upload()]
    )
    services.post_submit(actor=world.secretary_a, post=post)
    post.refresh_from_db()
    assert post.status == PostStatus.PENDING and post.photos.count() == 1
    assert AuditEntry.objects.filter(action="news.post.return", target_id=str(post.pk)).exists()


@pytest.mark.parametrize("persona", ["secretary_a", "secretary_b", "member_user", "system_admin"])
def test_only_a_reviewer_of_the_level_above_may_approve_and_a_refusal_changes_nothing(
    world, news_snapshot, persona
):
    post = pending(world)
    before = news_snapshot()
    with pytest.raises(BusinessError) as exc:
        services.post_approve(actor=getattr(world, persona), post=post)
    assert exc.value.code in ("news.not_reviewer", "news.own_post")
    with pytest.raises(BusinessError):
        services.post_return(actor=getattr(world, persona), post=post, reason="不行")
    assert news_snapshot() == before


def test_the_committee_officer_may_not_approve_the_committees_own_post(world, news_snapshot):
    """A reviewer may not approve their own organisation's post: the committee's post goes to the root."""
    post = pending(world, actor=world.officer, org=world.committee)
    other = make_user("officer2", "另一组织干部")
    access_services.grant_create(
        actor=None, user=other, role="committee_officer", org=world.committee, bootstrap=True
    )
    before = news_snapshot()
    for actor in (world.officer, other):
        with pytest.raises(BusinessError) as exc:
            services.post_approve(actor=actor, post=post)
        assert exc.value.code in ("news.own_post", "news.not_reviewer")
    assert news_snapshot() == before
    assert post not in selectors.post_list_for_reviewer(user=other)
    root_officer = make_user("jituan", "集团组织干部")
    access_services.grant_create(
        actor=None, user=root_officer, role="committee_officer", org=world.root, bootstrap=True
    )
    assert post in selectors.post_list_for_reviewer(user=root_officer)
    services.post_approve(actor=root_officer, post=post)
    assert Post.objects.get(pk=post.pk).status == PostStatus.PUBLISHED


def test_the_root_organisations_post_is_reviewed_at_the_root_by_someone_else(world):
    author = make_user("root_writer", "集团宣传委员")
    reviewer = make_user("root_reviewer", "集团组织干部")
    access_services.grant_create(
        actor=None, user=author, role="publicity_officer", org=world.root, bootstrap=True
    )
    access_services.grant_create(
        actor=None, user=reviewer, role="committee_officer", org=world.root, bootstrap=True
    )
    post = pending(world, actor=author, org=world.root)
    with pytest.raises(BusinessError) as exc:
        services.post_approve(actor=author, post=post)
    assert exc.value.code == "news.own_post"
    services.post_approve(actor=reviewer, post=post)
    assert Post.objects.get(pk=post.pk).status == PostStatus.PUBLISHED


@pytest.mark.parametrize(
    ("action", "status"),
    [("approve", PostStatus.DRAFT), ("approve", PostStatus.PUBLISHED), ("submit", PostStatus.PUBLISHED)],
)
def test_a_transition_the_status_machine_does_not_allow_is_refused(world, news_snapshot, action, status):
    post = draft(world)
    Post.objects.filter(pk=post.pk).update(status=status)
    before = news_snapshot()
    with pytest.raises(BusinessError) as exc:
        if action == "approve":
            services.post_approve(actor=world.officer, post=post)
        else:
            services.post_submit(actor=world.secretary_a, post=post)
    assert exc.value.code == "news.bad_status"
    assert news_snapshot() == before


def test_a_published_post_cannot_be_edited_but_can_be_taken_down_with_a_reason(world, news_snapshot):
    post = pending(world)
    services.post_approve(actor=world.officer, post=post)
    before = news_snapshot()
    with pytest.raises(BusinessError) as exc:
        services.post_update(actor=world.secretary_a, post=post, title="改标题")
    assert exc.value.code == "news.not_editable"
    with pytest.raises(BusinessError) as exc:
        services.post_withdraw(actor=world.officer, post=post, reason=" ")
    assert exc.value.code == "news.reason_required"
    with pytest.raises(BusinessError):
        services.post_withdraw(actor=world.secretary_b, post=post, reason="无权")
    assert news_snapshot() == before
    services.post_withdraw(actor=world.officer, post=post, reason="照片涉及未公开信息")
    post.refresh_from_db()
    assert post.status == PostStatus.WITHDRAWN and post not in selectors.published_post_list()
    with pytest.raises(BusinessError) as exc:
        services.post_delete(actor=world.secretary_a, post=post)
    assert exc.value.code == "news.not_deletable"  # once published, never deleted


def test_a_draft_is_deleted_with_its_photos(world):
    post = draft(world, photos=[image_upload()])
    stored_id = post.photos.get().file_id
    services.post_delete(actor=world.secretary_a, post=post)
    assert not Post.objects.filter(pk=post.pk).exists()
    assert not StoredFile.objects.filter(pk=stored_id).exists()
    assert AuditEntry.objects.filter(action="news.post.delete").exists()


def test_a_photo_is_removed_from_a_draft(world):
    post = draft(world, photos=[image_upload("a.jpg"), image_upload("b.jpg")])
    photo = post.photos.first()
    services.post_photo_delete(actor=world.secretary_a, photo=photo)
    assert post.photos.count() == 1 and not PostPhoto.objects.filter(pk=photo.pk).exists()


def test_photos_of_a_published_post_are_readable_by_every_member_but_not_before(world):
    from dangjian.core import uploads

    post = pending(world, photos=[image_upload()])
    stored = post.photos.get().file
    outsider_member = world.member_c  # noqa: F841 (a member of another company)
    assert not uploads.file_may_read(user=world.member_user, stored=stored)
    assert uploads.file_may_read(user=world.officer, stored=stored)  # the reviewer sees it before
    services.post_approve(actor=world.officer, post=post)
    assert uploads.file_may_read(user=world.member_user, stored=stored)
    assert uploads.file_may_read(user=world.outsider, stored=stored)


def test_secretary_b_never_sees_branch_as_drafts(world):
    post = draft(world)
    assert post not in selectors.post_list_for_publisher(user=world.secretary_b)
    assert selectors.post_get_for_reader(user=world.secretary_b, pk=post.pk) is None
    assert selectors.post_get_for_reader(user=world.member_user, pk=post.pk) is None
    assert selectors.post_get_for_reader(user=world.secretary_a, pk=post.pk) == post
