"""Writes on member records. Status changes keep a dated history (StatusChange) and an audit entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from dangjian.access import scope
from dangjian.audit import services as audit
from dangjian.core import crypto, idcard
from dangjian.core.errors import BusinessError
from dangjian.members import rules
from dangjian.members.choices import ExitKind, MemberStatus, Standing
from dangjian.members.models import ChangeKind, DisciplinaryProbation, Member, StatusChange
from dangjian.orgs.models import Org
from dangjian.orgs.rules import BRANCH_KINDS

RECORD_FIELDS = (
    "name",
    "gender",
    "id_number",
    "ethnicity",
    "birth_date",
    "education",
    "category",
    "joined_on",
    "full_on",
    "job_title",
    "phone",
    "address",
    "party_post",
    "mobile_destination",
    "group",
)
CONTACT_FIELDS = ("phone", "address")


def id_index(number: str) -> str:
    return crypto.blind_index(number, purpose="member.id_number")


def phone_index(phone: str) -> str:
    return crypto.blind_index(phone, purpose="member.phone")


def _require_org(actor: Any, permission: str, org: Org) -> None:
    if not scope.org_in_scope(actor, permission, org):
        raise BusinessError("members.forbidden", "无权管理该党组织的党员")


def _require_member(actor: Any, member: Member, permission: str = "members.change") -> None:
    _require_org(actor, permission, member.org)


def _history(member: Member, kind: str, on: dt.date, actor: Any, reason: str = "", **detail: Any) -> None:
    StatusChange.objects.create(
        member=member,
        kind=kind,
        effective_on=on,
        reason=reason,
        detail=detail,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def prepare(
    data: dict[str, Any], *, today: dt.date | None = None
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Normalise and check member data (shared by forms, the API and the Excel import).

    Derives birth date and sex from the identity number when absent; the status follows from 转正日期.
    """
    out = dict(data)
    out["name"] = str(out.get("name") or "").strip()
    out["phone"] = rules.normalize_phone(out.get("phone") or "")
    number, problems = rules.check_record(
        id_number=str(out.get("id_number") or ""),
        birth_date=out.get("birth_date"),
        gender=out.get("gender"),
        joined_on=out.get("joined_on"),
        full_on=out.get("full_on"),
        phone=out["phone"],
        today=today,
    )
    out["id_number"] = number
    if not out["name"]:
        problems.insert(0, ("name", "姓名不能为空"))
    if out.get("joined_on") is None:
        problems.append(("joined_on", "入党日期不能为空"))
    if not problems:
        info = idcard.parse(number)
        out.setdefault("birth_date", info.birth_date)
        out["birth_date"] = out["birth_date"] or info.birth_date
        out["gender"] = out.get("gender") or info.gender
    return out, problems


def _check_unique_id(number: str, exclude_pk: int | None = None) -> None:
    qs = Member.objects.filter(id_number_index=id_index(number))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise BusinessError("members.duplicate_id", "公民身份号码已存在于党员档案中")


def _check_branch(org: Org) -> None:
    if org.kind not in BRANCH_KINDS:
        raise BusinessError("members.not_branch", "党员的组织关系应在党支部（含联合、临时党支部）")
    if not org.is_active:
        raise BusinessError("orgs.inactive", "该党组织已撤销或合并")


def build(data: dict[str, Any], org: Org) -> Member:
    """An unsaved Member from prepared data (used by member_create and the bulk import)."""
    fields = {k: v for k, v in data.items() if k in RECORD_FIELDS and v is not None}
    member = Member(org=org, **fields)
    member.id_number_index = id_index(member.id_number)
    member.phone_index = phone_index(member.phone)
    member.status = MemberStatus.FULL if member.full_on else MemberStatus.PROBATIONARY
    return member


@transaction.atomic
def member_create(*, actor: Any, org: Org, data: dict[str, Any]) -> Member:
    """Create a member record in a branch. Audit: members.member.create; history: 建档."""
    _require_org(actor, "members.change", org)
    _check_branch(org)
    prepared, problems = prepare(data)
    if problems:
        raise BusinessError("members.invalid", "；".join(msg for _, msg in problems), details=problems)
    _check_unique_id(prepared["id_number"])
    member = build(prepared, org)
    member.save()
    _history(member, ChangeKind.CREATED, dt.date.today(), actor)
    audit.record(
        actor=actor,
        action="members.member.create",
        target=member,
        org_path=org.path,
        changes={"name": member.name, "org": org.label},
    )
    return member


@transaction.atomic
def member_update(*, actor: Any, member: Member, data: dict[str, Any]) -> Member:
    """Correct a member's record fields (not status: see the status services).

    Audit: members.member.update.
    """
    _require_member(actor, member)
    unknown = set(data) - set(RECORD_FIELDS)
    if unknown:
        raise BusinessError("members.bad_field", f"不能修改字段：{', '.join(sorted(unknown))}")
    merged = {k: getattr(member, k) for k in RECORD_FIELDS} | data
    prepared, problems = prepare(merged)
    if problems:
        raise BusinessError("members.invalid", "；".join(msg for _, msg in problems), details=problems)
    _check_unique_id(prepared["id_number"], exclude_pk=member.pk)
    new = {k: prepared[k] for k in data}
    if "group" in new and new["group"] is not None and not new["group"].path.startswith(member.org.path):
        raise BusinessError("members.bad_group", "党小组应属于该党员所在党支部")
    changes = audit.diff(member, new)
    if not changes:
        return member
    for key, value in new.items():
        setattr(member, key, value)
    member.id_number_index = id_index(member.id_number)
    member.phone_index = phone_index(member.phone)
    if "full_on" in new and member.full_on and member.status == MemberStatus.PROBATIONARY:
        raise BusinessError("members.use_conversion", "预备党员转正请使用“转为正式党员”办理")
    member.save()
    audit.record(
        actor=actor, action="members.member.update", target=member, org_path=member.org.path, changes=changes
    )
    return member


@transaction.atomic
def member_update_contact(*, actor: Any, member: Member, phone: str, address: str) -> Member:
    """A member corrects their own contact details (profile page). Audit: members.member.update_contact."""
    if member.user_id != getattr(actor, "pk", None):
        _require_member(actor, member)
    phone = rules.normalize_phone(phone)
    if not rules.phone_is_valid(phone):
        raise BusinessError("members.bad_phone", "联系电话格式不正确：手机号应为11位，座机如 010-12345678")
    address = address.strip()
    if len(address) > 200:
        raise BusinessError("members.bad_address", "家庭住址不超过200字")
    changed = [f for f, v in (("phone", phone), ("address", address)) if getattr(member, f) != v]
    if not changed:
        return member
    member.phone, member.address = phone, address
    member.phone_index = phone_index(phone)
    member.save(update_fields=["phone", "address", "phone_index", "updated_at"])
    audit.record(
        actor=actor,
        action="members.member.update_contact",
        target=member,
        org_path=member.org.path,
        changes={f: ["***", "***"] for f in changed},
    )
    return member


@transaction.atomic
def member_convert_to_full(*, actor: Any, member: Member, on: dt.date, reason: str = "") -> Member:
    """预备党员 → 正式党员 (按期转正). 党龄 counts from ``on`` (党章 第七条).

    Audit: members.member.convert.
    """
    _require_member(actor, member)
    if member.status != MemberStatus.PROBATIONARY:
        raise BusinessError("members.not_probationary", "只有预备党员可以转正")
    if on <= member.joined_on:
        raise BusinessError("members.bad_date", "转正日期应晚于入党日期")
    member.status, member.full_on = MemberStatus.FULL, on
    member.save(update_fields=["status", "full_on", "updated_at"])
    _history(member, ChangeKind.BECAME_FULL, on, actor, reason)
    audit.record(
        actor=actor,
        action="members.member.convert",
        target=member,
        org_path=member.org.path,
        changes={"status": ["probationary", "full"], "full_on": str(on)},
    )
    return member


def _require_on_roll(member: Member) -> None:
    if member.exit_kind == ExitKind.TRANSFERRED_OUT:
        raise BusinessError("members.transferred_out", "该党员组织关系已转出本平台")
    if member.exit_kind:
        raise BusinessError("members.already_exited", "该党员已办理出党")


def _require_probationary(member: Member) -> None:
    _require_on_roll(member)
    if member.status != MemberStatus.PROBATIONARY:
        raise BusinessError("members.not_probationary", "只有预备党员可以办理")


def probation_extension(member: Member) -> StatusChange | None:
    """The member's 延长预备期 entry (there is at most one), or None."""
    return member.history.filter(kind=ChangeKind.PROBATION_EXTENDED).order_by("-effective_on", "-id").first()


@transaction.atomic
def member_extend_probation(
    *, actor: Any, member: Member, months: int, resolved_on: dt.date, reason: str
) -> StatusChange:
    """延长预备期 by ``months`` (once, 6–12 months; 党章 第七条, DOMAIN.md §5), decided when the probation
    year has ended (``resolved_on`` = the approving decision). The history entry carries the new expected
    end (``detail["probation_ends"]``) counted from the 支部大会 resolution.
    Audit: members.member.extend_probation.
    """
    _require_member(actor, member)
    member = Member.objects.select_for_update().get(pk=member.pk)
    _require_probationary(member)
    try:
        months = int(months)
    except (TypeError, ValueError):
        raise BusinessError("members.bad_extension", "延长月数应为整数") from None
    problem = rules.extension_problem(
        months=months,
        already_extended=member.history.filter(kind=ChangeKind.PROBATION_EXTENDED).exists(),
    )
    if problem:
        raise BusinessError("members.bad_extension", problem)
    year_ends = rules.probation_ends(member.joined_on)
    if resolved_on < year_ends:
        raise BusinessError(
            "members.probation_running",
            f"预备期至{year_ends:%Y年%m月%d日}期满，期满时方可决定延长预备期（党章 第七条）",
        )
    if not reason.strip():
        raise BusinessError("members.reason_required", "请填写延长预备期的决定机关、文号和事由")
    ends = rules.extended_probation_ends(member.joined_on, months)
    entry = StatusChange.objects.create(
        member=member,
        kind=ChangeKind.PROBATION_EXTENDED,
        effective_on=resolved_on,
        reason=reason.strip()[:500],
        detail={"months": months, "probation_ends": ends.isoformat()},
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    member.save(update_fields=["updated_at"])
    audit.record(
        actor=actor,
        action="members.member.extend_probation",
        target=member,
        org_path=member.org.path,
        changes={"months": months, "probation_ends": ends.isoformat()},
    )
    return entry


@transaction.atomic
def member_cancel_probation(*, actor: Any, member: Member, on: dt.date, reason: str) -> Member:
    """取消预备党员资格 (党章 第七条): the person is no longer a party member; the record leaves the roster
    (``exit_kind`` = ``probation_cancelled``, ``exited_on`` = ``on``) and stays with a dated history entry;
    a linked account is deactivated as on any exit. Audit: members.member.cancel_probation."""
    _require_member(actor, member)
    member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    _require_probationary(member)
    if on <= member.joined_on:
        raise BusinessError("members.bad_date", "取消资格的日期应晚于入党日期")
    if not reason.strip():
        raise BusinessError("members.reason_required", "请填写取消预备党员资格的决定机关、文号和事由")
    member.exit_kind, member.exited_on = ExitKind.PROBATION_CANCELLED, on
    member.save(update_fields=["exit_kind", "exited_on", "updated_at"])
    if member.user_id:
        type(member.user).objects.filter(pk=member.user_id).update(is_active=False)  # type: ignore[union-attr]
    _history(member, ChangeKind.PROBATION_CANCELLED, on, actor, reason.strip()[:500])
    audit.record(
        actor=actor,
        action="members.member.cancel_probation",
        target=member,
        org_path=member.org.path,
        changes={"exit_kind": ExitKind.PROBATION_CANCELLED.value, "exited_on": str(on)},
    )
    return member


def _require_sensitive(actor: Any, member: Member) -> None:
    _require_member(actor, member)
    if not scope.org_in_scope(actor, "members.view_sensitive", member.org):
        raise BusinessError("members.forbidden", "无权查看或登记党纪处分")


@transaction.atomic
def member_discipline_record(
    *, actor: Any, member: Member, starts_on: dt.date, months: int, decision: str
) -> DisciplinaryProbation:
    """Record a 留党察看 处分 decided by the competent organisation: one or two years from ``starts_on``
    (党章 第四十条). Only a 正式党员 on the roll, not already under 留党察看 (a 预备党员 who breaks
    discipline has the probation extended or cancelled instead, 《中国共产党纪律处分条例》). Needs
    ``members.change`` and ``members.view_sensitive``. Audit: members.discipline.record (the decision
    text is not logged)."""
    _require_sensitive(actor, member)
    member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    _require_on_roll(member)
    if member.status != MemberStatus.FULL:
        raise BusinessError(
            "members.discipline_probationary",
            "预备党员违犯党纪的，应延长预备期或取消预备党员资格，不适用留党察看",
        )
    try:
        months = int(months)
    except (TypeError, ValueError):
        months = 0
    if months not in rules.DISCIPLINE_MONTHS:
        raise BusinessError("members.discipline_months", "留党察看期限为一年或二年（党章 第四十条）")
    if starts_on < member.joined_on:
        raise BusinessError("members.bad_date", "处分日期不能早于入党日期")
    decision = decision.strip()
    if not decision:
        raise BusinessError("members.reason_required", "请填写处分决定的机关、文号和事由")
    if len(decision) > 500:
        raise BusinessError("members.too_long", "处分决定不超过500字")
    if DisciplinaryProbation.objects.filter(member=member, restored_on__isnull=True).exists():
        raise BusinessError("members.discipline_open", "该党员正在留党察看期间，请先登记恢复党员权利")
    record = DisciplinaryProbation.objects.create(
        member=member,
        starts_on=starts_on,
        ends_on=rules.discipline_ends(starts_on, months),
        decision=decision,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action="members.discipline.record",
        target=member,
        org_path=member.org.path,
        changes={"record": record.pk},
    )
    return record


@transaction.atomic
def member_discipline_restore(
    *, actor: Any, member: Member, on: dt.date, decision: str
) -> DisciplinaryProbation:
    """恢复党员权利 after 留党察看 (党章 第四十条: 确已改正错误的，应当恢复其党员的权利): closes the
    open record.
    Audit: members.discipline.restore."""
    _require_sensitive(actor, member)
    record = (
        DisciplinaryProbation.objects.select_for_update()
        .filter(member=member, restored_on__isnull=True)
        .order_by("-starts_on")
        .first()
    )
    if record is None:
        raise BusinessError("members.no_discipline", "该党员没有未结束的留党察看处分")
    if on < record.starts_on:
        raise BusinessError("members.bad_date", "恢复党员权利的日期不能早于处分日期")
    decision = decision.strip()
    if not decision:
        raise BusinessError("members.reason_required", "请填写恢复党员权利的决定")
    if len(decision) > 500:
        raise BusinessError("members.too_long", "决定不超过500字")
    record.restored_on, record.restore_decision = on, decision
    record.save(update_fields=["restored_on", "restore_decision"])
    audit.record(
        actor=actor,
        action="members.discipline.restore",
        target=member,
        org_path=member.org.path,
        changes={"record": record.pk},
    )
    return record


@transaction.atomic
def member_suspend(*, actor: Any, member: Member, on: dt.date, reason: str) -> Member:
    """停止党籍 (e.g. 失联 ≥6 months, 教管条例 第二十四条; decided by the branch or higher).
    Audit: members.member.suspend."""
    _require_member(actor, member)
    if member.standing == Standing.SUSPENDED:
        raise BusinessError("members.already_suspended", "该党员已停止党籍")
    if not reason.strip():
        raise BusinessError("members.reason_required", "请填写停止党籍的事由和决定")
    member.standing = Standing.SUSPENDED
    member.save(update_fields=["standing", "updated_at"])
    _history(member, ChangeKind.SUSPENDED, on, actor, reason)
    audit.record(
        actor=actor,
        action="members.member.suspend",
        target=member,
        org_path=member.org.path,
        changes={"standing": ["normal", "suspended"]},
    )
    return member


@transaction.atomic
def member_restore(*, actor: Any, member: Member, on: dt.date, reason: str) -> Member:
    """恢复党籍. Audit: members.member.restore."""
    _require_member(actor, member)
    if member.standing != Standing.SUSPENDED:
        raise BusinessError("members.not_suspended", "该党员党籍正常，无需恢复")
    member.standing = Standing.NORMAL
    member.save(update_fields=["standing", "updated_at"])
    _history(member, ChangeKind.RESTORED, on, actor, reason)
    audit.record(
        actor=actor,
        action="members.member.restore",
        target=member,
        org_path=member.org.path,
        changes={"standing": ["suspended", "normal"]},
    )
    return member


@transaction.atomic
def member_mark_lost_contact(*, actor: Any, member: Member, since: dt.date, reason: str = "") -> Member:
    """认定为失联党员 from ``since`` (the clock for 停止党籍 after 6 months starts there).
    Audit: members.member.mark_lost_contact."""
    _require_member(actor, member)
    if member.lost_contact:
        raise BusinessError("members.already_lost", "该党员已登记为失联党员")
    member.lost_contact, member.lost_contact_on = True, since
    member.save(update_fields=["lost_contact", "lost_contact_on", "updated_at"])
    _history(member, ChangeKind.LOST_CONTACT, since, actor, reason)
    audit.record(
        actor=actor,
        action="members.member.mark_lost_contact",
        target=member,
        org_path=member.org.path,
        changes={"lost_contact_on": str(since)},
    )
    return member


@transaction.atomic
def member_mark_contact_restored(*, actor: Any, member: Member, on: dt.date, reason: str = "") -> Member:
    """失联党员恢复联系. Audit: members.member.restore_contact."""
    _require_member(actor, member)
    if not member.lost_contact:
        raise BusinessError("members.not_lost", "该党员不是失联党员")
    member.lost_contact, member.lost_contact_on = False, None
    member.save(update_fields=["lost_contact", "lost_contact_on", "updated_at"])
    _history(member, ChangeKind.CONTACT_RESTORED, on, actor, reason)
    audit.record(
        actor=actor, action="members.member.restore_contact", target=member, org_path=member.org.path
    )
    return member


@transaction.atomic
def member_start_mobile(*, actor: Any, member: Member, on: dt.date, destination: str) -> Member:
    """登记为流动党员 (外出流向 required; 教管条例 第三十二条). Audit: members.member.start_mobile."""
    _require_member(actor, member)
    if member.mobile:
        raise BusinessError("members.already_mobile", "该党员已登记为流动党员")
    if not destination.strip():
        raise BusinessError("members.destination_required", "请填写外出流向")
    member.mobile, member.mobile_destination = True, destination.strip()[:100]
    member.save(update_fields=["mobile", "mobile_destination", "updated_at"])
    _history(member, ChangeKind.MOBILE_STARTED, on, actor, destination=member.mobile_destination)
    audit.record(
        actor=actor,
        action="members.member.start_mobile",
        target=member,
        org_path=member.org.path,
        changes={"mobile_destination": member.mobile_destination},
    )
    return member


@transaction.atomic
def member_end_mobile(*, actor: Any, member: Member, on: dt.date) -> Member:
    """流动结束. Audit: members.member.end_mobile."""
    _require_member(actor, member)
    if not member.mobile:
        raise BusinessError("members.not_mobile", "该党员不是流动党员")
    member.mobile, member.mobile_destination = False, ""
    member.save(update_fields=["mobile", "mobile_destination", "updated_at"])
    _history(member, ChangeKind.MOBILE_ENDED, on, actor)
    audit.record(actor=actor, action="members.member.end_mobile", target=member, org_path=member.org.path)
    return member


@transaction.atomic
def member_exit(*, actor: Any, member: Member, kind: str, on: dt.date, reason: str) -> Member:
    """Record an exit (除名, 劝退, 自行脱党, 退党, 开除, 死亡) decided elsewhere; the record stays.

    The platform never removes anyone by itself (党章 第九条): this records a decision already taken.
    Audit: members.member.exit.
    """
    _require_member(actor, member)
    _require_on_roll(member)
    if kind not in ExitKind.values:
        raise BusinessError("members.bad_exit", "未知的出党方式")
    if kind == ExitKind.PROBATION_CANCELLED:
        raise BusinessError("members.use_cancellation", "取消预备党员资格请使用“取消预备党员资格”办理")
    if kind == ExitKind.TRANSFERRED_OUT:
        raise BusinessError(
            "members.use_transfer", "组织关系转出请通过“组织关系转接”办理，回执登记后自动转出"
        )
    if not reason.strip():
        raise BusinessError("members.reason_required", "请填写决定机关和文号等事由")
    member.exit_kind, member.exited_on = kind, on
    member.save(update_fields=["exit_kind", "exited_on", "updated_at"])
    if member.user_id:
        type(member.user).objects.filter(pk=member.user_id).update(is_active=False)  # type: ignore[union-attr]
    _history(member, ChangeKind.EXITED, on, actor, reason, exit_kind=kind)
    audit.record(
        actor=actor,
        action="members.member.exit",
        target=member,
        org_path=member.org.path,
        changes={"exit_kind": kind, "exited_on": str(on)},
    )
    return member


@transaction.atomic
def member_move(*, actor: Any, member: Member, org: Org, on: dt.date, reason: str = "") -> Member:
    """Move a member to another branch inside the caller's scope (not a transfer across systems).
    Audit: members.member.move."""
    _require_member(actor, member)
    _require_org(actor, "members.change", org)
    return _move(actor=actor, member=member, org=org, on=on, reason=reason)


def _move(*, actor: Any, member: Member, org: Org, on: dt.date, reason: str, **detail: Any) -> Member:
    _check_branch(org)
    if org.pk == member.org_id:
        raise BusinessError("members.same_org", "该党员已在此党支部")
    old = member.org
    member.org, member.group = org, None
    member.save(update_fields=["org", "group", "updated_at"])
    _history(member, ChangeKind.MOVED, on, actor, reason, **{"from": old.pk, "to": org.pk}, **detail)
    audit.record(
        actor=actor,
        action="members.member.move",
        target=member,
        org_path=org.path,
        changes={"org": [old.label, org.label], **detail},
    )
    return member


@transaction.atomic
def member_move_by_transfer(*, actor: Any, member: Member, org: Org, on: dt.date, transfer_id: int) -> Member:
    """Move the record to the receiving branch when a 组织关系转接 within the platform closes (DOMAIN.md §6).

    Called only by ``transfers.services``, after the sending branch, the level above and the receiving side
    have each approved within their own scope; the actor closing the transfer (the receiving side) need
    not hold ``members.change`` over the sending branch. The status (正式/预备, the probation clock from
    ``joined_on``) and ``dues_paid_until`` travel unchanged. Audit: members.member.move.
    """
    return _move(actor=actor, member=member, org=org, on=on, reason="组织关系转接", transfer=transfer_id)


@transaction.atomic
def member_transfer_out(
    *, actor: Any, member: Member, on: dt.date, transfer_id: int, to_org_name: str
) -> Member:
    """Take the record off this platform's roll when a 组织关系转接 to the national system or outside the
    platform is closed by its 回执 (DOMAIN.md §6: until received, the sending organisation stays responsible;
    ``on`` is the report date written on the 回执).

    Called only by ``transfers.services`` after the sending branch, the level above and the 回执 have each
    been handled within their own scope. Not an exit (出党): ``exit_kind`` = ``transferred_out`` keeps the
    record, its dated history and 党费交至 readable to those in scope, while every roll count, dues bill and
    warning reads only ``Member.objects.active()``. A 流动党员 registration ends with it; a linked account
    is deactivated (and reactivated if the member is transferred back). Audit: members.member.transfer_out.
    """
    member = Member.objects.select_for_update(of=("self",)).select_related("org").get(pk=member.pk)
    _require_on_roll(member)
    if on < member.joined_on:
        raise BusinessError("members.bad_date", "转出日期不能早于入党日期")
    deactivated = False
    if member.user_id:
        deactivated = bool(
            type(member.user).objects.filter(pk=member.user_id, is_active=True).update(is_active=False)  # type: ignore[union-attr]
        )
    was_mobile = member.mobile
    member.exit_kind, member.exited_on = ExitKind.TRANSFERRED_OUT, on
    member.mobile, member.mobile_destination = False, ""
    member.save(update_fields=["exit_kind", "exited_on", "mobile", "mobile_destination", "updated_at"])
    if was_mobile:
        _history(member, ChangeKind.MOBILE_ENDED, on, actor, "组织关系转出")
    _history(
        member,
        ChangeKind.TRANSFERRED_OUT,
        on,
        actor,
        f"组织关系转往{to_org_name}"[:500],
        transfer=transfer_id,
        account_deactivated=deactivated,
    )
    audit.record(
        actor=actor,
        action="members.member.transfer_out",
        target=member,
        org_path=member.org.path,
        changes={"exit_kind": ExitKind.TRANSFERRED_OUT.value, "exited_on": str(on), "transfer": transfer_id},
    )
    return member


@transaction.atomic
def member_receive_by_transfer(
    *, actor: Any, org: Org, data: dict[str, Any], on: dt.date, letter: str
) -> tuple[Member, bool]:
    """The record of a member received from outside the platform with a letter (DOMAIN.md §6): a new
    record in ``org``, or, when the 公民身份号码 matches a record transferred out earlier (已转出), that same
    record put back on the roll in ``org`` — history, 党费交至 and account kept, never a duplicate. The
    letter's record fields (e.g. 转正日期 reached elsewhere, 工作岗位, contact details) update it. A number on
    the roll, or of a record that left by an exit, is refused as a duplicate. Returns ``(member,
    returned)``. Audit: members.member.create, or members.member.transfer_back.
    """
    _require_org(actor, "members.change", org)
    number = idcard.normalize(str(data.get("id_number") or ""))
    existing = (
        Member.objects.select_for_update(of=("self",))
        .select_related("org")
        .filter(id_number_index=id_index(number), exit_kind=ExitKind.TRANSFERRED_OUT)
        .first()
        if number
        else None
    )
    if existing is None:
        return member_create(actor=actor, org=org, data=data), False
    _check_branch(org)
    given = {k: v for k, v in data.items() if k in RECORD_FIELDS and v not in (None, "")}
    merged = {k: getattr(existing, k) for k in RECORD_FIELDS} | given
    prepared, problems = prepare(merged)
    if problems:
        raise BusinessError("members.invalid", "；".join(msg for _, msg in problems), details=problems)
    if on < (existing.exited_on or on):
        raise BusinessError("members.bad_date", "转回报到日期不能早于转出日期")
    # Which fields the letter corrected, not their values (contact details are encrypted at rest).
    corrected = sorted(audit.diff(existing, {k: prepared[k] for k in given if k != "id_number"}))
    for key in given:
        if key != "id_number":
            setattr(existing, key, prepared[key])
    existing.phone_index = phone_index(existing.phone)
    if existing.full_on:
        existing.status = MemberStatus.FULL
    old = existing.org
    existing.org, existing.group = org, None
    existing.exit_kind, existing.exited_on = "", None
    existing.save()
    out = existing.history.filter(kind=ChangeKind.TRANSFERRED_OUT).order_by("-effective_on", "-id").first()
    if existing.user_id and out is not None and out.detail.get("account_deactivated"):
        type(existing.user).objects.filter(pk=existing.user_id).update(is_active=True)  # type: ignore[union-attr]
    _history(existing, ChangeKind.TRANSFERRED_BACK, on, actor, f"持介绍信{letter}转回"[:500], to=org.pk)
    audit.record(
        actor=actor,
        action="members.member.transfer_back",
        target=existing,
        org_path=org.path,
        changes={
            "org": [old.label, org.label],
            "exit_kind": [ExitKind.TRANSFERRED_OUT.value, ""],
            "corrected": corrected,
        },
    )
    return existing, True


@transaction.atomic
def member_set_dues_paid_until(
    *, actor: Any, member: Member, paid_until: dt.date | None, reason: str
) -> Member:
    """Record 党费交至 as a transfer letter states it (a member received from outside the platform); the
    first day of the month. Audit: members.member.dues_paid_until."""
    _require_member(actor, member)
    if paid_until is not None:
        paid_until = paid_until.replace(day=1)
    if member.dues_paid_until == paid_until:
        return member
    old = member.dues_paid_until
    member.dues_paid_until = paid_until
    member.save(update_fields=["dues_paid_until", "updated_at"])
    audit.record(
        actor=actor,
        action="members.member.dues_paid_until",
        target=member,
        org_path=member.org.path,
        changes={
            "dues_paid_until": [str(old) if old else "", str(paid_until) if paid_until else ""],
            "reason": reason,
        },
    )
    return member


def member_reveal(
    *,
    actor: Any,
    member: Member,
    fields: tuple[str, ...] = ("id_number", "phone", "address"),
) -> dict[str, str]:
    """The unmasked personal fields, for a role that may see them. Every reveal is audited
    (SECURITY.md "Field scope"): audit members.member.reveal."""
    if not scope.org_in_scope(actor, "members.view_sensitive", member.org):
        raise BusinessError("members.forbidden", "无权查看完整个人信息")
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="members.member.reveal",
            target=member,
            org_path=member.org.path,
            changes={"fields": list(fields)},
        )
    return {f: getattr(member, f) for f in fields}


def member_link_user(*, actor: Any, member: Member, user: Any) -> Member:
    """Attach a login account to a member record. Audit: members.member.link_user."""
    with transaction.atomic():
        _require_member(actor, member)
        if Member.objects.filter(user=user).exclude(pk=member.pk).exists():
            raise BusinessError("members.user_taken", "该账号已关联其他党员")
        member.user = user
        member.save(update_fields=["user", "updated_at"])
        audit.record(
            actor=actor,
            action="members.member.link_user",
            target=member,
            org_path=member.org.path,
            changes={"user": user.username},
        )
    return member
