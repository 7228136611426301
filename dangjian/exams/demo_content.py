"""Demo content of 考试中心: erji1's committee keeps a 党章党规 bank (shared down) of 48 questions of every
type, a random-rule paper drawn from it, and one open exam for the committee's whole subtree (so dangyuan1
and zhibu1 see it in 我的考试); dangwu1 has already handed in, and the short answer waits in zhibu1's and
erji1's 阅卷 queue. A second, closed exam of last month has results, so statistics and the export show
something; dangyuan1 took it and has two questions in the 错题本.

Runs after ``seed_demo`` created the organisations, members and demo accounts; deterministic from the seed;
everything goes through ``exams.services`` (audited), except the back-dated sittings of the closed exam,
whose times are then moved into last month.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangjian.access.models import Grant
from dangjian.accounts.models import User
from dangjian.exams import services
from dangjian.exams.models import Attempt, Exam, QuestionBank

BANK_NAME = "党章党规知识题库"

# The bank as people keep it: one object per question in the import layout (题型, 题干, 选项, 答案 …).
BANK_FILE = Path(__file__).with_name("demo_bank.json")

SHORT_ANSWER = (
    "我在车间检修班组，带头承担夜间抢修和高空作业等急难险重任务；主动把自己的操作经验整理成安全作业指导书，"
    "带教两名青年职工；在安全生产专项整治中带头排查隐患，发挥了党员的先锋模范作用。"
)


def _officer(username: str) -> tuple[User, Any] | None:
    user = User.objects.filter(username=username).first()
    grant = (
        Grant.objects.filter(user=user, role="committee_officer").select_related("org").first()
        if user
        else None
    )
    if user is None or grant is None or grant.org is None:
        return None
    return user, grant.org


def _answers_for(attempt: Attempt, rng: random.Random, accuracy: float) -> list[dict[str, Any]]:
    """What a member would have answered: mostly right, in the letters shown to them."""
    from dangjian.exams import rules
    from dangjian.exams.models import Question

    questions = Question.objects.in_bulk([item["q"] for item in attempt.layout])
    items = []
    for item in attempt.layout:
        q = questions[item["q"]]
        right = rng.random() < accuracy
        if q.kind in ("single", "multiple"):
            letters = list(q.answer) if right else [rules.LETTERS[rng.randrange(len(q.options))]]
            response = rules.to_shown(letters, item["order"])
        elif q.kind == "judge":
            response = list(q.answer) if right else ["false" if q.answer == ["true"] else "true"]
        elif q.kind == "blank":
            response = [q.answer[0] if right else "不清楚"]
        else:
            response = [SHORT_ANSWER]
        items.append({"question": q.pk, "response": response, "seq": 1})
    return items


def _sit(user: User, exam: Exam, rng: random.Random, accuracy: float) -> Attempt:
    attempt = services.attempt_start(actor=user, exam=exam, rng=rng)
    return services.attempt_submit(
        actor=user, attempt_id=attempt.pk, items=_answers_for(attempt, rng, accuracy)
    )


def seed(*, seed: int) -> str:
    """The bank, a random paper, an open exam for erji1's subtree and a closed one with results."""
    rng = random.Random(seed * 7919 + 6)
    found = _officer("erji1")
    if found is None:
        return "考试中心：未找到演示账号 erji1，跳过"
    officer, committee = found
    if QuestionBank.objects.filter(org=committee, name=BANK_NAME).exists():
        return "考试中心：演示数据已存在"
    now = timezone.now().replace(second=0, microsecond=0)
    with transaction.atomic():
        bank = services.bank_create(
            actor=officer,
            org=committee,
            name=BANK_NAME,
            description="党章、支部工作条例、纪律处分条例应知应会",
        )
        rows = list(enumerate(json.loads(BANK_FILE.read_text(encoding="utf-8")), start=2))
        result = services.bank_import(actor=officer, bank=bank, rows=rows, dry_run=False)
        assert not result["problems"], result["problems"]
        paper = services.paper_create(
            actor=officer,
            org=committee,
            title="党章党规知识竞赛（随机卷）",
            mode="random",
            shuffle_options=True,
        )
        for kind, count, score in (
            ("single", 8, 4),
            ("multiple", 5, 6),
            ("judge", 6, 3),
            ("blank", 4, 3),
            ("short", 1, 10),
        ):
            services.paper_rule_add(
                actor=officer, paper=paper, bank=bank, kind=kind, count=count, score=score
            )
        exam = services.exam_create(
            actor=officer, org=committee, paper=paper, title="党章党规知识竞赛",
            description="全体党员参加。共24题，满分100分，60分及格；限时30分钟，可考2次，取最高分。",
            opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=14), duration_minutes=30,
            pass_score=60, max_attempts=2, target_orgs=[committee],
        )  # fmt: skip
        services.exam_publish(actor=officer, exam=exam)
        monthly = services.exam_create(
            actor=officer, org=committee, paper=paper, title="支部工作条例月度测试",
            opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(hours=1), duration_minutes=20,
            pass_score=60, max_attempts=1, target_orgs=[committee],
        )  # fmt: skip
        services.exam_publish(actor=officer, exam=monthly)
        sat = 0
        for username, accuracy in (("dangwu1", 0.9), ("zhibu1", 0.8), ("dangyuan1", 0.6), ("zhibu2", 0.5)):
            user = User.objects.filter(username=username).first()
            if user is None or not services.is_taker(monthly, user):
                continue
            attempt = _sit(user, monthly, rng, accuracy)
            short = attempt.answers.filter(question__kind="short").first()
            if short is not None:
                services.answer_grade(
                    actor=officer, answer=short, score=rng.choice([6, 7, 8, 9]), comment="联系实际较好"
                )
            sat += 1
        # The monthly test took place last month: move its window and sittings back.
        shift = dt.timedelta(days=30)
        Exam.objects.filter(pk=monthly.pk).update(opens_at=monthly.opens_at - shift, closes_at=now - shift)
        for attempt in Attempt.objects.filter(exam=monthly):
            attempt.started_at -= shift
            attempt.deadline -= shift
            attempt.submitted_at = attempt.submitted_at - shift if attempt.submitted_at else None
            attempt.save()
        dangwu = User.objects.filter(username="dangwu1").first()
        if dangwu is not None and services.is_taker(exam, dangwu):
            _sit(dangwu, exam, rng, 0.85)  # the short answer waits in the 阅卷 queue
    return f"考试中心：题库 {result['created']} 题，随机试卷 1 份，进行中考试 1 场，上月考试 {sat} 人交卷"
