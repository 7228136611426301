"""Papers: fixed questions or drawing rules, and the per-examinee draw.

The rules every service keeps are in the package docstring (``dangjian.exams.services``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from dangjian.audit import services as audit
from dangjian.core.errors import BusinessError
from dangjian.exams import rules
from dangjian.exams.models import (
    Attempt,
    Paper,
    PaperItem,
    PaperMode,
    PaperRule,
    Question,
    QuestionBank,
    QuestionKind,
    tag_q,
)
from dangjian.exams.services._common import _decimal, _require, _text, bank_usable
from dangjian.orgs.models import Org

# --------------------------------------------------------------------------------------------------------
# Papers


@transaction.atomic
def paper_create(
    *,
    actor: Any,
    org: Org,
    title: str,
    mode: str = PaperMode.FIXED,
    shuffle_questions: bool = False,
    shuffle_options: bool = True,
) -> Paper:
    """Create an empty paper; questions or drawing rules are added next. Audit: exams.paper.create."""
    _require(actor, "exams.manage", org)
    if mode not in PaperMode.values:
        raise BusinessError("exams.bad_mode", "未知的组卷方式")
    paper = Paper.objects.create(
        org=org,
        title=_text(title, "exams.title_required", "请填写试卷名称", 100),
        mode=mode,
        shuffle_questions=bool(shuffle_questions),
        shuffle_options=bool(shuffle_options),
        created_by=actor,
    )
    audit.record(
        actor=actor, action="exams.paper.create", target=paper, org_path=org.path, changes={"mode": mode}
    )
    return paper


@transaction.atomic
def paper_copy(*, actor: Any, paper: Paper, org: Org | None = None) -> Paper:
    """复制试卷: a new paper titled “…（副本）” with the same mode, shuffling, questions or drawing rules and
    scores, for ``org`` (default: the paper's own) in the actor's scope. The copy belongs to no exam and
    nobody has taken it, so it can be changed freely. The actor must be able to read the source (it was
    found through their scope) and manage ``org``; questions or banks that ``org`` may not use are
    refused (``exams.question_unavailable``). Audit: exams.paper.copy on the new paper."""
    target = org or paper.org
    _require(actor, "exams.manage", target)
    items = list(paper.items.select_related("question__bank__org").order_by("position", "id"))
    rules_ = list(paper.rules.select_related("bank__org").order_by("position", "id"))
    if any(not bank_usable(i.question.bank, target) for i in items) or any(
        not bank_usable(r.bank, target) for r in rules_
    ):
        raise BusinessError("exams.question_unavailable", "试卷中有本组织不能使用的题库，不能复制到本组织")
    suffix = "（副本）"
    copy = Paper.objects.create(
        org=target,
        title=f"{paper.title[: 100 - len(suffix)]}{suffix}",
        mode=paper.mode,
        shuffle_questions=paper.shuffle_questions,
        shuffle_options=paper.shuffle_options,
        created_by=actor,
    )
    PaperItem.objects.bulk_create(
        [PaperItem(paper=copy, question=i.question, score=i.score, position=i.position) for i in items]
    )
    PaperRule.objects.bulk_create(
        [
            PaperRule(
                paper=copy,
                bank=r.bank,
                kind=r.kind,
                tag=r.tag,
                difficulty=r.difficulty,
                count=r.count,
                score=r.score,
                position=r.position,
            )
            for r in rules_
        ]
    )
    audit.record(
        actor=actor,
        action="exams.paper.copy",
        target=copy,
        org_path=target.path,
        changes={"source": paper.pk, "items": len(items), "rules": len(rules_)},
    )
    return copy


def _paper_editable(paper: Paper) -> None:
    if Attempt.objects.filter(exam__paper=paper).exists():
        raise BusinessError("exams.paper_in_use", "已有人作答的试卷不能再修改，请复制一份新试卷")


@transaction.atomic
def paper_items_add(*, actor: Any, paper: Paper, questions: Sequence[Question], score: Any) -> int:
    """Add questions to a fixed paper, each worth ``score``. Questions already on it are skipped.
    Audit: exams.paper.change."""
    _require(actor, "exams.manage", paper.org)
    if paper.mode != PaperMode.FIXED:
        raise BusinessError("exams.not_fixed", "随机试卷请添加抽题规则")
    _paper_editable(paper)
    value = _decimal(score, "exams.bad_score", "分值应在 0.5 到 1000 之间")
    if not questions:
        raise BusinessError("exams.no_questions", "请选择试题")
    for q in questions:
        if not q.is_active or not bank_usable(q.bank, paper.org):
            raise BusinessError("exams.question_unavailable", "所选试题不在本组织可用的题库中")
    have = set(paper.items.values_list("question_id", flat=True))
    start = paper.items.count()
    new = [q for q in questions if q.pk not in have]
    PaperItem.objects.bulk_create(
        [PaperItem(paper=paper, question=q, score=value, position=start + i) for i, q in enumerate(new)]
    )
    audit.record(
        actor=actor,
        action="exams.paper.change",
        target=paper,
        org_path=paper.org.path,
        changes={"items_added": len(new)},
    )
    return len(new)


def rule_pool(rule: PaperRule | dict[str, Any]) -> Any:
    """The active questions a drawing rule draws from."""

    def get(key: str) -> Any:
        return rule[key] if isinstance(rule, dict) else getattr(rule, key)

    qs = Question.objects.filter(bank=get("bank"), kind=get("kind"), is_active=True)
    if get("tag"):
        qs = qs.filter(tag_q(str(get("tag"))))
    if get("difficulty"):
        qs = qs.filter(difficulty=int(get("difficulty")))
    return qs


@transaction.atomic
def paper_rule_add(
    *,
    actor: Any,
    paper: Paper,
    bank: QuestionBank,
    kind: str,
    count: int,
    score: Any,
    tag: str = "",
    difficulty: int | None = None,
) -> PaperRule:
    """Add a drawing rule to a random paper; the bank must hold enough matching questions.
    Audit: exams.paper.change."""
    _require(actor, "exams.manage", paper.org)
    if paper.mode != PaperMode.RANDOM:
        raise BusinessError("exams.not_random", "固定试卷请直接选择试题")
    _paper_editable(paper)
    if not bank_usable(bank, paper.org):
        raise BusinessError("exams.bank_unavailable", "该题库不能用于本组织的试卷")
    if kind not in QuestionKind.values:
        raise BusinessError("exams.bad_kind", "未知的题型")
    if int(count) < 1:
        raise BusinessError("exams.bad_count", "抽题数至少为 1")
    value = _decimal(score, "exams.bad_score", "分值应在 0.5 到 1000 之间")
    spec = {"bank": bank, "kind": kind, "tag": (tag or "").strip(), "difficulty": difficulty or None}
    available = rule_pool(spec).count()
    if available < int(count):
        raise BusinessError(
            "exams.pool_too_small",
            f"符合条件的{QuestionKind(kind).label}只有 {available} 道，不够抽取 {count} 道",
        )
    rule = PaperRule.objects.create(
        paper=paper, count=int(count), score=value, position=paper.rules.count(), **spec
    )
    audit.record(
        actor=actor,
        action="exams.paper.change",
        target=paper,
        org_path=paper.org.path,
        changes={"rule_added": f"{kind}×{count}"},
    )
    return rule


@transaction.atomic
def paper_part_remove(
    *, actor: Any, paper: Paper, item_id: int | None = None, rule_id: int | None = None
) -> None:
    """Remove a question or a rule from a paper nobody has taken yet. Audit: exams.paper.change."""
    _require(actor, "exams.manage", paper.org)
    _paper_editable(paper)
    if item_id:
        deleted, _ = PaperItem.objects.filter(paper=paper, pk=item_id).delete()
    else:
        deleted, _ = PaperRule.objects.filter(paper=paper, pk=rule_id or 0).delete()
    if not deleted:
        raise BusinessError("exams.not_found", "该题目或规则不存在")
    audit.record(
        actor=actor,
        action="exams.paper.change",
        target=paper,
        org_path=paper.org.path,
        changes={"removed": 1},
    )


def paper_total(paper: Paper) -> Decimal:
    """Full marks of a paper."""
    if paper.mode == PaperMode.FIXED:
        return sum((i.score for i in paper.items.all()), Decimal("0"))
    return sum((r.score * r.count for r in paper.rules.all()), Decimal("0"))


def paper_draw(paper: Paper, *, rng: random.Random | None = None) -> list[dict[str, Any]]:
    """The examinee's own paper: a layout ``[{"q", "score", "order"}]``. A random paper draws each rule's
    count (without repeating a question); options are shuffled when the paper allows it."""
    rng = rng or random.SystemRandom()
    picked: list[tuple[Question, Decimal]] = []
    if paper.mode == PaperMode.FIXED:
        picked = [
            (i.question, i.score) for i in paper.items.select_related("question").order_by("position", "id")
        ]
    else:
        used: set[int] = set()
        for rule in paper.rules.all():
            ids = [pk for pk in rule_pool(rule).values_list("pk", flat=True) if pk not in used]
            if len(ids) < rule.count:
                raise BusinessError("exams.pool_too_small", "题库中可抽取的试题不足，请联系组织者")
            chosen = rng.sample(ids, rule.count)
            used.update(chosen)
            questions = Question.objects.in_bulk(chosen)
            picked += [(questions[pk], rule.score) for pk in chosen]
    if not picked:
        raise BusinessError("exams.empty_paper", "试卷中还没有试题")
    if paper.shuffle_questions:
        rng.shuffle(picked)
    layout = []
    for question, score in picked:
        count = len(question.options)
        order = rules.shuffled_order(count, rng) if paper.shuffle_options else list(range(count))
        layout.append({"q": question.pk, "k": question.kind, "score": str(score), "order": order})
    return layout
