"""Reads of 书记信箱 and 随手拍, limited to the designated handlers (``services.handler_org_ids``).

Letters are not read through ``access.scope.restrict``: a grant over a subtree does not make the committee a
reader of its branches' letters; only a grant *at* the letter's organisation does (SECURITY.md: only the
designated handlers read letters). Out of reach answers 404 like any scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dangjian.mailbox.models import (
    Author,
    CaseStatus,
    Category,
    Letter,
    LetterMessage,
    LetterStatus,
    SnapshotReport,
)
from dangjian.mailbox.services import handler_org_ids
from dangjian.orgs.models import Org

OPEN_CASE = (
    CaseStatus.SUBMITTED,
    CaseStatus.ACCEPTED,
    CaseStatus.ASSIGNED,
    CaseStatus.RECTIFYING,
    CaseStatus.REVIEWING,
)


def letter_list(*, user: Any) -> QuerySet[Letter]:
    return Letter.objects.filter(org_id__in=handler_org_ids(user)).select_related(
        "org", "category", "assignee"
    )


def letter_filter(
    qs: QuerySet[Letter],
    *,
    status: str = "",
    category: str = "",
    unread: bool = False,
    overdue: bool = False,
    mine_user: Any = None,
    today: dt.date | None = None,
) -> QuerySet[Letter]:
    today = today or timezone.localdate()
    if status in LetterStatus.values:
        qs = qs.filter(status=status)
    if category.isdigit():
        qs = qs.filter(category_id=int(category))
    if unread:
        qs = qs.filter(Q(is_read=False) | Q(has_news=True))
    if overdue:
        qs = qs.filter(due_on__lt=today).exclude(status=LetterStatus.CLOSED)
    if mine_user is not None:
        qs = qs.filter(assignee=mine_user)
    return qs


def letter_get(*, user: Any, pk: Any) -> Letter | None:
    return letter_list(user=user).filter(pk=pk).first()


def letter_messages(letter: Letter) -> list[LetterMessage]:
    return list(letter.messages.select_related("author").prefetch_related("files").order_by("seq"))


def is_overdue(due_on: dt.date | None, closed: bool, today: dt.date | None = None) -> bool:
    return due_on is not None and not closed and due_on < (today or timezone.localdate())


def snapshot_list(*, user: Any) -> QuerySet[SnapshotReport]:
    return SnapshotReport.objects.filter(org_id__in=handler_org_ids(user)).select_related("org", "assignee")


def snapshot_get(*, user: Any, pk: Any) -> SnapshotReport | None:
    return snapshot_list(user=user).filter(pk=pk).first()


def categories(*, active_only: bool = True) -> QuerySet[Category]:
    qs = Category.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def recipient_orgs() -> QuerySet[Org]:
    """Organisations a letter or report may be addressed to: every active one except 党小组."""
    orgs: QuerySet[Org] = Org.objects.filter(is_active=True).exclude(kind="group").order_by("path")
    return orgs


def inbox_counts(*, user: Any, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    qs = letter_list(user=user)
    agg = qs.aggregate(
        unread=Count("pk", filter=Q(is_read=False) | Q(has_news=True)),
        open=Count("pk", filter=~Q(status=LetterStatus.CLOSED)),
        overdue=Count("pk", filter=Q(due_on__lt=today) & ~Q(status=LetterStatus.CLOSED)),
    )
    cases = snapshot_list(user=user).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_CASE)),
        overdue=Count("pk", filter=Q(due_on__lt=today, status__in=OPEN_CASE)),
    )
    return {**agg, "cases_open": cases["open"], "cases_overdue": cases["overdue"]}


# --------------------------------------------------------------------------------------------------------
# The writer's view by receipt: what they may see, nothing about the handlers beyond "办理人".


@dataclass(frozen=True)
class WriterLine:
    author: str
    body: str
    day: dt.date
    files: int


def writer_thread(letter: Letter) -> list[WriterLine]:
    return [
        WriterLine(
            author="我" if m.author_kind == Author.WRITER else "办理人答复",
            body=m.body,
            day=m.created_on,
            files=len(m.files.all()),
        )
        for m in letter_messages(letter)
    ]


# --------------------------------------------------------------------------------------------------------
# Hook for the supervision app (督办整改): what a rectification task needs from a letter or a case.


@dataclass(frozen=True)
class RectificationSource:
    """What ``supervision`` needs to open a supervised rectification task from a letter or a 随手拍 case.

    ``source_type`` is ``"letter"`` or ``"snapshot"``; ``source_id`` the object's UUID; the text is what the
    handlers read (never who wrote it: an anonymous source stays anonymous in the task).
    """

    source_type: str
    source_id: str
    org: Org
    title: str
    description: str
    due_on: dt.date | None
    responsible: Any  # the assignee (a handler of the organisation), or None
    link: str
    refused: str = ""  # why it cannot become a task (a case 不予受理 or 已销号), in Chinese; "" when it can


def task_refusal(source: Any) -> str:
    """Why a letter or case may not be turned into a supervised task, or "": a 随手拍 case that was declined
    (不予受理) or is closed (已销号) has no problem left to rectify — reopen the matter with a new report. A
    letter may become a task in any state: its answer to the writer does not settle what it revealed."""
    if isinstance(source, SnapshotReport) and source.status in (CaseStatus.DECLINED, CaseStatus.CLOSED):
        return f"该随手拍{source.get_status_display()}，不能转督办整改"
    return ""


def rectification_source(*, user: Any, source_type: str, source_id: Any) -> RectificationSource | None:
    """The letter or case ``source_id`` as a rectification source, if ``user`` handles it (else None).

    The supervision app calls this when a handler turns a letter or a case into a task; reading it here is
    not audited again (the handler's opening of the letter was).
    """
    from django.urls import reverse

    if source_type == "letter":
        letter = letter_get(user=user, pk=source_id)
        if letter is None:
            return None
        first = letter.messages.filter(author_kind=Author.WRITER).order_by("seq").first()
        return RectificationSource(
            "letter",
            str(letter.pk),
            letter.org,
            f"书记信箱来信：{letter.subject}",
            first.body if first else "",
            letter.due_on,
            letter.assignee,
            reverse("mailbox:letter_detail", args=[letter.pk]),
        )
    if source_type == "snapshot":
        report = snapshot_get(user=user, pk=source_id)
        if report is None:
            return None
        return RectificationSource(
            "snapshot",
            str(report.pk),
            report.org,
            f"随手拍：{report.description[:30]}",
            report.description + (f"（位置：{report.location}）" if report.location else ""),
            report.due_on,
            report.assignee,
            reverse("mailbox:snapshot_detail", args=[report.pk]),
            refused=task_refusal(report),
        )
    return None
