"""Writes on the organisation tree and positions. Every service checks scope and writes its audit entry."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db import transaction

from dangjian.access import scope
from dangjian.audit import services as audit
from dangjian.core.errors import BusinessError
from dangjian.orgs.models import Org, OrgKind, Position, PositionTitle

# Which kinds may sit under which (党小组 only inside a branch; branches hold no committees).
_CHILD_KINDS: dict[str, set[str]] = {
    "committee": set(OrgKind.values) - {"group"},
    "temporary_committee": {"temporary_general_branch", "temporary_branch"},
    "general_branch": {"branch", "joint_branch", "temporary_branch"},
    "temporary_general_branch": {"temporary_branch"},
    "branch": {"group"},
    "joint_branch": {"group"},
    "temporary_branch": {"group"},
    "group": set(),
}

EDITABLE_FIELDS = (
    "name",
    "short_name",
    "kind",
    "has_committee",
    "contact_name",
    "contact_phone",
    "unit_situation",
    "unit_name",
    "unit_category",
    "credit_code",
    "unit_org_status",
    "elected_on",
    "founded_on",
)


def _require(actor: Any, permission: str, org: Org) -> None:
    if not scope.org_in_scope(actor, permission, org):
        raise BusinessError("orgs.forbidden", "无权操作该党组织")


def check_dates(fields: dict[str, Any], *, today: dt.date | None = None) -> None:
    """本届选举日期 and 成立日期 have happened: a later date is a typing error (and the 换届 due date
    computed from a far one would fall outside the calendar)."""
    today = today or dt.date.today()
    for name, label in (("elected_on", "本届选举日期"), ("founded_on", "成立日期")):
        value = fields.get(name)
        if value is not None and value > today:
            raise BusinessError("orgs.future_date", f"{label}不能晚于今天")


def check_child_kind(parent: Org | None, kind: str) -> None:
    if parent is None:
        if kind == "group":
            raise BusinessError("orgs.bad_parent", "党小组必须设在党支部之下")
        return
    if kind not in _CHILD_KINDS.get(parent.kind, set()):
        raise BusinessError(
            "orgs.bad_parent", f"{parent.get_kind_display()}之下不能设立{OrgKind(kind).label}"
        )


@transaction.atomic
def org_create(
    *, actor: Any, parent: Org | None, name: str, kind: str, bootstrap: bool = False, **fields: Any
) -> Org:
    """Create an organisation under ``parent`` (or a root). Audit: orgs.org.create."""
    if kind not in OrgKind.values:
        raise BusinessError("orgs.bad_kind", "未知的组织类别")
    if not name.strip():
        raise BusinessError("orgs.name_required", "党组织名称不能为空")
    if not bootstrap:
        if parent is None:
            if not scope.scope_for(actor, "orgs.manage").everywhere:
                raise BusinessError("orgs.forbidden", "无权创建顶级党组织")
        else:
            _require(actor, "orgs.manage", parent)
    check_child_kind(parent, kind)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise BusinessError("orgs.bad_field", f"不能设置字段：{', '.join(sorted(unknown))}")
    check_dates(fields)
    data = {"name": name.strip(), "kind": kind, **fields}
    org = (
        Org.objects.add_child(parent, create_kwargs=data)
        if parent is not None
        else Org.objects.add_root(create_kwargs=data)
    )
    audit.record(
        actor=actor,
        action="orgs.org.create",
        target=org,
        org_path=org.path,
        changes={k: str(v) for k, v in data.items()},
    )
    return cast(Org, org)


@transaction.atomic
def org_update(*, actor: Any, org: Org, **fields: Any) -> Org:
    """Change an organisation's record fields. Audit: orgs.org.update with the changed fields."""
    _require(actor, "orgs.change", org)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise BusinessError("orgs.bad_field", f"不能修改字段：{', '.join(sorted(unknown))}")
    check_dates(fields)
    if "kind" in fields and fields["kind"] != org.kind:
        parent = Org.objects.get_parent(org)
        check_child_kind(parent, fields["kind"])
        for child in Org.objects.get_children(org):
            if child.kind not in _CHILD_KINDS.get(fields["kind"], set()):
                raise BusinessError("orgs.bad_kind", "下级组织与新的组织类别不相容")
    changes = audit.diff(org, fields)
    if not changes:
        return org
    for key, value in fields.items():
        setattr(org, key, value)
    org.save()
    audit.record(actor=actor, action="orgs.org.update", target=org, org_path=org.path, changes=changes)
    return org


def _refresh(org: Org) -> Org:
    return cast(Org, Org.objects.get(pk=org.pk))


@transaction.atomic
def org_move(*, actor: Any, org: Org, new_parent: Org) -> Org:
    """Move an organisation (with its subtree and members) under ``new_parent``. Audit: orgs.org.move.

    The actor must manage both the organisation and the destination.
    """
    org, new_parent = _refresh(org), _refresh(new_parent)
    _require(actor, "orgs.manage", org)
    _require(actor, "orgs.manage", new_parent)
    if new_parent.path.startswith(org.path):
        raise BusinessError("orgs.move_into_self", "不能将党组织移动到其自身或下级之下")
    if not new_parent.is_active:
        raise BusinessError("orgs.inactive", "目标党组织已撤销或合并")
    check_child_kind(new_parent, org.kind)
    old_parent = Org.objects.get_parent(org)
    old_path = org.path
    Org.objects.move(org, new_parent, pos="last-child")
    from dangjian.members import headcount

    headcount.resum()  # the subtree counts of the old and the new ancestors
    org = _refresh(org)
    audit.record(
        actor=actor,
        action="orgs.org.move",
        target=org,
        org_path=org.path,
        changes={
            "parent": [str(old_parent) if old_parent else "", str(new_parent)],
            "path": [old_path, org.path],
        },
    )
    return org


@transaction.atomic
def org_merge(*, actor: Any, source: Org, target: Org, on: dt.date | None = None) -> Org:
    """Merge ``source`` into ``target``: its members, positions-in-force and child organisations move to
    ``target``; ``source`` becomes inactive (kept for history). Audit: orgs.org.merge.
    """
    from dangjian.members.models import ChangeKind, Member, StatusChange

    source, target = _refresh(source), _refresh(target)
    _require(actor, "orgs.manage", source)
    _require(actor, "orgs.manage", target)
    if source.pk == target.pk or target.path.startswith(source.path):
        raise BusinessError("orgs.merge_into_self", "不能将党组织合并到其自身或下级")
    if not source.is_active or not target.is_active:
        raise BusinessError("orgs.inactive", "已撤销或合并的党组织不能再合并")
    if source.is_branch_like != target.is_branch_like:
        raise BusinessError("orgs.merge_kind", "党支部只能与党支部合并，委员会只能与委员会合并")
    day = on or dt.date.today()
    member_ids = list(Member.objects.filter(org=source).values_list("pk", flat=True))
    Member.objects.filter(pk__in=member_ids).update(org=target)
    from dangjian.members import headcount

    headcount.recount({source.pk, target.pk})
    StatusChange.objects.bulk_create(
        StatusChange(
            member_id=pk,
            kind=ChangeKind.MOVED,
            effective_on=day,
            actor=actor,
            reason=f"{source.label}并入{target.label}",
            detail={"from": source.pk, "to": target.pk},
        )
        for pk in member_ids
    )
    Position.objects.filter(org=source, ended_on__isnull=True).update(ended_on=day)
    for child in list(Org.objects.get_children(source)):
        check_child_kind(target, child.kind)
        Org.objects.move(child, _refresh(target), pos="last-child")
    headcount.resum()  # the child organisations moved with their members
    source = _refresh(source)
    source.is_active = False
    source.merged_into = target
    source.save(update_fields=["is_active", "merged_into"])
    audit.record(
        actor=actor,
        action="orgs.org.merge",
        target=source,
        org_path=target.path,
        changes={"merged_into": str(target), "members_moved": len(member_ids)},
    )
    return _refresh(target)


@transaction.atomic
def position_assign(
    *, actor: Any, org: Org, member: Any, title: str, started_on: dt.date, duties: str = ""
) -> Position:
    """Appoint a member to a position. One 书记 at a time: the previous one's term ends the day before.

    Rules: the member must belong to the organisation's subtree (or be in its scope); a 党小组 has only a
    组长; a branch without a 支委会 has only a 书记 and 副书记 (支部条例 第九条). Audit: orgs.position.assign.
    """
    _require(actor, "orgs.appoint", org)
    if title not in PositionTitle.values:
        raise BusinessError("orgs.bad_title", "未知职务")
    if not member.org.path.startswith(org.path) and not org.path.startswith(member.org.path):
        raise BusinessError("orgs.member_outside", "任职党员应属于本组织或其下级组织")
    if member.exit_kind:
        raise BusinessError("orgs.member_exited", "已出党人员不能任职")
    if org.kind == "group" and title != PositionTitle.GROUP_LEADER:
        raise BusinessError("orgs.group_title", "党小组只设组长")
    if org.kind != "group" and title == PositionTitle.GROUP_LEADER:
        raise BusinessError("orgs.group_title", "组长职务只设于党小组")
    committee_titles = {
        PositionTitle.ORGANISATION_MEMBER,
        PositionTitle.PROPAGANDA_MEMBER,
        PositionTitle.DISCIPLINE_MEMBER,
        PositionTitle.COMMITTEE_MEMBER,
    }
    if org.is_branch_like and not org.has_committee and title in committee_titles:
        raise BusinessError("orgs.no_committee", "未设支委会的党支部只设书记、副书记（支部条例第九条）")
    if Position.objects.filter(org=org, member=member, title=title, ended_on__isnull=True).exists():
        raise BusinessError("orgs.duplicate_position", "该党员已担任此职务")
    if title == PositionTitle.SECRETARY:
        Position.objects.filter(org=org, title=title, ended_on__isnull=True).update(
            ended_on=started_on - dt.timedelta(days=1)
        )
    position = Position.objects.create(
        org=org, member=member, title=title, started_on=started_on, duties=duties
    )
    audit.record(
        actor=actor,
        action="orgs.position.assign",
        target=position,
        org_path=org.path,
        changes={"member": member.name, "title": title, "started_on": str(started_on)},
    )
    return position


@transaction.atomic
def position_end(*, actor: Any, position: Position, ended_on: dt.date) -> Position:
    """End a position. Audit: orgs.position.end."""
    _require(actor, "orgs.appoint", position.org)
    if position.ended_on is not None:
        raise BusinessError("orgs.position_ended", "该职务已离任")
    if ended_on < position.started_on:
        raise BusinessError("orgs.bad_date", "离任日期不能早于任职日期")
    position.ended_on = ended_on
    position.save(update_fields=["ended_on"])
    audit.record(
        actor=actor,
        action="orgs.position.end",
        target=position,
        org_path=position.org.path,
        changes={"ended_on": str(ended_on)},
    )
    return position
