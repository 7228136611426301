"""考试中心: question banks, papers, exams, attempts and answers, the wrong-answer book and daily practice.

A bank belongs to an organisation; with ``shared_down`` the organisations below it may draw from it. A paper
is fixed (``PaperItem`` rows) or drawn by rules (``PaperRule`` rows) for each examinee. An exam puts a paper
in front of the members of organisations (with their subtrees) or named people for a window. Each start
creates an ``Attempt`` holding the examinee's own question list (drawn, options shuffled) and one ``Answer``
row per question; saving an answer is one conditional UPDATE of that row, ordered by the client's sequence
number (``services.answer_save``). Scores are sealed with an HMAC (``core.integrity``, docs/integrity.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangjian.core.integrity import IntegrityProtected


class QuestionKind(models.TextChoices):
    SINGLE = "single", "单选题"
    MULTIPLE = "multiple", "多选题"
    JUDGE = "judge", "判断题"
    BLANK = "blank", "填空题"
    SHORT = "short", "简答题"


OBJECTIVE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.JUDGE, QuestionKind.BLANK)
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


def tag_q(tag: str, field: str = "tags") -> Q:
    """Questions carrying ``tag`` in their comma-separated ``tags`` (portable: no JSON lookups)."""
    return (
        Q(**{field: tag})
        | Q(**{f"{field}__startswith": f"{tag},"})
        | Q(**{f"{field}__endswith": f",{tag}"})
        | Q(**{f"{field}__contains": f",{tag},"})
    )


class Difficulty(models.IntegerChoices):
    EASY = 1, "容易"
    MEDIUM = 2, "中等"
    HARD = 3, "困难"


class QuestionBank(models.Model):
    """题库: questions kept by an organisation; ``shared_down`` lets the organisations below use it."""

    org = models.ForeignKey("orgs.Org", verbose_name="所属组织", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("题库名称", max_length=100)
    description = models.CharField("说明", max_length=500, blank=True)
    shared_down = models.BooleanField("向下级组织共享", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "题库"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """试题 in a bank.

    ``options``: the choice texts in order (A, B, …; single and multiple choice only). ``answer``: a list —
    the correct letters (``["A", "C"]``), ``["true"]``/``["false"]`` for 判断, the accepted texts of a blank
    (any one counts; compared full-width/half-width and spacing tolerant), or the reference answer of a
    简答 (graded by a person). ``fingerprint`` is the normalised stem, unique in a bank (no duplicates).
    """

    bank = models.ForeignKey(
        QuestionBank, verbose_name="题库", on_delete=models.CASCADE, related_name="questions"
    )
    kind = models.CharField("题型", max_length=10, choices=QuestionKind.choices)
    stem = models.TextField("题干")
    options = models.JSONField("选项", default=list, blank=True)
    answer = models.JSONField("答案", default=list)
    explanation = models.TextField("解析", blank=True)
    difficulty = models.PositiveSmallIntegerField(
        "难度", choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    tags = models.CharField("知识点标签", max_length=300, blank=True, help_text="以英文逗号分隔")
    source = models.CharField("出处", max_length=200, blank=True)
    fingerprint = models.CharField("题干指纹", max_length=64, editable=False)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    scope_org_field = "bank__org"

    class Meta:
        verbose_name = "试题"
        verbose_name_plural = verbose_name
        ordering = ["bank_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "fingerprint"], name="exams_question_unique_stem"),
        ]
        indexes = [models.Index(fields=["bank", "kind", "difficulty"])]

    def __str__(self) -> str:
        return self.stem[:40]

    @property
    def lettered_options(self) -> list[tuple[str, str]]:
        return list(zip("ABCDEF", self.options, strict=False))

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]

    @property
    def is_objective(self) -> bool:
        return self.kind in OBJECTIVE_KINDS


class PaperMode(models.TextChoices):
    FIXED = "fixed", "固定试卷"
    RANDOM = "random", "随机抽题"


class Paper(models.Model):
    """试卷: fixed questions with scores, or rules that draw questions for each examinee."""

    org = models.ForeignKey("orgs.Org", verbose_name="所属组织", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("试卷名称", max_length=100)
    mode = models.CharField("组卷方式", max_length=10, choices=PaperMode.choices, default=PaperMode.FIXED)
    shuffle_questions = models.BooleanField("题目乱序", default=False)
    shuffle_options = models.BooleanField("选项乱序", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "试卷"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class PaperItem(models.Model):
    """One question of a fixed paper, with its score."""

    paper = models.ForeignKey(Paper, verbose_name="试卷", on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, verbose_name="试题", on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField("分值", max_digits=5, decimal_places=1)
    position = models.PositiveIntegerField("序号", default=0)

    scope_org_field = "paper__org"

    class Meta:
        verbose_name = "试卷题目"
        verbose_name_plural = verbose_name
        ordering = ["paper_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["paper", "question"], name="exams_paperitem_unique")]

    def __str__(self) -> str:
        return f"{self.paper} · {self.question}"


class PaperRule(models.Model):
    """One drawing rule of a random paper: ``count`` questions of ``kind`` from ``bank`` (optionally of one
    tag and one difficulty), each worth ``score``."""

    paper = models.ForeignKey(Paper, verbose_name="试卷", on_delete=models.CASCADE, related_name="rules")
    bank = models.ForeignKey(QuestionBank, verbose_name="题库", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("题型", max_length=10, choices=QuestionKind.choices)
    tag = models.CharField("知识点标签", max_length=50, blank=True)
    difficulty = models.PositiveSmallIntegerField("难度", choices=Difficulty.choices, null=True, blank=True)
    count = models.PositiveIntegerField("抽题数")
    score = models.DecimalField("每题分值", max_digits=5, decimal_places=1)
    position = models.PositiveIntegerField("序号", default=0)

    scope_org_field = "paper__org"

    class Meta:
        verbose_name = "抽题规则"
        verbose_name_plural = verbose_name
        ordering = ["paper_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} × {self.count}"


class ExamStatus(models.TextChoices):
    DRAFT = "draft", "未发布"
    PUBLISHED = "published", "已发布"
    CANCELLED = "cancelled", "已取消"


class Exam(models.Model):
    """考试: a paper put in front of the takers for a window.

    Takers are the members of ``target_orgs`` (each with its subtree) plus the named ``candidates``. An
    attempt lasts ``duration_minutes`` but never past ``closes_at``; ``max_attempts`` counts submitted and
    open attempts; ``pass_score`` is on the paper's full marks. A make-up exam (补考) points to its
    original through ``makeup_of`` and names the absent as candidates.
    """

    org = models.ForeignKey("orgs.Org", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    paper = models.ForeignKey(Paper, verbose_name="试卷", on_delete=models.PROTECT, related_name="exams")
    title = models.CharField("考试名称", max_length=100)
    description = models.TextField("考试说明", blank=True)
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("结束时间")
    duration_minutes = models.PositiveIntegerField("答题时长（分钟）")
    max_attempts = models.PositiveSmallIntegerField("可考次数", default=1)
    pass_score = models.DecimalField("及格分", max_digits=6, decimal_places=1)
    required = models.BooleanField("必考", default=True)
    show_answers = models.BooleanField("结束后公布答案和解析", default=True)
    status = models.CharField("状态", max_length=10, choices=ExamStatus.choices, default=ExamStatus.DRAFT)
    makeup_of = models.ForeignKey(
        "self",
        verbose_name="补考对应考试",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="makeups",
    )
    target_orgs = models.ManyToManyField(
        "orgs.Org", verbose_name="参考组织（含下级）", blank=True, related_name="+"
    )
    candidates = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="指定参考人员", blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField("最近提醒时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "考试"
        verbose_name_plural = verbose_name
        ordering = ["-opens_at", "-id"]

    def __str__(self) -> str:
        return self.title


class AttemptStatus(models.TextChoices):
    OPEN = "open", "答题中"
    SUBMITTED = "submitted", "已交卷"


class Attempt(IntegrityProtected):
    """答卷: one examinee's sitting of an exam.

    ``layout`` is the examinee's own paper, fixed at the start: ``[{"q": question id, "k": its kind,
    "score": "2.0", "order": [original option indexes in the order shown]}, …]``. ``deadline`` is the
    server's clock: the start plus the duration, capped by the exam's close. At most one open attempt per
    exam and person (a partial unique constraint, on SQLite and PostgreSQL). The score, the pass and the
    submission time are sealed (``row_mac``).
    """

    exam = models.ForeignKey(Exam, verbose_name="考试", on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="考生", on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name="党员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    taker_org = models.ForeignKey(
        "orgs.Org",
        verbose_name="考生所在组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.PositiveSmallIntegerField("第几次", default=1)
    status = models.CharField(
        "状态", max_length=10, choices=AttemptStatus.choices, default=AttemptStatus.OPEN
    )
    layout = models.JSONField("题目与顺序", default=list)
    started_at = models.DateTimeField("开始时间")
    deadline = models.DateTimeField("截止时间")
    submitted_at = models.DateTimeField("交卷时间", null=True, blank=True)
    auto_submitted = models.BooleanField("到时自动交卷", default=False)
    max_score = models.DecimalField("满分", max_digits=6, decimal_places=1, default=0)
    score = models.DecimalField("得分", max_digits=6, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField("及格", null=True, blank=True)
    pending_grading = models.PositiveSmallIntegerField("待阅简答题数", default=0)
    leave_count = models.PositiveIntegerField("离开页面次数", default=0)
    # The answer-save rate limit (a token bucket, ``services.taking.answers_save``): the tokens left at
    # ``save_tokens_at``; null means a full bucket.
    save_tokens = models.FloatField("保存令牌", null=True, blank=True, editable=False)
    save_tokens_at = models.DateTimeField("令牌更新时间", null=True, blank=True, editable=False)
    # Set by the submission when it graded wrong objective answers, cleared in the short transaction that
    # files them in the 错题本 after the submission committed (``services.taking``): a submission whose
    # process died in between is filed by the repair (``mistakes_file_pending``), and never twice.
    mistakes_pending = models.BooleanField("错题待归入错题本", default=False, editable=False)

    scope_org_field = "exam__org"
    scope_self_field = "user"
    integrity_fields = ("exam_id", "user_id", "score", "passed", "submitted_at")

    class Meta:
        verbose_name = "答卷"
        verbose_name_plural = verbose_name
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["exam", "user"], condition=Q(status="open"), name="exams_attempt_one_open"
            ),
            models.UniqueConstraint(fields=["exam", "user", "number"], name="exams_attempt_unique_number"),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(
                fields=["user"], condition=Q(mistakes_pending=True), name="exams_attempt_mistakes_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exam} · {self.user} · 第{self.number}次"


class Answer(models.Model):
    """One question of an attempt and the examinee's answer to it (created with the attempt).

    ``response`` is a list: option letters as shown to the examinee are translated back to the original
    letters before storing; ``["true"]``/``["false"]``; the text of a blank or a short answer. ``seq`` is
    the highest client sequence number applied: a save with a lower or equal number changes nothing.
    """

    attempt = models.ForeignKey(
        Attempt, verbose_name="答卷", on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(Question, verbose_name="试题", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField("序号")
    max_score = models.DecimalField("分值", max_digits=5, decimal_places=1)
    response = models.JSONField("作答", default=list, blank=True)
    seq = models.BigIntegerField("序列号", default=0)
    saved_at = models.DateTimeField("保存时间", null=True, blank=True)
    is_correct = models.BooleanField("正确", null=True, blank=True)
    score = models.DecimalField("得分", max_digits=5, decimal_places=1, null=True, blank=True)
    comment = models.CharField("阅卷意见", max_length=500, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="阅卷人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    graded_at = models.DateTimeField("阅卷时间", null=True, blank=True)

    scope_org_field = "attempt__exam__org"
    scope_self_field = "attempt__user"

    class Meta:
        verbose_name = "作答"
        verbose_name_plural = verbose_name
        ordering = ["attempt_id", "position"]
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="exams_answer_unique")]

    def __str__(self) -> str:
        return f"{self.attempt} · 第{self.position + 1}题"


class MistakeBook(models.Model):
    """错题本: one question a member answered wrong (in an exam or a practice), until they retry it right."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="+"
    )
    question = models.ForeignKey(Question, verbose_name="试题", on_delete=models.CASCADE, related_name="+")
    last_response = models.JSONField("最近一次作答", default=list, blank=True)
    wrong_count = models.PositiveIntegerField("答错次数", default=1)
    resolved = models.BooleanField("已掌握", default=False)
    first_wrong_at = models.DateTimeField("首次答错时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope_org_field = "question__bank__org"
    scope_self_field = "user"
    scope_self_always = True

    class Meta:
        verbose_name = "错题本"
        verbose_name_plural = verbose_name
        ordering = ["resolved", "-updated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="exams_mistake_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.question}"


class PracticeKind(models.TextChoices):
    DAILY = "daily", "每日一练"
    TAG = "tag", "专项练习"
    MISTAKES = "mistakes", "错题重练"


class DailyPractice(models.Model):
    """每日一练 and other practice sets: questions drawn for one user; answers checked at once.

    One daily set per user and day (``day`` set only for the daily kind). ``questions`` holds the ids in
    order; ``results`` maps question id → {"response": [...], "correct": bool} as they are answered.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("类型", max_length=10, choices=PracticeKind.choices, default=PracticeKind.DAILY)
    day = models.DateField("日期", null=True, blank=True)
    tag = models.CharField("知识点标签", max_length=50, blank=True)
    questions = models.JSONField("题目", default=list)
    results = models.JSONField("作答结果", default=dict, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    # No organisation scope: only its owner reads it (selectors.practice_get).

    class Meta:
        verbose_name = "每日一练"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "day"], condition=Q(kind="daily"), name="exams_daily_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d}"

    @property
    def correct_count(self) -> int:
        return sum(1 for r in self.results.values() if r.get("correct"))

    def result_for(self, question_id: int) -> dict[str, Any] | None:
        return self.results.get(str(question_id))  # type: ignore[no-any-return]
