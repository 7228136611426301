"""Warning rules over exam data (see dangjian/supervision/registry.py).

``exams.participation``: after a required exam has closed, a branch whose members did not take it (nor its
make-up) below the participation threshold is warned, with the names of those absent. Local practice, not
a national rule: the threshold and the look-back window are configuration.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from dangjian.access import scope
from dangjian.exams.models import Attempt, AttemptStatus, Exam, ExamStatus
from dangjian.members.models import Member
from dangjian.supervision.registry import Context, Finding, rule


@rule(
    code="exams.participation",
    title="党员未参加必考考试",
    source="本单位党员教育管理规定（必考考试参考率）",
    subject="org",
    severity="warning",
    params={"min_participation": 90, "days": 30},
    param_labels={"min_participation": "最低参考率（%）", "days": "检查近多少天内结束的考试"},
)
def exam_participation(ctx: Context) -> Iterable[Finding]:
    """One finding per (closed required exam, organisation) whose participation is below the threshold."""
    minimum = float(ctx.params.get("min_participation", 90))
    days = int(ctx.params.get("days", 30))
    # Closed by now (or by the end of ``ctx.today`` when the scan looks at an earlier day).
    end = min(timezone.now(), timezone.make_aware(dt.datetime.combine(ctx.today, dt.time.max)))
    exams = (
        Exam.objects.filter(
            status=ExamStatus.PUBLISHED, required=True, makeup_of__isnull=True,
            closes_at__lte=end, closes_at__gte=end - dt.timedelta(days=days),
        )
        .exclude(makeups__status=ExamStatus.PUBLISHED, makeups__closes_at__gt=end)  # a make-up still running
        .prefetch_related("target_orgs")
        .order_by("closes_at", "id")
    )  # fmt: skip
    for exam in exams:
        targets = list(exam.target_orgs.all())
        if not targets:
            continue
        in_targets = Q(pk__in=[])
        for org in targets:
            in_targets |= scope.subtree_q("org__path", org.path)
        members = Member.objects.active().filter(in_targets, user__isnull=False)
        if ctx.org_ids is not None:
            members = members.filter(org_id__in=ctx.org_ids)
        took = set(
            Attempt.objects.filter(
                Q(exam=exam) | Q(exam__makeup_of=exam), status=AttemptStatus.SUBMITTED
            ).values_list("user_id", flat=True)
        )
        by_org: dict[int, list[tuple[str, bool]]] = defaultdict(list)
        for org_id, user_id, name in members.values_list("org_id", "user_id", "name"):
            by_org[org_id].append((name, user_id in took))
        for org_id, rows in sorted(by_org.items()):
            absent = [name for name, taken in rows if not taken]
            rate = 100.0 * (len(rows) - len(absent)) / len(rows)
            if not absent or rate >= minimum:
                continue
            names = "、".join(absent[:5]) + (f"等 {len(absent)} 人" if len(absent) > 5 else "")
            yield Finding(
                org_id=org_id,
                key=f"exam:{exam.pk}:org:{org_id}",
                message=(
                    f"必考考试“{exam.title}”已结束，本组织参考率 {rate:.0f}%（要求不低于 {minimum:.0f}%），"
                    f"未参考：{names}"
                ),
                link=f"/exams/{exam.pk}/",
            )
