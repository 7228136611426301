"""Writes of 发展党员 (DOMAIN.md §5).

Every service checks scope itself — the branch's ``development.manage`` for what the branch does, the
``development.approve`` of the level above for the 上级党委's steps (④ ⑧ ⑪ ⑬ ⑯ ⑰ ⑱ ㉔) — runs the rules of
``development.rules`` before writing anything, refuses with ``BusinessError("development.<reason>", …)`` and
writes one audit entry ``development.<noun>.<verb>`` in its transaction. Steps are recorded in order. A check
that warns (a late talk …) is recorded with the step and shown; a check that blocks refuses it.

When the 上级党委 approves the admission (⑰) the member record is created through
``members.services.member_create`` (入党日期 = the 支部大会 resolution); when it approves 按期转正 (㉔)
the member is
converted through ``members.services.member_convert_to_full`` with 转正日期 = the end of probation (党龄
counts
from it, 党章 第七条).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangjian.access import scope
from dangjian.audit import services as audit
from dangjian.core import idcard, uploads
from dangjian.core.errors import BusinessError
from dangjian.development import rules
from dangjian.development.models import (
    Development,
    DevelopmentDocument,
    DevelopmentRecord,
    DevelopmentStep,
    DevelopmentVote,
    LocalPractice,
    RecordKind,
    Stage,
    Status,
)
from dangjian.meetings import rules as meeting_rules
from dangjian.meetings.models import Meeting
from dangjian.members import rules as member_rules
from dangjian.members import selectors as member_selectors
from dangjian.members import services as member_services
from dangjian.members.choices import ExitKind, MemberStatus, Standing
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.orgs.rules import BRANCH_KINDS

DOCUMENT_PURPOSE = "development.document"
TEXT_LIMIT = 5000


# --------------------------------------------------------------------------------------------------------
# Local practice ([C])


@dataclass(frozen=True)
class Practice:
    publicity_days: int = rules.DEFAULT_PUBLICITY_DAYS
    activist_min_months: int = rules.DEFAULT_ACTIVIST_MIN_MONTHS
    review_valid_months: int = rules.DEFAULT_REVIEW_VALID_MONTHS
    thought_report_months: int = rules.DEFAULT_THOUGHT_REPORT_MONTHS
    notice_days: int = 30
    source: Org | None = None  # the organisation whose row applies; None = the DOMAIN defaults


PRACTICE_FIELDS = (
    "publicity_days",
    "activist_min_months",
    "review_valid_months",
    "thought_report_months",
    "notice_days",
)
PRACTICE_LIMITS = {
    "publicity_days": (0, 30),
    "activist_min_months": (0, 24),
    "review_valid_months": (0, 60),
    "thought_report_months": (0, 12),
    "notice_days": (1, 180),
}


def _ancestor_paths(org: Org) -> list[str]:
    return [org.path[: i * org.steplen] for i in range(1, len(org.path) // org.steplen + 1)]


def practice_for(org: Org) -> Practice:
    """The local practice that applies to ``org``: the nearest row on the way up, else the defaults."""
    row = (
        LocalPractice.objects.filter(org__path__in=_ancestor_paths(org))
        .select_related("org")
        .order_by("-org__depth")
        .first()
    )
    if row is None:
        return Practice()
    return Practice(**{f: getattr(row, f) for f in PRACTICE_FIELDS}, source=row.org)


@transaction.atomic
def practice_save(*, actor: Any, org: Org, **values: Any) -> LocalPractice:
    """Set a committee's local practice (公示天数, 思想汇报间隔 …); inherited below it. Only at committee
    level
    (not a branch), with ``development.manage`` there. Audit: development.practice.save."""
    if org.is_branch_like or org.kind == "group":
        raise BusinessError("development.practice_level", "发展党员本地规定由党委（党总支）设定，党支部执行")
    if not scope.org_in_scope(actor, "development.manage", org):
        raise BusinessError("development.forbidden", "无权设定该党组织的发展党员规定")
    clean: dict[str, int] = {}
    for name in PRACTICE_FIELDS:
        low, high = PRACTICE_LIMITS[name]
        try:
            value = int(values.get(name, getattr(Practice, name)))
        except (TypeError, ValueError):
            raise BusinessError("development.practice_invalid", f"{_label(name)}应为整数") from None
        if not low <= value <= high:
            raise BusinessError("development.practice_invalid", f"{_label(name)}应在{low}至{high}之间")
        clean[name] = value
    row = LocalPractice.objects.select_for_update().filter(org=org).first()
    old = {f: getattr(row, f) for f in PRACTICE_FIELDS} if row else {}
    if row is None:
        row = LocalPractice(org=org)
    for name, value in clean.items():
        setattr(row, name, value)
    row.updated_by = actor
    row.save()
    audit.record(
        actor=actor,
        action="development.practice.save",
        target=row,
        org_path=org.path,
        changes={f: [old.get(f), v] for f, v in clean.items() if old.get(f) != v},
    )
    return row


def _label(field: str) -> str:
    return str(getattr(LocalPractice._meta.get_field(field), "verbose_name", field))


# --------------------------------------------------------------------------------------------------------
# Helpers


def _require(actor: Any, permission: str, org: Org) -> None:
    if not scope.org_in_scope(actor, permission, org):
        if permission == "development.approve":
            raise BusinessError("development.upper_only", "该步骤由上级党委办理，须有发展党员审批权限")
        raise BusinessError("development.forbidden", "无权办理该党支部的发展党员工作")


def _refuse(problems: Sequence[rules.Problem]) -> list[str]:
    """Raise for blocking problems; return the warnings' messages."""
    blocks = rules.blocking(problems)
    if blocks:
        raise BusinessError(f"development.{blocks[0].code}", "；".join(p.message for p in blocks))
    return [p.message for p in problems]


def _text(value: Any, limit: int = TEXT_LIMIT) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise BusinessError("development.too_long", f"内容过长（不超过{limit}字）")
    return text


def _lock(development: Development) -> Development:
    return Development.objects.select_for_update().select_related("org").get(pk=development.pk)


def _require_open(dev: Development) -> None:
    if dev.status != Status.OPEN:
        raise BusinessError("development.closed", f"该发展党员流程已结束（{Status(dev.status).label}）")


def _done(dev: Development) -> dict[int, dt.date]:
    return dict(DevelopmentStep.objects.filter(development=dev).values_list("number", "done_on"))


def _expect_next(dev: Development, number: int, done: dict[int, dt.date]) -> None:
    expected = rules.next_step(done)
    if number in done:
        raise BusinessError("development.step_done", f"{rules.STEP_BY_NUMBER[number].label}已登记")
    if expected != number:
        step = rules.STEP_BY_NUMBER[expected] if expected else None
        raise BusinessError(
            "development.out_of_order",
            f"请按程序办理：下一步应为{step.label}" if step else "全部步骤已办理完毕",
        )


def _after_previous(number: int, on: dt.date, done: dict[int, dt.date], today: dt.date) -> None:
    if on > today:
        raise BusinessError("development.future", "日期不能晚于今天")
    previous = max((d for n, d in done.items() if n < number), default=None)
    if previous is not None and on < previous:
        raise BusinessError(
            "development.before_previous", f"日期不能早于上一步骤的日期（{previous:%Y年%m月%d日}）"
        )


def under_discipline_ids(member_ids: Iterable[int], on: dt.date | None = None) -> set[int]:
    """Members under 留党察看 on ``on`` (default today), from their 党纪处分 records in ``members``
    (``DisciplinaryProbation``; 党章 第四十条). A meeting's 不计入应到会 reason is not read: it is a
    per-meeting note, not the record of a 处分."""
    return member_selectors.under_discipline_ids(member_ids, on or timezone.localdate())


def person_facts(members: Sequence[Member], on: dt.date | None = None) -> list[rules.PersonFacts]:
    disciplined = under_discipline_ids((m.pk for m in members), on)
    return [
        rules.PersonFacts(
            name=m.name,
            full=m.status == MemberStatus.FULL,
            suspended=m.standing == Standing.SUSPENDED,
            under_discipline=m.pk in disciplined,
            exited=bool(m.exit_kind),
        )
        for m in members
    ]


def branch_groups(org: Org) -> Any:
    """The active 党小组 of a branch (⑲ 编入党小组)."""
    return Org.objects.filter(
        path__startswith=org.path, depth=org.depth + 1, kind="group", is_active=True
    ).order_by("path")


def _members(ids: Iterable[Any], org: Org) -> list[Member]:
    try:
        wanted = [int(i) for i in ids]
    except (TypeError, ValueError):
        raise BusinessError("development.bad_member", "所选党员无效") from None
    found = {m.pk: m for m in Member.objects.filter(pk__in=wanted)}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise BusinessError("development.bad_member", "所选党员不存在")
    return [found[i] for i in wanted]


def _step(
    dev: Development,
    number: int,
    on: dt.date,
    actor: Any,
    *,
    responsible: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    warnings: list[str] | None = None,
) -> DevelopmentStep:
    step = DevelopmentStep.objects.create(
        development=dev,
        number=number,
        done_on=on,
        responsible=_text(responsible, 100),
        note=_text(note),
        data=data or {},
        warnings=warnings or [],
        recorded_by=actor,
    )
    after = rules.STEP_BY_NUMBER[number].stage_after
    if after and after != dev.stage:
        dev.stage = after
        dev.save(update_fields=["stage", "updated_at"])
    return step


def _audit_step(actor: Any, dev: Development, step: DevelopmentStep, **changes: Any) -> None:
    audit.record(
        actor=actor,
        action="development.step.record",
        target=dev,
        org_path=dev.org.path,
        changes={"step": step.number, "done_on": str(step.done_on), **changes},
    )


# --------------------------------------------------------------------------------------------------------
# ① 递交入党申请书


@transaction.atomic
def development_create(
    *,
    actor: Any,
    org: Org,
    name: str,
    id_number: str,
    applied_on: dt.date,
    ethnicity: str = "汉族",
    education: str = "",
    category: str = "",
    job_title: str = "",
    phone: str = "",
    responsible: str = "",
    note: str = "",
    today: dt.date | None = None,
) -> Development:
    """① 递交入党申请书: open a person's process in a branch (not a 临时党支部, which does not develop
    members);
    birth date and sex come from the 公民身份号码; the applicant must be 18 on the day (发展细则 第五条); one
    open process per person; a 党员 cannot apply. Audit: development.development.create."""
    today = today or timezone.localdate()
    _require(actor, "development.manage", org)
    if org.kind not in BRANCH_KINDS or not org.is_active:
        raise BusinessError("development.not_branch", "发展党员由党支部负责，请选择有效的党支部")
    if org.kind == "temporary_branch":
        raise BusinessError("development.temporary", "临时党支部不承担发展党员工作（DOMAIN.md §1）")
    name = _text(name, 50)
    if not name:
        raise BusinessError("development.name_required", "姓名不能为空")
    try:
        info = idcard.parse(id_number or "")
    except ValueError as exc:
        raise BusinessError("development.bad_id", str(exc)) from None
    _refuse(rules.check_application(birth_date=info.birth_date, applied_on=applied_on, today=today))
    index = member_services.id_index(info.number)
    # Still a party member: on the roll here, or transferred out to another organisation (已转出).
    if Member.objects.filter(id_number_index=index, exit_kind__in=("", ExitKind.TRANSFERRED_OUT)).exists():
        raise BusinessError("development.already_member", "该公民身份号码已在党员档案中，不能重复申请入党")
    if Development.objects.filter(id_number_index=index, status=Status.OPEN).exists():
        raise BusinessError("development.duplicate", "此人已有进行中的发展党员流程")
    phone = member_rules.normalize_phone(phone or "")
    dev = Development.objects.create(
        org=org,
        name=name,
        gender=info.gender,
        id_number=info.number,
        id_number_index=index,
        birth_date=info.birth_date,
        ethnicity=ethnicity or "汉族",
        education=education or "",
        category=category or "",
        job_title=_text(job_title, 100),
        phone=phone,
        applied_on=applied_on,
        created_by=actor,
    )
    _step(dev, 1, applied_on, actor, responsible=responsible, note=note)
    audit.record(
        actor=actor,
        action="development.development.create",
        target=dev,
        org_path=org.path,
        changes={"name": name, "applied_on": str(applied_on)},
    )
    return dev


# --------------------------------------------------------------------------------------------------------
# Steps ②–㉕ other than the votes and the approvals


def _date(value: Any, label: str, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise BusinessError("development.date_required", f"请填写{label}")
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise BusinessError("development.bad_date", f"{label}格式不正确") from None


def _number(value: Any, label: str) -> float:
    try:
        number = float(value or 0)
    except (TypeError, ValueError):
        raise BusinessError("development.bad_number", f"{label}应为数字") from None
    if number < 0 or number > 1000:
        raise BusinessError("development.bad_number", f"{label}无效")
    return number


GENERIC_STEPS = frozenset({2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 18, 19, 20, 21, 22, 25})


@transaction.atomic
def step_record(
    *,
    actor: Any,
    development: Development,
    number: int,
    done_on: dt.date,
    responsible: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    today: dt.date | None = None,
) -> DevelopmentStep:
    """Record step ``number`` (the next one) on ``done_on`` with its particulars in ``data``:

    ③ ⑦ ``publicity_started_on`` when a 公示 period is configured; ⑤ ``mentor_ids`` (1–2 正式党员);
    ⑥ needs a half-yearly evaluation recorded; ⑦ ≥1 year as 积极分子 with every half-year evaluated;
    ⑨ ``introducer_ids`` (2 正式党员, not under 留党察看 per ``members.DisciplinaryProbation``); ⑩
    ``conclusion``; ⑪ ``days``/``hours`` (≥3 days or ≥24 学时); ⑬ ``leaving_on`` (warns when within 3
    months); ⑲ ``group_id`` sets ``Member.group`` through ``members.services.member_update`` (warns when the
    branch has groups and none is chosen); ㉕ archives the file and ends the process.
    ⑮ ㉓ are votes (``vote_record``), ⑰ ㉔ approvals (``admission_approve``, ``full_approve``).
    Audit: development.step.record."""
    today = today or timezone.localdate()
    number = int(number)
    if number not in GENERIC_STEPS:
        raise BusinessError("development.wrong_service", "该步骤须通过支部大会表决或上级党委审批办理")
    step_def = rules.STEP_BY_NUMBER[number]
    dev = _lock(development)
    _require(actor, "development.approve" if step_def.by == rules.UPPER else "development.manage", dev.org)
    _require_open(dev)
    done = _done(dev)
    _expect_next(dev, number, done)
    _after_previous(number, done_on, done, today)
    data = dict(data or {})
    practice = practice_for(dev.org)
    problems: list[rules.Problem] = []
    stored: dict[str, Any] = {}
    if number == 2:
        problems += rules.check_talk(applied_on=dev.applied_on, talked_on=done_on)
        if not _text(responsible, 100):
            raise BusinessError("development.responsible_required", "请填写谈话人")
    if number in (3, 7):
        started = _date(data.get("publicity_started_on"), "公示开始日期", required=False)
        problems += rules.check_publicity(
            step=number, started_on=started, decided_on=done_on, days=practice.publicity_days
        )
        if started:
            stored["publicity_started_on"] = str(started)
    if number == 3:
        problems += rules.check_activist(
            applied_on=dev.applied_on, decided_on=done_on, min_months=practice.activist_min_months
        )
    if number == 5:
        mentors = _members(data.get("mentor_ids") or [], dev.org)
        problems += rules.check_mentors(person_facts(mentors, done_on))
        stored["mentors"] = [m.name for m in mentors]
    if (
        number == 6
        and not DevelopmentRecord.objects.filter(development=dev, kind=RecordKind.EVALUATION).exists()
    ):
        raise BusinessError("development.evaluation_required", "请先登记党支部对入党积极分子的考察情况")
    if number == 7:
        evaluated = DevelopmentRecord.objects.filter(development=dev, kind=RecordKind.EVALUATION).values_list(
            "on", flat=True
        )
        problems += rules.check_candidate(activist_on=done[3], decided_on=done_on, evaluated=list(evaluated))
    if number == 9:
        introducers = _members(data.get("introducer_ids") or [], dev.org)
        problems += rules.check_introducers(person_facts(introducers, done_on))
        stored["introducers"] = [m.name for m in introducers]
    if number == 10:
        conclusion = _text(data.get("conclusion"))
        problems += rules.check_political_review(conclusion)
        stored["conclusion"] = conclusion
    if number == 11:
        days, hours = _number(data.get("days"), "培训天数"), _number(data.get("hours"), "培训学时")
        problems += rules.check_training(days=days, hours=hours)
        stored |= {"days": days, "hours": hours}
    group: Org | None = None
    if number == 19:
        groups = branch_groups(dev.org)
        raw = data.get("group_id")
        if raw not in (None, ""):
            group = groups.filter(pk=int(raw) if str(raw).isdigit() else 0).first()
            if group is None:
                raise BusinessError("development.bad_group", "请选择本支部的党小组")
            stored["group"] = group.label
        elif groups.exists():
            problems.append(rules.Problem("warn", "no_group", "本支部设有党小组，预备党员尚未编入党小组"))
    if number == 13:
        leaving = _date(data.get("leaving_on"), "预计离开日期", required=False)
        problems += rules.check_pre_review(reviewed_on=done_on, leaving_on=leaving)
        if leaving:
            dev.leaving_on = leaving
            dev.save(update_fields=["leaving_on", "updated_at"])
    warnings = _refuse(problems)
    if number == 5:
        dev.mentors.set(mentors)
    if number == 9:
        dev.introducers.set(introducers)
    if group is not None and dev.member is not None:
        member_services.member_update(actor=actor, member=dev.member, data={"group": group})
    step = _step(
        dev, number, done_on, actor, responsible=responsible, note=note, data=stored, warnings=warnings
    )
    if number == 25:
        dev.status = Status.ARCHIVED
        dev.save(update_fields=["status", "updated_at"])
    _audit_step(actor, dev, step, warnings=len(warnings))
    return step


# --------------------------------------------------------------------------------------------------------
# ⑮ ㉓ 支部大会 votes (meetings tally)


def _ballots(
    dev: Development,
    *,
    held_on: dt.date,
    present_ids: set[int],
    excluded: dict[int, str],
    yes: int,
    no: int,
    abstain: int,
    written: Sequence[tuple[int, str, dt.datetime | None]],
) -> list[meeting_rules.Ballot]:
    """The branch's members as ballots of ``meetings.rules.tally``: who was present, who was left out of
    应到会
    and why, the counts of those present (secret: assigned to present voting members in turn, never stored
    per person) and the signed written opinions of absent members."""
    roster = list(Member.objects.active().filter(org=dev.org).exclude(pk=dev.member_id or 0).order_by("pk"))
    known = {m.pk for m in roster}
    unknown = (present_ids | set(excluded) | {w[0] for w in written}) - known
    if unknown:
        raise BusinessError("development.vote_member", "到会、不计入应到会和书面意见只能是本支部党员")
    disciplined = under_discipline_ids(known, held_on)
    choices = [meeting_rules.YES] * yes + [meeting_rules.NO] * no + [meeting_rules.ABSTAIN] * abstain
    written_by = {w[0]: w for w in written}
    ballots = []
    for m in roster:
        b = meeting_rules.Ballot(
            member_id=m.pk,
            name=m.name,
            status="full" if m.status == MemberStatus.FULL else "probationary",
            suspended=m.standing == Standing.SUSPENDED,
            under_probation=m.pk in disciplined,
            excluded_reason=meeting_rules.EXCLUSION_REASONS.get(excluded.get(m.pk, ""), ""),
            present=m.pk in present_ids,
        )
        if b.present and b.has_vote and choices:
            b = meeting_rules.Ballot(**{**b.__dict__, "choice": choices.pop()})
        elif not b.present and m.pk in written_by:
            _, choice, at = written_by[m.pk]
            b = meeting_rules.Ballot(**{**b.__dict__, "choice": choice, "written_at": at})
        ballots.append(b)
    if choices:
        raise BusinessError(
            "development.vote_counts", "赞成、反对、弃权票数之和超过了到会有表决权的党员人数，请核对"
        )
    return ballots


@transaction.atomic
def vote_record(
    *,
    actor: Any,
    development: Development,
    held_on: dt.date,
    present_ids: Iterable[int],
    yes: int,
    no: int = 0,
    abstain: int = 0,
    excluded: dict[int, str] | None = None,
    written: Sequence[tuple[int, str, dt.datetime | None]] = (),
    meeting: Meeting | None = None,
    starts_at: dt.datetime | None = None,
    outcome: str = "",
    extension_months: int = 0,
    publicity_started_on: dt.date | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> DevelopmentVote:
    """⑮ 支部大会讨论接收预备党员 or ㉓ 讨论转正 (whichever is next), one person, tallied by
    ``meetings.rules.tally``: the vote is kept either way; when it passes the step is done (⑮: the
    resolution date starts the probation year). ㉓ also carries the proposed ``outcome`` (按期转正 /
    延长预备期
    6–12个月 / 取消预备党员资格) and is held only once the probation has ended. ⑮ needs the 政审 still valid
    ([C] 1 year). Audit: development.vote.record."""
    today = today or timezone.localdate()
    dev = _lock(development)
    _require(actor, "development.manage", dev.org)
    _require_open(dev)
    done = _done(dev)
    number = rules.next_step(done)
    if number not in (rules.ADMISSION_VOTE_STEP, rules.FULL_VOTE_STEP):
        step = rules.STEP_BY_NUMBER[number] if number else None
        raise BusinessError(
            "development.out_of_order",
            f"现在不是支部大会表决的时候：下一步应为{step.label if step else '（已完成）'}",
        )
    _after_previous(number, held_on, done, today)
    if meeting is not None and (
        meeting.org_id != dev.org_id or meeting.kind != meeting_rules.GENERAL_MEETING
    ):
        raise BusinessError("development.vote_meeting", "表决应在本支部的支部党员大会上进行")
    practice = practice_for(dev.org)
    problems = rules.check_publicity(
        step=number, started_on=publicity_started_on, decided_on=held_on, days=practice.publicity_days
    )
    if number == rules.ADMISSION_VOTE_STEP and not rules.review_valid(
        done[10], held_on, practice.review_valid_months
    ):
        problems.append(
            rules.Problem(
                "block",
                "review_expired",
                f"政治审查已超过{practice.review_valid_months}个月有效期（本单位规定），请重新进行政治审查",
            )
        )
    if number == rules.FULL_VOTE_STEP:
        assert dev.resolution_on is not None
        problems += rules.check_full_discussion(
            probation_ends=rules.probation_end(dev.resolution_on, dev.extension_months), held_on=held_on
        )
        problems += rules.check_outcome(
            outcome=outcome,
            extension_months=int(extension_months or 0),
            already_extended=dev.extension_months > 0,
        )
    _refuse(problems)
    if min(yes, no, abstain) < 0:
        raise BusinessError("development.vote_counts", "票数不能为负数")
    excluded = {int(k): v for k, v in (excluded or {}).items()}
    bad = [v for v in excluded.values() if v not in meeting_rules.EXCLUSION_REASONS]
    if bad:
        raise BusinessError("development.vote_excluded", "不计入应到会的原因无效")
    written = [(int(m), c, at) for m, c, at in written]
    if any(c not in (meeting_rules.YES, meeting_rules.NO, meeting_rules.ABSTAIN) for _, c, _ in written):
        raise BusinessError("development.vote_written", "书面意见应为赞成、反对或弃权")
    present = {int(i) for i in present_ids}
    ballots = _ballots(
        dev,
        held_on=held_on,
        present_ids=present,
        excluded=excluded,
        yes=yes,
        no=no,
        abstain=abstain,
        written=written,
    )
    if number == rules.ADMISSION_VOTE_STEP:
        subject = f"接收{dev.name}为预备党员"
    else:
        subject = f"{dev.name}转正（{rules.OUTCOME_LABELS[outcome]}）"
    tally = (rules.admission_vote if number == rules.ADMISSION_VOTE_STEP else rules.full_membership_vote)(
        ballots, subject=subject, starts_at=starts_at
    )
    vote = DevelopmentVote.objects.create(
        development=dev,
        step=number,
        meeting=meeting,
        held_on=held_on,
        starts_at=starts_at,
        present_ids=sorted(present),
        excluded={str(k): v for k, v in excluded.items()},
        written=[{"member": m, "choice": c, "at": at.isoformat() if at else ""} for m, c, at in written],
        yes=yes,
        no=no,
        abstain=abstain,
        outcome=outcome if number == rules.FULL_VOTE_STEP else "",
        extension_months=int(extension_months or 0) if outcome == rules.EXTEND else 0,
        passed=tally.passed,
        expected=tally.expected,
        present=tally.present,
        yes_total=tally.yes,
        no_total=tally.no,
        abstain_total=tally.abstain,
        explanation=tally.explanation,
        recorded_by=actor,
    )
    if tally.passed:
        data: dict[str, Any] = {"vote": vote.pk, "yes": tally.yes, "expected": tally.expected}
        if publicity_started_on:
            data["publicity_started_on"] = str(publicity_started_on)
        if number == rules.ADMISSION_VOTE_STEP:
            dev.resolution_on = held_on
            dev.save(update_fields=["resolution_on", "updated_at"])
        else:
            data |= {"outcome": outcome, "extension_months": vote.extension_months}
        _step(dev, number, held_on, actor, note=note, data=data)
    audit.record(
        actor=actor,
        action="development.vote.record",
        target=dev,
        org_path=dev.org.path,
        changes={"step": number, "passed": tally.passed, "yes": tally.yes, "expected": tally.expected},
    )
    return vote


# --------------------------------------------------------------------------------------------------------
# ⑰ ㉔ approvals of the 上级党委


@transaction.atomic
def admission_approve(
    *,
    actor: Any,
    development: Development,
    approved_on: dt.date,
    approved: bool = True,
    extension_reason: str = "",
    note: str = "",
    today: dt.date | None = None,
) -> DevelopmentStep | None:
    """⑰ 上级党委审批 within 3 months of the 支部大会 resolution (after that only with a recorded special
    reason,
    never after 6). Approved: the member record is created as 预备党员 with 入党日期 = the resolution date
    (``members.services.member_create``). Not approved: the process ends (未批准). Audit:
    development.admission.approve / development.admission.reject."""
    today = today or timezone.localdate()
    dev = _lock(development)
    _require(actor, "development.approve", dev.org)
    _require_open(dev)
    done = _done(dev)
    _expect_next(dev, rules.ADMISSION_APPROVAL_STEP, done)
    _after_previous(rules.ADMISSION_APPROVAL_STEP, approved_on, done, today)
    assert dev.resolution_on is not None
    reason = _text(extension_reason, 300)
    _refuse(
        rules.check_approval(
            resolution_on=dev.resolution_on, approved_on=approved_on, extension_reason=reason
        )
    )
    if not approved:
        dev.status, dev.closed_reason = Status.REJECTED, _text(note, 300) or "上级党委未批准"
        dev.save(update_fields=["status", "closed_reason", "updated_at"])
        audit.record(
            actor=actor,
            action="development.admission.reject",
            target=dev,
            org_path=dev.org.path,
            changes={"on": str(approved_on)},
        )
        return None
    member = member_services.member_create(
        actor=actor,
        org=dev.org,
        data={
            "name": dev.name,
            "gender": dev.gender,
            "id_number": dev.id_number,
            "ethnicity": dev.ethnicity,
            "birth_date": dev.birth_date,
            "education": dev.education,
            "category": dev.category,
            "job_title": dev.job_title,
            "phone": dev.phone,
            "joined_on": dev.resolution_on,
        },
    )
    dev.member, dev.approval_extension_reason = member, reason
    dev.save(update_fields=["member", "approval_extension_reason", "updated_at"])
    step = _step(
        dev,
        rules.ADMISSION_APPROVAL_STEP,
        approved_on,
        actor,
        note=note,
        data={"member": member.pk, "extension_reason": reason},
    )
    audit.record(
        actor=actor,
        action="development.admission.approve",
        target=dev,
        org_path=dev.org.path,
        changes={"on": str(approved_on), "member": member.pk, "joined_on": str(dev.resolution_on)},
    )
    return step


@transaction.atomic
def full_approve(
    *,
    actor: Any,
    development: Development,
    approved_on: dt.date,
    note: str = "",
    today: dt.date | None = None,
) -> DevelopmentStep | None:
    """㉔ 上级党委审批 the 支部大会's 转正 decision within 3 months of it.

    按期转正: the member is converted (``members.services.member_convert_to_full``) with 转正日期 =
    预备期满之日,
    from which 党龄 counts (党章 第七条). 延长预备期: the probation grows by the months decided (once); ㉒
    ㉓ are
    done again when it ends; the member record keeps the extension and the new end
    (``members.services.member_extend_probation``). 取消预备党员资格: the process ends and the member record
    leaves the roster (``members.services.member_cancel_probation``). Audit: development.full.approve."""
    today = today or timezone.localdate()
    dev = _lock(development)
    _require(actor, "development.approve", dev.org)
    _require_open(dev)
    done = _done(dev)
    _expect_next(dev, rules.FULL_APPROVAL_STEP, done)
    _after_previous(rules.FULL_APPROVAL_STEP, approved_on, done, today)
    _refuse(rules.check_full_approval(discussed_on=done[rules.FULL_VOTE_STEP], approved_on=approved_on))
    decided = DevelopmentStep.objects.get(development=dev, number=rules.FULL_VOTE_STEP)
    outcome, months = decided.data.get("outcome"), int(decided.data.get("extension_months") or 0)
    assert dev.resolution_on is not None and dev.member is not None
    step: DevelopmentStep | None = None
    if outcome == rules.ON_TIME:
        full_date = rules.full_on(dev.resolution_on, dev.extension_months)
        member_services.member_convert_to_full(
            actor=actor,
            member=dev.member,
            on=full_date,
            reason=f"上级党委{approved_on:%Y年%m月%d日}批准按期转正",
        )
        dev.full_on = full_date
        dev.save(update_fields=["full_on", "updated_at"])
        step = _step(
            dev,
            rules.FULL_APPROVAL_STEP,
            approved_on,
            actor,
            note=note,
            data={"outcome": outcome, "full_on": str(full_date)},
        )
    elif outcome == rules.EXTEND:
        member_services.member_extend_probation(
            actor=actor,
            member=dev.member,
            months=months,
            resolved_on=approved_on,
            reason=f"上级党委{approved_on:%Y年%m月%d日}批准延长预备期{months}个月"
            + (f"：{_text(note, 300)}" if note.strip() else ""),
        )
        dev.extension_months = months
        dev.save(update_fields=["extension_months", "updated_at"])
        # ㉒ ㉓ are done again when the extended probation ends; the vote and this decision stay on record.
        DevelopmentStep.objects.filter(development=dev, number__in=(22, 23)).delete()
        DevelopmentRecord.objects.create(
            development=dev,
            kind=RecordKind.PROBATION,
            on=approved_on,
            summary=f"上级党委批准延长预备期{months}个月，"
            f"至{rules.probation_end(dev.resolution_on, months):%Y年%m月%d日}",
            recorded_by=actor,
        )
    else:
        member_services.member_cancel_probation(
            actor=actor,
            member=dev.member,
            on=approved_on,
            reason=f"上级党委{approved_on:%Y年%m月%d日}批准取消预备党员资格"
            + (f"：{_text(note, 300)}" if note.strip() else ""),
        )
        dev.status, dev.closed_reason = Status.CANCELLED, _text(note, 300) or "取消预备党员资格"
        dev.save(update_fields=["status", "closed_reason", "updated_at"])
        step = _step(dev, rules.FULL_APPROVAL_STEP, approved_on, actor, note=note, data={"outcome": outcome})
    audit.record(
        actor=actor,
        action="development.full.approve",
        target=dev,
        org_path=dev.org.path,
        changes={"on": str(approved_on), "outcome": outcome, "extension_months": months},
    )
    return step


# --------------------------------------------------------------------------------------------------------
# Records, documents, ending a process


@transaction.atomic
def record_add(
    *,
    actor: Any,
    development: Development,
    kind: str,
    on: dt.date,
    summary: str,
    today: dt.date | None = None,
) -> DevelopmentRecord:
    """A half-yearly 考察 (积极分子 and 发展对象), a 思想汇报, or a 预备期考察 (㉑). Audit:
    development.record.add."""
    today = today or timezone.localdate()
    dev = _lock(development)
    _require(actor, "development.manage", dev.org)
    _require_open(dev)
    if kind not in RecordKind.values:
        raise BusinessError("development.record_kind", "请选择记录类别")
    if on > today or on < dev.applied_on:
        raise BusinessError("development.bad_date", "日期应在递交申请书之后、今天之前")
    summary = _text(summary)
    if not summary:
        raise BusinessError("development.summary_required", "请填写内容摘要")
    if kind == RecordKind.EVALUATION and dev.stage not in (Stage.ACTIVIST, Stage.CANDIDATE):
        raise BusinessError("development.record_stage", "半年考察针对入党积极分子和发展对象")
    if kind == RecordKind.PROBATION and dev.stage != Stage.PROBATIONARY:
        raise BusinessError("development.record_stage", "预备期考察针对预备党员")
    record = DevelopmentRecord.objects.create(
        development=dev, kind=kind, on=on, summary=summary, recorded_by=actor
    )
    audit.record(
        actor=actor,
        action="development.record.add",
        target=dev,
        org_path=dev.org.path,
        changes={"kind": kind, "on": str(on)},
    )
    return record


@transaction.atomic
def document_add(
    *, actor: Any, development: Development, title: str, upload: Any, step: int | None = None
) -> DevelopmentDocument:
    """Keep a document of the file (uploads policy ``development.document``). Audit:
    development.document.add."""
    dev = _lock(development)
    _require(actor, "development.manage", dev.org)
    title = _text(title, 100)
    if not title:
        raise BusinessError("development.title_required", "请填写材料名称")
    if step is not None and int(step) not in rules.STEP_BY_NUMBER:
        raise BusinessError("development.bad_step", "步骤无效")
    if upload is None:
        raise BusinessError("development.file_required", "请选择文件")
    stored = uploads.file_store(actor=actor, purpose=DOCUMENT_PURPOSE, upload=upload, org=dev.org)
    doc = DevelopmentDocument.objects.create(
        development=dev, step=step, title=title, file=stored, uploaded_by=actor
    )
    audit.record(
        actor=actor,
        action="development.document.add",
        target=dev,
        org_path=dev.org.path,
        changes={"title": title, "file": stored.public_id},
    )
    return doc


@transaction.atomic
def development_close(*, actor: Any, development: Development, reason: str) -> Development:
    """终止培养: end a process before admission (the person withdrew, no longer qualifies …); a 预备党员's
    process ends only through ㉓ ㉔. Audit: development.development.close."""
    dev = _lock(development)
    _require(actor, "development.manage", dev.org)
    _require_open(dev)
    if dev.member_id is not None:
        raise BusinessError(
            "development.is_member", "预备党员须经支部大会讨论、上级党委审批决定转正或取消资格"
        )
    reason = _text(reason, 300)
    if not reason:
        raise BusinessError("development.reason_required", "请填写终止原因")
    dev.status, dev.closed_reason = Status.WITHDRAWN, reason
    dev.save(update_fields=["status", "closed_reason", "updated_at"])
    audit.record(
        actor=actor,
        action="development.development.close",
        target=dev,
        org_path=dev.org.path,
        changes={"status": ["open", "withdrawn"]},
    )
    return dev
