"""Writes of 组织关系转接 and 流动党员 registration. Every service checks scope itself, refuses with a
``BusinessError`` before writing, and writes one audit entry in its transaction.

The approval chain (DOMAIN.md §6): request (by the member or the branch) → the sending branch approves
(``transfers.manage`` there) → the level above approves and issues the numbered letter
(``transfers.approve``) → the receiving side accepts (within the platform: ``transfers.approve`` over the
receiving branch; outside it: the sender records the acceptance) → the member reports (报到) → the 回执
closes the transfer. Within the platform the member's record then moves to the new branch through
``members.services.member_move_by_transfer``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from dangjian.access import scope
from dangjian.audit import services as audit
from dangjian.core.errors import BusinessError
from dangjian.members import services as member_services
from dangjian.members.choices import MemberStatus, Standing
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.orgs.rules import BRANCH_KINDS
from dangjian.transfers import config, rules
from dangjian.transfers.models import (
    OPEN_STATUSES,
    OUTGOING_KINDS,
    TRANSITIONS,
    MobileReason,
    MobileRegistration,
    StartedBy,
    Transfer,
    TransferKind,
    TransferReason,
    TransferStatus,
)

FORBIDDEN = "无权办理该组织关系转接"


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _may(actor: Any, permission: str, org: Org | None) -> bool:
    return org is not None and scope.org_in_scope(actor, permission, org)


def _require(actor: Any, permission: str, org: Org | None, message: str = FORBIDDEN) -> None:
    if not _may(actor, permission, org):
        raise BusinessError("transfers.forbidden", message)


def _is_own(actor: Any, member: Member) -> bool:
    return member.user_id is not None and member.user_id == getattr(actor, "pk", None)


def _move_to(transfer: Transfer, status: str) -> None:
    if status not in TRANSITIONS[transfer.status]:
        raise BusinessError(
            "transfers.bad_state", f"该转接当前状态为“{transfer.get_status_display()}”，不能办理此操作"
        )
    transfer.status = status


def _side_path(transfer: Transfer) -> str:
    org = transfer.from_org or transfer.to_org
    return org.path if org is not None else ""


def _record(actor: Any, action: str, transfer: Transfer, **changes: Any) -> None:
    audit.record(
        actor=actor,
        action=f"transfers.transfer.{action}",
        target=transfer,
        org_path=_side_path(transfer),
        changes={"status": transfer.status, **changes},
    )


def _lock(transfer: Transfer) -> Transfer:
    """Re-read the transfer under a row lock so two people cannot take the same step twice."""
    return (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member", "from_org", "to_org")
        .get(pk=transfer.pk)
    )


def _snapshot(transfer: Transfer, member: Member) -> None:
    """What the letter carries from the member's record: 正式/预备, the probation clock, 党费交至."""
    transfer.member_status = member.status
    transfer.probation_started_on = member.joined_on if member.status == MemberStatus.PROBATIONARY else None
    transfer.dues_paid_until = member.dues_paid_until


def _check_member_may_transfer(member: Member) -> None:
    if member.is_transferred_out:
        raise BusinessError("transfers.member_transferred_out", "该党员组织关系已转出本平台")
    if member.exit_kind:
        raise BusinessError("transfers.member_exited", "该党员已出党，不能转接组织关系")
    if member.standing == Standing.SUSPENDED:
        raise BusinessError("transfers.member_suspended", "该党员已停止党籍，不能转接组织关系")
    if Transfer.objects.filter(member=member, status__in=OPEN_STATUSES).exists():
        raise BusinessError("transfers.already_open", "该党员已有正在办理的组织关系转接")


# --------------------------------------------------------------------------------------------------------
# Outgoing: request, approvals, the letter


@transaction.atomic
def transfer_request(
    *,
    actor: Any,
    member: Member,
    kind: str,
    reason: str,
    reason_detail: str = "",
    to_org: Org | None = None,
    to_org_name: str = "",
    to_address: str = "",
    today: dt.date | None = None,
) -> Transfer:
    """Start a transfer out of the member's branch: by the member (their own record; the branch then
    reviews it) or by the branch (``transfers.manage``; the branch's review is then given).

    Within the platform the receiving branch is chosen from the tree; to the national system or outside it
    the receiving organisation is named. A member transfers when their workplace or residence changes or
    when away ≥6 months at a fixed place (DOMAIN.md §6). Audit: transfers.transfer.request.
    """
    day = _today(today)
    by_branch = _may(actor, "transfers.manage", member.org)
    if not by_branch and not _is_own(actor, member):
        raise BusinessError("transfers.forbidden", FORBIDDEN)
    if kind not in OUTGOING_KINDS:
        raise BusinessError("transfers.bad_kind", "请选择转接类型：企业内转接、全国系统转接或开具纸质介绍信")
    if reason not in TransferReason.values:
        raise BusinessError("transfers.bad_reason", "请选择转接原因")
    reason_detail = reason_detail.strip()
    if reason == TransferReason.OTHER and not reason_detail:
        raise BusinessError("transfers.reason_required", "转接原因为“其他”时请说明原因")
    _check_member_may_transfer(member)
    if kind == TransferKind.INTERNAL:
        if to_org is None:
            raise BusinessError("transfers.to_org_required", "请选择转入的党支部")
        if to_org.kind not in BRANCH_KINDS or not to_org.is_active:
            raise BusinessError("transfers.to_not_branch", "组织关系应转入党支部（含联合、临时党支部）")
        if to_org.pk == member.org_id:
            raise BusinessError("transfers.same_org", "转入党支部与现所在党支部相同")
        to_org_name = to_org.name
    else:
        to_org = None
        to_org_name = to_org_name.strip()
        if not to_org_name:
            raise BusinessError("transfers.to_org_required", "请填写转入党组织的全称")
    transfer = Transfer(
        member=member,
        kind=kind,
        started_by=StartedBy.BRANCH if by_branch else StartedBy.MEMBER,
        reason=reason,
        reason_detail=reason_detail[:200],
        from_org=member.org,
        from_org_name=member.org.name,
        to_org=to_org,
        to_org_name=to_org_name[:100],
        to_address=to_address.strip()[:200],
        requested_on=day,
        requested_by=_user(actor),
    )
    _snapshot(transfer, member)
    if by_branch:
        transfer.status = TransferStatus.BRANCH_APPROVED
        transfer.branch_approved_on, transfer.branch_approved_by = day, _user(actor)
    transfer.save()
    _record(actor, "request", transfer, kind=kind, to=transfer.to_org_name, started_by=transfer.started_by)
    return transfer


@transaction.atomic
def transfer_branch_approve(
    *, actor: Any, transfer: Transfer, note: str = "", today: dt.date | None = None
) -> Transfer:
    """The sending branch agrees to a member's request (``transfers.manage`` there); the level above decides
    next. Audit: transfers.transfer.branch_approve."""
    transfer = _lock(transfer)
    _require(actor, "transfers.manage", transfer.from_org)
    _move_to(transfer, TransferStatus.BRANCH_APPROVED)
    transfer.branch_approved_on, transfer.branch_approved_by = _today(today), _user(actor)
    transfer.decision_note = note.strip()[:200]
    transfer.save()
    _record(actor, "branch_approve", transfer)
    return transfer


@transaction.atomic
def transfer_reject(*, actor: Any, transfer: Transfer, note: str) -> Transfer:
    """Refuse a request: the branch while it reviews it, the level above while it decides. The reason is
    shown to the member. Audit: transfers.transfer.reject."""
    transfer = _lock(transfer)
    if transfer.status == TransferStatus.REQUESTED:
        _require(actor, "transfers.manage", transfer.from_org)
    else:
        _require(actor, "transfers.approve", transfer.from_org, "退回须由上级党委办理")
    if not note.strip():
        raise BusinessError("transfers.note_required", "请填写不同意的理由")
    _move_to(transfer, TransferStatus.REJECTED)
    transfer.decision_note = note.strip()[:200]
    transfer.closed_by = _user(actor)
    transfer.save()
    _record(actor, "reject", transfer)
    return transfer


def _issuing_org(transfer: Transfer) -> Org:
    """The 党委 that issues the letter: the sending branch's parent (the level above)."""
    assert transfer.from_org is not None
    parent = Org.objects.get_parent(transfer.from_org)
    return parent if parent is not None else transfer.from_org


def _next_letter_number(org: Org, year: int) -> str:
    prefix = f"{year}-"
    numbers = Transfer.objects.filter(issuing_org=org, letter_number__startswith=prefix).values_list(
        "letter_number", flat=True
    )
    seq = max((int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()), default=0)
    return rules.letter_number(year, seq + 1)


def _set_letter(transfer: Transfer, valid_days: int | None, day: dt.date) -> None:
    days = config.valid_days() if valid_days is None else valid_days
    problem = rules.check_valid_days(days, maximum=config.max_valid_days())
    if problem:
        raise BusinessError("transfers.bad_validity", problem)
    issuing = _issuing_org(transfer)
    Org.objects.select_for_update().filter(pk=issuing.pk).first()  # one numbering at a time per 党委
    transfer.issuing_org = issuing
    transfer.letter_number = _next_letter_number(issuing, day.year)
    transfer.issued_on, transfer.valid_days = day, days
    transfer.expires_on = rules.letter_expires_on(day, days)


@transaction.atomic
def transfer_issue(
    *,
    actor: Any,
    transfer: Transfer,
    valid_days: int | None = None,
    system_ref: str = "",
    today: dt.date | None = None,
) -> Transfer:
    """The level above approves and issues the numbered letter (存根, 介绍信, 回执) with its validity
    ([C] default 30 days, maximum 90; DOMAIN.md §6). A transfer through the national system is recorded
    with that system's reference. The letter carries the member's status and 党费交至 as of today.
    Audit: transfers.transfer.issue."""
    transfer = _lock(transfer)
    _require(actor, "transfers.approve", transfer.from_org, "开具介绍信须由上级党委审批")
    day = _today(today)
    _move_to(transfer, TransferStatus.ISSUED)
    system_ref = system_ref.strip()
    if transfer.kind == TransferKind.NATIONAL and not system_ref:
        raise BusinessError("transfers.system_ref_required", "全国系统转接请填写系统中的转接编号")
    transfer.system_ref = system_ref[:60]
    _snapshot(transfer, transfer.member)
    _set_letter(transfer, valid_days, day)
    transfer.approved_by = _user(actor)
    transfer.save()
    _record(actor, "issue", transfer, letter_number=transfer.letter_number, valid_days=transfer.valid_days)
    return transfer


@transaction.atomic
def transfer_reissue(
    *, actor: Any, transfer: Transfer, valid_days: int | None = None, today: dt.date | None = None
) -> Transfer:
    """Issue a new letter (new number, new validity) for a transfer not yet accepted, e.g. when the old one
    expired before the member reported or was lost; the old number is void. Audit: transfers.transfer.reissue.
    """
    transfer = _lock(transfer)
    _require(actor, "transfers.approve", transfer.from_org, "重新开具介绍信须由上级党委办理")
    if transfer.status != TransferStatus.ISSUED:
        raise BusinessError("transfers.bad_state", "只有已开具、尚未接收的介绍信可以重新开具")
    old = transfer.letter_number
    day = _today(today)
    _snapshot(transfer, transfer.member)
    _set_letter(transfer, valid_days, day)
    transfer.save()
    _record(actor, "reissue", transfer, letter_number=[old, transfer.letter_number])
    return transfer


@transaction.atomic
def transfer_cancel(*, actor: Any, transfer: Transfer, note: str = "") -> Transfer:
    """Withdraw a transfer not yet accepted: the member their own request while the branch reviews it, the
    branch before the letter is issued, the level above an issued letter. Audit: transfers.transfer.cancel."""
    transfer = _lock(transfer)
    if transfer.status == TransferStatus.ISSUED:
        _require(actor, "transfers.approve", transfer.from_org, "撤销已开具的介绍信须由上级党委办理")
    elif not (
        _may(actor, "transfers.manage", transfer.from_org)
        or (transfer.status == TransferStatus.REQUESTED and _is_own(actor, transfer.member))
    ):
        raise BusinessError("transfers.forbidden", FORBIDDEN)
    _move_to(transfer, TransferStatus.CANCELLED)
    transfer.decision_note = note.strip()[:200]
    transfer.closed_by = _user(actor)
    transfer.save()
    _record(actor, "cancel", transfer)
    return transfer


# --------------------------------------------------------------------------------------------------------
# Receiving, 报到 and the 回执


@transaction.atomic
def transfer_accept(
    *, actor: Any, transfer: Transfer, on: dt.date | None = None, today: dt.date | None = None
) -> Transfer:
    """The receiving side accepts. Within the platform: the 党委 over the receiving branch
    (``transfers.approve`` there), while the letter is valid. To the national system or outside: the sender
    records the acceptance it learnt of (``transfers.manage`` over the sending branch).
    Audit: transfers.transfer.accept."""
    transfer = _lock(transfer)
    day = _today(today)
    on = on or day
    if transfer.kind == TransferKind.INTERNAL:
        _require(actor, "transfers.approve", transfer.to_org, "接收须由转入党支部的上级党委办理")
    elif transfer.kind in OUTGOING_KINDS:
        _require(actor, "transfers.manage", transfer.from_org)
    else:
        raise BusinessError("transfers.bad_state", "外单位转入的组织关系登记时即已接收")
    _move_to(transfer, TransferStatus.ACCEPTED)
    if on > day:
        raise BusinessError("transfers.bad_date", "接收日期不能晚于今天")
    if transfer.issued_on and on < transfer.issued_on:
        raise BusinessError("transfers.bad_date", "接收日期不能早于介绍信开具日期")
    if transfer.expires_on and on > transfer.expires_on:
        raise BusinessError(
            "transfers.letter_expired",
            f"介绍信已于{transfer.expires_on:%Y年%m月%d日}过期，请转出方重新开具后再接收",
        )
    transfer.accepted_on, transfer.accepted_by = on, _user(actor)
    transfer.save()
    _record(actor, "accept", transfer, accepted_on=str(on))
    return transfer


@transaction.atomic
def transfer_report(
    *, actor: Any, transfer: Transfer, on: dt.date | None = None, today: dt.date | None = None
) -> Transfer:
    """The member reports (报到) to the receiving branch: confirmed by the member on their phone or recorded
    by the receiving branch (``transfers.manage`` there). From this day the 回执 is due within 1 month
    (DOMAIN.md §6). Audit: transfers.transfer.report."""
    transfer = _lock(transfer)
    if transfer.kind != TransferKind.INTERNAL:
        raise BusinessError("transfers.bad_state", "转往外单位的组织关系以回执登记报到情况")
    if not (_is_own(actor, transfer.member) or _may(actor, "transfers.manage", transfer.to_org)):
        raise BusinessError("transfers.forbidden", FORBIDDEN)
    day = _today(today)
    on = on or day
    _move_to(transfer, TransferStatus.REPORTED)
    if on > day:
        raise BusinessError("transfers.bad_date", "报到日期不能晚于今天")
    if transfer.accepted_on and on < transfer.accepted_on:
        raise BusinessError("transfers.bad_date", "报到日期不能早于接收日期")
    transfer.reported_on = on
    transfer.receipt_due = rules.receipt_due(on)
    transfer.save()
    _record(actor, "report", transfer, reported_on=str(on))
    return transfer


@transaction.atomic
def transfer_receipt(
    *,
    actor: Any,
    transfer: Transfer,
    on: dt.date | None = None,
    reported_on: dt.date | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> Transfer:
    """The 回执 closes the transfer (DOMAIN.md §6: from the final receiver back to the sender, within 1
    month).

    Within the platform the receiving branch returns it (``transfers.manage`` there) and the member's record
    moves to that branch, keeping 正式/预备 with the probation clock and 党费交至. For a letter to the
    national system or outside, the sender records the 回执 it received with the report date written on it.
    For a member received from outside, the receiving branch records that it sent the 回执 back.
    To the national system or outside, the closed transfer takes the member off this platform's roll
    (``members.services.member_transfer_out``, 已转出, effective the report date; not an exit) and ends an
    open 流动党员 registration.
    Audit: transfers.transfer.receipt (and members.member.move within the platform, or
    members.member.transfer_out).
    """
    transfer = _lock(transfer)
    day = _today(today)
    on = on or day
    if on > day:
        raise BusinessError("transfers.bad_date", "回执日期不能晚于今天")
    if transfer.kind in (TransferKind.INTERNAL, TransferKind.INCOMING):
        _require(actor, "transfers.manage", transfer.to_org, "回执由转入党支部寄回")
        if transfer.status != TransferStatus.REPORTED:
            raise BusinessError("transfers.not_reported", "党员报到后才能寄回回执")
    else:
        _require(actor, "transfers.manage", transfer.from_org, "回执由转出党支部登记")
        if reported_on is None:
            raise BusinessError("transfers.reported_on_required", "请填写回执上的报到日期")
        if transfer.issued_on and reported_on < transfer.issued_on:
            raise BusinessError("transfers.bad_date", "报到日期不能早于介绍信开具日期")
        if reported_on > on:
            raise BusinessError("transfers.bad_date", "报到日期不能晚于回执收到日期")
        transfer.reported_on = reported_on
        transfer.receipt_due = rules.receipt_due(reported_on)
    _move_to(transfer, TransferStatus.COMPLETED)
    transfer.receipt_returned_on, transfer.receipt_note = on, note.strip()[:200]
    transfer.closed_by = _user(actor)
    transfer.save()
    if transfer.kind == TransferKind.INTERNAL:
        assert transfer.to_org is not None
        member_services.member_move_by_transfer(
            actor=actor, member=transfer.member, org=transfer.to_org, on=on, transfer_id=transfer.pk
        )
    elif transfer.kind in OUTGOING_KINDS:
        assert transfer.reported_on is not None
        _end_mobile_registrations(transfer.member, transfer.reported_on, "组织关系已转出")
        member_services.member_transfer_out(
            actor=actor,
            member=transfer.member,
            on=transfer.reported_on,
            transfer_id=transfer.pk,
            to_org_name=transfer.to_org_name,
        )
    _record(actor, "receipt", transfer, receipt_returned_on=str(on))
    return transfer


def _end_mobile_registrations(member: Member, on: dt.date, note: str) -> None:
    """Withdraw the 活动证 of a member whose 组织关系 leaves the platform (the flag on the record is cleared
    by the members service)."""
    MobileRegistration.objects.filter(member=member, ended_on__isnull=True).update(ended_on=on, end_note=note)


# --------------------------------------------------------------------------------------------------------
# Incoming from outside the platform


INCOMING_MEMBER_FIELDS = (
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
)


@transaction.atomic
def incoming_record(
    *,
    actor: Any,
    to_org: Org,
    member_data: dict[str, Any],
    from_org_name: str,
    letter_number: str,
    issued_on: dt.date,
    valid_days: int,
    reported_on: dt.date,
    dues_paid_until: dt.date | None = None,
    system_ref: str = "",
    reason: str = TransferReason.JOB,
    today: dt.date | None = None,
) -> Transfer:
    """Record a member received from outside the platform, from the letter they bring when reporting: the
    member's record is created in the receiving branch, or a record transferred out earlier with the same
    公民身份号码 is put back on the roll there (``members.services.member_receive_by_transfer``),
    党费交至 set as the letter states, and the 回执 is due back to the sender within 1 month. A 预备党员
    keeps the probation clock from the original 支部大会 resolution (``joined_on``). An expired letter is
    refused.
    Audit: transfers.transfer.incoming (and members.member.create or members.member.transfer_back).
    """
    _require(actor, "transfers.manage", to_org)
    day = _today(today)
    from_org_name, letter_number = from_org_name.strip(), letter_number.strip()
    if not from_org_name:
        raise BusinessError("transfers.from_required", "请填写介绍信的开具党组织")
    if not letter_number:
        raise BusinessError("transfers.number_required", "请填写介绍信编号")
    if reason not in TransferReason.values:
        raise BusinessError("transfers.bad_reason", "请选择转接原因")
    if issued_on > day or reported_on > day:
        raise BusinessError("transfers.bad_date", "开具日期和报到日期不能晚于今天")
    if reported_on < issued_on:
        raise BusinessError("transfers.bad_date", "报到日期不能早于介绍信开具日期")
    if valid_days < 1:
        raise BusinessError("transfers.bad_validity", "请填写介绍信上的有效期天数")
    expires = rules.letter_expires_on(issued_on, valid_days)
    if reported_on > expires:
        raise BusinessError(
            "transfers.letter_expired",
            f"介绍信已于{expires:%Y年%m月%d日}过期，请党员持原单位重新开具的介绍信报到",
        )
    if Transfer.objects.filter(
        kind=TransferKind.INCOMING, from_org_name=from_org_name, letter_number=letter_number
    ).exists():
        raise BusinessError("transfers.duplicate_letter", "该介绍信已登记过")
    data = {k: v for k, v in member_data.items() if k in INCOMING_MEMBER_FIELDS}
    member, returned = member_services.member_receive_by_transfer(
        actor=actor, org=to_org, data=data, on=reported_on, letter=letter_number
    )
    member_services.member_set_dues_paid_until(
        actor=actor, member=member, paid_until=dues_paid_until, reason=f"介绍信{letter_number}"
    )
    transfer = Transfer(
        member=member,
        kind=TransferKind.INCOMING,
        status=TransferStatus.REPORTED,
        started_by=StartedBy.BRANCH,
        reason=reason,
        from_org_name=from_org_name[:100],
        to_org=to_org,
        to_org_name=to_org.name,
        system_ref=system_ref.strip()[:60],
        letter_number=letter_number[:40],
        issued_on=issued_on,
        valid_days=valid_days,
        expires_on=expires,
        requested_on=reported_on,
        requested_by=_user(actor),
        accepted_on=reported_on,
        accepted_by=_user(actor),
        reported_on=reported_on,
        receipt_due=rules.receipt_due(reported_on),
    )
    _snapshot(transfer, member)
    transfer.save()
    _record(
        actor,
        "incoming",
        transfer,
        from_org=transfer.from_org_name,
        letter_number=letter_number,
        returned=returned,
    )
    return transfer


# --------------------------------------------------------------------------------------------------------
# 流动党员


def _next_certificate(org: Org, year: int) -> str:
    prefix = f"LD{year}-"
    numbers = MobileRegistration.objects.filter(org=org, certificate_number__startswith=prefix).values_list(
        "certificate_number", flat=True
    )
    seq = max((int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()), default=0)
    return rules.certificate_number(year, seq + 1)


@transaction.atomic
def mobile_register(
    *,
    actor: Any,
    member: Member,
    destination: str,
    reason: str,
    started_on: dt.date,
    expected_until: dt.date,
    destination_org: str = "",
    contact: str = "",
    certificate_valid_until: dt.date | None = None,
    today: dt.date | None = None,
) -> MobileRegistration:
    """Register a 流动党员 and issue the 流动党员活动证 (教管条例 第三十二条): where they go, why, for how
    long, the Party organisation there. The member stays in the branch ("一方隶属、参加多重组织生活");
    a member settled at a fixed place ≥6 months should transfer instead (DOMAIN.md §2).
    ``Member.mobile`` and its history are kept by ``members.services.member_start_mobile``.
    Audit: transfers.mobile.register.
    """
    _require(actor, "transfers.manage", member.org, "无权登记该党员为流动党员")
    day = _today(today)
    if member.is_transferred_out:
        raise BusinessError("transfers.member_transferred_out", "该党员组织关系已转出本平台")
    if member.exit_kind:
        raise BusinessError("transfers.member_exited", "该党员已出党")
    if reason not in MobileReason.values:
        raise BusinessError("transfers.bad_reason", "请选择外出原因")
    if expected_until <= started_on:
        raise BusinessError("transfers.bad_period", "预计返回日期应晚于外出日期")
    valid_until = certificate_valid_until or expected_until
    if valid_until < day:
        raise BusinessError("transfers.bad_period", "活动证有效期不能早于今天")
    member_services.member_start_mobile(actor=actor, member=member, on=started_on, destination=destination)
    registration = MobileRegistration.objects.create(
        member=member,
        org=member.org,
        certificate_number=_next_certificate(member.org, day.year),
        destination=member.mobile_destination,
        destination_org=destination_org.strip()[:100],
        reason=reason,
        started_on=started_on,
        expected_until=expected_until,
        contact=contact.strip()[:60],
        certificate_issued_on=day,
        certificate_valid_until=valid_until,
        registered_by=_user(actor),
    )
    audit.record(
        actor=actor,
        action="transfers.mobile.register",
        target=registration,
        org_path=member.org.path,
        changes={
            "certificate_number": registration.certificate_number,
            "destination": registration.destination,
        },
    )
    return registration


@transaction.atomic
def mobile_end(
    *, actor: Any, registration: MobileRegistration, on: dt.date, note: str = "", today: dt.date | None = None
) -> MobileRegistration:
    """End a 流动 registration (returned, or transferred) and withdraw the 活动证; ``Member.mobile`` is
    cleared by ``members.services.member_end_mobile``. Audit: transfers.mobile.end."""
    registration = (
        MobileRegistration.objects.select_for_update(of=("self",))
        .select_related("member", "org")
        .get(pk=registration.pk)
    )
    _require(actor, "transfers.manage", registration.org, "无权办理该流动党员登记")
    if registration.ended_on is not None:
        raise BusinessError("transfers.mobile_ended", "该流动党员登记已结束")
    if on > _today(today) or on < registration.started_on:
        raise BusinessError("transfers.bad_date", "结束日期应在外出日期与今天之间")
    if registration.member.mobile:
        member_services.member_end_mobile(actor=actor, member=registration.member, on=on)
    registration.ended_on, registration.end_note = on, note.strip()[:200]
    registration.save(update_fields=["ended_on", "end_note"])
    audit.record(
        actor=actor,
        action="transfers.mobile.end",
        target=registration,
        org_path=registration.org.path,
        changes={"ended_on": str(on)},
    )
    return registration
