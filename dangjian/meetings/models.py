"""Models of 组织生活: one record per meeting (三会一课, 主题党日, 组织生活会, 民主评议, 谈心谈话),
its attendance, attachments and the review by the level above. Rules: ``meetings.rules``."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangjian.meetings import rules


class MeetingKind(models.TextChoices):
    GENERAL_MEETING = rules.GENERAL_MEETING, "支部党员大会"
    COMMITTEE_MEETING = rules.COMMITTEE_MEETING, "支委会"
    GROUP_MEETING = rules.GROUP_MEETING, "党小组会"
    LECTURE = rules.LECTURE, "党课"
    THEME_DAY = rules.THEME_DAY, "主题党日"
    LIFE_MEETING = rules.LIFE_MEETING, "组织生活会"
    APPRAISAL = rules.APPRAISAL, "民主评议党员"
    HEART_TO_HEART = rules.HEART_TO_HEART, "谈心谈话"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "计划"
    HELD = "held", "已召开"
    RETURNED = "returned", "退回修改"
    REVIEWED = "reviewed", "已审阅"
    CANCELLED = "cancelled", "已取消"


# Allowed status changes, enforced by meetings.services. A reviewed record is locked; only a revision
# (``meeting_revise``: the reviewed version is kept as a MeetingVersion) reopens it as the next version.
TRANSITIONS: dict[str, frozenset[str]] = {
    MeetingStatus.PLANNED: frozenset({MeetingStatus.HELD, MeetingStatus.CANCELLED}),
    MeetingStatus.HELD: frozenset({MeetingStatus.RETURNED, MeetingStatus.REVIEWED}),
    MeetingStatus.RETURNED: frozenset({MeetingStatus.HELD}),
    MeetingStatus.REVIEWED: frozenset({MeetingStatus.HELD}),
    MeetingStatus.CANCELLED: frozenset(),
}
HELD_STATUSES = (MeetingStatus.HELD, MeetingStatus.RETURNED, MeetingStatus.REVIEWED)
EDITABLE_STATUSES = (MeetingStatus.PLANNED, MeetingStatus.HELD, MeetingStatus.RETURNED)


class Meeting(models.Model):
    """One meeting of a branch, planned or held, recorded once.

    ``planned_on`` places the meeting in the period it counts for (compliance, DOMAIN.md §3); a meeting held
    after that period ended is late (补开). ``held_on`` is set when the record is completed. Attendance is
    taken on the members' phones by a code word or an on-site QR code (``check_in_code`` / ``check_in_token``,
    random, only valid while ``check_in_open``). Written only by ``meetings.services``; reviewed records are
    locked; a revision keeps the reviewed content as a ``MeetingVersion`` and reopens the record as the next
    ``version``, which is reviewed again.
    """

    org = models.ForeignKey(
        "orgs.Org", verbose_name="党组织", on_delete=models.PROTECT, related_name="meetings"
    )
    group = models.ForeignKey(
        "orgs.Org", verbose_name="党小组", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("会议类型", max_length=30, choices=MeetingKind.choices)
    topic = models.CharField("会议主题", max_length=200)
    planned_on = models.DateField("计划日期")
    starts_at = models.DateTimeField("开始时间", null=True, blank=True)
    ends_at = models.DateTimeField("结束时间", null=True, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    online = models.BooleanField("线上召开", default=False)
    host = models.ForeignKey(
        "members.Member",
        verbose_name="主持人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorder = models.ForeignKey(
        "members.Member",
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    minutes = models.TextField("会议记录", blank=True)
    decisions = models.TextField("形成决定", blank=True)
    held_on = models.DateField("召开日期", null=True, blank=True)
    check_in_code = models.CharField("签到口令", max_length=8, blank=True)
    check_in_token = models.CharField("签到码", max_length=64, blank=True, db_index=True)
    check_in_open = models.BooleanField("签到中", default=False)
    review_note = models.TextField("审阅意见", blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审阅人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审阅时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "会议"
        verbose_name_plural = verbose_name
        ordering = ["-planned_on", "-id"]
        indexes = [
            models.Index(fields=["org", "planned_on"]),
            models.Index(fields=["org", "kind", "planned_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.topic}"

    @property
    def is_locked(self) -> bool:
        return self.status == MeetingStatus.REVIEWED

    @property
    def is_held(self) -> bool:
        return self.status in HELD_STATUSES

    @property
    def place_label(self) -> str:
        if self.online:
            return f"线上（{self.place}）" if self.place else "线上"
        return self.place


class Attendance(models.Model):
    """One member on a meeting's list (应到名单): excluded from 应到会 with a reason (DOMAIN.md §5), on leave
    (请假), or present (checked in on a phone, or marked by the recorder). ``voting`` is the member's right to
    vote when the list was drawn (正式党员 with 党籍 normal)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    voting = models.BooleanField("有表决权", default=True)
    excluded_reason = models.CharField(
        "不计入应到原因", max_length=20, blank=True, choices=list(rules.EXCLUSION_REASONS.items())
    )
    leave_reason = models.CharField("请假事由", max_length=100, blank=True)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    check_in_method = models.CharField(
        "签到方式",
        max_length=10,
        blank=True,
        choices=[("code", "口令"), ("qr", "扫码"), ("manual", "记录人登记")],
    )
    late = models.BooleanField("迟到", default=False)

    scope_org_field = "meeting__org"
    scope_self_field = "member__user"
    scope_self_always = True  # a member always sees their own attendance

    class Meta:
        verbose_name = "参会情况"
        verbose_name_plural = verbose_name
        ordering = ["meeting_id", "member__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="meetings_attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.member_id}"

    @property
    def present(self) -> bool:
        return self.checked_in_at is not None

    @property
    def state_label(self) -> str:
        if self.present:
            return "迟到" if self.late else "已签到"
        if self.excluded_reason:
            return f"不计入应到（{self.get_excluded_reason_display()}）"
        if self.leave_reason:
            return f"请假（{self.leave_reason}）"
        return "未到"


class MeetingAttachment(models.Model):
    """A photo, video or document of a meeting, stored through the upload pipeline (purpose
    ``meeting.attachment``)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.OneToOneField(
        "core.StoredFile", verbose_name="文件", on_delete=models.PROTECT, related_name="+"
    )
    caption = models.CharField("说明", max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField("上传时间", auto_now_add=True)

    scope_org_field = "meeting__org"

    class Meta:
        verbose_name = "会议附件"
        verbose_name_plural = verbose_name
        ordering = ["meeting_id", "added_at", "id"]

    def __str__(self) -> str:
        return self.caption or str(self.file_id)


class ReviewAction(models.TextChoices):
    COMMENT = "comment", "批注"
    RETURN = "return", "退回修改"
    APPROVE = "approve", "审阅通过"


class MeetingReview(models.Model):
    """One step of the review by the level above: a comment, a return for correction, or the approval that
    locks the record; ``version`` is the version of the record it was about."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.PROTECT, related_name="reviews"
    )
    action = models.CharField("审阅操作", max_length=20, choices=ReviewAction.choices)
    version = models.PositiveIntegerField("记录版本", default=1)
    comment = models.TextField("意见", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审阅人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    scope_org_field = "meeting__org"

    class Meta:
        verbose_name = "会议审阅"
        verbose_name_plural = verbose_name
        ordering = ["meeting_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.meeting_id}"


class MeetingVersion(models.Model):
    """A reviewed version of a meeting record, kept when the record is revised after review (修订).

    ``snapshot`` holds the record as it was reviewed: its fields (topic, time, place, host, recorder, minutes,
    decisions …), the review (who, when, the note) and the attendance (figures and each member's line).
    Written only by ``meetings.services.meeting_revise``; never changed afterwards.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField("版本号")
    snapshot = models.JSONField("记录内容")
    reason = models.CharField("修订原因", max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修订人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("修订时间", auto_now_add=True)

    scope_org_field = "meeting__org"

    class Meta:
        verbose_name = "会议记录版本"
        verbose_name_plural = verbose_name
        ordering = ["meeting_id", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="meetings_version_unique")]

    def __str__(self) -> str:
        return f"{self.meeting_id} 第{self.number}版"


class MeetingReminder(models.Model):
    """One reminder e-mail about a planned meeting to one secretary, so each is sent once.

    ``planned_on`` is the meeting's date the reminder announced: a meeting moved to another day is announced
    again. ``sent_at`` stays empty while sending fails (the next run tries again; ``error`` says why).
    Written only by ``meetings.services.reminders_send``.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="reminders"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="收件人", on_delete=models.CASCADE, related_name="+"
    )
    planned_on = models.DateField("提醒的计划日期")
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    error = models.CharField("发送失败原因", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    scope_org_field = "meeting__org"

    class Meta:
        verbose_name = "会议提醒"
        verbose_name_plural = verbose_name
        ordering = ["meeting_id", "planned_on", "user_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user", "planned_on"], name="meetings_reminder_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} → {self.user_id} {self.planned_on}"


class CalendarFeed(models.Model):
    """A user's secret address for subscribing to their meetings in a phone or desktop calendar (.ics).

    Like an API token the key is shown once, when it is made, and only its SHA-256 is stored; making a new
    one or revoking stops the old address. Written only by ``meetings.services.calendar_feed_*``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="+"
    )
    prefix = models.CharField("前缀", max_length=16)
    key_hash = models.CharField("密钥摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近同步", null=True, blank=True)
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = "日历订阅"
        verbose_name_plural = verbose_name
        ordering = ["user_id", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class CompliancePeriod(models.Model):
    """The maintained summary behind the compliance pages (组织生活落实情况): for one organisation, one
    meeting kind and one period of that kind's frequency (month / quarter / year, DOMAIN.md §3), how many
    of its meetings were held within the period (``on_time``) and after it ended (``late``, 补开).

    A meeting counts for the period containing its ``planned_on`` while its status is held, returned or
    reviewed (``HELD_STATUSES``); it is late when ``held_on`` is after the period's last day. What is owed is
    not stored: it follows from the branch as it is now (设支委会, its 党小组) and the configured frequencies,
    so a branch that moves in the tree, gains a 党小组 or is merged needs no rewrite (the row stays with the
    meeting's organisation, found through its current path). ``period`` records the frequency the row was
    counted with: rows of another period (the local frequency of 党课 was reconfigured) are ignored until
    ``manage.py meetings_rebuild_compliance`` recounts them.

    Written only by ``meetings.services`` in the same transaction as the meeting (record, update, cancel,
    review, revision) and rebuilt from the meetings by ``services.compliance_rebuild``.
    """

    org = models.ForeignKey("orgs.Org", verbose_name="党组织", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("会议类型", max_length=30, choices=MeetingKind.choices)
    period = models.CharField("周期", max_length=10, choices=[(k, v) for k, v in rules.PERIOD_LABELS.items()])
    period_start = models.DateField("周期开始")
    period_end = models.DateField("周期结束")
    on_time = models.PositiveIntegerField("按期召开", default=0)
    late = models.PositiveIntegerField("逾期补开", default=0)

    scope_org_field = "org"

    class Meta:
        verbose_name = "组织生活落实汇总"
        verbose_name_plural = verbose_name
        ordering = ["org_id", "period_start", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "kind", "period", "period_start"], name="meetings_compliance_period_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.kind} {self.period_start}: {self.on_time}+{self.late}"
