"""Fixtures of the exam tests: a bank of every type kept by 一公司党委 and shared down, a fixed and a random
paper, and an open exam for 一公司党委's subtree (党员甲 of 第一党支部 is a taker)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from dangjian.exams import services

QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "单选题",
        "stem": "党的最高领导机关是（  ）。",
        "options": ["党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处"],
        "answer": "A",
        "tags": "党章",
    },
    {
        "kind": "多选题",
        "stem": "党的纪律包括（  ）。",
        "options": ["政治纪律", "组织纪律", "廉洁纪律", "财务纪律"],
        "answer": "ABC",
        "tags": "纪律",
    },
    {"kind": "判断题", "stem": "预备党员的预备期为一年。", "answer": "对", "tags": "党章"},
    {
        "kind": "填空题",
        "stem": "党的根本宗旨是全心全意________。",
        "answer": "为人民服务|为人民群众服务",
        "tags": "党章",
    },
    {
        "kind": "简答题",
        "stem": "简述“四个意识”的内容。",
        "answer": "政治意识、大局意识、核心意识、看齐意识",
        "tags": "理论",
    },
]

RIGHT = {  # responses in the original option order (options are not shuffled in the fixed paper)
    "single": ["A"],
    "multiple": ["A", "B", "C"],
    "judge": ["true"],
    "blank": ["为人民服务"],
    "short": ["政治意识、大局意识、核心意识、看齐意识"],
}


@pytest.fixture
def ex(world: SimpleNamespace) -> SimpleNamespace:
    bank = services.bank_create(actor=world.officer, org=world.committee, name="党章党规题库")
    questions = [services.question_create(actor=world.officer, bank=bank, **q) for q in QUESTIONS]
    paper = services.paper_create(
        actor=world.officer, org=world.committee, title="固定试卷", shuffle_options=False
    )
    services.paper_items_add(actor=world.officer, paper=paper, questions=questions, score=20)
    now = timezone.now()
    exam = services.exam_create(
        actor=world.officer,
        org=world.committee,
        paper=paper,
        title="党章知识测试",
        opens_at=now - dt.timedelta(minutes=5),
        closes_at=now + dt.timedelta(hours=2),
        duration_minutes=30,
        pass_score=60,
        max_attempts=2,
        target_orgs=[world.committee],
    )
    services.exam_publish(actor=world.officer, exam=exam)
    return SimpleNamespace(bank=bank, questions=questions, paper=paper, exam=exam)


def items(attempt: Any, answers: dict[int, list[str]], seq: int = 1) -> list[dict[str, Any]]:
    return [{"question": q, "response": r, "seq": seq} for q, r in answers.items()]
