"""Models of 网络党校 (online party school): courses with chapters and lessons, assignments, enrolments and
per-lesson progress.

A course is offered by an organisation (``Course.org``): members of its whole subtree may join an elective
course, and the publisher assigns courses to organisations (with their subtree) or to people within it.
Time is never recorded here: the study-time service (``dangjian.studytime``) measures it from heartbeats and
calls ``services.lesson_progressed`` (the ``lesson`` prefix registered in ``apps.SchoolConfig.ready``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CourseKind(models.TextChoices):
    REQUIRED = "required", "必修"
    ELECTIVE = "elective", "选修"


class CourseStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已下线"


class Course(models.Model):
    """One course of the 网络党校. Written only by ``school.services``; published courses are seen by the
    members of ``org``'s subtree; completing it credits ``hours`` 学时 once (教管条例 第二十条)."""

    org = models.ForeignKey("orgs.Org", verbose_name="开课组织", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("课程名称", max_length=100)
    description = models.TextField("课程简介", blank=True)
    cover = models.ForeignKey(
        "core.StoredFile",
        verbose_name="封面图片",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hours = models.DecimalField("完成可获学时", max_digits=4, decimal_places=1)
    kind = models.CharField(
        "课程类别", max_length=20, choices=CourseKind.choices, default=CourseKind.ELECTIVE
    )
    opens_on = models.DateField("开课日期", null=True, blank=True)
    closes_on = models.DateField("结课日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=CourseStatus.choices, default=CourseStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "课程"
        verbose_name_plural = verbose_name
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "org"], name="school_course_status_org")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == CourseStatus.PUBLISHED


class Chapter(models.Model):
    """A chapter (章) of a course: an ordered group of lessons."""

    course = models.ForeignKey(Course, verbose_name="课程", on_delete=models.CASCADE, related_name="chapters")
    title = models.CharField("章节名称", max_length=100)
    position = models.PositiveSmallIntegerField("顺序", default=1)

    scope_org_field = "course__org"

    class Meta:
        verbose_name = "章节"
        verbose_name_plural = verbose_name
        ordering = ["course_id", "position", "id"]

    def __str__(self) -> str:
        return self.title


class LessonKind(models.TextChoices):
    VIDEO = "video", "视频"
    AUDIO = "audio", "音频"
    ARTICLE = "article", "图文"
    DOCUMENT = "document", "文档"


class Lesson(models.Model):
    """A lesson (课时): a video, an audio, an article (sanitised rich text) or a document (a PDF shown in the
    page, or a Word file converted to ``body`` on upload).

    ``duration_seconds`` is the media length entered by the publisher (mm:ss) or the estimated reading time
    (minutes × 60, by default from the text length); the lesson is complete at 90 % of it (``rules``).
    """

    course = models.ForeignKey(Course, verbose_name="课程", on_delete=models.CASCADE, related_name="lessons")
    chapter = models.ForeignKey(
        Chapter, verbose_name="章节", on_delete=models.CASCADE, related_name="lessons"
    )
    title = models.CharField("课时名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=LessonKind.choices)
    position = models.PositiveSmallIntegerField("顺序", default=1)
    body = models.TextField("正文", blank=True, help_text="已按白名单净化的 HTML")
    file = models.ForeignKey(
        "core.StoredFile",
        verbose_name="文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    duration_seconds = models.PositiveIntegerField("时长（秒）")
    is_required = models.BooleanField("必学", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    scope_org_field = "course__org"

    class Meta:
        verbose_name = "课时"
        verbose_name_plural = verbose_name
        ordering = ["chapter__position", "chapter_id", "position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def content_key(self) -> str:
        return f"lesson:{self.pk}"

    @property
    def is_media(self) -> bool:
        return self.kind in (LessonKind.VIDEO, LessonKind.AUDIO)

    @property
    def is_pdf(self) -> bool:
        return (
            self.file_id is not None and self.file is not None and self.file.content_type == "application/pdf"
        )


class Assignment(models.Model):
    """A course assigned (指派) to an organisation with its subtree, or to one member, with an optional
    deadline. Written by ``services.course_assign``; the target lies in the course organisation's subtree
    and in the publisher's scope."""

    course = models.ForeignKey(
        Course, verbose_name="课程", on_delete=models.CASCADE, related_name="assignments"
    )
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name="指派组织",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="指派到党员时为其所在党支部",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name="指派党员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField("完成期限", null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="指派人", on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField("指派时间", auto_now_add=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "课程指派"
        verbose_name_plural = verbose_name
        ordering = ["-assigned_at", "-id"]

    def __str__(self) -> str:
        return f"{self.course_id} → {self.member_id or self.org_id}"


class EnrolmentSource(models.TextChoices):
    ASSIGNED = "assigned", "组织指派"
    CHOSEN = "chosen", "自主选学"


class Enrolment(models.Model):
    """A member's enrolment (选课) in a course, its completion and certificate.

    ``completed_at`` is set once, when every required lesson is complete; then 学时 are credited once
    (``studytime.services.study_hours_credit``, source ``course-<pk>``) and ``certificate_no`` issued.
    """

    course = models.ForeignKey(
        Course, verbose_name="课程", on_delete=models.PROTECT, related_name="enrolments"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="school_enrolments"
    )
    source = models.CharField("选课方式", max_length=20, choices=EnrolmentSource.choices)
    due_on = models.DateField("完成期限", null=True, blank=True)
    enrolled_at = models.DateTimeField("选课时间", auto_now_add=True)
    completed_lessons = models.PositiveSmallIntegerField("已完成课时", default=0)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    certificate_no = models.CharField("证书编号", max_length=30, blank=True)

    scope_org_field = "member__org"
    scope_self_field = "member__user"

    class Meta:
        verbose_name = "选课记录"
        verbose_name_plural = verbose_name
        ordering = ["-enrolled_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["course", "member"], name="school_enrolment_unique")]
        indexes = [models.Index(fields=["member", "completed_at"], name="school_enrolment_member")]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.course_id}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class LessonProgress(models.Model):
    """A member's progress on one lesson: the server-credited seconds (as last reported by the study-time
    service) and when the lesson became complete. Written only by ``services.lesson_progressed``."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name="选课记录", on_delete=models.CASCADE, related_name="progress"
    )
    lesson = models.ForeignKey(Lesson, verbose_name="课时", on_delete=models.CASCADE, related_name="progress")
    seconds = models.PositiveIntegerField("有效学习秒数", default=0)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope_org_field = "enrolment__member__org"
    scope_self_field = "enrolment__member__user"

    class Meta:
        verbose_name = "课时进度"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["enrolment", "lesson"], name="school_progress_unique")]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.lesson_id}: {self.seconds}s"
