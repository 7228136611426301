"""发展党员: one ``Development`` per person from 入党申请书 to 材料归档 (DOMAIN.md §5), its 25 steps as dated
``DevelopmentStep`` rows, the half-yearly evaluations and 思想汇报 as ``DevelopmentRecord``, documents as
``DevelopmentDocument`` (upload pipeline), the two 支部大会 votes as ``DevelopmentVote`` (figures only: a
secret
ballot stores no choice of anyone present), and the local practice of a committee as ``LocalPractice``.

The applicant is not a 党员 yet: their record lives here; when the 上级党委 approves the admission (⑰) the
member record is created through ``members.services`` and linked in ``member``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangjian.core import masking
from dangjian.core.fields import EncryptedTextField
from dangjian.development import rules
from dangjian.members.choices import ETHNICITY_CHOICES, Category, Education, Gender


class Stage(models.TextChoices):
    APPLICANT = rules.APPLICANT, "入党申请人"
    ACTIVIST = rules.ACTIVIST, "入党积极分子"
    CANDIDATE = rules.CANDIDATE, "发展对象"
    PROBATIONARY = rules.PROBATIONARY, "预备党员"
    FULL = rules.FULL, "正式党员"


class Status(models.TextChoices):
    OPEN = "open", "进行中"
    ARCHIVED = "archived", "已归档"
    REJECTED = "rejected", "未批准"
    CANCELLED = "cancelled", "取消预备党员资格"
    WITHDRAWN = "withdrawn", "终止培养"


class LocalPractice(models.Model):
    """[C] A committee's local practice of 发展党员 (DOMAIN.md §5), inherited by the organisations below it;
    without a row anywhere above, the DOMAIN defaults apply."""

    org = models.OneToOneField(
        "orgs.Org", verbose_name="党组织", on_delete=models.CASCADE, related_name="development_practice"
    )
    publicity_days = models.PositiveSmallIntegerField(
        "公示天数",
        default=rules.DEFAULT_PUBLICITY_DAYS,
        help_text="确定积极分子、发展对象、拟接收和拟转正前公示；0 表示不公示",
    )
    activist_min_months = models.PositiveSmallIntegerField(
        "申请后确定积极分子的最短月数", default=rules.DEFAULT_ACTIVIST_MIN_MONTHS, help_text="0 表示不限"
    )
    review_valid_months = models.PositiveSmallIntegerField(
        "政治审查有效月数", default=rules.DEFAULT_REVIEW_VALID_MONTHS, help_text="0 表示不限"
    )
    thought_report_months = models.PositiveSmallIntegerField(
        "思想汇报间隔（月）", default=rules.DEFAULT_THOUGHT_REPORT_MONTHS, help_text="0 表示不要求"
    )
    notice_days = models.PositiveSmallIntegerField("提前提醒天数", default=30)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "发展党员本地规定"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.org_id}"


class Development(models.Model):
    """One person's 发展党员 process in a branch."""

    org = models.ForeignKey("orgs.Org", verbose_name="党支部", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices)
    id_number = EncryptedTextField("公民身份号码")
    id_number_index = models.CharField(max_length=64, db_index=True, editable=False)
    birth_date = models.DateField("出生日期")
    ethnicity = models.CharField("民族", max_length=10, choices=ETHNICITY_CHOICES, default="汉族")
    education = models.CharField("学历", max_length=30, choices=Education.choices, blank=True)
    category = models.CharField("人员类别", max_length=30, choices=Category.choices, blank=True)
    job_title = models.CharField("工作岗位", max_length=100, blank=True)
    phone = EncryptedTextField("联系电话", blank=True)
    applied_on = models.DateField("递交入党申请书日期")
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices, default=Stage.APPLICANT)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.OPEN)
    mentors = models.ManyToManyField(
        "members.Member", verbose_name="培养联系人", blank=True, related_name="+"
    )
    introducers = models.ManyToManyField(
        "members.Member", verbose_name="入党介绍人", blank=True, related_name="+"
    )
    leaving_on = models.DateField("预计离开本单位日期", null=True, blank=True)
    resolution_on = models.DateField("支部大会通过日期", null=True, blank=True)
    approval_extension_reason = models.CharField("延长审批原因", max_length=300, blank=True)
    extension_months = models.PositiveSmallIntegerField("延长预备期（月）", default=0)
    full_on = models.DateField("转正日期", null=True, blank=True)
    member = models.ForeignKey(
        "members.Member",
        verbose_name="党员档案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_reason = models.CharField("终止原因", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "发展党员"
        verbose_name_plural = verbose_name
        ordering = ["org_id", "applied_on", "id"]
        indexes = [models.Index(fields=["org", "status", "stage"])]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return masking.mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return masking.mask_phone(self.phone)

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def probation_ends(self) -> object:
        if self.resolution_on is None:
            return None
        return rules.probation_end(self.resolution_on, self.extension_months)


class DevelopmentStep(models.Model):
    """One of the 25 steps, recorded with its date, who did it, its particulars and the warnings it
    carried."""

    development = models.ForeignKey(
        Development, verbose_name="发展党员", on_delete=models.CASCADE, related_name="steps"
    )
    number = models.PositiveSmallIntegerField("步骤", choices=[(s.number, s.label) for s in rules.STEPS])
    done_on = models.DateField("日期")
    responsible = models.CharField("经办人/负责人", max_length=100, blank=True)
    note = models.TextField("情况记载", blank=True)
    data = models.JSONField("详情", default=dict, blank=True)
    warnings = models.JSONField("提示", default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope_org_field = "development__org"

    class Meta:
        verbose_name = "发展步骤"
        verbose_name_plural = verbose_name
        ordering = ["development_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["development", "number"], name="development_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.development_id} {self.number}"

    @property
    def step(self) -> rules.Step:
        return rules.STEP_BY_NUMBER[self.number]


class RecordKind(models.TextChoices):
    EVALUATION = "evaluation", "党支部半年考察"
    THOUGHT_REPORT = "thought_report", "思想汇报"
    PROBATION = "probation", "预备期考察"


class DevelopmentRecord(models.Model):
    """A dated 考察 (⑥ half-yearly, ㉑ during probation) or 思想汇报."""

    development = models.ForeignKey(
        Development, verbose_name="发展党员", on_delete=models.CASCADE, related_name="records"
    )
    kind = models.CharField("类别", max_length=20, choices=RecordKind.choices)
    on = models.DateField("日期")
    summary = models.TextField("内容摘要")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope_org_field = "development__org"

    class Meta:
        verbose_name = "考察与思想汇报"
        verbose_name_plural = verbose_name
        ordering = ["development_id", "on", "id"]

    def __str__(self) -> str:
        return f"{self.development_id} {self.kind} {self.on}"


class DevelopmentDocument(models.Model):
    """A document of the file (入党申请书, 谈话记录, 考察表, 政审材料, 入党志愿书 …) through the upload
    pipeline."""

    development = models.ForeignKey(
        Development, verbose_name="发展党员", on_delete=models.CASCADE, related_name="documents"
    )
    step = models.PositiveSmallIntegerField(
        "所属步骤", choices=[(s.number, s.label) for s in rules.STEPS], null=True, blank=True
    )
    title = models.CharField("材料名称", max_length=100)
    file = models.ForeignKey(
        "core.StoredFile", verbose_name="文件", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    scope_org_field = "development__org"

    class Meta:
        verbose_name = "发展党员材料"
        verbose_name_plural = verbose_name
        ordering = ["development_id", "step", "id"]

    def __str__(self) -> str:
        return self.title


class DevelopmentVote(models.Model):
    """A 支部大会 vote on one person (⑮ 接收预备党员, ㉓ 转正), tallied by ``meetings.rules.tally``.

    Secret ballot: only the counts of those present are kept, with who was present and who was left out of
    应到会 (and why); written opinions handed in beforehand by absent members are signed and kept."""

    development = models.ForeignKey(
        Development, verbose_name="发展党员", on_delete=models.CASCADE, related_name="votes"
    )
    step = models.PositiveSmallIntegerField("步骤")
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name="支部大会",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    held_on = models.DateField("会议日期")
    starts_at = models.DateTimeField("开始时间", null=True, blank=True)
    present_ids = models.JSONField("到会党员", default=list)
    excluded = models.JSONField("不计入应到会", default=dict, blank=True)
    written = models.JSONField("会前书面意见", default=list, blank=True)
    yes = models.PositiveSmallIntegerField("到会赞成", default=0)
    no = models.PositiveSmallIntegerField("到会反对", default=0)
    abstain = models.PositiveSmallIntegerField("到会弃权", default=0)
    outcome = models.CharField(
        "转正意见", max_length=20, blank=True, choices=list(rules.OUTCOME_LABELS.items())
    )
    extension_months = models.PositiveSmallIntegerField("延长月数", default=0)
    passed = models.BooleanField("通过", default=False)
    expected = models.PositiveSmallIntegerField("应到会有表决权党员", default=0)
    present = models.PositiveSmallIntegerField("实到会有表决权党员", default=0)
    yes_total = models.PositiveSmallIntegerField("赞成票", default=0)
    no_total = models.PositiveSmallIntegerField("反对票", default=0)
    abstain_total = models.PositiveSmallIntegerField("弃权票", default=0)
    explanation = models.TextField("计票说明")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope_org_field = "development__org"

    class Meta:
        verbose_name = "支部大会表决"
        verbose_name_plural = verbose_name
        ordering = ["development_id", "held_on", "id"]

    def __str__(self) -> str:
        return f"{self.development_id} {self.step} {self.held_on}"
