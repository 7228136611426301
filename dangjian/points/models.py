"""积分 (points): configurable rules, an append-only sealed ledger, a per-member-per-day summary and manual
adjustments approved by a second person (DOMAIN.md §7: all of it is configuration, [C])."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangjian.core.integrity import IntegrityProtected


class Unit(models.TextChoices):
    COUNT = "count", "次数"
    MINUTES = "minutes", "有效分钟"
    CORRECT = "correct", "答对题数"


class PointRule(models.Model):
    """One scoring rule: an action, its unit, points per ``unit_size`` units, daily/weekly caps, active dates.

    Configuration is data (DOMAIN.md §7): defaults come from ``rules.DEFAULT_RULES`` (migration 0002 and
    ``services.points_seed_rules``); changed only through ``services.points_rule_update`` (audited).
    A rule applies to a day when it is active and the day lies in [active_from, active_until].
    """

    code = models.CharField("行为代码", max_length=50)
    name = models.CharField("名称", max_length=100)
    unit = models.CharField("计分单位", max_length=20, choices=Unit.choices, default=Unit.COUNT)
    unit_size = models.PositiveIntegerField("每计分单位数量", default=1, help_text="如每 4 分钟计 1 分则为 4")
    points_per_unit = models.PositiveIntegerField("每单位积分", default=1)
    daily_cap = models.PositiveIntegerField("每日上限", null=True, blank=True)
    weekly_cap = models.PositiveIntegerField("每周上限", null=True, blank=True)
    active_from = models.DateField("生效日期")
    active_until = models.DateField("失效日期", null=True, blank=True)
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "积分规则"
        verbose_name_plural = verbose_name
        ordering = ["code", "-active_from"]
        constraints = [models.UniqueConstraint(fields=["code", "active_from"], name="points_rule_code_from")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class PointEntry(IntegrityProtected):
    """One award or deduction in a member's points ledger. Append-only: never updated, never deleted.

    ``idempotency_key`` (member + action + content + day, built by ``services``) is unique, so a replay or a
    double click never counts twice. ``rule`` is empty for a manual adjustment. The row is sealed with an
    HMAC (``core.integrity``; SECURITY.md: score rows carry an HMAC).
    """

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="point_entries"
    )
    rule = models.ForeignKey(
        PointRule, verbose_name="积分规则", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField("行为代码", max_length=50)
    points = models.IntegerField("积分")
    units = models.PositiveIntegerField("数量", default=1)
    content_key = models.CharField("内容标识", max_length=100, blank=True)
    idempotency_key = models.CharField("幂等键", max_length=255, unique=True)
    occurred_on = models.DateField("计分日期")
    source = models.CharField("来源", max_length=200, blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    integrity_fields = ("member_id", "points", "rule_id", "occurred_on", "idempotency_key")

    scope_org_field = "member__org"
    scope_self_field = "member__user"

    class Meta:
        verbose_name = "积分明细"
        verbose_name_plural = verbose_name
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["member", "rule", "occurred_on"], name="points_entry_member_rule_day")
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.points:+d}"


class PointDay(models.Model):
    """A member's points of one day: the sum of their ledger entries of that day, updated in the same
    transaction as each entry so leaderboards and ranks never scan the ledger. Recomputable from it."""

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="point_days"
    )
    day = models.DateField("日期")
    points = models.IntegerField("积分", default=0)

    scope_org_field = "member__org"
    scope_self_field = "member__user"

    class Meta:
        verbose_name = "每日积分"
        verbose_name_plural = verbose_name
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["member", "day"], name="points_day_member_day")]
        indexes = [models.Index(fields=["day", "member"], name="points_day_day_member")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.day} {self.points}"


class Period(models.TextChoices):
    DAY = "day", "日"
    WEEK = "week", "周"
    MONTH = "month", "月"
    YEAR = "year", "年"


class PointTotal(models.Model):
    """A member's points over one period (the day, week, month or year starting on ``start``): the sum of
    their ledger entries in it, kept in the same transaction as each entry (``services._append``).

    Ranks and member boards read only this table, through its indexes: "my rank" counts the rows ahead of
    the member's in one index range, a top 100 reads the first 100 entries of an index range, so the cost
    stays bounded by the scope (a branch, a committee) whatever the size of the ledger.

    ``branch`` (the member's organisation) and ``committee`` (the nearest 基层党委 above it) are copies, for
    those indexes. Points follow the member: when a member moves to another branch, all their rows move with
    them (``services.points_follow_member``, on every save of a member whose organisation changed), so a
    board ranks members where they are now, as the ledger recomputed would. After the tree itself changes
    (an organisation moved or turned into a committee) ``manage.py points_rebuild_totals`` recomputes
    everything from the ledger.
    """

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="+", db_index=False
    )  # indexed by the unique constraint (member first)
    period = models.CharField("周期", max_length=5, choices=Period.choices)
    start = models.DateField("起始日期")
    points = models.IntegerField("积分", default=0)
    branch = models.ForeignKey(
        "orgs.Org", verbose_name="所在组织", on_delete=models.PROTECT, related_name="+", db_index=False
    )  # indexed after (period, start)
    committee = models.ForeignKey(
        "orgs.Org",
        verbose_name="所属党委",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    scope_org_field = "branch"
    scope_self_field = "member__user"

    class Meta:
        verbose_name = "周期积分"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["member", "period", "start"], name="points_total_member_period")
        ]
        indexes = [
            models.Index(fields=["period", "start", "-points", "member"], name="points_total_board"),
            models.Index(
                fields=["period", "start", "branch", "-points", "member"], name="points_total_branch"
            ),
            models.Index(fields=["period", "start", "committee", "-points"], name="points_total_committee"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.period} {self.start} {self.points}"


class PointOrgTotal(models.Model):
    """An organisation's points over one period: the sum of the ``PointTotal`` rows of the members whose
    organisation it is (its own members, not its subtree). Branch and committee boards read these rows, one
    per organisation, never the members' rows. Kept with each entry and when a member moves."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name="组织", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    period = models.CharField("周期", max_length=5, choices=Period.choices)
    start = models.DateField("起始日期")
    points = models.IntegerField("积分", default=0)

    scope_org_field = "org"

    class Meta:
        verbose_name = "组织周期积分"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["org", "period", "start"], name="points_orgtotal_org_period")
        ]
        indexes = [
            # A board of every organisation: its first entries, in order. Within a scope: each
            # organisation's row read from the index alone.
            models.Index(fields=["period", "start", "-points", "org"], name="points_orgtotal_board"),
            models.Index(fields=["period", "start", "org", "points"], name="points_orgtotal_org"),
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.period} {self.start} {self.points}"


class AdjustmentStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已驳回"


class PointAdjustment(models.Model):
    """A manual award (positive) or deduction (negative) with a reason, approved by a second person.

    Two-person rule: ``decided_by`` must differ from ``requested_by``. Approval writes the ``PointEntry``.
    Allowed transitions are in ``TRANSITIONS``; enforced by ``services``.
    """

    TRANSITIONS = {
        AdjustmentStatus.PENDING: {AdjustmentStatus.APPROVED, AdjustmentStatus.REJECTED},
        AdjustmentStatus.APPROVED: set(),
        AdjustmentStatus.REJECTED: set(),
    }

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="point_adjustments"
    )
    points = models.IntegerField("调整积分")
    occurred_on = models.DateField("计分日期")
    reason = models.CharField("事由", max_length=500)
    status = models.CharField(
        "状态", max_length=20, choices=AdjustmentStatus.choices, default=AdjustmentStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    entry = models.OneToOneField(
        PointEntry, verbose_name="积分明细", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_org_field = "member__org"
    scope_self_field = "member__user"

    class Meta:
        verbose_name = "积分调整"
        verbose_name_plural = verbose_name
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.points:+d}"
