"""Services of 网络党校: every write with business meaning (courses, chapters, lessons, publishing,
assignment, enrolment, lesson progress and completion). Scope: ``study.manage`` over the course's
organisation for publishing; a member acts on their own enrolment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from dangjian.access import scope
from dangjian.audit import services as audit
from dangjian.core import richtext, uploads
from dangjian.core.errors import BusinessError
from dangjian.core.models import FileKind, StoredFile
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.school import rules, selectors
from dangjian.school.models import (
    Assignment,
    Chapter,
    Course,
    CourseKind,
    CourseStatus,
    Enrolment,
    EnrolmentSource,
    Lesson,
    LessonKind,
    LessonProgress,
)
from dangjian.studytime import content as registry

PURPOSE = "school.material"
MANAGE = "study.manage"
COURSE_FIELDS = ("title", "description", "hours", "kind", "opens_on", "closes_on")
_KIND_FILES = {
    LessonKind.VIDEO: {FileKind.VIDEO.value},
    LessonKind.AUDIO: {FileKind.AUDIO.value},
    LessonKind.DOCUMENT: {FileKind.DOCUMENT.value},
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def _require(actor: Any, org: Org) -> None:
    if not scope.org_in_scope(actor, MANAGE, org):
        raise BusinessError("school.forbidden", "无权管理该组织的课程")


def _editable(course: Course) -> None:
    if course.status == CourseStatus.PUBLISHED and course.enrolments.exists():
        raise BusinessError("school.course_in_use", "课程已有学员，请先下线再修改课程结构")


def _clean_course(data: dict[str, Any]) -> dict[str, Any]:
    title = (data.get("title") or "").strip()
    if not title:
        raise BusinessError("school.title_required", "请填写课程名称")
    try:
        hours = Decimal(str(data.get("hours")))
    except (InvalidOperation, TypeError):
        raise BusinessError("school.bad_hours", "学时须为数字") from None
    if hours <= 0 or hours > 100:
        raise BusinessError("school.bad_hours", "学时须大于 0 且不超过 100")
    if hours != hours.quantize(Decimal("0.1")):
        raise BusinessError("school.bad_hours", "学时最多保留一位小数")
    if data.get("kind") not in CourseKind.values:
        raise BusinessError("school.bad_kind", "请选择必修或选修")
    opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
    if opens_on and closes_on and closes_on < opens_on:
        raise BusinessError("school.bad_dates", "结课日期不能早于开课日期")
    return {
        "title": title[:100],
        "description": (data.get("description") or "").strip(),
        "hours": hours,
        "kind": data["kind"],
        "opens_on": opens_on or None,
        "closes_on": closes_on or None,
    }


def _store(actor: Any, upload: Any, org: Org, kinds: set[str]) -> StoredFile:
    stored = uploads.file_store(actor=actor, purpose=PURPOSE, upload=upload, org=org)
    if stored.kind not in kinds:
        labels = "、".join(FileKind(k).label for k in sorted(kinds))
        raise BusinessError("school.bad_file_kind", f"此处只能上传{labels}文件")
    return stored


@transaction.atomic
def course_create(*, actor: Any, org: Org, cover: Any = None, **data: Any) -> Course:
    """Create a draft course offered by ``org`` (study.manage over ``org``). Audit: school.course.create."""
    _require(actor, org)
    fields = _clean_course(data)
    course = Course(org=org, created_by=actor, **fields)
    if cover is not None:
        course.cover = _store(actor, cover, org, {FileKind.IMAGE.value})
    course.save()
    audit.record(
        actor=actor,
        action="school.course.create",
        target=course,
        org_path=org.path,
        changes={"title": course.title, "hours": str(course.hours), "kind": course.kind},
    )
    return course


@transaction.atomic
def course_update(*, actor: Any, course: Course, cover: Any = None, **data: Any) -> Course:
    """Change a course's fields (only ``COURSE_FIELDS`` and the cover). Audit: school.course.update."""
    _require(actor, course.org)
    unknown = set(data) - set(COURSE_FIELDS)
    if unknown:
        raise BusinessError("school.bad_field", "不能修改这些字段：" + "、".join(sorted(unknown)))
    fields = _clean_course({f: getattr(course, f) for f in COURSE_FIELDS} | data)
    if fields["hours"] != course.hours and course.enrolments.filter(completed_at__isnull=False).exists():
        raise BusinessError("school.hours_locked", "已有学员结业，不能再修改课程学时")
    changes = audit.diff(course, fields)
    for name, value in fields.items():
        setattr(course, name, value)
    if cover is not None:
        course.cover = _store(actor, cover, course.org, {FileKind.IMAGE.value})
        changes["cover"] = ["", course.cover.display_name]
    course.save()
    audit.record(
        actor=actor, action="school.course.update", target=course, org_path=course.org.path, changes=changes
    )
    return course


@transaction.atomic
def course_publish(*, actor: Any, course: Course) -> Course:
    """Publish a course (at least one lesson needed). Audit: school.course.publish."""
    _require(actor, course.org)
    if course.status == CourseStatus.PUBLISHED:
        raise BusinessError("school.already_published", "课程已发布")
    if not course.lessons.exists():
        raise BusinessError("school.no_lessons", "课程还没有课时，不能发布")
    old = course.status
    course.status = CourseStatus.PUBLISHED
    course.published_at = course.published_at or timezone.now()
    course.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(
        actor=actor,
        action="school.course.publish",
        target=course,
        org_path=course.org.path,
        changes={"status": [old, course.status]},
    )
    return course


@transaction.atomic
def course_withdraw(*, actor: Any, course: Course) -> Course:
    """Take a published course offline (members keep their records and 学时).
    Audit: school.course.withdraw."""
    _require(actor, course.org)
    if course.status != CourseStatus.PUBLISHED:
        raise BusinessError("school.not_published", "课程未发布")
    course.status = CourseStatus.WITHDRAWN
    course.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="school.course.withdraw",
        target=course,
        org_path=course.org.path,
        changes={"status": [CourseStatus.PUBLISHED, course.status]},
    )
    return course


@transaction.atomic
def chapter_create(*, actor: Any, course: Course, title: str) -> Chapter:
    """Add a chapter at the end of ``course``. Audit: school.chapter.create."""
    _require(actor, course.org)
    _editable(course)
    title = (title or "").strip()
    if not title:
        raise BusinessError("school.title_required", "请填写章节名称")
    position = course.chapters.count() + 1
    chapter = Chapter.objects.create(course=course, title=title[:100], position=position)
    audit.record(
        actor=actor,
        action="school.chapter.create",
        target=chapter,
        org_path=course.org.path,
        changes={"title": chapter.title},
    )
    return chapter


@transaction.atomic
def lesson_create(
    *,
    actor: Any,
    chapter: Chapter,
    title: str,
    kind: str,
    body: str = "",
    upload: Any = None,
    duration: str = "",
    minutes: int | None = None,
    is_required: bool = True,
) -> Lesson:
    """Add a lesson to ``chapter``.

    Video/audio: a file of that kind and its length as mm:ss. Article: rich text (sanitised with nh3).
    Document: a PDF (shown in the page) or a Word .docx (converted to rich text, the file kept for
    download). Reading time: ``minutes`` or, by default, the text length at 400 characters a minute; a PDF
    needs ``minutes``. Audit: school.lesson.create (and core.file.store for the file).
    """
    course = chapter.course
    _require(actor, course.org)
    _editable(course)
    title = (title or "").strip()
    if not title:
        raise BusinessError("school.title_required", "请填写课时名称")
    if kind not in LessonKind.values:
        raise BusinessError("school.bad_lesson_kind", "请选择课时类型")
    if minutes is not None and not 1 <= minutes <= 600:
        raise BusinessError("school.bad_minutes", "阅读时长须为 1 至 600 分钟")
    stored: StoredFile | None = None
    clean = ""
    if kind in (LessonKind.VIDEO, LessonKind.AUDIO):
        seconds = rules.parse_duration(duration)
        if seconds is None:
            raise BusinessError("school.bad_duration", "请按“分:秒”填写时长，如 12:30")
        if upload is None:
            raise BusinessError("school.file_required", f"请上传{LessonKind(kind).label}文件")
        stored = _store(actor, upload, course.org, _KIND_FILES[LessonKind(kind)])
    elif kind == LessonKind.ARTICLE:
        clean = richtext.sanitize(body)
        if not richtext.text_length(clean):
            raise BusinessError("school.body_required", "请填写正文")
        seconds = 60 * (minutes or rules.reading_minutes(richtext.text_length(clean)))
    else:
        if upload is None:
            raise BusinessError("school.file_required", "请上传 PDF 或 Word（.docx）文档")
        stored = _store(actor, upload, course.org, _KIND_FILES[LessonKind.DOCUMENT])
        if stored.content_type == DOCX:
            clean = richtext.docx_to_html(uploads.file_open(stored=stored))
            if not richtext.text_length(clean):
                raise BusinessError("school.empty_docx", "该 Word 文档没有可显示的文字")
            seconds = 60 * (minutes or rules.reading_minutes(richtext.text_length(clean)))
        elif stored.content_type == PDF:
            if minutes is None:
                raise BusinessError("school.minutes_required", "PDF 文档请填写预计阅读时长（分钟）")
            seconds = 60 * minutes
        else:
            raise BusinessError("school.bad_document", "文档只能是 PDF 或 Word（.docx）")
    lesson = Lesson.objects.create(
        course=course,
        chapter=chapter,
        title=title[:100],
        kind=kind,
        body=clean,
        file=stored,
        duration_seconds=seconds,
        is_required=is_required,
        position=chapter.lessons.count() + 1,
    )
    audit.record(
        actor=actor,
        action="school.lesson.create",
        target=lesson,
        org_path=course.org.path,
        changes={"title": lesson.title, "kind": kind, "duration": seconds},
    )
    return lesson


@transaction.atomic
def lesson_delete(*, actor: Any, lesson: Lesson) -> None:
    """Remove a lesson nobody has studied yet. Audit: school.lesson.delete."""
    course = lesson.course
    _require(actor, course.org)
    if lesson.progress.exists():
        raise BusinessError("school.lesson_in_use", "已有学员学习该课时，不能删除")
    audit.record(
        actor=actor,
        action="school.lesson.delete",
        target=lesson,
        org_path=course.org.path,
        changes={"title": lesson.title},
    )
    stored = lesson.file
    lesson.delete()
    if stored is not None:
        uploads.file_delete(actor=actor, stored=stored, authorised=True)


@transaction.atomic
def course_assign(
    *,
    actor: Any,
    course: Course,
    org: Org | None = None,
    member: Member | None = None,
    due_on: dt.date | None = None,
) -> Assignment:
    """Assign a published course to an organisation (with its subtree) or to one member, within the course
    organisation's subtree and the actor's scope; a required course needs a deadline.
    Audit: school.course.assign."""
    _require(actor, course.org)
    if (org is None) == (member is None):
        raise BusinessError("school.assign_target", "请选择指派的党组织或党员（二选一）")
    if course.status != CourseStatus.PUBLISHED:
        raise BusinessError("school.not_published", "请先发布课程再指派")
    target = member.org if member is not None else org
    assert target is not None
    if not target.path.startswith(course.org.path):
        raise BusinessError("school.outside_course", "只能指派给开课组织及其下级组织的党员")
    if not scope.org_in_scope(actor, MANAGE, target):
        raise BusinessError("school.forbidden", "无权向该组织指派课程")
    if member is not None and not member.is_active:
        raise BusinessError("school.member_inactive", "该党员已出党，不能指派")
    today = timezone.localdate()
    if course.kind == CourseKind.REQUIRED and due_on is None:
        raise BusinessError("school.due_required", "必修课程请填写完成期限")
    if due_on is not None and due_on < today:
        raise BusinessError("school.bad_due", "完成期限不能早于今天")
    if course.closes_on and due_on and due_on > course.closes_on:
        raise BusinessError("school.bad_due", "完成期限不能晚于结课日期")
    duplicate = Assignment.objects.filter(course=course, org=target, member=member).exists()
    if duplicate:
        raise BusinessError("school.already_assigned", "已向该对象指派过本课程")
    assignment = Assignment.objects.create(
        course=course, org=target, member=member, due_on=due_on, assigned_by=actor
    )
    if due_on is not None:  # members who already joined get the deadline too
        enrolled = Enrolment.objects.filter(course=course, completed_at__isnull=True)
        enrolled = (
            enrolled.filter(member=member)
            if member is not None
            else enrolled.filter(selectors.subtree(target.path, "member__org__path"))
        )
        enrolled.filter(Q(due_on__isnull=True) | Q(due_on__gt=due_on)).update(
            due_on=due_on, source=EnrolmentSource.ASSIGNED
        )
    audit.record(
        actor=actor,
        action="school.course.assign",
        target=assignment,
        org_path=target.path,
        changes={
            "course": course.pk,
            "org": target.pk,
            "member": member.pk if member else None,
            "due_on": due_on.isoformat() if due_on else None,
        },
    )
    return assignment


@transaction.atomic
def course_enrol(*, user: Any, course: Course, today: dt.date | None = None) -> Enrolment:
    """The member joins ``course``: an assigned course (any kind) or an elective offered to their
    organisation, while it is open. Audit: school.enrolment.create."""
    member = selectors.member_of(user)
    if member is None:
        raise BusinessError("school.no_member", "当前账号未关联党员档案，不能选课")
    today = today or timezone.localdate()
    if course.status != CourseStatus.PUBLISHED:
        raise BusinessError("school.not_published", "课程未发布")
    if not rules.is_open(today=today, opens_on=course.opens_on, closes_on=course.closes_on):
        raise BusinessError("school.closed", "课程不在开放时间内")
    if Enrolment.objects.filter(course=course, member=member).exists():
        raise BusinessError("school.already_enrolled", "您已加入该课程")
    due = selectors.assignment_due(member, course)
    assigned = due is not False
    if not assigned and not (course.kind == CourseKind.ELECTIVE and selectors.offered_to(member, course)):
        raise BusinessError("school.not_offered", "该课程未向您所在的组织开放")
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                course=course,
                member=member,
                source=EnrolmentSource.ASSIGNED if assigned else EnrolmentSource.CHOSEN,
                due_on=due if isinstance(due, dt.date) else None,
            )
    except IntegrityError:
        raise BusinessError("school.already_enrolled", "您已加入该课程") from None
    audit.record(
        actor=user,
        action="school.enrolment.create",
        target=enrolment,
        org_path=member.org.path,
        changes={"course": course.pk, "source": enrolment.source},
    )
    return enrolment


# --------------------------------------------------------------------------------------------------------
# Progress (the "lesson" prefix of the study-time registry)


def lesson_content(pk: int, user: Any) -> registry.Content | None:
    """The study-time resolver: a lesson the user is enrolled in, of a published course, while it is open.
    (Decided: only enrolled members study; joining is one click on the course page, so time is always
    counted towards an enrolment and its certificate.)"""
    lesson = Lesson.objects.select_related("course").filter(pk=pk).first()
    if lesson is None or selectors.study_enrolment(user, lesson) is None:
        return None
    from django.urls import reverse

    return registry.Content(
        key=lesson.content_key,
        title=lesson.title,
        kind=lesson.kind,
        url=reverse("school:lesson_detail", args=[lesson.pk]),
        duration_seconds=lesson.duration_seconds if lesson.is_media else None,
    )


def lesson_progressed(
    member: Member, content: registry.Content, seconds_today: int, seconds_total: int
) -> None:
    """The study-time hook: keep the credited total and mark the lesson complete at 90 % of its duration;
    complete the enrolment when every required lesson is. Idempotent."""
    _, pk = registry.split_key(content.key)
    lesson = Lesson.objects.select_related("course__org").filter(pk=pk).first()
    if lesson is None:
        return
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update().filter(course=lesson.course_id, member=member).first()
        )
        if enrolment is None:
            return
        progress, _ = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
        progress.seconds = max(progress.seconds, seconds_total)
        newly = progress.completed_at is None and rules.lesson_complete(
            seconds=progress.seconds, duration=lesson.duration_seconds
        )
        if newly:
            progress.completed_at = timezone.now()
        progress.save()
        if newly:
            _recount(enrolment, lesson.course)


def _recount(enrolment: Enrolment, course: Course) -> None:
    done = enrolment.progress.filter(completed_at__isnull=False)
    enrolment.completed_lessons = done.count()
    fields = ["completed_lessons"]
    if enrolment.completed_at is None:
        required = course.lessons.filter(is_required=True).aggregate(
            n=Count("id"),
            done=Count("id", filter=Q(progress__enrolment=enrolment, progress__completed_at__isnull=False)),
        )
        if required["n"] and required["done"] >= required["n"]:
            enrolment.completed_at = timezone.now()
            enrolment.certificate_no = rules.certificate_number(
                year=timezone.localdate(enrolment.completed_at).year,
                course_id=course.pk,
                enrolment_id=enrolment.pk,
            )
            fields += ["completed_at", "certificate_no"]
            audit.record(
                actor=enrolment.member.user,
                action="school.enrolment.complete",
                target=enrolment,
                org_path=enrolment.member.org.path,
                changes={"course": course.pk, "hours": str(course.hours)},
            )
            transaction.on_commit(lambda: credit_hours(enrolment.pk))
    enrolment.save(update_fields=fields)


def credit_hours(enrolment_pk: int) -> None:
    """Credit the course's 学时 once for a completed enrolment (idempotent by ``course-<pk>``)."""
    from dangjian.studytime import services as studytime

    enrolment = Enrolment.objects.select_related("course", "member").get(pk=enrolment_pk)
    if enrolment.completed_at is None:
        return
    studytime.study_hours_credit(
        member=enrolment.member,
        source_key=f"course-{enrolment.course_id}",
        hours=enrolment.course.hours,
        on=timezone.localdate(enrolment.completed_at),
        kind="course",
        title=enrolment.course.title,
    )
