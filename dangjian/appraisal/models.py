"""Models of 组织生活会 preparation (谈心谈话, 对照检查材料) and 民主评议党员 (DOMAIN.md §3, §8).

Written only by ``appraisal.services``. Rules: ``appraisal.rules``.

How 民主测评 stays anonymous (to everyone, the secretary and the database reader included):

- A rater's ballot is never stored as a ballot. In one transaction the service adds each grade to the
  ratee's counters (``RatingTally``: four integers per participant) and writes a ``BallotReceipt`` that says
  only that this participant has voted — no grades, no time. No row anywhere links a rater to a grade, so
  neither a page, the API, an export nor a database dump can say who gave whom which grade.
- The audit entry of the vote names the rater and the number of ratings, never a grade.
- Counters are shown only after rating is closed (so nobody can watch them move as each member votes and
  match the change to the receipt that appeared), and only when at least ``APPRAISAL_MIN_BALLOTS`` (default 3)
  ballots were cast (with one or two the counts would be those ballots).
- A cast ballot cannot be changed or read back, not even by the rater: there is nothing to read.
- What remains outside the platform's reach: someone reading the live database between two votes could
  compare counters; that is the database administrator's trust, as with any secret ballot box.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangjian.appraisal import rules
from dangjian.meetings.rules import EXCLUSION_REASONS


class Grade(models.TextChoices):
    EXCELLENT = rules.EXCELLENT, "优秀"
    QUALIFIED = rules.QUALIFIED, "合格"
    BASIC = rules.BASIC, "基本合格"
    UNQUALIFIED = rules.UNQUALIFIED, "不合格"


class ExclusionReason(models.TextChoices):
    """Why a member takes no part in an appraisal: DOMAIN.md §5's list for 应到会 (the same values and labels
    as ``meetings.rules.EXCLUSION_REASONS``), plus a free reason."""

    ABROAD = "abroad", EXCLUSION_REASONS["abroad"]
    SUSPENDED = "suspended", EXCLUSION_REASONS["suspended"]
    PROBATION = "probation", EXCLUSION_REASONS["probation"]
    DETAINED = "detained", EXCLUSION_REASONS["detained"]
    BEDRIDDEN = "bedridden", EXCLUSION_REASONS["bedridden"]
    AWAY = "away", EXCLUSION_REASONS["away"]
    INCAPABLE = "incapable", EXCLUSION_REASONS["incapable"]
    OTHER = "other", "其他原因"


EXCLUSIONS: dict[str, str] = dict(ExclusionReason.choices)


# --------------------------------------------------------------------------------------------------------
# 组织生活会 and its preparation


class LifeMeeting(models.Model):
    """A branch's 组织生活会 of one year, as prepared: the 谈心谈话 before it and each participant's
    对照检查材料.

    支部条例 第二十条: at least once a year, usually in Q4. The meeting itself may be recorded in 组织生活
    (``meetings.Meeting`` of kind ``life_meeting``) and linked here; the preparation stands on its own.
    """

    org = models.ForeignKey("orgs.Org", verbose_name="党支部", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    topic = models.CharField("主题", max_length=200)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name="会议记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    material_due = models.DateField("材料提交截止日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "组织生活会"
        verbose_name_plural = verbose_name
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["org", "year"])]

    def __str__(self) -> str:
        return f"{self.year}年度组织生活会：{self.topic}"


class HeartToHeart(models.Model):
    """One 谈心谈话: who talked with whom, when, about what, and a summary.

    支部条例 第二十一条: 支委之间、支委和党员之间、党员和党员之间 每年谈心谈话一般不少于1次. The pair is
    unordered for coverage (``rules.talk_coverage``); ``initiator`` is who led the talk.
    """

    life_meeting = models.ForeignKey(
        LifeMeeting, verbose_name="组织生活会", on_delete=models.PROTECT, related_name="talks"
    )
    initiator = models.ForeignKey(
        "members.Member", verbose_name="谈话人", on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        "members.Member", verbose_name="谈话对象", on_delete=models.PROTECT, related_name="+"
    )
    talked_on = models.DateField("谈话日期")
    topics = models.CharField("谈话主题", max_length=200)
    summary = models.TextField("谈话要点")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope_org_field = "life_meeting__org"

    class Meta:
        verbose_name = "谈心谈话"
        verbose_name_plural = verbose_name
        ordering = ["life_meeting_id", "-talked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.talked_on} 谈心谈话"


class ExaminationStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "退回修改"
    ACCEPTED = "accepted", "已通过"


class SelfExamination(models.Model):
    """One participant's 对照检查材料 for a 组织生活会: written in the page or uploaded as a document (upload
    purpose ``appraisal.material``). The secretary accepts it or returns it with a note; an accepted
    material is final."""

    life_meeting = models.ForeignKey(
        LifeMeeting, verbose_name="组织生活会", on_delete=models.PROTECT, related_name="examinations"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("对照检查内容", blank=True)
    file = models.ForeignKey(
        "core.StoredFile",
        verbose_name="材料文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=20, choices=ExaminationStatus.choices, default=ExaminationStatus.SUBMITTED
    )
    review_note = models.CharField("审阅意见", max_length=500, blank=True)
    submitted_at = models.DateTimeField("提交时间")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审阅人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    reviewed_at = models.DateTimeField("审阅时间", null=True, blank=True)

    scope_org_field = "life_meeting__org"
    scope_self_field = "member__user"
    scope_self_always = True  # a member always sees their own material

    class Meta:
        verbose_name = "对照检查材料"
        verbose_name_plural = verbose_name
        ordering = ["life_meeting_id", "member__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["life_meeting", "member"], name="appraisal_examination_unique")
        ]

    def __str__(self) -> str:
        return f"对照检查材料 {self.member_id}"


# --------------------------------------------------------------------------------------------------------
# 民主评议党员


class AppraisalStatus(models.TextChoices):
    RATING = "rating", "自评与测评中"
    TALLIED = "tallied", "测评结束"
    PROPOSED = "proposed", "支委会已提出等次"
    CONFIRMED = "confirmed", "党员大会已确定"
    FILED = "filed", "上级已备案"


# Allowed status changes, enforced by appraisal.services. A proposal may be revised until the 党员大会
# decides.
TRANSITIONS: dict[str, frozenset[str]] = {
    AppraisalStatus.RATING: frozenset({AppraisalStatus.TALLIED}),
    AppraisalStatus.TALLIED: frozenset({AppraisalStatus.PROPOSED}),
    AppraisalStatus.PROPOSED: frozenset({AppraisalStatus.PROPOSED, AppraisalStatus.CONFIRMED}),
    AppraisalStatus.CONFIRMED: frozenset({AppraisalStatus.FILED}),
    AppraisalStatus.FILED: frozenset(),
}


class Appraisal(models.Model):
    """A branch's 民主评议党员 of one year (支部条例 第二十二条; DOMAIN.md §8).

    Steps: 个人自评 and 党员互评/民主测评 on the members' phones (status ``rating``) → rating closed and
    tallied →
    the 支委会 proposes a grade per member (≤1/3 优秀 unless a reason is recorded) → the 党员大会 confirms →
    the level above files it. 不合格 grades get a ``FollowUp``. One appraisal per branch and year.
    """

    org = models.ForeignKey("orgs.Org", verbose_name="党支部", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    status = models.CharField(
        "状态", max_length=20, choices=AppraisalStatus.choices, default=AppraisalStatus.RATING
    )
    rating_until = models.DateField("测评截止日期", null=True, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name="评议会议",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField("测评结束时间", null=True, blank=True)
    proposed_on = models.DateField("支委会研究日期", null=True, blank=True)
    excellent_reason = models.CharField("优秀超过比例的理由", max_length=500, blank=True)
    confirmed_on = models.DateField("党员大会日期", null=True, blank=True)
    decision = models.TextField("党员大会决定", blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="备案人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    filed_at = models.DateTimeField("备案时间", null=True, blank=True)
    filed_note = models.CharField("备案意见", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "民主评议党员"
        verbose_name_plural = verbose_name
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="appraisal_one_per_year")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_rating(self) -> bool:
        return self.status == AppraisalStatus.RATING

    @property
    def tally_open(self) -> bool:
        """Whether rating has closed (counts may be read from now on)."""
        return self.status != AppraisalStatus.RATING


class Participant(models.Model):
    """A member in an appraisal: 正式党员 or 预备党员 of the branch when it opened (``member_status``), unless
    excluded with a reason. Holds their 个人自评 and the grades proposed and confirmed for them."""

    appraisal = models.ForeignKey(
        Appraisal, verbose_name="民主评议", on_delete=models.CASCADE, related_name="participants"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    member_status = models.CharField("党员类别", max_length=20)
    excluded_reason = models.CharField(
        "不参加评议原因", max_length=20, blank=True, choices=ExclusionReason.choices
    )
    excluded_note = models.CharField("说明", max_length=200, blank=True)
    self_assessment = models.TextField("个人自评", blank=True)
    self_grade = models.CharField("自评等次", max_length=20, blank=True, choices=Grade.choices)
    self_assessed_at = models.DateTimeField("自评时间", null=True, blank=True)
    proposed_grade = models.CharField("建议等次", max_length=20, blank=True, choices=Grade.choices)
    proposal_note = models.CharField("评定说明", max_length=500, blank=True)
    final_grade = models.CharField("确定等次", max_length=20, blank=True, choices=Grade.choices)

    scope_org_field = "appraisal__org"
    scope_self_field = "member__user"
    scope_self_always = True  # a member always reaches their own line (self-assessment, own grade once final)

    class Meta:
        verbose_name = "参评党员"
        verbose_name_plural = verbose_name
        ordering = ["appraisal_id", "member__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "member"], name="appraisal_participant_unique")
        ]

    def __str__(self) -> str:
        return f"参评 {self.member_id}"

    @property
    def takes_part(self) -> bool:
        return not self.excluded_reason

    @property
    def status_label(self) -> str:
        return "预备党员" if self.member_status == "probationary" else "正式党员"


class BallotReceipt(models.Model):
    """That one participant has cast their ballot — and nothing else (no grades, no time): see the module
    docstring. Its uniqueness makes a second ballot impossible."""

    appraisal = models.ForeignKey(
        Appraisal, verbose_name="民主评议", on_delete=models.CASCADE, related_name="receipts"
    )
    rater = models.ForeignKey(
        Participant, verbose_name="投票人", on_delete=models.CASCADE, related_name="receipts"
    )

    scope_org_field = "appraisal__org"

    class Meta:
        verbose_name = "投票记录"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["appraisal", "rater"], name="appraisal_one_ballot")]

    def __str__(self) -> str:
        return f"已投票 {self.rater_id}"


class RatingTally(models.Model):
    """The grades one participant received, as counters only: each ballot adds one to a counter and leaves no
    trace of who gave it (module docstring). Readable once rating has closed."""

    participant = models.OneToOneField(
        Participant, verbose_name="被测评党员", on_delete=models.CASCADE, related_name="tally"
    )
    excellent = models.PositiveIntegerField("优秀票", default=0)
    qualified = models.PositiveIntegerField("合格票", default=0)
    basic = models.PositiveIntegerField("基本合格票", default=0)
    unqualified = models.PositiveIntegerField("不合格票", default=0)

    scope_org_field = "participant__appraisal__org"

    class Meta:
        verbose_name = "测评计票"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"计票 {self.participant_id}"

    @property
    def counts(self) -> dict[str, int]:
        return {g: int(getattr(self, g)) for g in rules.GRADES}


class FollowUpKind(models.TextChoices):
    RECTIFY = "rectify", "限期改正"
    DISPOSAL = "disposal", "组织处置"


class DisposalKind(models.TextChoices):
    PERSUADE = "persuade", "劝其退党"
    REMOVE = "remove", "除名"
    OTHER = "other", "其他组织处置"


class FollowUp(models.Model):
    """What was done about a member confirmed 不合格: education and 限期改正 (deadline ≤1 year), or 组织处置
    (劝退, 除名 …, decided by the 支部大会 and approved above — recorded here, never carried out by the
    platform), and its outcome (DOMAIN.md §8; 党章 第九条)."""

    participant = models.ForeignKey(
        Participant, verbose_name="参评党员", on_delete=models.PROTECT, related_name="follow_ups"
    )
    kind = models.CharField("处理方式", max_length=20, choices=FollowUpKind.choices)
    disposal = models.CharField("处置方式", max_length=20, blank=True, choices=DisposalKind.choices)
    decided_on = models.DateField("决定日期")
    deadline = models.DateField("改正期限", null=True, blank=True)
    measures = models.TextField("教育帮扶措施")
    outcome = models.TextField("结果", blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope_org_field = "participant__appraisal__org"

    class Meta:
        verbose_name = "不合格党员处理"
        verbose_name_plural = verbose_name
        ordering = ["participant_id", "decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.participant_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None
