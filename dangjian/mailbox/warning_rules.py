"""Warning rules owned by 书记信箱 and 随手拍 (read by the supervision app's scan; see its registry)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from dangjian.mailbox.models import CaseStatus, Letter, LetterStatus, SnapshotReport
from dangjian.supervision.registry import Context, Finding, rule

_OPEN_CASES = (
    CaseStatus.SUBMITTED,
    CaseStatus.ACCEPTED,
    CaseStatus.ASSIGNED,
    CaseStatus.RECTIFYING,
    CaseStatus.REVIEWING,
)


@rule(
    code="mailbox.overdue",
    title="书记信箱来信或随手拍超期未办结",
    source="本单位书记信箱与随手拍办理规定（办理期限由办理人设定，默认 15 日）",
    subject="org",
    severity="warning",
    params={"serious_days": 15, "unassigned_days": 15},
    param_labels={
        "serious_days": "超期多少天升为严重",
        "unassigned_days": "未设期限的来信或随手拍收到多少天后预警",
    },
)
def mailbox_overdue(ctx: Context) -> Iterable[Finding]:
    """Letters not closed past their due date, and 随手拍 cases not closed (销号/不予受理) past theirs;
    letters and cases with no due date at all count from the day they arrived (``unassigned_days``). One
    finding per letter or case; the message names no writer (only the short number and the category)."""
    serious = dt.timedelta(days=int(ctx.params.get("serious_days", 15)))
    waiting = ctx.today - dt.timedelta(days=int(ctx.params.get("unassigned_days", 15)))
    org_q = Q(org_id__in=ctx.org_ids) if ctx.org_ids is not None else Q()
    letters = (
        Letter.objects.filter(org_q)
        .exclude(status=LetterStatus.CLOSED)
        .filter(Q(due_on__lt=ctx.today) | Q(due_on__isnull=True, received_on__lt=waiting))
        .values_list("pk", "org_id", "due_on", "received_on", "category__name")
    )
    for pk, org_id, due_on, received_on, category in letters.iterator():
        yield Finding(
            org_id=org_id,
            key=f"letter:{pk.hex}",
            message=(
                f"书记信箱来信 {pk.hex[:8].upper()}（{category or '未分类'}）"
                + (
                    f"已超过办理期限 {(ctx.today - due_on).days} 天"
                    if due_on
                    else f"收到后 {(ctx.today - received_on).days} 天未设办理期限"
                )
            ),
            severity="serious" if due_on and ctx.today - due_on > serious else None,
            due=due_on,
            link=f"/mailbox/letters/{pk}/",
        )
    cases = (
        SnapshotReport.objects.filter(org_q, status__in=_OPEN_CASES)
        .filter(Q(due_on__lt=ctx.today) | Q(due_on__isnull=True, received_on__lt=waiting))
        .values_list("pk", "org_id", "due_on", "received_on", "status")
    )
    for pk, org_id, due_on, received_on, status in cases.iterator():
        label = CaseStatus(status).label
        yield Finding(
            org_id=org_id,
            key=f"snapshot:{pk.hex}",
            message=(
                f"随手拍 {pk.hex[:8].upper()}（{label}）"
                + (
                    f"已超过整改期限 {(ctx.today - due_on).days} 天"
                    if due_on
                    else f"反映后 {(ctx.today - received_on).days} 天仍未分派整改"
                )
            ),
            severity="serious" if due_on and ctx.today - due_on > serious else None,
            due=due_on,
            link=f"/mailbox/snapshots/{pk}/",
        )
