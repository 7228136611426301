"""党费 (DOMAIN.md §4): each member's category and salary items, the yearly fixing, monthly bills, payments,
少交/免交, campaign collections, monthly reconciliation and the yearly publication.

Written only by ``dues.services``. Amounts are 元 with two decimals (分). Months are stored as their
first day.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangjian.core.integrity import IntegrityProtected
from dangjian.dues import rules


class DuesCategory(models.TextChoices):
    IN_SERVICE = rules.IN_SERVICE, "在职"
    RETIRED = rules.RETIRED, "离退休"
    STUDENT = rules.STUDENT, "学生"
    UNEMPLOYED = rules.UNEMPLOYED, "下岗失业"
    RELIEF = rules.RELIEF, "低保/抚恤/救济"
    FARMER = rules.FARMER, "农民"


def _money(label: str, **kw: object) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(label, max_digits=12, decimal_places=2, **kw)  # type: ignore[arg-type]


class DuesProfile(models.Model):
    """A member's dues category (在职, 离退休 …); the salary items are ``SalaryItem`` rows."""

    member = models.OneToOneField(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="dues_profile"
    )
    category = models.CharField("党费类别", max_length=20, choices=DuesCategory.choices)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope_org_field = "member__org"
    scope_self_field = "member__user"

    class Meta:
        verbose_name = "党费档案"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.member} {self.get_category_display()}"


class SalaryItem(models.Model):
    """One monthly pay item of a member, in or out of the base (党费通知2017 lists what is out)."""

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="salary_items"
    )
    name = models.CharField("项目", max_length=50)
    amount = _money("月金额")
    in_base = models.BooleanField("计入基数", default=True)

    scope_org_field = "member__org"
    scope_self_field = "member__user"

    class Meta:
        verbose_name = "工资项目"
        verbose_name_plural = verbose_name
        ordering = ["member_id", "-in_base", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.amount}"


class FixingStatus(models.TextChoices):
    PROPOSED = "proposed", "待确认"
    CONFIRMED = "confirmed", "已核定"
    SUPERSEDED = "superseded", "已调整"
    DISCARDED = "discarded", "已作废"


class DuesFixing(models.Model):
    """The monthly amount fixed for a member from ``effective_from`` (党费通知2017: fixed at the start
    of the year;
    re-fixed on a significant documented pay change). The yearly job proposes; the branch confirms.

    At most one confirmed fixing per member; confirming another supersedes it from its first month
    (``effective_to`` is then the last month of the old one).
    """

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="dues_fixings"
    )
    year = models.PositiveSmallIntegerField("年度")
    effective_from = models.DateField("起始月份")
    effective_to = models.DateField("截止月份", null=True, blank=True)
    category = models.CharField("党费类别", max_length=20, choices=DuesCategory.choices)
    base = _money("月交纳基数")
    amount = _money("每月应交")
    steps = models.JSONField("计算过程", default=list)
    status = models.CharField(
        "状态", max_length=20, choices=FixingStatus.choices, default=FixingStatus.PROPOSED
    )
    reason = models.CharField("核定事由", max_length=300, blank=True)
    proposed_at = models.DateTimeField("生成时间", auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    scope_org_field = "member__org"
    scope_self_field = "member__user"

    class Meta:
        verbose_name = "党费核定"
        verbose_name_plural = verbose_name
        ordering = ["member_id", "-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="confirmed"), name="dues_one_confirmed_fixing"
            ),
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="proposed"), name="dues_one_proposed_fixing"
            ),
        ]
        indexes = [models.Index(fields=["member", "status"])]

    def __str__(self) -> str:
        return f"{self.member} {self.effective_from:%Y-%m} {self.amount}"


class BillStatus(models.TextChoices):
    UNPAID = "unpaid", "未交"
    PAID = "paid", "已交"
    EXEMPT = "exempt", "免交"


class DuesBill(models.Model):
    """What a member owes for one month (one row per member and month; generated idempotently)."""

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="dues_bills"
    )
    org = models.ForeignKey("orgs.Org", verbose_name="党支部", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份")
    amount = _money("应交金额")
    fixing = models.ForeignKey(
        DuesFixing, verbose_name="核定", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reduction = models.ForeignKey(
        "DuesReduction",
        verbose_name="少交免交",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField("状态", max_length=10, choices=BillStatus.choices, default=BillStatus.UNPAID)
    payment = models.ForeignKey(
        "DuesPayment",
        verbose_name="交纳记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bills",
    )
    created_at = models.DateTimeField("生成时间")

    scope_org_field = "org"
    scope_self_field = "member__user"

    class Meta:
        verbose_name = "党费账单"
        verbose_name_plural = verbose_name
        ordering = ["-month", "member_id"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="dues_one_bill_per_month")]
        indexes = [models.Index(fields=["org", "month", "status"]), models.Index(fields=["member", "status"])]

    def __str__(self) -> str:
        return f"{self.member} {self.month:%Y-%m}"


class PaymentKind(models.TextChoices):
    MONTHLY = "monthly", "按月交纳"
    QUARTERLY = "quarterly", "按季交纳"
    ARREARS = "arrears", "补交"
    ADVANCE = "advance", "预交"
    VOLUNTARY = "voluntary", "自愿多交"
    LARGE_VOLUNTARY = "large_voluntary", "大额党费"
    CAMPAIGN = "campaign", "专项收缴"


BILL_KINDS = ("monthly", "quarterly", "arrears", "advance")


class PayerKind(models.TextChoices):
    SELF = "self", "本人交纳"
    RELATIVE = "relative", "亲属代交"
    MEMBER = "member", "其他党员代交"


class PaymentStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", "待支部同意"
    PENDING = "pending", "待确认到账"
    CONFIRMED = "confirmed", "已到账"
    REJECTED = "rejected", "已退回"


class DuesCampaign(models.Model):
    """A collection for a purpose (e.g. disaster relief), created only by a higher organisation (a committee):
    "特殊党费" must not be demanded (党费规定); members give voluntarily."""

    org = models.ForeignKey("orgs.Org", verbose_name="发起党组织", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("名称", max_length=100)
    purpose = models.TextField("用途说明")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("截止日期")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "专项收缴"
        verbose_name_plural = verbose_name
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


class DuesPayment(IntegrityProtected):
    """One payment: of bills (monthly, quarterly, 补交, 预交), voluntary, 大额党费 or to a campaign.

    Paid by the member or on their behalf (a relative, another member). The provider records how the money
    moves; the offline provider needs the treasurer's confirmation of the transfer or cash. The row is sealed
    with an HMAC (SECURITY.md: dues payments carry one; ``manage.py check_integrity`` finds raw edits).
    """

    integrity_fields = (
        "member_id",
        "org_id",
        "kind",
        "amount",
        "months_from",
        "months_to",
        "status",
        "receipt_no",
    )

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="dues_payments"
    )
    org = models.ForeignKey("orgs.Org", verbose_name="党支部", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("交纳方式", max_length=20, choices=PaymentKind.choices)
    payer_kind = models.CharField("交纳人", max_length=10, choices=PayerKind.choices, default=PayerKind.SELF)
    payer_name = models.CharField("代交人姓名", max_length=50, blank=True)
    amount = _money("金额")
    months_from = models.DateField("起始月份", null=True, blank=True)
    months_to = models.DateField("截止月份", null=True, blank=True)
    campaign = models.ForeignKey(
        DuesCampaign,
        verbose_name="专项收缴",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    remit_upward = models.BooleanField("全额上缴", default=False)
    provider = models.CharField("支付渠道", max_length=30, default="offline")
    provider_ref = models.CharField("渠道流水号", max_length=100, blank=True)
    status = models.CharField("状态", max_length=20, choices=PaymentStatus.choices)
    note = models.CharField("备注", max_length=300, blank=True)
    receipt_no = models.CharField("收据编号", max_length=30, null=True, blank=True, unique=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="同意人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField("同意时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("到账时间", null=True, blank=True)
    rejected_reason = models.CharField("退回原因", max_length=300, blank=True)
    created_by = models.ForeignKey(
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
        verbose_name = "党费交纳记录"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "status"]), models.Index(fields=["member", "status"])]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.amount}"

    @property
    def months_label(self) -> str:
        if self.months_from is None:
            return ""
        if self.months_to is None or self.months_to == self.months_from:
            return f"{self.months_from:%Y年%m月}"
        return f"{self.months_from:%Y年%m月}—{self.months_to:%Y年%m月}"


class ReductionKind(models.TextChoices):
    REDUCE = "reduce", "少交"
    EXEMPT = "exempt", "免交"


class ReductionStatus(models.TextChoices):
    STUDIED = "studied", "支部已研究，待上级审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"


class DuesReduction(models.Model):
    """少交/免交 for a member in hardship: the 党支部 studies it, the 上一级党委 approves (``dues.approve``);
    for a
    retiree in hardship the 党支部 alone decides (党费规定)."""

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="dues_reductions"
    )
    org = models.ForeignKey("orgs.Org", verbose_name="党支部", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=10, choices=ReductionKind.choices)
    monthly_amount = _money("每月交纳", default=0)
    months_from = models.DateField("起始月份")
    months_to = models.DateField("截止月份")
    reason = models.TextField("困难情况")
    retiree_hardship = models.BooleanField("离退休生活困难", default=False)
    studied_on = models.DateField("支部研究日期")
    study_note = models.CharField("支部研究意见", max_length=500)
    status = models.CharField("状态", max_length=20, choices=ReductionStatus.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=500, blank=True)
    created_by = models.ForeignKey(
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
        verbose_name = "少交免交"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()}"


class DuesReconciliation(models.Model):
    """A branch's month closed by its treasurer: billed, collected, outstanding (对账), frozen when closed."""

    org = models.ForeignKey("orgs.Org", verbose_name="党支部", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份")
    billed_count = models.PositiveIntegerField("应交人数")
    billed_amount = _money("应交金额")
    paid_count = models.PositiveIntegerField("已交人数")
    paid_amount = _money("已交金额")
    exempt_count = models.PositiveIntegerField("免交人数")
    collected_amount = _money("当月到账")
    voluntary_amount = _money("自愿多交")
    remit_amount = _money("大额党费（全额上缴）")
    note = models.CharField("说明", max_length=500, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="对账人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField("对账时间", auto_now_add=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "党费月度对账"
        verbose_name_plural = verbose_name
        ordering = ["-month", "org_id"]
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="dues_one_reconciliation")]

    def __str__(self) -> str:
        return f"{self.org} {self.month:%Y-%m}"


class DuesPublication(models.Model):
    """The yearly publication of dues collected and used, shown to the members of the organisation's subtree
    (党费规定: 每年向党员公布一次)."""

    org = models.ForeignKey("orgs.Org", verbose_name="党组织", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    collected = _money("收缴合计")
    remitted = _money("上缴合计")
    used = _money("使用合计")
    usage = models.TextField("使用情况说明")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公布人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField("公布时间", auto_now_add=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "党费收缴使用公布"
        verbose_name_plural = verbose_name
        ordering = ["-year", "org_id"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="dues_one_publication")]

    def __str__(self) -> str:
        return f"{self.org} {self.year}"
