"""学习时长 (study time measured on the server) and 学时 (the yearly study-hours ledger).

See ``rules`` for how time is measured and ``content`` for what a ``content_key`` names.
"""

from __future__ import annotations

from django.db import models


class StudyDay(models.Model):
    """A member's server-measured study time on one content on one day, and the open heartbeat chain.

    Written only by ``services.study_heartbeat``. ``seconds`` is what the server credited; ``last_beat_at``
    is the latest heartbeat of the current chain (empty when the chain was closed by a ``stop`` beat);
    ``credited_until`` where its credited time ends (fractions of a second carry over to the next beat).
    """

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="study_days"
    )
    content_key = models.CharField("学习内容", max_length=64)
    on = models.DateField("日期")
    seconds = models.PositiveIntegerField("有效学习秒数", default=0)
    beats = models.PositiveIntegerField("心跳次数", default=0)
    last_beat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    credited_until = models.DateTimeField("已计时至", null=True, blank=True)
    first_at = models.DateTimeField("开始时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope_org_field = "member__org"
    scope_self_field = "member__user"

    class Meta:
        verbose_name = "每日学习时长"
        verbose_name_plural = verbose_name
        ordering = ["-on", "-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["member", "content_key", "on"], name="studytime_day_unique")
        ]
        indexes = [
            models.Index(fields=["content_key", "on"], name="studytime_day_content"),
            models.Index(fields=["member", "on"], name="studytime_day_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.content_key} {self.on}: {self.seconds}s"


class StudyClock(models.Model):
    """The end of the last second credited to a member on any content: two tabs never earn double time.

    One row per member, locked (``select_for_update``) by each heartbeat so a member's beats are serialised.
    """

    member = models.OneToOneField(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="study_clock"
    )
    last_credit_at = models.DateTimeField("最近计时", null=True, blank=True)

    scope_org_field = "member__org"
    scope_self_field = "member__user"

    class Meta:
        verbose_name = "学习计时"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.member_id}: {self.last_credit_at}"


class HoursKind(models.TextChoices):
    COURSE = "course", "网络党校课程"
    TOPIC = "topic", "学习专题"
    MEETING = "meeting", "党课与组织生活"
    TRAINING = "training", "集中培训（线下）"


class StudyHours(models.Model):
    """One credit of 学时 to a member (the ledger behind the yearly 32 学时, 教管条例 第二十条).

    Credited by the owning app through ``services.study_hours_credit`` (a completed course, …), idempotent by
    ``source_key``; offline training is recorded by a secretary through ``services.study_hours_record``
    (audited). Never edited; a wrong manual entry is reversed by ``services.study_hours_revoke`` (audited).
    """

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="study_hours"
    )
    year = models.PositiveSmallIntegerField("年度")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    kind = models.CharField("类别", max_length=20, choices=HoursKind.choices)
    title = models.CharField("名称", max_length=200)
    source_key = models.CharField("来源标识", max_length=100)
    credited_on = models.DateField("认定日期")
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked = models.BooleanField("已撤销", default=False)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    scope_org_field = "member__org"
    scope_self_field = "member__user"

    class Meta:
        verbose_name = "学时记录"
        verbose_name_plural = verbose_name
        ordering = ["-credited_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "source_key"], name="studytime_hours_source"),
        ]
        indexes = [models.Index(fields=["year", "member"], name="studytime_hours_year")]

    def __str__(self) -> str:
        return f"{self.title} {self.hours} 学时"
