"""Exams: creation, publication, cancellation, takers, make-up exams and reminders.

The rules every service keeps are in the package docstring (``dangjian.exams.services``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangjian.access import scope
from dangjian.audit import services as audit
from dangjian.core.errors import BusinessError
from dangjian.exams.models import (
    AttemptStatus,
    Exam,
    ExamStatus,
    Paper,
)
from dangjian.exams.services._common import TEXT_LIMIT, _decimal, _member_of, _require, _text
from dangjian.exams.services.papers import paper_total
from dangjian.members.models import Member
from dangjian.orgs.models import Org

# --------------------------------------------------------------------------------------------------------
# Exams


@transaction.atomic
def exam_create(
    *,
    actor: Any,
    org: Org,
    paper: Paper,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    duration_minutes: int,
    pass_score: Any,
    max_attempts: int = 1,
    required: bool = True,
    show_answers: bool = True,
    description: str = "",
    target_orgs: Sequence[Org] = (),
    candidates: Sequence[Any] = (),
    makeup_of: Exam | None = None,
) -> Exam:
    """Create an exam (unpublished). Takers: the members of ``target_orgs`` (with subtrees, all within the
    organiser's scope) and the named ``candidates``. Audit: exams.exam.create."""
    _require(actor, "exams.manage", org)
    if not scope.org_in_scope(actor, "exams.manage", paper.org) and not paper.org_id == org.pk:
        raise BusinessError("exams.paper_unavailable", "该试卷不属于本组织")
    if closes_at <= opens_at:
        raise BusinessError("exams.bad_window", "结束时间应晚于开始时间")
    if not 1 <= int(duration_minutes) <= 24 * 60:
        raise BusinessError("exams.bad_duration", "答题时长应在 1 到 1440 分钟之间")
    if not 1 <= int(max_attempts) <= 10:
        raise BusinessError("exams.bad_attempts", "可考次数应在 1 到 10 之间")
    total = paper_total(paper)
    if total <= 0:
        raise BusinessError("exams.empty_paper", "试卷中还没有试题")
    passing = _decimal(pass_score, "exams.bad_pass_score", "及格分应大于 0", minimum=Decimal("0.1"))
    if passing > total:
        raise BusinessError("exams.bad_pass_score", f"及格分不能高于试卷满分 {total}")
    for target in target_orgs:
        if not target.path.startswith(org.path):
            raise BusinessError("exams.target_outside", f"“{target}”不在本组织及下级组织范围内")
    if not target_orgs and not candidates:
        raise BusinessError("exams.no_takers", "请选择参考组织或参考人员")
    exam = Exam.objects.create(
        org=org,
        paper=paper,
        title=_text(title, "exams.title_required", "请填写考试名称", 100),
        description=str(description or "").strip()[:TEXT_LIMIT],
        opens_at=opens_at,
        closes_at=closes_at,
        duration_minutes=int(duration_minutes),
        pass_score=passing,
        max_attempts=int(max_attempts),
        required=bool(required),
        show_answers=bool(show_answers),
        makeup_of=makeup_of,
        created_by=actor,
    )
    exam.target_orgs.set(target_orgs)
    exam.candidates.set(candidates)
    audit.record(
        actor=actor,
        action="exams.exam.create",
        target=exam,
        org_path=org.path,
        changes={"title": exam.title, "paper": paper.pk},
    )
    return exam


@transaction.atomic
def exam_publish(*, actor: Any, exam: Exam) -> Exam:
    """Publish an exam: takers see it and may start within the window. Audit: exams.exam.publish."""
    _require(actor, "exams.manage", exam.org)
    if exam.status != ExamStatus.DRAFT:
        raise BusinessError("exams.bad_status", "只有未发布的考试可以发布")
    if exam.closes_at <= timezone.now():
        raise BusinessError("exams.bad_window", "考试结束时间已过，不能发布")
    exam.status = ExamStatus.PUBLISHED
    exam.save(update_fields=["status"])
    audit.record(actor=actor, action="exams.exam.publish", target=exam, org_path=exam.org.path)
    return exam


@transaction.atomic
def exam_cancel(*, actor: Any, exam: Exam) -> Exam:
    """Cancel an exam nobody has submitted yet. Audit: exams.exam.cancel."""
    _require(actor, "exams.manage", exam.org)
    if exam.status == ExamStatus.CANCELLED:
        raise BusinessError("exams.bad_status", "考试已取消")
    if exam.attempts.filter(status=AttemptStatus.SUBMITTED).exists():
        raise BusinessError("exams.has_results", "已有人交卷的考试不能取消")
    exam.status = ExamStatus.CANCELLED
    exam.save(update_fields=["status"])
    exam.attempts.filter(status=AttemptStatus.OPEN).delete()
    audit.record(actor=actor, action="exams.exam.cancel", target=exam, org_path=exam.org.path)
    return exam


def exam_takers(exam: Exam) -> Any:
    """Users expected to take ``exam``: active members with an account under a target organisation, and the
    named candidates."""
    from django.contrib.auth import get_user_model

    q = Q(pk__in=exam.candidates.values("pk"))
    for org in exam.target_orgs.all():
        q |= Q(
            member__in=Member.objects.active().filter(
                scope.subtree_q("org__path", org.path), user__isnull=False
            )
        )
    return get_user_model().objects.filter(q, is_active=True).distinct()


def is_taker(exam: Exam, user: Any) -> bool:
    if exam.candidates.filter(pk=user.pk).exists():
        return True
    member = _member_of(user)
    return member is not None and any(member.org.path.startswith(o.path) for o in exam.target_orgs.all())


@transaction.atomic
def exam_makeup(*, actor: Any, exam: Exam, opens_at: dt.datetime, closes_at: dt.datetime) -> Exam:
    """补考: a new exam on the same paper and terms for the takers who have not submitted (absent) or did
    not pass. Audit: exams.exam.create (of the make-up)."""
    _require(actor, "exams.manage", exam.org)
    if exam.status != ExamStatus.PUBLISHED:
        raise BusinessError("exams.bad_status", "只有已发布的考试可以安排补考")
    passed_users = exam.attempts.filter(passed=True).values("user_id")
    absent = list(exam_takers(exam).exclude(pk__in=passed_users))
    if not absent:
        raise BusinessError("exams.no_makeup_needed", "所有参考人员均已通过，无需补考")
    return exam_create(
        actor=actor,
        org=exam.org,
        paper=exam.paper,
        title=f"{exam.title}（补考）",
        description=exam.description,
        opens_at=opens_at,
        closes_at=closes_at,
        duration_minutes=exam.duration_minutes,
        pass_score=exam.pass_score,
        max_attempts=exam.max_attempts,
        required=exam.required,
        show_answers=exam.show_answers,
        candidates=absent,
        makeup_of=exam,
    )


def exam_remind(*, actor: Any | None, exam: Exam) -> dict[str, int]:
    """E-mail the takers of an open exam who have not started it yet. The organiser's button and the hourly
    task (for exams closing within a day, once) call it. Nothing is sent while e-mail is off (Django's dummy
    backend): the exam then shows on each taker's 我的考试 page only. Audit: exams.exam.remind."""
    import smtplib

    from django.core.mail import EmailMessage, get_connection

    if actor is not None:
        _require(actor, "exams.manage", exam.org)
    if exam.status != ExamStatus.PUBLISHED or exam.closes_at <= timezone.now():
        raise BusinessError("exams.not_open", "考试未发布或已结束，不能提醒")
    started = exam.attempts.values("user_id")
    pending = list(exam_takers(exam).exclude(pk__in=started).exclude(email=""))
    sent = failed = 0
    if settings.EMAIL_BACKEND != "django.core.mail.backends.dummy.EmailBackend" and pending:
        connection = get_connection()
        close = timezone.localtime(exam.closes_at).strftime("%Y-%m-%d %H:%M")
        for user in pending:
            try:
                EmailMessage(
                    f"考试提醒：{exam.title}",
                    f"{user.full_name or user.username}同志：\n\n“{exam.title}”将于 {close} 结束，"
                    "您尚未参加，请登录智慧党建云平台“考试中心”按时作答。",
                    settings.DEFAULT_FROM_EMAIL,
                    [user.email],
                    connection=connection,
                ).send()
                sent += 1
            except (smtplib.SMTPException, OSError):
                failed += 1
    with transaction.atomic():
        Exam.objects.filter(pk=exam.pk).update(reminded_at=timezone.now())
        audit.record(
            actor=actor,
            action="exams.exam.remind",
            target=exam,
            org_path=exam.org.path,
            changes={"pending": len(pending), "sent": sent, "failed": failed},
        )
    return {"pending": len(pending), "sent": sent, "failed": failed}


def reminders_due() -> list[dict[str, int]]:
    """The hourly reminder: exams closing within 24 hours, not yet reminded (each once)."""
    now = timezone.now()
    due = Exam.objects.filter(
        status=ExamStatus.PUBLISHED,
        reminded_at__isnull=True,
        opens_at__lte=now,
        closes_at__gt=now,
        closes_at__lte=now + dt.timedelta(hours=24),
    ).select_related("org")
    return [exam_remind(actor=None, exam=exam) for exam in due]
