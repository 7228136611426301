"""组织关系转接 (transfers of membership), their numbered letters and 回执, and 流动党员 registrations.

DOMAIN.md §6: a transfer goes from the member's branch, approved by the branch and by the level above (the
基层党委 that issues the numbered three-part letter 存根/介绍信/回执), to the receiving organisation, which
accepts; the member reports (报到) to the new branch, and the 回执 returned to the sender within 1 month
closes it. Until received, the sending organisation stays responsible.

A transfer belongs to two organisations (the sending and the receiving side); its scope is decided in
``transfers.selectors`` from both, so it declares no single ``scope_org_field``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from dangjian.members.choices import MemberStatus


class TransferKind(models.TextChoices):
    INTERNAL = "internal", "企业内转接"  # both sides in this platform: online, both sides approve
    NATIONAL = "national", "全国系统转接"  # to an organisation in the 全国党员管理信息系统
    OUTSIDE = "outside", "开具纸质介绍信"  # 非系统建库: the target is not in the national system
    INCOMING = "incoming", "外单位转入"  # from outside the platform, recorded from the letter


OUTGOING_KINDS = (TransferKind.INTERNAL, TransferKind.NATIONAL, TransferKind.OUTSIDE)


class TransferReason(models.TextChoices):
    JOB = "job", "工作调动"
    RESIDENCE = "residence", "居住地变更"
    GRADUATION = "graduation", "毕业离校"
    AWAY = "away", "外出满6个月且地点固定"
    RETIREMENT = "retirement", "退休"
    OTHER = "other", "其他"


class StartedBy(models.TextChoices):
    MEMBER = "member", "党员申请"
    BRANCH = "branch", "党支部发起"


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", "待支部审核"
    BRANCH_APPROVED = "branch_approved", "待上级党委审批"
    ISSUED = "issued", "已开具介绍信，待接收"
    ACCEPTED = "accepted", "已接收，待报到"
    REPORTED = "reported", "已报到，待回执"
    COMPLETED = "completed", "已办结"
    REJECTED = "rejected", "未同意"
    CANCELLED = "cancelled", "已撤销"


OPEN_STATUSES = (
    TransferStatus.REQUESTED,
    TransferStatus.BRANCH_APPROVED,
    TransferStatus.ISSUED,
    TransferStatus.ACCEPTED,
    TransferStatus.REPORTED,
)

# Allowed status transitions (the services enforce them).
TRANSITIONS: dict[str, frozenset[str]] = {
    TransferStatus.REQUESTED: frozenset(
        {TransferStatus.BRANCH_APPROVED, TransferStatus.REJECTED, TransferStatus.CANCELLED}
    ),
    TransferStatus.BRANCH_APPROVED: frozenset(
        {TransferStatus.ISSUED, TransferStatus.REJECTED, TransferStatus.CANCELLED}
    ),
    TransferStatus.ISSUED: frozenset(
        {TransferStatus.ACCEPTED, TransferStatus.COMPLETED, TransferStatus.CANCELLED}
    ),
    TransferStatus.ACCEPTED: frozenset({TransferStatus.REPORTED, TransferStatus.COMPLETED}),
    TransferStatus.REPORTED: frozenset({TransferStatus.COMPLETED}),
    TransferStatus.COMPLETED: frozenset(),
    TransferStatus.REJECTED: frozenset(),
    TransferStatus.CANCELLED: frozenset(),
}


class Transfer(models.Model):
    """One 组织关系转接 of one member, out of a branch of the platform or into one.

    Written only by ``transfers.services``. The letter fields (number, issue date, validity) are set when the
    level above issues it; ``member_status``, ``probation_started_on`` and ``dues_paid_until`` are what the
    letter carries (DOMAIN.md §6), taken from the member's record when the letter is issued.
    """

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="transfers"
    )
    kind = models.CharField("转接类型", max_length=20, choices=TransferKind.choices)
    status = models.CharField(
        "办理状态", max_length=20, choices=TransferStatus.choices, default=TransferStatus.REQUESTED
    )
    started_by = models.CharField("发起方式", max_length=10, choices=StartedBy.choices)
    reason = models.CharField("转接原因", max_length=20, choices=TransferReason.choices)
    reason_detail = models.CharField("原因说明", max_length=200, blank=True)

    from_org = models.ForeignKey(
        "orgs.Org",
        verbose_name="转出党组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    from_org_name = models.CharField("转出党组织名称", max_length=100)
    to_org = models.ForeignKey(
        "orgs.Org",
        verbose_name="转入党组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    to_org_name = models.CharField("转入党组织名称", max_length=100)
    to_address = models.CharField("接收单位地址或联系方式", max_length=200, blank=True)
    system_ref = models.CharField("全国系统转接编号", max_length=60, blank=True)

    member_status = models.CharField("党员类别", max_length=20, choices=MemberStatus.choices)
    probation_started_on = models.DateField("预备期起算日期", null=True, blank=True)
    dues_paid_until = models.DateField("党费交至", null=True, blank=True, help_text="所交至月份的第一天")

    issuing_org = models.ForeignKey(
        "orgs.Org",
        verbose_name="开具介绍信的党组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    letter_number = models.CharField("介绍信编号", max_length=40, blank=True)
    issued_on = models.DateField("开具日期", null=True, blank=True)
    valid_days = models.PositiveSmallIntegerField("有效期（天）", null=True, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)

    requested_on = models.DateField("申请日期")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    branch_approved_on = models.DateField("支部审核日期", null=True, blank=True)
    branch_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="支部审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上级审批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_on = models.DateField("接收日期", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_on = models.DateField("报到日期", null=True, blank=True)
    receipt_due = models.DateField("回执应返回日期", null=True, blank=True)
    receipt_returned_on = models.DateField("回执返回日期", null=True, blank=True)
    receipt_note = models.CharField("回执说明", max_length=200, blank=True)
    decision_note = models.CharField("审核意见", max_length=200, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办结经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope_self_field = "member__user"

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = verbose_name
        ordering = ["-requested_on", "-id"]
        indexes = [
            models.Index(fields=["from_org", "status"]),
            models.Index(fields=["to_org", "status"]),
            models.Index(fields=["status", "expires_on"]),
            models.Index(fields=["status", "receipt_due"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_org", "letter_number"],
                condition=models.Q(issuing_org__isnull=False),
                name="transfers_unique_letter_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.from_org_name}→{self.to_org_name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_outgoing(self) -> bool:
        return self.kind in OUTGOING_KINDS

    def letter_expired(self, today: dt.date) -> bool:
        return bool(
            self.expires_on
            and self.status in (TransferStatus.ISSUED, TransferStatus.ACCEPTED)
            and self.expires_on < today
        )

    def receipt_overdue(self, today: dt.date) -> bool:
        return bool(self.receipt_due and self.status == TransferStatus.REPORTED and self.receipt_due < today)


class MobileReason(models.TextChoices):
    WORK = "work", "外出务工经商"
    STUDY = "study", "学习培训"
    FAMILY = "family", "随迁、投亲"
    ASSIGNMENT = "assignment", "外派工作"
    OTHER = "other", "其他"


class MobileRegistration(models.Model):
    """登记的流动党员 and their 流动党员活动证 (教管条例 第三十二条; DOMAIN.md §2).

    A member away from the branch (not transferring) keeps the relation here ("一方隶属、参加多重组织
    生活"): the registration records where they go, for how long, the Party organisation there, and the
    certificate the branch issues. Registering and ending go through ``members.services`` too, which keeps
    ``Member.mobile`` and the status history.
    """

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="mobile_registrations"
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name="流出党支部", on_delete=models.PROTECT, related_name="mobile_registrations"
    )
    certificate_number = models.CharField("活动证编号", max_length=30)
    destination = models.CharField("外出地点（流向）", max_length=100)
    destination_org = models.CharField("流入地党组织", max_length=100, blank=True)
    reason = models.CharField("外出原因", max_length=20, choices=MobileReason.choices)
    started_on = models.DateField("外出日期")
    expected_until = models.DateField("预计返回日期")
    contact = models.CharField("外出期间联系方式", max_length=60, blank=True)
    certificate_issued_on = models.DateField("发证日期")
    certificate_valid_until = models.DateField("活动证有效期至")
    ended_on = models.DateField("流动结束日期", null=True, blank=True)
    end_note = models.CharField("结束说明", max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope_org_field = "org"
    scope_self_field = "member__user"

    class Meta:
        verbose_name = "流动党员登记"
        verbose_name_plural = verbose_name
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "certificate_number"], name="transfers_unique_certificate")
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.destination}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None
