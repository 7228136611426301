"""党风廉政监督: responsibility lists, warning rules and warnings, supervised rectification, integrity column.

Warnings are found by the rules other apps declare (``registry.py``); this app stores their configuration
(``WarningRule``), the warnings a scan keeps (``Warning``, one open per rule and cause) and the record of each
scan (``ScanRun``). Rectification tasks (``Rectification``) come from a warning, a letter, a 随手拍 or an
inspection; their steps (``RectificationStep``) are the audit trail users see.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangjian.orgs.models import Org


class Severity(models.TextChoices):
    NOTICE = "notice", "提示"
    WARNING = "warning", "预警"
    SERIOUS = "serious", "严重"


SEVERITY_RANK = {"notice": 0, "warning": 1, "serious": 2}


# --------------------------------------------------------------------------------------------------------
# 监督责任清单


class DutyKind(models.TextChoices):
    PRIMARY = "primary", "主体责任"  # 党委（党组）、书记
    SUPERVISORY = "supervisory", "监督责任"  # 纪委、纪检委员


class Period(models.TextChoices):
    MONTH = "month", "每月"
    QUARTER = "quarter", "每季度"
    HALF = "half", "每半年"
    YEAR = "year", "每年"


class ResponsibilityItem(models.Model):
    """One item of an organisation's 监督责任清单: what a responsible person must do, how often, in a year.

    Performance is recorded per period (``ResponsibilityRecord``); a period that ended without a record is
    overdue (``rules.overdue_periods``). Written only by ``supervision.services.responsibility_*``.
    """

    org = models.ForeignKey(Org, verbose_name="党组织", on_delete=models.PROTECT, related_name="+")
    duty = models.CharField("责任类别", max_length=20, choices=DutyKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("责任事项", max_length=150)
    description = models.TextField("具体要求", max_length=2000, blank=True)
    holder_title = models.CharField("责任岗位", max_length=50, help_text="如 党委书记、纪委书记、纪检委员")
    holder = models.ForeignKey(
        "members.Member",
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.CharField("履责周期", max_length=10, choices=Period.choices, default=Period.QUARTER)
    evidence_required = models.CharField("履责佐证要求", max_length=200, blank=True)
    is_active = models.BooleanField("有效", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "监督责任事项"
        verbose_name_plural = verbose_name
        ordering = ["org_id", "-year", "duty", "id"]
        indexes = [models.Index(fields=["org", "year"])]

    def __str__(self) -> str:
        return self.title


class ResponsibilityRecord(models.Model):
    """The performance (履责记录) of one item for one period, with its evidence."""

    item = models.ForeignKey(
        ResponsibilityItem, verbose_name="责任事项", on_delete=models.CASCADE, related_name="records"
    )
    period_start = models.DateField("周期开始")
    period_end = models.DateField("周期结束")
    done_on = models.DateField("履责日期")
    note = models.TextField("履责情况", max_length=2000)
    file = models.ForeignKey(
        "core.StoredFile",
        verbose_name="佐证材料",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    scope_org_field = "item__org"

    class Meta:
        verbose_name = "履责记录"
        verbose_name_plural = verbose_name
        ordering = ["item_id", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["item", "period_start"], name="supervision_record_one_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}@{self.period_start}"


# --------------------------------------------------------------------------------------------------------
# 预警监督


class WarningRule(models.Model):
    """The stored configuration of one declared rule (``registry.rule``): on/off, severity, thresholds.

    Created from the declaration's defaults by ``services.rules_sync``; ``title``/``source`` are refreshed
    from the code, ``enabled``/``severity``/``params`` belong to the committee (``supervision.manage``).
    A rule whose code is no longer declared is kept (its warnings point at it) with ``declared=False``.
    """

    code = models.CharField("规则编码", max_length=80, unique=True)
    app = models.CharField("所属模块", max_length=40)
    title = models.CharField("规则名称", max_length=150)
    source = models.CharField("依据", max_length=500)
    subject = models.CharField("对象", max_length=10, choices=[("org", "党组织"), ("member", "党员")])
    severity = models.CharField("预警等级", max_length=10, choices=Severity.choices)
    params = models.JSONField("阈值参数", default=dict, blank=True)
    enabled = models.BooleanField("启用", default=True)
    declared = models.BooleanField("代码中存在", default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    # Configuration, not scoped data: read by whoever holds supervision.view anywhere, kept by
    # supervision.manage (no scope_org_field: it is never passed to scope.restrict).

    class Meta:
        verbose_name = "预警规则"
        verbose_name_plural = verbose_name
        ordering = ["app", "code"]

    def __str__(self) -> str:
        return self.title


class WarningStatus(models.TextChoices):
    OPEN = "open", "未消除"
    CLOSED = "closed", "已消除"


class Warning(models.Model):
    """One warning: a cause a rule found for an organisation or member, kept while the rule keeps finding it.

    At most one open warning per (rule, key) (a partial unique constraint); a scan refreshes it and closes it
    when the cause is no longer found (``closed_reason`` resolved). ``missing``: the rule could not judge for
    want of data (shown as 数据缺失, never as a count of zero).
    """

    rule = models.ForeignKey(WarningRule, verbose_name="预警规则", on_delete=models.PROTECT, related_name="+")
    key = models.CharField("原因标识", max_length=120)
    org = models.ForeignKey(Org, verbose_name="党组织", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        "members.Member",
        verbose_name="党员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    severity = models.CharField("预警等级", max_length=10, choices=Severity.choices)
    message = models.CharField("预警内容", max_length=500)
    missing = models.BooleanField("数据缺失", default=False)
    due = models.DateField("整改期限", null=True, blank=True)
    link = models.CharField("查看链接", max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=10, choices=WarningStatus.choices, default=WarningStatus.OPEN
    )
    first_seen_at = models.DateTimeField("首次发现")
    last_seen_at = models.DateTimeField("最近发现")
    closed_at = models.DateTimeField("消除时间", null=True, blank=True)
    closed_reason = models.CharField("消除原因", max_length=20, blank=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = verbose_name
        ordering = ["-last_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "key"], condition=Q(status="open"), name="supervision_warning_one_open"
            )
        ]
        indexes = [
            models.Index(fields=["status", "org"]),
            models.Index(fields=["rule", "status"]),
        ]

    def __str__(self) -> str:
        return self.message


class ScanRun(models.Model):
    """One run of the warning scan: when, how, and what it opened, refreshed and closed, per rule."""

    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    trigger = models.CharField("触发方式", max_length=10, choices=[("schedule", "定时"), ("manual", "手动")])
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened = models.PositiveIntegerField("新增", default=0)
    refreshed = models.PositiveIntegerField("仍存在", default=0)
    closed = models.PositiveIntegerField("已消除", default=0)
    details = models.JSONField("各规则结果", default=dict, blank=True)

    class Meta:
        verbose_name = "预警扫描"
        verbose_name_plural = verbose_name
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"预警扫描 {self.started_at:%Y-%m-%d %H:%M}"


# --------------------------------------------------------------------------------------------------------
# 督办整改


class SourceKind(models.TextChoices):
    WARNING = "warning", "预警"
    LETTER = "letter", "书记信箱来信"
    SNAPSHOT = "snapshot", "随手拍"
    INSPECTION = "inspection", "监督检查"


class RectStatus(models.TextChoices):
    ASSIGNED = "assigned", "待整改"
    IN_PROGRESS = "in_progress", "整改中"
    SUBMITTED = "submitted", "待验收"
    RETURNED = "returned", "退回重改"
    ACCEPTED = "accepted", "已销号"


OPEN_RECT = (RectStatus.ASSIGNED, RectStatus.IN_PROGRESS, RectStatus.SUBMITTED, RectStatus.RETURNED)


class Rectification(models.Model):
    """A 督办整改 task: the responsible organisation fixes a problem by a deadline and proves it.

    The supervising organisation (``supervisor``, the level that assigned it) checks the evidence and accepts
    (销号) or returns it; an overdue task escalates to the level above (``escalated_to``). Transitions are in
    ``rules.RECT_TRANSITIONS``; every step is a ``RectificationStep`` and an audit entry.
    """

    title = models.CharField("整改事项", max_length=150)
    description = models.TextField("问题描述", max_length=4000)
    source_kind = models.CharField("来源", max_length=20, choices=SourceKind.choices)
    source_ref = models.CharField("来源编号", max_length=80, blank=True)
    # The letter or 随手拍 case (mailbox, UUID keys) the task was turned from by its handler; the task never
    # holds anything about the writer (``services.rectification_from_source``).
    source_id = models.UUIDField("来源对象", null=True, blank=True, editable=False)
    warning = models.ForeignKey(
        Warning, verbose_name="来源预警", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(Org, verbose_name="责任组织", on_delete=models.PROTECT, related_name="+")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    supervisor = models.ForeignKey(Org, verbose_name="督办组织", on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField("整改期限")
    evidence_required = models.CharField("佐证要求", max_length=300)
    status = models.CharField("状态", max_length=20, choices=RectStatus.choices, default=RectStatus.ASSIGNED)
    escalation_level = models.PositiveSmallIntegerField("升级次数", default=0)
    escalated_to = models.ForeignKey(
        Org, verbose_name="已升级至", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField("升级时间", null=True, blank=True)
    accepted_at = models.DateTimeField("销号时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="交办人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("交办时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "督办整改"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["source_kind", "source_id"]),
        ]
        constraints = [
            # One letter or case → at most one open task (the service refuses first; this closes the race).
            models.UniqueConstraint(
                fields=["source_kind", "source_id"],
                condition=Q(source_id__isnull=False) & Q(status__in=[str(s.value) for s in OPEN_RECT]),
                name="supervision_rect_one_open_per_source",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_RECT


class StepKind(models.TextChoices):
    CREATE = "create", "交办"
    PROGRESS = "progress", "报告进展"
    SUBMIT = "submit", "提交验收"
    ACCEPT = "accept", "验收销号"
    RETURN = "return", "退回"
    ESCALATE = "escalate", "逾期升级"


class RectificationStep(models.Model):
    """One step of a task (交办, 进展, 提交验收, 销号, 退回, 升级) with its note and evidence file."""

    task = models.ForeignKey(
        Rectification, verbose_name="督办整改", on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField("环节", max_length=20, choices=StepKind.choices)
    note = models.TextField("说明", max_length=4000, blank=True)
    file = models.ForeignKey(
        "core.StoredFile",
        verbose_name="佐证材料",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    scope_org_field = "task__org"

    class Meta:
        verbose_name = "整改环节"
        verbose_name_plural = verbose_name
        ordering = ["task_id", "at", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


# --------------------------------------------------------------------------------------------------------
# 廉政教育专栏


class IntegrityKind(models.TextChoices):
    EDUCATION = "education", "廉政教育"
    CASE = "case", "警示案例"


class IntegrityTopic(models.Model):
    """A study topic (``study.Topic``) in the 廉政教育专栏; its study time and points are the topic's own."""

    topic = models.OneToOneField(
        "study.Topic", verbose_name="学习专题", on_delete=models.CASCADE, related_name="integrity"
    )
    kind = models.CharField("栏目", max_length=20, choices=IntegrityKind.choices)
    position = models.PositiveSmallIntegerField("顺序", default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="加入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField("加入时间", auto_now_add=True)

    scope_org_field = "topic__org"

    class Meta:
        verbose_name = "廉政教育专题"
        verbose_name_plural = verbose_name
        ordering = ["kind", "position", "id"]

    def __str__(self) -> str:
        return str(self.topic)
