"""Scope contract of 组织生活会 preparation and 民主评议党员: see tests/contracts/__init__.py.

The objects: this year's appraisal of 第一党支部 (branch_a) opened by secretary_a, still in rating, with
党员甲,
李四 and 王五 taking part; last year's, confirmed, with 王五 不合格 and a follow-up; a 组织生活会 of branch_a
with one talk and 党员甲's material. secretary_a and the officer (committee over branch_a) see and change
them; secretary_b (branch_b) gets 404; only the officer files (meetings.review); 党员甲 (member_user) reaches
his own self-assessment, ballot and material pages and his own lines in the API, everyone else without a
member record in branch_a gets 404 there; the 三员 are refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from tests.contracts import ADMINS, NOT_ADMINS, ORG_WORKERS, SIGNED_IN, Write, api, html

A = ("secretary_a", "officer")  # in scope for the objects of branch_a
YEAR = dt.date.today().year
MEMBER_ONLY = html(("member_user",), others=404, **dict.fromkeys(ADMINS, 403))


def _appraisal(w: SimpleNamespace) -> Any:
    from dangjian.appraisal import services
    from dangjian.appraisal.models import Appraisal

    item = Appraisal.objects.filter(org=w.branch_a, year=YEAR).first()
    return item or services.appraisal_open(actor=w.secretary_a, org=w.branch_a, year=YEAR)


def _participant(w: SimpleNamespace) -> Any:
    return _appraisal(w).participants.get(member=w.member)


def _follow_up(w: SimpleNamespace) -> Any:
    """Last year's appraisal, confirmed, with 王五 不合格 and an open 限期改正 (built directly: the contract
    needs
    the objects, the services' rules are tested in the app)."""
    from dangjian.appraisal.models import Appraisal, FollowUp, Participant, RatingTally

    item, created = Appraisal.objects.get_or_create(
        org=w.branch_a,
        year=YEAR - 1,
        defaults={
            "title": "上年度民主评议党员",
            "status": "confirmed",
            "confirmed_on": dt.date(YEAR - 1, 12, 28),
        },
    )
    if created:
        wang = Participant.objects.create(
            appraisal=item, member=w.probationary, member_status="probationary", final_grade="unqualified"
        )
        RatingTally.objects.create(participant=wang)
        FollowUp.objects.create(
            participant=wang,
            kind="rectify",
            decided_on=dt.date(YEAR - 1, 12, 30),
            deadline=dt.date(YEAR, 6, 30),
            measures="支部书记谈话，安排党员帮带",
        )
    return FollowUp.objects.get(participant__appraisal=item)


def _life(w: SimpleNamespace) -> Any:
    from dangjian.appraisal import services
    from dangjian.appraisal.models import LifeMeeting

    item = LifeMeeting.objects.filter(org=w.branch_a, year=YEAR).first()
    return item or services.life_meeting_create(
        actor=w.secretary_a, org=w.branch_a, year=YEAR, topic="合同测试组织生活会"
    )


def _talk(w: SimpleNamespace) -> Any:
    from dangjian.appraisal.models import HeartToHeart
    from dangjian.members.models import Member

    life = _life(w)
    talk = HeartToHeart.objects.filter(life_meeting=life).first()
    if talk is None:
        other = Member.objects.get(org=w.branch_a, name="李四")
        talk = HeartToHeart.objects.create(
            life_meeting=life,
            initiator=other,
            partner=w.member,
            talked_on=dt.date.today(),
            topics="谈心",
            summary="要点",
        )
    return talk


def _exam(w: SimpleNamespace) -> Any:
    from django.utils import timezone

    from dangjian.appraisal.models import SelfExamination

    exam, _ = SelfExamination.objects.get_or_create(
        life_meeting=_life(w), member=w.member, defaults={"text": "对照检查", "submitted_at": timezone.now()}
    )
    return exam


def _pk(f: Callable[[SimpleNamespace], Any]) -> Callable[[SimpleNamespace], dict[str, Any]]:
    return lambda w: {"pk": f(w).pk}


EXPECTED: dict[str, dict[str, Any]] = {
    "appraisal:index": html(ORG_WORKERS),
    "appraisal:mine": html(NOT_ADMINS),  # one's own; an account without a member record sees a notice
    "appraisal:appraisal_create": html(ORG_WORKERS),
    "appraisal:appraisal_detail": html(A, secretary_b=404),
    "appraisal:appraisal_close": html(ORG_WORKERS, ok=405),
    "appraisal:appraisal_propose": html(A, ok=302, secretary_b=404),  # rating still open: back to the page
    "appraisal:appraisal_confirm": html(ORG_WORKERS, ok=405),
    "appraisal:appraisal_file": html(("officer",), ok=405),
    "appraisal:tally_export": html(A, ok=302, secretary_b=404),  # no tally while rating is open
    "appraisal:self_assessment": MEMBER_ONLY,
    "appraisal:ballot": MEMBER_ONLY,
    "appraisal:participant_exclude": html(ORG_WORKERS, ok=405),
    "appraisal:follow_up_create": html(ORG_WORKERS, ok=405),
    "appraisal:follow_up_close": html(ORG_WORKERS, ok=405),
    "appraisal:life_meeting_create": html(ORG_WORKERS),
    "appraisal:life_meeting_detail": html(A, secretary_b=404),
    "appraisal:life_meeting_edit": html(A, secretary_b=404),
    "appraisal:talk_create": html(ORG_WORKERS, ok=405),
    "appraisal:my_examination": MEMBER_ONLY,
    "appraisal:talk_delete": html(ORG_WORKERS, ok=405),
    "appraisal:examination_review": html(ORG_WORKERS, ok=405),
    "appraisal-list": api(ORG_WORKERS),
    "appraisal-detail": api(A, secretary_b=404),
    "appraisal-close": api(ORG_WORKERS, ok=405),
    "appraisal-propose": api(ORG_WORKERS, ok=405),
    "appraisal-confirm": api(ORG_WORKERS, ok=405),
    "appraisal-file": api(ORG_WORKERS, ok=405),
    "appraisal-tally": api(A, ok=409, secretary_b=404),  # 409 while rating is open
    "appraisal-participant-list": api(NOT_ADMINS),  # one's own lines without a grant
    "appraisal-participant-detail": api((*A, "member_user"), secretary_b=404, outsider=404),
    "appraisal-participant-exclude": api(NOT_ADMINS, ok=405),
    "appraisal-life-meeting-list": api(ORG_WORKERS),
    "appraisal-life-meeting-detail": api(A, secretary_b=404),
    "appraisal-life-meeting-readiness": api(A, secretary_b=404),
    "appraisal-talk-list": api(ORG_WORKERS),
    "appraisal-talk-detail": api(A, secretary_b=404),
    "appraisal-examination-list": api(NOT_ADMINS),
    "appraisal-examination-detail": api((*A, "member_user"), secretary_b=404, outsider=404),
    "appraisal-examination-review": api(NOT_ADMINS, ok=405),
    "appraisal-follow-up-list": api(ORG_WORKERS),
    "appraisal-follow-up-detail": api(A, secretary_b=404),
    "appraisal-follow-up-close": api(ORG_WORKERS, ok=405),
    "appraisal-mine": api(NOT_ADMINS),
    "appraisal-self-assessment": api(NOT_ADMINS, ok=405),
    "appraisal-ballot": api(NOT_ADMINS, ok=405),
    "appraisal-examination-submit": api(NOT_ADMINS, ok=405),
}
assert all(set(v) == {"anonymous", *SIGNED_IN} for v in EXPECTED.values())

KWARGS: dict[str, Callable[[SimpleNamespace], dict[str, Any]]] = {
    "appraisal:appraisal_detail": _pk(_appraisal),
    "appraisal:appraisal_close": _pk(_appraisal),
    "appraisal:appraisal_propose": _pk(_appraisal),
    "appraisal:appraisal_confirm": _pk(_appraisal),
    "appraisal:appraisal_file": _pk(_appraisal),
    "appraisal:tally_export": _pk(_appraisal),
    "appraisal:self_assessment": _pk(_appraisal),
    "appraisal:ballot": _pk(_appraisal),
    "appraisal:participant_exclude": _pk(_participant),
    "appraisal:follow_up_create": _pk(_participant),
    "appraisal:follow_up_close": _pk(_follow_up),
    "appraisal:life_meeting_detail": _pk(_life),
    "appraisal:life_meeting_edit": _pk(_life),
    "appraisal:talk_create": _pk(_life),
    "appraisal:my_examination": _pk(_life),
    "appraisal:talk_delete": _pk(_talk),
    "appraisal:examination_review": _pk(_exam),
    "appraisal-detail": _pk(_appraisal),
    "appraisal-close": _pk(_appraisal),
    "appraisal-propose": _pk(_appraisal),
    "appraisal-confirm": _pk(_appraisal),
    "appraisal-file": _pk(_appraisal),
    "appraisal-tally": _pk(_appraisal),
    "appraisal-participant-detail": _pk(_participant),
    "appraisal-participant-exclude": _pk(_participant),
    "appraisal-life-meeting-detail": _pk(_life),
    "appraisal-life-meeting-readiness": _pk(_life),
    "appraisal-talk-detail": _pk(_talk),
    "appraisal-examination-detail": _pk(_exam),
    "appraisal-examination-review": _pk(_exam),
    "appraisal-follow-up-detail": _pk(_follow_up),
    "appraisal-follow-up-close": _pk(_follow_up),
}


def _existing(model_path: str, **lookup: Any) -> int:
    """The id of an object if it exists, else an id nobody has: payloads of list routes must not create
    objects
    (the snapshot is taken before the payload is built), and the refusal does not depend on the object."""
    from django.apps import apps

    obj = apps.get_model(model_path).objects.filter(**lookup).first()
    return obj.pk if obj is not None else 999_999


def _ballot(w: SimpleNamespace) -> dict[str, Any]:
    others = _appraisal(w).participants.exclude(member=w.member)
    return {f"r{p.pk}": "qualified" for p in others}


def _ballot_api(w: SimpleNamespace) -> dict[str, Any]:
    from dangjian.appraisal.models import Participant

    others = Participant.objects.filter(appraisal__org=w.branch_a, appraisal__year=YEAR).exclude(
        member=w.member
    )
    return {
        "appraisal": _existing("appraisal.Appraisal", org=w.branch_a, year=YEAR),
        "ratings": [{"participant": p.pk, "grade": "qualified"} for p in others]
        or [{"participant": 1, "grade": "qualified"}],
    }


def _grades(w: SimpleNamespace) -> dict[str, Any]:
    return {f"g{p.pk}": "qualified" for p in _appraisal(w).participants.all()} | {"proposed_on": "2026-01-05"}


def _talk_form(w: SimpleNamespace) -> dict[str, Any]:
    from dangjian.members.models import Member

    other = Member.objects.get(org=w.branch_a, name="李四")
    return {
        "initiator": other.pk,
        "partner": w.member.pk,
        "talked_on": str(dt.date.today()),
        "topics": "谈心",
        "summary": "要点",
    }


def _follow_up_form(w: SimpleNamespace) -> dict[str, Any]:
    return {"kind": "rectify", "decided_on": "2026-01-05", "deadline": "2026-06-30", "measures": "谈话帮带"}


WRITES: dict[str, Write] = {
    "appraisal:appraisal_create": Write(
        "post", ORG_WORKERS, lambda w: {"org": w.branch_a.pk, "year": YEAR + 1}
    ),
    "appraisal:appraisal_close": Write("post", A, lambda w: {}),
    "appraisal:appraisal_propose": Write("post", A, _grades),
    "appraisal:appraisal_confirm": Write(
        "post", A, lambda w: {"confirmed_on": "2026-01-06", "decision": "同意"}
    ),
    "appraisal:appraisal_file": Write("post", ("officer",), lambda w: {"note": "备案"}),
    "appraisal:self_assessment": Write("post", ("member_user",), lambda w: {"text": "一年来的表现"}),
    "appraisal:ballot": Write("post", ("member_user",), _ballot),
    "appraisal:participant_exclude": Write("post", A, lambda w: {"reason": "abroad"}),
    "appraisal:follow_up_create": Write("post", A, _follow_up_form),
    "appraisal:follow_up_close": Write("post", A, lambda w: {"outcome": "已改正", "closed_on": "2026-01-07"}),
    "appraisal:life_meeting_create": Write(
        "post", ORG_WORKERS, lambda w: {"org": w.branch_a.pk, "year": YEAR, "topic": "专题组织生活会"}
    ),
    "appraisal:life_meeting_edit": Write("post", A, lambda w: {"topic": "改后的主题"}),
    "appraisal:talk_create": Write("post", A, _talk_form),
    "appraisal:talk_delete": Write("post", A, lambda w: {"reason": "重复登记"}),
    "appraisal:examination_review": Write("post", A, lambda w: {"action": "accept"}),
    "appraisal:my_examination": Write("post", ("member_user",), lambda w: {"text": "对照检查"}),
    "appraisal-list": Write("post", A, lambda w: {"org": w.branch_a.pk, "year": YEAR + 1}),
    "appraisal-close": Write("post", A, lambda w: {}),
    "appraisal-propose": Write(
        "post",
        A,
        lambda w: {
            "proposed_on": "2026-01-05",
            "grades": [{"participant": p.pk, "grade": "qualified"} for p in _appraisal(w).participants.all()],
        },
    ),
    "appraisal-confirm": Write("post", A, lambda w: {"confirmed_on": "2026-01-06", "decision": "同意"}),
    "appraisal-file": Write("post", ("officer",), lambda w: {"note": "备案"}),
    "appraisal-participant-exclude": Write("post", A, lambda w: {"reason": "abroad"}),
    "appraisal-life-meeting-list": Write(
        "post", A, lambda w: {"org": w.branch_a.pk, "year": YEAR, "topic": "专题组织生活会"}
    ),
    "appraisal-talk-list": Write(
        "post",
        A,
        lambda w: {
            **_talk_form(w),
            "life_meeting": _existing("appraisal.LifeMeeting", org=w.branch_a, year=YEAR),
        },
    ),
    "appraisal-examination-review": Write("post", A, lambda w: {"action": "accept"}),
    "appraisal-follow-up-list": Write(
        "post",
        A,
        lambda w: {
            **_follow_up_form(w),
            "participant": _existing(
                "appraisal.Participant", appraisal__org=w.branch_a, final_grade="unqualified"
            ),
        },
    ),
    "appraisal-follow-up-close": Write("post", A, lambda w: {"outcome": "已改正", "closed_on": "2026-01-07"}),
    "appraisal-self-assessment": Write(
        "post",
        ("member_user",),
        lambda w: {
            "appraisal": _existing("appraisal.Appraisal", org=w.branch_a, year=YEAR),
            "text": "一年来的表现",
        },
    ),
    "appraisal-ballot": Write("post", ("member_user",), _ballot_api),
    "appraisal-examination-submit": Write(
        "post",
        ("member_user",),
        lambda w: {
            "life_meeting": _existing("appraisal.LifeMeeting", org=w.branch_a, year=YEAR),
            "text": "对照检查",
        },
    ),
}
