"""schemathesis over the OpenAPI schema (SECURITY.md "Access control" and "Input, output, browser").

Random requests to every operation of /api/schema/, sent by a branch secretary and by a committee officer
with their personal API tokens, never get a server error and answer as the schema describes (response
bodies and content types as documented). After the fuzzing, every operation on an object outside the
identity's scope still answers 404 (or 403 for a write the role may not make anywhere, or for a read of a
resource the role may not read anywhere, such as the 系统管理员's news feeds) and changes nothing.

How it runs:
- In process: the schema is loaded from the WSGI application (``schemathesis.openapi.from_wsgi``) and
  every case goes through that application. Django's WSGI handler closes "old" connections when a request
  starts and ends; like Django's test client, ``_one_connection`` switches that off so the requests run
  inside the test's transaction and see the ``world`` fixture (no ``transactional_db`` needed).
- Hypothesis is driven directly (``operation.as_strategy``): schemathesis's lazy pytest loader
  (``from_fixture``) does not work with pytest 9, and a schema loaded at import time would need the
  database before pytest-django sets it up.
- Bounded: ``EXAMPLES`` cases per operation, for valid (positive) and invalid (negative) input, with
  generated ids and with an id in scope; derandomized (the same cases on every run), no deadline.
"""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from dangjian.access import tokens
from dangjian.core.models import Job
from dangjian.members import imports
from dangjian.members.models import ChangeKind, Member, StatusChange
from dangjian.orgs.models import Org, Position

EXAMPLES = 5  # per operation and identity: ~200 operations × 2 identities keep CI within its budget
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# Who fuzzes, and the branch whose objects lie outside their scope afterwards.
IDENTITIES = {"secretary_a": "branch_b", "officer": "branch_c"}


@pytest.fixture
def _one_connection() -> Iterator[None]:
    """Keep the test's connection (and transaction) across requests through the WSGI handler."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(world: SimpleNamespace, _one_connection: None) -> Any:
    from config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


def operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


# --------------------------------------------------------------------------------------------------------
# One object per resource, in a given branch (keyed by the collection path of the ``{id}`` operations)


def _position(org: Org, member: Member) -> int:
    return Position.objects.create(
        org=org, member=member, title="organisation_member", started_on=dt.date(2024, 1, 10)
    ).pk


def _status_change(org: Org, member: Member) -> int:
    return StatusChange.objects.create(
        member=member, kind=ChangeKind.CREATED, effective_on=dt.date(2020, 1, 1)
    ).pk


def _import_job(org: Org, member: Member) -> int:
    return Job.objects.create(kind=imports.JOB_KIND, org=org, title="导入党员：名册.xlsx").pk


def _point_adjustment(org: Org, member: Member) -> int:
    from dangjian.accounts.models import User
    from dangjian.points.models import PointAdjustment

    requester = User.objects.get(username="outsider")  # someone else than the persona who may decide it
    return PointAdjustment.objects.create(
        member=member, points=2, reason="表彰", occurred_on=dt.date(2026, 1, 5), requested_by=requester
    ).pk


def _meeting(org: Org, member: Member) -> int:
    from dangjian.meetings.models import Meeting

    return Meeting.objects.create(
        org=org, kind="theme_day", topic="接口测试", planned_on=dt.date(2026, 3, 20)
    ).pk


def _meeting_attendance(org: Org, member: Member) -> int:
    from dangjian.meetings.models import Attendance

    return Attendance.objects.create(meeting_id=_meeting(org, member), member=member).pk


def _staff(role: str, at: Org) -> Any:
    """A user holding ``role`` at ``at``, who makes objects through the services (never one of the fuzzing
    personas, whose scope stays as the world fixture sets it)."""
    from conftest import make_user
    from dangjian.access import services as access_services
    from dangjian.accounts.models import User

    username = f"maker-{role}-{at.pk}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = make_user(username)
        access_services.grant_create(actor=None, user=user, role=role, org=at, bootstrap=True)
    return user


def _publisher(org: Org) -> Any:
    """宣传委员 of ``org``: study.manage and news.publish there."""
    return _staff("publicity_officer", org)


def _reviewer(org: Org) -> Any:
    """宣传委员 of the level above: reviews the news of ``org``."""
    return _staff("publicity_officer", Org.objects.get(path=org.path[: -Org.steplen]))


def _study_topic(org: Org, member: Member) -> Any:
    """A published 学习专题 of ``org`` with one article, assigned to ``org`` (cached on the org object)."""
    if not hasattr(org, "schemathesis_topic"):
        from dangjian.study import services

        actor = _publisher(org)
        topic = services.topic_create(actor=actor, org=org, title="学习党章")
        services.item_add_article(actor=actor, topic=topic, title="党章总纲", body="<p>学习党章。</p>")
        services.assignment_add(
            actor=actor, topic=topic, org=org, include_subtree=True, required=False, deadline=None
        )
        org.schemathesis_topic = services.topic_publish(actor=actor, topic=topic)  # type: ignore[attr-defined]
    return org.schemathesis_topic  # type: ignore[attr-defined]


def _study_item(org: Org, member: Member) -> int:
    return _study_topic(org, member).items.get().pk


def _study_assignment(org: Org, member: Member) -> int:
    return _study_topic(org, member).assignments.get().pk


def _study_note(shared: bool) -> Callable[[Org, Member], int]:
    def make(org: Org, member: Member) -> int:
        from dangjian.study.models import Note

        item = _study_topic(org, member).items.get()
        return Note.objects.create(  # the member may have no account to write it through the service
            member=member,
            branch=org,
            content_key=f"topic_item:{item.pk}",
            content_title=item.title,
            body="学习体会",
            shared=shared,
        ).pk

    return make


def _school_course(org: Org, member: Member) -> Any:
    """A published elective of ``org`` with one article lesson (cached on the org object)."""
    if not hasattr(org, "schemathesis_course"):
        from dangjian.school.testing import make_course

        org.schemathesis_course = make_course(_publisher(org), org)  # type: ignore[attr-defined]
    return org.schemathesis_course  # type: ignore[attr-defined]


def _school_lesson(org: Org, member: Member) -> int:
    return _school_course(org, member).lessons.get().pk


def _school_enrolment(org: Org, member: Member) -> int:
    """``member`` joined the course and completed it (so it has a certificate)."""
    from dangjian.school.models import Enrolment, EnrolmentSource
    from dangjian.school.testing import complete

    course = _school_course(org, member)
    Enrolment.objects.create(course=course, member=member, source=EnrolmentSource.CHOSEN)
    return complete(member, course).pk


def _news_post(state: str) -> Callable[[Org, Member], int]:
    """A post of ``org`` by its publisher: submitted for review (``pending``) or published and then taken
    down (``withdrawn``: in nobody's published news)."""

    def make(org: Org, member: Member) -> int:
        from dangjian.news import services

        publisher = _publisher(org)
        post = services.post_create(
            actor=publisher,
            org=org,
            title="主题党日活动",
            body="参观纪念馆。",
            happened_on=dt.date(2026, 3, 2),
        )
        post = services.post_submit(actor=publisher, post=post)
        if state == "withdrawn":
            post = services.post_approve(actor=_reviewer(org), post=post)
            post = services.post_withdraw(actor=publisher, post=post, reason="信息有误")
        return post.pk

    return make


def _news_feed(org: Org, member: Member) -> Any:
    """资讯源 are configuration (no organisation): the 系统管理员's alone (cached on the org object)."""
    if not hasattr(org, "schemathesis_feed"):
        from dangjian.news.models import Feed

        org.schemathesis_feed = Feed.objects.create(  # type: ignore[attr-defined]
            name=f"权威发布{org.pk}", url=f"http://mirror.intranet.example/{org.pk}.xml"
        )
    return org.schemathesis_feed  # type: ignore[attr-defined]


def _news_feed_item(org: Org, member: Member) -> int:
    from dangjian.news.models import FeedItem

    return FeedItem.objects.create(
        feed=_news_feed(org, member),
        dedup_key=f"schemathesis-{org.pk}",
        link=f"http://mirror.intranet.example/news/{org.pk}.html",
        title="中共中央政治局召开会议",
        content_hash=f"hash-{org.pk}",
        published_at=dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC),
        fetched_at=dt.datetime(2026, 3, 1, 3, 0, tzinfo=dt.UTC),
    ).pk


def _news_fetch_job(org: Org, member: Member) -> int:
    from dangjian.accounts.models import User
    from dangjian.core.jobs import job_create
    from dangjian.news import services

    admin = User.objects.get(username="sysadmin")
    return job_create(kind=services.FETCH_JOB_KIND, user=admin, title="抓取资讯：权威发布").pk


def _secretary(org: Org) -> Any:
    """支部书记 of ``org``: meetings.change there (组织生活会 and 民主评议)."""
    return _staff("branch_secretary", org)


def _branch_pair(org: Org, member: Member) -> tuple[Member, Member]:
    """``member`` and another member of the branch (added if the branch has no other): 民主评议 needs two
    participants, a 谈心谈话 two people."""
    from conftest import make_member

    other = Member.objects.filter(org=org, exit_kind="").exclude(pk=member.pk).first()
    return member, other or make_member(org, "陪评党员")


def _appraisal(org: Org, member: Member) -> Any:
    """The branch's 民主评议党员 of the year, open for rating (cached on the org object)."""
    if not hasattr(org, "schemathesis_appraisal"):
        from dangjian.appraisal import services

        _branch_pair(org, member)
        org.schemathesis_appraisal = services.appraisal_open(  # type: ignore[attr-defined]
            actor=_secretary(org), org=org, year=2026
        )
    return org.schemathesis_appraisal  # type: ignore[attr-defined]


def _appraisal_participant(org: Org, member: Member) -> int:
    from dangjian.appraisal.models import Participant

    return Participant.objects.get(appraisal=_appraisal(org, member), member=member).pk


def _appraisal_follow_up(org: Org, member: Member) -> int:
    """A 限期改正 of ``member``, confirmed 不合格 in the branch's appraisal of the year before."""
    from django.utils import timezone

    from dangjian.appraisal import services
    from dangjian.appraisal.models import Participant

    secretary, today = _secretary(org), timezone.localdate()
    _branch_pair(org, member)
    appraisal = services.appraisal_open(actor=secretary, org=org, year=2025)
    appraisal = services.rating_close(actor=secretary, appraisal=appraisal)
    lines = {p.pk: p.member_id for p in Participant.objects.filter(appraisal=appraisal, excluded_reason="")}
    appraisal = services.grades_propose(
        actor=secretary,
        appraisal=appraisal,
        grades={pk: "unqualified" if m == member.pk else "qualified" for pk, m in lines.items()},
        notes={pk: "长期不参加组织生活" for pk, m in lines.items() if m == member.pk},
        proposed_on=today,
    )
    appraisal = services.grades_confirm(
        actor=secretary, appraisal=appraisal, confirmed_on=today, decision="党员大会表决通过"
    )
    return services.follow_up_create(
        actor=secretary,
        participant=Participant.objects.get(appraisal=appraisal, member=member),
        kind="rectify",
        decided_on=today,
        deadline=today + dt.timedelta(days=180),
        measures="结对帮扶，每月谈话一次",
    ).pk


def _life_meeting(org: Org, member: Member) -> Any:
    """The branch's 组织生活会 of this year in preparation (cached on the org object)."""
    if not hasattr(org, "schemathesis_life_meeting"):
        from django.utils import timezone

        from dangjian.appraisal import services

        org.schemathesis_life_meeting = services.life_meeting_create(  # type: ignore[attr-defined]
            actor=_secretary(org), org=org, year=timezone.localdate().year, topic="专题组织生活会"
        )
    return org.schemathesis_life_meeting  # type: ignore[attr-defined]


def _talk(org: Org, member: Member) -> int:
    from django.utils import timezone

    from dangjian.appraisal import services

    initiator, partner = _branch_pair(org, member)
    return services.talk_record(
        actor=_secretary(org),
        life_meeting=_life_meeting(org, member),
        initiator=initiator,
        partner=partner,
        talked_on=timezone.localdate(),
        topics="思想和工作情况",
        summary="交流了学习体会。",
    ).pk


def _examination(org: Org, member: Member) -> int:
    from django.utils import timezone

    from dangjian.appraisal.models import SelfExamination

    return SelfExamination.objects.create(  # the member may have no account to hand it in through the service
        life_meeting=_life_meeting(org, member), member=member, text="对照检查。", submitted_at=timezone.now()
    ).pk


def _development(org: Org, member: Member) -> int:
    """An applicant (入党申请人) in the branch, registered by its secretary."""
    from conftest import make_id_number
    from dangjian.development import services

    return services.development_create(
        actor=_secretary(org),
        org=org,
        name="模糊测试申请人",
        id_number=make_id_number(dt.date(2000, 6, 6)),
        applied_on=dt.date(2025, 1, 6),
    ).pk


def _dues(org: Org, member: Member) -> tuple[int, int, int]:
    """党费 of ``member``: an amount fixed, this month's bill, a voluntary payment waiting for confirmation
    and a 免交 the branch studied (cached on the org object)."""
    if not hasattr(org, "schemathesis_dues"):
        from django.utils import timezone

        from dangjian.dues import rules, services

        actor = _secretary(org)
        month = timezone.localdate().replace(day=1)
        services.profile_set(
            actor=actor,
            member=member,
            category="in_service",
            items=[{"name": "岗位工资", "amount": "6000", "in_base": True}],
        )
        fixing = services.fixing_propose(actor=actor, member=member, effective_from=month, reason="年度核定")
        services.fixing_confirm(actor=actor, fixing=fixing)
        services.bills_generate(actor=actor, month=month, org=org)
        payment = services.payment_create(actor=actor, member=member, kind="voluntary", amount="10")
        reduction = services.reduction_create(
            actor=actor, member=member, kind="exempt", months_from=rules.add_months(month, 1),
            months_to=rules.add_months(month, 2), reason="重病", studied_on=timezone.localdate(),
            study_note="同意",
        )  # fmt: skip
        bill = member.dues_bills.get(month=month)
        org.schemathesis_dues = (bill.pk, payment.pk, reduction.pk)  # type: ignore[attr-defined]
    return org.schemathesis_dues  # type: ignore[attr-defined,no-any-return]


def _transfer(org: Org, member: Member) -> int:
    """A transfer out of the branch to an organisation outside the platform, as the branch starts it (only
    the sending side sees it)."""
    from dangjian.transfers import services
    from dangjian.transfers.models import Transfer

    existing = Transfer.objects.filter(member=member, kind="outside").first()
    return (existing or services.transfer_request(
        actor=_secretary(org), member=member, kind="outside", reason="job", to_org_name="中共某县委组织部"
    )).pk  # fmt: skip


def _mobile(org: Org, member: Member) -> int:
    from django.utils import timezone

    from dangjian.transfers import services
    from dangjian.transfers.models import MobileRegistration

    existing = MobileRegistration.objects.filter(member=member).first()
    today = timezone.localdate()
    return (existing or services.mobile_register(
        actor=_secretary(org), member=member, destination="广东省深圳市", reason="work", started_on=today,
        expected_until=today + dt.timedelta(days=180),
    )).pk  # fmt: skip


def _exam_of(org: Org, member: Member) -> Any:
    """A published exam of the branch on a fixed paper of one short-answer question, with a submitted
    attempt of ``member`` whose answer waits for grading (cached on the org object; built directly: the
    member may have no account)."""
    if not hasattr(org, "schemathesis_exam"):
        from django.utils import timezone

        from conftest import make_user
        from dangjian.exams.models import Answer, Attempt, Exam, Paper, PaperItem, Question, QuestionBank

        now = timezone.now()
        bank = QuestionBank.objects.create(org=org, name="接口测试题库")
        question = Question.objects.create(
            bank=bank, kind="short", stem="谈谈体会。", answer=["略"], fingerprint=f"{org.pk}"
        )
        paper = Paper.objects.create(org=org, title="接口测试试卷")
        PaperItem.objects.create(paper=paper, question=question, score=10)
        exam = Exam.objects.create(
            org=org, paper=paper, title="接口测试考试", opens_at=now, closes_at=now + dt.timedelta(days=1),
            duration_minutes=30, pass_score=6, status="published",
        )  # fmt: skip
        user = member.user or make_user(f"examinee{org.pk}", member.name)
        attempt = Attempt.objects.create(
            exam=exam, user=user, member=member, taker_org=org, status="submitted", started_at=now,
            deadline=now, submitted_at=now, max_score=10, score=0, pending_grading=1,
            layout=[{"q": question.pk, "score": "10.0", "order": []}],
        )  # fmt: skip
        Answer.objects.create(attempt=attempt, question=question, position=0, max_score=10, response=["体会"])
        org.schemathesis_exam = exam  # type: ignore[attr-defined]
    return org.schemathesis_exam  # type: ignore[attr-defined]


def _exam_practice(org: Org, member: Member) -> int:
    """A practice set of the member who sat the branch's exam (only its owner reaches it)."""
    from dangjian.exams.models import DailyPractice

    attempt = _exam_of(org, member).attempts.get()
    return DailyPractice.objects.create(user=attempt.user, kind="tag", tag="体会", questions=[]).pk


def _exam_answer(org: Org, member: Member) -> int:
    from dangjian.exams.models import Answer

    return Answer.objects.get(attempt__exam=_exam_of(org, member)).pk


def _exam_import_job(org: Org, member: Member) -> int:
    from dangjian.core.models import Job
    from dangjian.exams import services

    bank = _exam_of(org, member).paper.items.get().question.bank
    job = Job.objects.create(
        kind=services.IMPORT_JOB_KIND,
        org=org,
        title="接口测试导入",
        status="succeeded",
        params={"bank": bank.pk},
    )
    return job.pk


def _mailbox_letter(org: Org, member: Member) -> Any:
    from dangjian.mailbox import services

    letter, _ = services.letter_submit(
        writer=None, org=org, subject="接口测试来信", body="反映问题", anonymous=True
    )
    return letter.pk


def _mailbox_snapshot(org: Org, member: Member) -> Any:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from dangjian.mailbox import services

    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "JPEG")
    upload = SimpleUploadedFile("x.jpg", buf.getvalue())
    report, _ = services.snapshot_submit(
        reporter=None, org=org, description="接口测试", anonymous=True, uploads=[upload]
    )
    return report.pk


def _mailbox_category(org: Org, member: Member) -> int:
    from dangjian.mailbox.models import Category

    return Category.objects.get(name="其他").pk


def _supervision(org: Org, member: Member) -> dict[str, int]:
    """A scan's warnings, a responsibility item, a task on a warning and a queued scan job, by the committee
    officer over ``org`` (cached on the org object)."""
    if not hasattr(org, "schemathesis_supervision"):
        from django.utils import timezone

        from dangjian.supervision import services
        from dangjian.supervision.models import Warning

        officer = _staff("committee_officer", Org.objects.get_parent(org) or org)
        run = services.scan_run()
        warning = Warning.objects.filter(org=org).first() or Warning.objects.first()
        assert warning is not None
        item = services.responsibility_create(
            actor=officer, org=org, duty="primary", year=timezone.localdate().year,
            title="听取党风廉政建设情况汇报", holder_title="支部书记", period="quarter",
        )  # fmt: skip
        task = services.rectification_create(
            actor=officer, org=org, title="接口测试整改", description="检查发现的问题",
            deadline=timezone.localdate() + dt.timedelta(days=10), evidence_required="会议记录",
            source_kind="inspection",
        )  # fmt: skip
        job = services.scan_request(actor=officer)
        org.schemathesis_supervision = {  # type: ignore[attr-defined]
            "warning": warning.pk, "duty": item.pk, "task": task.pk, "scan": run.pk, "job": job.pk,
        }  # fmt: skip
    return org.schemathesis_supervision  # type: ignore[attr-defined,no-any-return]


OBJECTS: dict[str, Callable[[Org, Member], Any]] = {
    "/api/v1/transfers/transfers/": _transfer,
    "/api/v1/transfers/mobile/": _mobile,
    "/api/v1/exams/banks/": lambda org, member: _exam_of(org, member).paper.items.get().question.bank_id,
    "/api/v1/exams/papers/": lambda org, member: _exam_of(org, member).paper_id,
    "/api/v1/exams/exams/": lambda org, member: _exam_of(org, member).pk,
    "/api/v1/exams/grading/": _exam_answer,
    "/api/v1/exams/questions/": lambda org, member: _exam_of(org, member).paper.items.get().question_id,
    "/api/v1/exams/import-jobs/": _exam_import_job,
    "/api/v1/exams/mine/": lambda org, member: _exam_of(org, member).pk,
    "/api/v1/exams/attempts/": lambda org, member: _exam_of(org, member).attempts.get().pk,
    "/api/v1/exams/practice/": _exam_practice,
    "/api/v1/mailbox/letters/": _mailbox_letter,
    "/api/v1/mailbox/snapshots/": _mailbox_snapshot,
    "/api/v1/mailbox/categories/": _mailbox_category,
    "/api/v1/study/topics/": lambda org, member: _study_topic(org, member).pk,
    "/api/v1/study/items/": _study_item,
    "/api/v1/study/manage/topics/": lambda org, member: _study_topic(org, member).pk,
    "/api/v1/study/manage/items/": _study_item,
    "/api/v1/study/manage/assignments/": _study_assignment,
    "/api/v1/study/stats/topics/": lambda org, member: _study_topic(org, member).pk,
    "/api/v1/study/notes/": _study_note(shared=False),
    "/api/v1/study/shared-notes/": _study_note(shared=True),
    "/api/v1/school/courses/": lambda org, member: _school_course(org, member).pk,
    "/api/v1/school/lessons/": _school_lesson,
    "/api/v1/school/enrolments/": _school_enrolment,
    "/api/v1/news/posts/": _news_post("pending"),
    "/api/v1/news/reviews/": _news_post("pending"),
    "/api/v1/news/published/": _news_post("withdrawn"),
    "/api/v1/news/feeds/": lambda org, member: _news_feed(org, member).pk,
    "/api/v1/news/feed-items/": _news_feed_item,
    "/api/v1/news/fetch-jobs/": _news_fetch_job,
    "/api/v1/meetings/meetings/": _meeting,
    "/api/v1/meetings/attendances/": _meeting_attendance,
    "/api/v1/appraisal/appraisals/": lambda org, member: _appraisal(org, member).pk,
    "/api/v1/appraisal/participants/": _appraisal_participant,
    "/api/v1/appraisal/follow-ups/": _appraisal_follow_up,
    "/api/v1/appraisal/life-meetings/": lambda org, member: _life_meeting(org, member).pk,
    "/api/v1/appraisal/talks/": _talk,
    "/api/v1/appraisal/examinations/": _examination,
    "/api/v1/points/adjustments/": _point_adjustment,
    "/api/v1/development/developments/": _development,
    "/api/v1/members/": lambda org, member: member.pk,
    "/api/v1/orgs/": lambda org, member: org.pk,
    "/api/v1/positions/": _position,
    "/api/v1/status-changes/": _status_change,
    "/api/v1/imports/": _import_job,
    "/api/v1/dues/bills/": lambda org, member: _dues(org, member)[0],
    "/api/v1/dues/payments/": lambda org, member: _dues(org, member)[1],
    "/api/v1/dues/reductions/": lambda org, member: _dues(org, member)[2],
    "/api/v1/supervision/warnings/": lambda org, member: _supervision(org, member)["warning"],
    "/api/v1/supervision/duties/": lambda org, member: _supervision(org, member)["duty"],
    "/api/v1/supervision/tasks/": lambda org, member: _supervision(org, member)["task"],
    "/api/v1/supervision/scans/": lambda org, member: _supervision(org, member)["scan"],
    "/api/v1/supervision/scan-jobs/": lambda org, member: _supervision(org, member)["job"],
}


def collection(path: str) -> str:
    return path.split("{id}")[0]


def objects_in(org: Org, member: Member, schema: Any) -> dict[str, int]:
    """An object id for every collection that has ``{id}`` operations, in ``org``."""
    collections_with_ids = {collection(op.path) for op in operations(schema) if "{id}" in op.path}
    missing = sorted(collections_with_ids - set(OBJECTS))
    assert not missing, f"add an object factory to OBJECTS in {__name__} for {missing}"
    return {path: OBJECTS[path](org, member) for path in collections_with_ids}


# --------------------------------------------------------------------------------------------------------
# Fuzzing, then object scope through the token


def fuzz(operation: Any, headers: dict[str, str], statuses: collections.Counter[int], **fixed: Any) -> None:
    """Run ``EXAMPLES`` valid and ``EXAMPLES`` invalid cases of one operation through the checks."""
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

        @FUZZ
        @given(case=operation.as_strategy(generation_mode=mode, **fixed))
        def run(case: Any) -> None:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses[response.status_code] += 1

        try:
            run()
        except Unsatisfiable:
            if mode is GenerationMode.POSITIVE:
                raise  # only invalid input may be impossible: everything of the operation is fixed


def assert_objects_outside_scope_are_not_found(
    schema: Any, key: str, org: Org, snapshot: Any, in_scope: dict[str, int]
) -> None:
    """Every ``{id}`` operation on objects of ``org`` answers 404 (403 for a write the role may make
    nowhere, or for a read the role may make nowhere: the same read of the object in scope is refused too)
    through the token, and changes nothing."""
    ids = objects_in(org, Member.objects.filter(org=org).first(), schema)
    client, auth = Client(), {"HTTP_AUTHORIZATION": f"Token {key}"}

    def url(operation: Any, pk: int) -> str:
        return operation.path.replace("{id}", str(pk)).replace("{kind}", "suspend")

    before = snapshot()
    wrong = []
    for operation in operations(schema):
        if "{id}" not in operation.path:
            continue
        method, path = operation.method.lower(), url(operation, ids[collection(operation.path)])
        if method == "get":
            response, expected = client.get(path, **auth), (404,)
            if response.status_code == 403:  # allowed only if the role reads this resource nowhere
                mine = client.get(url(operation, in_scope[collection(operation.path)]), **auth)
                expected = (404, 403) if mine.status_code == 403 else expected
        else:
            response = getattr(client, method)(path, {}, content_type="application/json", **auth)
            expected = (403, 404)
        if response.status_code not in expected:
            wrong.append(f"{method.upper()} {path}: {response.status_code}")
    assert not wrong, f"objects of {org} within reach: {wrong}"
    assert _without_token_use(snapshot()) == _without_token_use(before)


def _without_token_use(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The snapshot less the token's ``last_used_at``: authenticating refreshes it once a minute (like
    ``last_login`` for a sign-in, using the token is not the action under test)."""
    tokens_used = [{k: v for k, v in row.items() if k != "last_used_at"} for row in rows["access.ApiToken"]]
    return rows | {"access.ApiToken": tokens_used}


@pytest.mark.parametrize(("persona", "outside"), IDENTITIES.items())
def test_random_api_requests_never_fail_match_the_schema_and_leave_other_branches_out_of_reach(
    persona, outside, world, api_schema, snapshot
):
    user = getattr(world, persona)
    _, key = tokens.token_create(actor=user, user=user, name="schemathesis")
    headers = {"Authorization": f"Token {key}"}
    in_scope = objects_in(world.branch_a, world.member, api_schema)  # within both identities' scope
    statuses: collections.Counter[int] = collections.Counter()
    failures = []
    for operation in operations(api_schema):
        runs: list[dict[str, Any]] = [{}]
        if "{id}" in operation.path:
            runs.append({"path_parameters": {"id": in_scope[collection(operation.path)]}})
        for fixed in runs:
            try:
                fuzz(operation, headers, statuses, **fixed)
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis reports a group of failures
                failures.append(f"{operation.label} {fixed or ''}\n{exc}")
    assert not failures, "\n\n".join(failures)
    # The token authenticated the cases: successes and validation errors, never 401.
    assert statuses[200] + statuses[201] > 0 and statuses[400] > 0 and statuses[401] == 0, statuses
    assert_objects_outside_scope_are_not_found(api_schema, key, getattr(world, outside), snapshot, in_scope)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/members/null/"),
        ("patch", "/api/v1/members/abc/"),
        ("post", "/api/v1/members/%10L/reveal/"),
        ("patch", "/api/v1/orgs/true/"),
        ("post", "/api/v1/orgs/false/move/"),
        ("post", "/api/v1/orgs/false/merge/"),
        ("post", "/api/v1/positions/null/end/"),
        ("get", "/api/v1/imports/1e3/"),
    ],
)
def test_a_non_numeric_id_in_an_api_url_is_not_found(method, url, world, login, snapshot):
    client = login(world.officer)
    before = snapshot()
    response = getattr(client, method)(url, {}, content_type="application/json")
    assert response.status_code == 404
    assert snapshot() == before
