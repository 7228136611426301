"""Writes of the points ledger. Other modules (exams, meetings, supervision) award points only through
``points_award``; they pass units computed by their own server code (never a duration sent by a client)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from dangjian.access import scope
from dangjian.audit import services as audit
from dangjian.core.errors import BusinessError
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.points import rules
from dangjian.points.models import AdjustmentStatus, PointAdjustment, PointDay, PointEntry, PointRule

RULE_FIELDS = (
    "name",
    "unit_size",
    "points_per_unit",
    "daily_cap",
    "weekly_cap",
    "active_from",
    "active_until",
    "is_active",
)


def rule_for(*, action: str, on: dt.date) -> PointRule | None:
    """The rule for ``action`` active on ``on`` (the latest started one), or None."""
    return (
        PointRule.objects.filter(code=action, is_active=True, active_from__lte=on)
        .filter(Q(active_until__isnull=True) | Q(active_until__gte=on))
        .order_by("-active_from")
        .first()
    )


def _lock_day(member: Member, on: dt.date) -> None:
    """Create (if needed) and lock the member's day row: cap checks of one member-day run one at a time."""
    PointDay.objects.get_or_create(member=member, day=on)
    PointDay.objects.select_for_update().filter(member=member, day=on).values_list("pk", flat=True).get()


def _append(
    *,
    member: Member,
    rule: PointRule | None,
    action: str,
    points: int,
    units: int,
    content_key: str,
    key: str,
    on: dt.date,
    source: str,
) -> tuple[PointEntry, bool]:
    """Insert one ledger row and add it to the day total; (existing row, False) when the key is taken."""
    try:
        with transaction.atomic():
            entry = PointEntry.objects.create(
                member=member,
                rule=rule,
                action=action,
                points=points,
                units=units,
                content_key=content_key,
                idempotency_key=key,
                occurred_on=on,
                source=source[:200],
            )
    except IntegrityError:
        return PointEntry.objects.get(idempotency_key=key), False
    PointDay.objects.filter(member=member, day=on).update(points=F("points") + points)
    return entry, True


@transaction.atomic
def points_award(
    *,
    member: Member,
    action: str,
    units: int = 1,
    content_key: str = "",
    on: dt.date | None = None,
    source: str = "",
) -> PointEntry | None:
    """Award points to ``member`` for ``action`` under the rule active on ``on`` (default today).

    ``units`` are counted by the caller's server code (views, minutes measured on the server, correct
    answers graded on the server). Points are clipped to the rule's remaining daily and weekly caps.
    Idempotent: the key member + action + ``content_key`` + day is unique, so a replay or a double click
    returns the entry already written and adds nothing. Returns None when no rule is active or the caps
    leave nothing. No audit entry (awards are frequent; the ledger is sealed instead).

    Another app calls it after its own commit (docs/architecture.md, side effects), e.g.
    ``transaction.on_commit(lambda: points_award(member=m, action="exam_pass", content_key=f"exam-{pk}"))``;
    the idempotency key makes a retried call safe.
    """
    on = on or timezone.localdate()
    key = rules.idempotency_key(member_id=member.pk, action=action, content_key=content_key, on=on)
    existing = PointEntry.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    rule = rule_for(action=action, on=on)
    if rule is None:
        return None
    raw = rules.raw_points(units=units, unit_size=rule.unit_size, points_per_unit=rule.points_per_unit)
    if raw <= 0:
        return None
    _lock_day(member, on)
    week_start, week_end = rules.period_range("week", on)
    mine = PointEntry.objects.filter(member=member, rule=rule)
    today = mine.filter(occurred_on=on).aggregate(t=Sum("points"))["t"] or 0
    week = 0
    if rule.weekly_cap is not None:
        week = mine.filter(occurred_on__range=(week_start, week_end)).aggregate(t=Sum("points"))["t"] or 0
    allowed = rules.clip(
        raw=raw, today=today, daily_cap=rule.daily_cap, week=week, weekly_cap=rule.weekly_cap
    )
    if allowed <= 0:
        return None
    entry, _ = _append(
        member=member,
        rule=rule,
        action=action,
        points=allowed,
        units=units,
        content_key=content_key,
        key=key,
        on=on,
        source=source,
    )
    return entry


def manages_whole_tree(actor: Any) -> bool:
    """Whether ``actor`` holds points.manage over every organisation (root subtree grant or platform-wide)."""
    s = scope.scope_for(actor, "points.manage")
    return s.everywhere or any(len(path) == Org.steplen for path in s.subtrees)


def _require_manage(actor: Any, member: Member) -> None:
    if not scope.org_in_scope(actor, "points.manage", member.org):
        raise BusinessError("points.forbidden", "无权调整该党员的积分")


@transaction.atomic
def points_rule_update(*, actor: Any, rule: PointRule, **fields: Any) -> PointRule:
    """Change a rule's name, amounts, caps or dates. Rules apply to the whole enterprise, so this needs
    points.manage over the whole tree (a grant at the root with its subtree, or platform-wide): a
    subsidiary's officer may not change everyone's rules. Audit: points.rule.update."""
    if not manages_whole_tree(actor):
        raise BusinessError("points.forbidden", "积分规则适用于全部组织，只有上级党委（根组织）有权修改")
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise BusinessError("points.bad_field", f"不能修改：{'、'.join(sorted(unknown))}")
    if fields.get("unit_size", rule.unit_size) < 1:
        raise BusinessError("points.bad_unit_size", "每计分单位数量至少为 1")
    until = fields.get("active_until", rule.active_until)
    if until is not None and until < fields.get("active_from", rule.active_from):
        raise BusinessError("points.bad_dates", "失效日期不能早于生效日期")
    changes = {}
    for name, value in fields.items():
        old = getattr(rule, name)
        if old != value:
            changes[name] = [old, value]
            setattr(rule, name, value)
    if changes:
        rule.save()
        audit.record(actor=actor, action="points.rule.update", target=rule, changes=changes)
    return rule


def points_seed_rules() -> int:
    """Create the default rules (rules.DEFAULT_RULES) that do not exist yet; returns how many were created."""
    created = 0
    for data in rules.DEFAULT_RULES:
        values = {k: v for k, v in data.items() if k not in ("code", "active_from")}
        _, made = PointRule.objects.get_or_create(
            code=data["code"], active_from=data["active_from"], defaults=values
        )
        created += int(made)
    return created


@transaction.atomic
def adjustment_request(
    *, actor: Any, member: Member, points: int, reason: str, on: dt.date | None = None
) -> PointAdjustment:
    """Ask for a manual award (points > 0) or deduction (points < 0) with a reason; a second person with
    points.manage approves it. Audit: points.adjustment.request."""
    _require_manage(actor, member)
    if not reason.strip():
        raise BusinessError("points.reason_required", "请填写事由")
    if points == 0:
        raise BusinessError("points.zero", "调整积分不能为 0")
    if abs(points) > 1000:
        raise BusinessError("points.too_large", "单次调整不能超过 1000 分")
    adjustment = PointAdjustment.objects.create(
        member=member,
        points=points,
        reason=reason.strip(),
        occurred_on=on or timezone.localdate(),
        requested_by=actor,
    )
    audit.record(
        actor=actor,
        action="points.adjustment.request",
        target=adjustment,
        org_path=member.org.path,
        changes={"points": points, "reason": adjustment.reason},
    )
    return adjustment


def _decide(actor: Any, adjustment: PointAdjustment, status: str) -> PointAdjustment:
    adjustment = (
        PointAdjustment.objects.select_for_update().select_related("member__org").get(pk=adjustment.pk)
    )
    _require_manage(actor, adjustment.member)
    if status not in PointAdjustment.TRANSITIONS[AdjustmentStatus(adjustment.status)]:
        raise BusinessError("points.already_decided", "该调整已审批")
    if adjustment.requested_by_id == actor.pk:
        raise BusinessError("points.same_person", "申请人不能审批自己的申请，须由另一人审批")
    adjustment.status = status
    adjustment.decided_by = actor
    adjustment.decided_at = timezone.now()
    return adjustment


@transaction.atomic
def adjustment_approve(*, actor: Any, adjustment: PointAdjustment) -> PointAdjustment:
    """Approve a pending adjustment (by someone other than the requester) and write its ledger entry.
    Audit: points.adjustment.approve."""
    adjustment = _decide(actor, adjustment, AdjustmentStatus.APPROVED)
    member = adjustment.member
    _lock_day(member, adjustment.occurred_on)
    entry, _ = _append(
        member=member,
        rule=None,
        action=rules.MANUAL_ACTION,
        points=adjustment.points,
        units=1,
        content_key=f"adjustment-{adjustment.pk}",
        key=f"adjustment:{adjustment.pk}",
        on=adjustment.occurred_on,
        source=f"积分调整：{adjustment.reason}",
    )
    adjustment.entry = entry
    adjustment.save(update_fields=["status", "decided_by", "decided_at", "entry"])
    audit.record(
        actor=actor,
        action="points.adjustment.approve",
        target=adjustment,
        org_path=member.org.path,
        changes={"points": adjustment.points, "entry": entry.pk},
    )
    return adjustment


@transaction.atomic
def adjustment_reject(*, actor: Any, adjustment: PointAdjustment) -> PointAdjustment:
    """Reject a pending adjustment (by someone other than the requester). Audit: points.adjustment.reject."""
    adjustment = _decide(actor, adjustment, AdjustmentStatus.REJECTED)
    adjustment.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action="points.adjustment.reject",
        target=adjustment,
        org_path=adjustment.member.org.path,
        changes={"points": adjustment.points},
    )
    return adjustment
