"""Writes of the points ledger. Other modules (exams, meetings, supervision) award points only through
``points_award``; they pass units computed by their own server code (never a duration sent by a client)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.db.models.signals import post_save
from django.utils import timezone

from dangjian.access import scope
from dangjian.audit import services as audit
from dangjian.core.errors import BusinessError
from dangjian.members.models import Member
from dangjian.orgs.models import Org, OrgKind
from dangjian.points import rules
from dangjian.points.models import (
    AdjustmentStatus,
    PointAdjustment,
    PointDay,
    PointEntry,
    PointOrgTotal,
    PointRule,
    PointTotal,
)

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
    _add_to_totals(member, on, points)
    return entry, True


def period_starts(on: dt.date) -> dict[str, dt.date]:
    """The start of the day, week, month and year containing ``on`` (the keys of ``PointTotal`` rows)."""
    return {period: rules.period_range(period, on)[0] for period in rules.PERIODS}


def nearest_committee_id(org: Org) -> int | None:
    """The nearest 基层党委 strictly above ``org`` (the committee a member of ``org`` is ranked in)."""
    steplen = Org.steplen
    paths = [org.path[:i] for i in range(steplen, len(org.path), steplen)]
    if not paths:
        return None
    found = (
        Org.objects.filter(kind=OrgKind.COMMITTEE, path__in=paths)
        .order_by("-depth")
        .values_list("pk", flat=True)
        .first()
    )
    return None if found is None else int(found)


def _periods_q(starts: dict[str, dt.date]) -> Q:
    q = Q(pk__in=[])
    for period, start in starts.items():
        q |= Q(period=period, start=start)
    return q


def _add_to_totals(member: Member, on: dt.date, points: int) -> None:
    """Add ``points`` to the member's day/week/month/year totals and to their organisation's, in the caller's
    transaction. One UPDATE per table when the rows exist (the common case), else the missing rows are
    inserted with the points."""
    starts = period_starts(on)
    mine = PointTotal.objects.filter(member=member).filter(_periods_q(starts))
    if mine.update(points=F("points") + points) < len(starts):
        committee_id = nearest_committee_id(member.org)
        _create_missing(
            PointTotal,
            {"member_id": member.pk},
            starts,
            points,
            {"branch_id": member.org_id, "committee_id": committee_id},
        )
    theirs = PointOrgTotal.objects.filter(org_id=member.org_id).filter(_periods_q(starts))
    if theirs.update(points=F("points") + points) < len(starts):
        _create_missing(PointOrgTotal, {"org_id": member.org_id}, starts, points, {})


def _create_missing(
    model: type[PointTotal] | type[PointOrgTotal],
    owner: dict[str, int],
    starts: dict[str, dt.date],
    points: int,
    extra: dict[str, int | None],
) -> None:
    """Insert the rows of ``owner`` that the UPDATE did not find, holding ``points``. A row created meanwhile
    by another transaction (the unique constraint says so) gets the points added instead."""
    have = set(model.objects.filter(**owner).filter(_periods_q(starts)).values_list("period", "start"))
    for period, start in starts.items():
        if (period, start) in have:
            continue
        try:
            with transaction.atomic():
                model.objects.create(**owner, period=period, start=start, points=points, **extra)
        except IntegrityError:
            model.objects.filter(**owner, period=period, start=start).update(points=F("points") + points)


@transaction.atomic
def points_follow_member(*, member: Member) -> int:
    """Move the member's period totals to their current organisation (points follow the member: a member
    who changed branch is ranked in the new one, for every period, as the ledger recomputed would rank
    them). Takes the points off the old organisation's totals and adds them to the new one's. Returns the
    number of rows moved; 0 (one indexed query) when nothing is stale. Called on every save of a member whose
    organisation may have changed (``post_save``, below)."""
    stale = list(
        PointTotal.objects.select_for_update()
        .filter(member=member)
        .exclude(branch_id=member.org_id)
        .values_list("pk", "period", "start", "points", "branch_id")
    )
    if not stale:
        return 0
    committee_id = nearest_committee_id(member.org)
    for _, period, start, points, old_branch in stale:
        PointOrgTotal.objects.filter(org_id=old_branch, period=period, start=start).update(
            points=F("points") - points
        )
        _create_missing(PointOrgTotal, {"org_id": member.org_id}, {period: start}, 0, {})
        PointOrgTotal.objects.filter(org_id=member.org_id, period=period, start=start).update(
            points=F("points") + points
        )
    PointTotal.objects.filter(pk__in=[row[0] for row in stale]).update(
        branch_id=member.org_id, committee_id=committee_id
    )
    return len(stale)


def _member_saved(
    sender: Any, instance: Member, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if created or (update_fields is not None and not {"org", "org_id"} & set(update_fields)):
        return
    points_follow_member(member=instance)


def connect_signals() -> None:
    """Called from ``PointsConfig.ready``."""
    post_save.connect(_member_saved, sender=Member, dispatch_uid="points_follow_member")


def committee_map() -> dict[int, int | None]:
    """Every organisation's nearest committee strictly above it (one query over the tree)."""
    orgs = list(Org.objects.values_list("pk", "path", "kind"))
    committees = {path: pk for pk, path, kind in orgs if kind == OrgKind.COMMITTEE}
    steplen = Org.steplen
    out: dict[int, int | None] = {}
    for pk, path, _ in orgs:
        out[pk] = next(
            (committees[path[:i]] for i in range(len(path) - steplen, 0, -steplen) if path[:i] in committees),
            None,
        )
    return out


def totals_rows(
    member_id: int, org_id: int, committee_id: int | None, days: dict[dt.date, int]
) -> tuple[list[PointTotal], dict[tuple[str, dt.date], int]]:
    """One member's ``PointTotal`` rows from their points per day, and the sums per (period, start)."""
    sums: dict[tuple[str, dt.date], int] = {}
    for day, points in days.items():
        for period, start in period_starts(day).items():
            sums[(period, start)] = sums.get((period, start), 0) + points
    rows = [
        PointTotal(
            member_id=member_id,
            period=period,
            start=start,
            points=points,
            branch_id=org_id,
            committee_id=committee_id,
        )
        for (period, start), points in sums.items()
    ]
    return rows, sums


@transaction.atomic
def points_rebuild_totals(*, batch: int = 5000, progress: Any = None) -> dict[str, int]:
    """Recompute ``PointDay``, ``PointTotal`` and ``PointOrgTotal`` from the ledger, in one transaction
    (readers see the old totals until it commits). Members are ranked in their current organisation, as
    ``points_follow_member`` keeps them. ``progress(n)`` is called with the number of members done since the
    last call. Run it when nothing awards points (the workers stopped): an award committed during the
    rebuild would be counted twice or not at all. Returns the number of rows written per table."""
    PointDay.objects.all().delete()
    PointTotal.objects.all().delete()
    PointOrgTotal.objects.all().delete()
    member_org = dict(Member.objects.values_list("pk", "org_id"))
    committees = committee_map()
    per_day = (
        PointEntry.objects.order_by()
        .values_list("member_id", "occurred_on")
        .annotate(t=Sum("points"))
        .order_by("member_id", "occurred_on")
    )
    counts = {"days": 0, "totals": 0, "org_totals": 0, "members": 0}
    org_sums: dict[tuple[int, str, dt.date], int] = {}
    day_rows: list[PointDay] = []
    total_rows: list[PointTotal] = []

    def flush(final: bool = False) -> None:
        if len(day_rows) >= batch or (final and day_rows):
            PointDay.objects.bulk_create(day_rows, batch_size=batch)
            counts["days"] += len(day_rows)
            day_rows.clear()
        if len(total_rows) >= batch or (final and total_rows):
            PointTotal.objects.bulk_create(total_rows, batch_size=batch)
            counts["totals"] += len(total_rows)
            total_rows.clear()

    def close(member_id: int, days: dict[dt.date, int]) -> None:
        org_id = member_org[member_id]
        day_rows.extend(PointDay(member_id=member_id, day=d, points=p) for d, p in days.items())
        rows, sums = totals_rows(member_id, org_id, committees.get(org_id), days)
        total_rows.extend(rows)
        for (period, start), points in sums.items():
            key = (org_id, period, start)
            org_sums[key] = org_sums.get(key, 0) + points
        counts["members"] += 1
        flush()
        if progress:
            progress(1)

    current: int | None = None
    days: dict[dt.date, int] = {}
    for member_id, day, points in per_day.iterator(chunk_size=batch):
        if member_id != current:
            if current is not None:
                close(current, days)
            current, days = member_id, {}
        days[day] = int(points or 0)
    if current is not None:
        close(current, days)
    flush(final=True)
    PointOrgTotal.objects.bulk_create(
        [PointOrgTotal(org_id=o, period=p, start=s, points=t) for (o, p, s), t in org_sums.items()],
        batch_size=batch,
    )
    counts["org_totals"] = len(org_sums)
    return counts


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
