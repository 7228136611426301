"""Pages of 组织生活: the calendar and list, plans, one record per meeting (attendance, check-in, minutes,
attachments, documents), review by the level above, compliance, and the members' check-in on their phones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from dangjian.access import classify, scope
from dangjian.access.views import ScopedViewMixin
from dangjian.core.errors import BusinessError
from dangjian.core.ratelimit import too_many
from dangjian.meetings import config, documents, rules, selectors, services
from dangjian.meetings.filters import MeetingFilter
from dangjian.meetings.forms import (
    AttachmentForm,
    AttendanceForm,
    CancelForm,
    CheckInForm,
    MeetingForm,
    PlanForm,
    RecordForm,
    ReviewForm,
    ReviseForm,
)
from dangjian.meetings.models import Attendance, Meeting, MeetingKind, MeetingStatus
from dangjian.orgs.models import Org, OrgKind

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def _int(value: Any, default: int, low: int, high: int) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return default
    return n if low <= n <= high else default


def _detail(meeting: Meeting) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("meetings:meeting_detail", args=[meeting.pk]))


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """An attachment named in Chinese (RFC 6266 ``filename*``) with an ASCII fallback for old clients."""
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    ascii_name = "meeting." + filename.rsplit(".", 1)[-1]
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


# --------------------------------------------------------------------------------------------------------
# Calendar and list


class MeetingListView(ScopedViewMixin, View):
    """组织生活: the month's calendar and the list of meetings in scope, filtered by branch, type, status."""

    model = Meeting
    permission = "meetings.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        year = _int(request.GET.get("year"), today.year, 2000, 2100)
        month = _int(request.GET.get("month"), today.month, 1, 12)
        # The same FilterSet as the API (branch subtree, type, status, dates); it only narrows the scope.
        qs = MeetingFilter(request.GET, queryset=selectors.meeting_list(user=request.user)).qs
        kind = request.GET.get("kind", "") if request.GET.get("kind") in MeetingKind.values else ""
        status = request.GET.get("status", "") if request.GET.get("status") in MeetingStatus.values else ""
        month_qs = qs.filter(planned_on__year=year, planned_on__month=month)
        first = dt.date(year, month, 1)
        prev_month = (first - dt.timedelta(days=1)).replace(day=1)
        next_month = (first + dt.timedelta(days=32)).replace(day=1)
        context = {
            "weeks": selectors.calendar_month(list(month_qs[:500]), year, month),
            "page_obj": Paginator(qs, 30).get_page(request.GET.get("page")),
            "year": year,
            "month": month,
            "prev": prev_month,
            "next": next_month,
            "kind": kind,
            "status": status,
            "kinds": MeetingKind.choices,
            "statuses": MeetingStatus.choices,
            "today": today,
            "can_change": scope.has_permission(request.user, "meetings.change"),
            "can_review": scope.has_permission(request.user, "meetings.review"),
            # The secretary's own branches (a committee officer reaches the others through 落实情况).
            "plan_branches": list(selectors.branch_list(user=request.user, permission="meetings.change")[:6]),
        }
        return render(request, "meetings/meeting_list.html", context)


class MeetingCreateView(ScopedViewMixin, View):
    """Plan or record one meeting of a branch in scope."""

    model = Meeting
    permission = "meetings.change"

    def _form(self, data: Any = None) -> MeetingForm:
        orgs = selectors.branch_list(user=self.request.user, permission="meetings.change")
        initial = {"kind": self.request.GET.get("kind", "theme_day")}
        if self.request.GET.get("org"):
            initial["org"] = self.request.GET["org"]
        groups = scope.restrict(
            Org.objects.filter(kind=OrgKind.GROUP, is_active=True), self.request.user, "meetings.change"
        ).order_by("path")
        return MeetingForm(data, orgs=orgs, groups=groups, initial=initial)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "meetings/meeting_form.html", {"form": self._form(), "creating": True})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            org = data.pop("org")
            try:
                meeting = services.meeting_create(actor=request.user, org=org, **data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "会议已创建")
                return _detail(meeting)
        return render(request, "meetings/meeting_form.html", {"form": form, "creating": True})


class MeetingDetailView(ScopedViewMixin, View):
    """One meeting record: facts, attendance with check-in, minutes, attachments, review, documents."""

    model = Meeting
    permission = "meetings.view"

    def base_queryset(self) -> Any:
        return Meeting.objects.select_related("org", "group", "host", "recorder", "reviewed_by")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = self.get_scoped_object(pk)
        user = request.user
        can_change = scope.org_in_scope(user, "meetings.change", meeting.org)
        can_review = (
            scope.org_in_scope(user, "meetings.review", meeting.org)
            and meeting.status in (MeetingStatus.HELD, MeetingStatus.RETURNED)
            and meeting.created_by_id != user.pk
        )
        summary = selectors.attendance_summary(meeting)
        context = {
            "meeting": meeting,
            "summary": summary,
            "rows": [
                (a, AttendanceForm(prefix=f"a{a.pk}", initial=_attendance_initial(a))) for a in summary.rows
            ],
            "attachments": meeting.attachments.select_related("file"),
            "reviews": meeting.reviews.select_related("actor"),
            "versions": meeting.versions.select_related("created_by").order_by("-number"),
            "can_revise": can_change and meeting.is_locked,
            "revise_form": ReviseForm(),
            "can_change": can_change and not meeting.is_locked and meeting.status != MeetingStatus.CANCELLED,
            "can_review": can_review,
            "review_form": ReviewForm(),
            "attachment_form": AttachmentForm(),
            "cancel_form": CancelForm(),
            "exclusion_reasons": rules.EXCLUSION_REASONS,
        }
        return render(request, "meetings/meeting_detail.html", context)


def _attendance_initial(a: Attendance) -> dict[str, Any]:
    return {"excluded_reason": a.excluded_reason, "leave_reason": a.leave_reason, "present": a.present}


class MeetingEditView(ScopedViewMixin, View):
    """Change a meeting's details (until it is reviewed)."""

    model = Meeting
    permission = "meetings.change"

    def base_queryset(self) -> Any:
        return Meeting.objects.select_related("org")

    def _form(self, meeting: Meeting, data: Any = None) -> MeetingForm:
        initial = {
            f: getattr(meeting, f)
            for f in ("kind", "group", "topic", "planned_on", "place", "online", "host", "recorder")
        }
        for f in ("starts_at", "ends_at"):
            value = getattr(meeting, f)
            initial[f] = timezone.localtime(value) if value else None
        return MeetingForm(data, orgs=Org.objects.none(), org=meeting.org, initial=initial)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = self.get_scoped_object(pk)
        return render(
            request, "meetings/meeting_form.html", {"form": self._form(meeting), "meeting": meeting}
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = self.get_scoped_object(pk)
        form = self._form(meeting, request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if data.get("planned_on") is None:
                data["planned_on"] = meeting.planned_on
            try:
                services.meeting_update(actor=request.user, meeting=meeting, **data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已保存")
                return _detail(meeting)
        return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


class MeetingRecordView(ScopedViewMixin, View):
    """Write the minutes (from the template of the meeting type) and the decisions; a planned meeting that has
    taken place becomes 已召开."""

    model = Meeting
    permission = "meetings.change"

    def base_queryset(self) -> Any:
        return Meeting.objects.select_related("org")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = self.get_scoped_object(pk)
        minutes = meeting.minutes or rules.MINUTES_TEMPLATES.get(meeting.kind, "")
        form = RecordForm(initial={"minutes": minutes, "decisions": meeting.decisions})
        return render(request, "meetings/meeting_record.html", {"meeting": meeting, "form": form})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = self.get_scoped_object(pk)
        form = RecordForm(request.POST)
        if form.is_valid():
            try:
                if meeting.status == MeetingStatus.PLANNED:
                    services.meeting_record(actor=request.user, meeting=meeting, **form.cleaned_data)
                else:
                    services.meeting_update(actor=request.user, meeting=meeting, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "会议记录已保存")
                return _detail(meeting)
        return render(request, "meetings/meeting_record.html", {"meeting": meeting, "form": form})


class _MeetingAction(ScopedViewMixin, View):
    """A POST on one meeting that calls a service; a refusal becomes a message."""

    model = Meeting
    permission = "meetings.change"
    http_method_names = ["post"]
    success = "已完成"

    def base_queryset(self) -> Any:
        return Meeting.objects.select_related("org")

    def perform(self, meeting: Meeting) -> None:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = self.get_scoped_object(pk)
        try:
            self.perform(meeting)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, self.success)
        return self.redirect(meeting)

    def redirect(self, meeting: Meeting) -> HttpResponse:
        return _detail(meeting)


class MeetingCancelView(_MeetingAction):
    success = "会议已取消"

    def perform(self, meeting: Meeting) -> None:
        form = CancelForm(self.request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.meeting_cancel(actor=self.request.user, meeting=meeting, reason=reason)


class CheckinOpenView(_MeetingAction):
    success = "签到已开启：请在会场展示二维码或宣布签到口令"

    def perform(self, meeting: Meeting) -> None:
        services.checkin_open(actor=self.request.user, meeting=meeting)

    def redirect(self, meeting: Meeting) -> HttpResponse:
        return HttpResponseRedirect(reverse("meetings:checkin_screen", args=[meeting.pk]))


class CheckinCloseView(_MeetingAction):
    success = "签到已结束"

    def perform(self, meeting: Meeting) -> None:
        services.checkin_close(actor=self.request.user, meeting=meeting)


class AttachmentAddView(_MeetingAction):
    success = "附件已上传"

    def perform(self, meeting: Meeting) -> None:
        form = AttachmentForm(self.request.POST, self.request.FILES)
        if not form.is_valid():
            raise BusinessError("meetings.file_required", "请选择要上传的文件")
        services.attachment_add(
            actor=self.request.user,
            meeting=meeting,
            upload=form.cleaned_data["file"],
            caption=form.cleaned_data["caption"],
        )


class MeetingReviewView(_MeetingAction):
    """The level above comments, returns for correction or approves (meetings.review)."""

    permission = "meetings.review"
    success = "审阅意见已保存"

    def perform(self, meeting: Meeting) -> None:
        form = ReviewForm(self.request.POST)
        if not form.is_valid():
            raise BusinessError("meetings.bad_action", "请选择审阅操作")
        services.meeting_review(actor=self.request.user, meeting=meeting, **form.cleaned_data)


class MeetingReviseView(_MeetingAction):
    """Start a revision of a reviewed record: the reviewed version is kept and the record reopens."""

    success = "已开始修订：原审阅版本已保存，修改后请提交上级重新审阅"

    def perform(self, meeting: Meeting) -> None:
        form = ReviseForm(self.request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.meeting_revise(actor=self.request.user, meeting=meeting, reason=reason)


class MeetingVersionView(ScopedViewMixin, View):
    """One earlier (reviewed) version of a record, read-only."""

    model = Meeting
    permission = "meetings.view"

    def base_queryset(self) -> Any:
        return Meeting.objects.select_related("org")

    def get(self, request: HttpRequest, pk: int, number: int) -> HttpResponse:
        meeting = self.get_scoped_object(pk)
        version = meeting.versions.select_related("created_by").filter(number=number).first()
        if version is None:
            raise Http404
        snap = version.snapshot

        def local(key: str, fmt: str) -> str:
            value = snap.get(key)
            return f"{timezone.localtime(dt.datetime.fromisoformat(value)):{fmt}}" if value else ""

        context = {
            "meeting": meeting,
            "version": version,
            "s": snap,
            "starts": local("starts_at", "%Y-%m-%d %H:%M"),
            "ends": local("ends_at", "%H:%M"),
            "reviewed_at": local("reviewed_at", "%Y-%m-%d %H:%M"),
        }
        return render(request, "meetings/meeting_version.html", context)


class CheckinScreenView(ScopedViewMixin, View):
    """The on-site screen: the QR code members scan and the code word, for the projector or a phone."""

    model = Meeting
    permission = "meetings.change"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = self.get_scoped_object(pk)
        url = ""
        if meeting.check_in_open:
            url = request.build_absolute_uri(reverse("meetings:checkin_token", args=[meeting.check_in_token]))
        summary = selectors.attendance_summary(meeting)
        return render(
            request, "meetings/checkin_screen.html", {"meeting": meeting, "url": url, "summary": summary}
        )


class AttendanceUpdateView(ScopedViewMixin, View):
    """The recorder sets one member's line: excluded (with a reason), on leave, or present."""

    model = Attendance
    permission = "meetings.change"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        attendance = self.get_scoped_object(pk)
        form = AttendanceForm(request.POST, prefix=f"a{attendance.pk}")
        if not form.is_valid():
            messages.error(request, "输入有误")
        else:
            try:
                services.attendance_update(actor=request.user, attendance=attendance, **form.cleaned_data)
            except BusinessError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"{attendance.member.name}：已更新")
        return HttpResponseRedirect(
            reverse("meetings:meeting_detail", args=[attendance.meeting_id]) + "#attendance"
        )


class _DocumentView(ScopedViewMixin, View):
    model = Meeting
    permission = "meetings.view"
    document = ""

    def base_queryset(self) -> Any:
        return Meeting.objects.select_related("org", "group", "host", "recorder", "reviewed_by")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = self.get_scoped_object(pk)
        day = meeting.held_on or meeting.planned_on
        kind = meeting.get_kind_display()
        try:
            if self.document == "record":
                response = _download(
                    documents.meeting_record_docx(meeting), DOCX, f"{kind}会议记录_{day:%Y%m%d}.docx"
                )
            elif self.document == "record_pdf":
                response = _download(
                    documents.meeting_record_pdf(meeting), PDF, f"{kind}会议记录_{day:%Y%m%d}.pdf"
                )
            else:
                response = _download(
                    documents.signin_sheet_docx(meeting), DOCX, f"{kind}签到表_{day:%Y%m%d}.docx"
                )
        except BusinessError as exc:  # e.g. the server has no Chinese font for the PDF
            messages.error(request, exc.message)
            return _detail(meeting)
        services.record_download(actor=request.user, meeting=meeting, document=self.document)
        return response


class MeetingDocxView(_DocumentView):
    """The standard 会议记录 as Word (audited: it carries members' names)."""

    document = "record"


class MeetingPdfView(_DocumentView):
    """The standard 会议记录 as PDF with the Chinese font embedded (audited like the Word one)."""

    document = "record_pdf"


class SigninSheetView(_DocumentView):
    """The 签到表 as Word (audited)."""

    document = "signin"


# --------------------------------------------------------------------------------------------------------
# Plans


class PlanView(ScopedViewMixin, View):
    """A branch's plan for a year: the meetings owed per month (from the rules) and those planned or held."""

    model = Org
    permission = "meetings.view"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.get_scoped_object(pk)
        if not org.is_branch_like:
            raise Http404
        today = timezone.localdate()
        year = _int(request.GET.get("year"), today.year, 2000, 2100)
        meetings = list(
            Meeting.objects.filter(org=org, planned_on__year=year)
            .select_related("group")
            .order_by("planned_on", "id")
        )
        months: list[dict[str, Any]] = [{"month": m, "meetings": []} for m in range(1, 13)]
        for m in meetings:
            months[m.planned_on.month - 1]["meetings"].append(m)
        facts = services.branch_facts(org)
        freqs = config.frequencies()
        context = {
            "org": org,
            "year": year,
            "months": months,
            "freqs": [(rules.KIND_LABELS[k], f, rules.owes(k, facts)) for k, f in freqs.items()],
            "facts": facts,
            "can_change": scope.org_in_scope(request.user, "meetings.change", org),
            "form": PlanForm(initial={"year": year}),
        }
        return render(request, "meetings/plan.html", context)


class PlanGenerateView(ScopedViewMixin, View):
    """Generate (or complete) a branch's plan for a year or some months."""

    model = Org
    permission = "meetings.change"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.get_scoped_object(pk)
        form = PlanForm(request.POST)
        year = timezone.localdate().year
        if not form.is_valid():
            messages.error(request, "请填写年度")
        else:
            year = form.cleaned_data["year"]
            try:
                created = services.plan_generate(
                    actor=request.user, org=org, year=year, months=form.cleaned_data["months"] or None
                )
            except BusinessError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, f"已生成{len(created)}项计划" if created else "计划已完整，无需新增"
                )
        return HttpResponseRedirect(reverse("meetings:plan", args=[org.pk]) + f"?year={year}")


# --------------------------------------------------------------------------------------------------------
# Compliance


def _range(request: HttpRequest) -> tuple[int, dt.date, dt.date]:
    today = timezone.localdate()
    year = _int(request.GET.get("year"), today.year, 2000, 2100)
    start = dt.date(year, 1, 1)
    end = min(dt.date(year, 12, 31), today) if year == today.year else dt.date(year, 12, 31)
    return year, start, max(end, start)


class ComplianceView(ScopedViewMixin, View):
    """The committee's table: every branch in scope with what was due, held, late, missing this year."""

    model = Org
    permission = "meetings.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        year, start, end = _range(request)
        under = None
        if request.GET.get("org"):
            under = (
                scope.restrict(Org.objects.all(), request.user, "meetings.view")
                .filter(pk=_int(request.GET["org"], 0, 1, 2**31))
                .first()
            )
        today = timezone.localdate()
        branches = selectors.branch_list(user=request.user, under=under)
        # The headline covers the whole scope (one aggregate over the summary); "behind" lists, page by
        # page, every branch of the scope with a missing meeting.
        overview = selectors.compliance_overview(branches, start, end, today)
        behind = bool(request.GET.get("behind"))
        listed = branches.filter(pk__in=overview.behind) if behind else branches
        page = Paginator(listed, 50).get_page(request.GET.get("page"))
        rows = selectors.compliance(list(page.object_list), start, end, today)
        context = {
            "rows": rows,
            "page_obj": page,
            "year": year,
            "end": end,
            "under": under,
            "behind": behind,
            "totals": overview.totals,
        }
        return render(request, "meetings/compliance.html", context)


class ComplianceBranchView(ScopedViewMixin, View):
    """Drill-down: one branch's periods per meeting type, with the meetings behind them."""

    model = Org
    permission = "meetings.view"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.get_scoped_object(pk)
        if not org.is_branch_like:
            raise Http404
        year, start, end = _range(request)
        row = selectors.compliance([org], start, end, timezone.localdate())[0]
        context = {
            "org": org,
            "year": year,
            "end": end,
            "row": row,
            "kinds": [(rules.KIND_LABELS[k], periods) for k, periods in row.by_kind().items()],
            "status_labels": rules.STATUS_LABELS,
            "period_label": rules.period_label,
            "meetings": Meeting.objects.filter(org=org, planned_on__year=year).order_by("planned_on", "id"),
        }
        return render(request, "meetings/compliance_branch.html", context)


# --------------------------------------------------------------------------------------------------------
# Members: my meetings and check-in on the phone


class MyMeetingsView(View):
    """我的组织生活: the member's meetings and the code-word check-in (own records only)."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, CheckInForm())

    def _page(self, request: HttpRequest, form: CheckInForm, status: int = 200) -> HttpResponse:
        if scope.is_admin(request.user):
            raise PermissionDenied("三员不查看业务数据")
        member = selectors.member_of(request.user)
        rows = selectors.my_attendances(request.user)[:50] if member is not None else []
        return render(
            request,
            "meetings/my_meetings.html",
            {"member": member, "rows": rows, "form": form},
            status=status,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        if scope.is_admin(request.user):
            raise PermissionDenied("三员不查看业务数据")
        allowed, retry = services.checkin_attempt_allowed(request.user)
        if not allowed:
            return too_many(request, retry)
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                a = services.checkin_by_code(user=request.user, code=form.cleaned_data["code"])
            except BusinessError as exc:
                form.add_error("code", exc.message)
            else:
                messages.success(request, _checked_in_message(a))
                return HttpResponseRedirect(reverse("meetings:my_meetings"))
        return self._page(request, form, status=400)


def _checked_in_message(a: Attendance) -> str:
    when = timezone.localtime(a.checked_in_at) if a.checked_in_at else timezone.localtime()
    late = "（迟到）" if a.late else ""
    return f"签到成功{late}：{a.meeting.get_kind_display()}“{a.meeting.topic}”，{when:%H:%M}"


class CheckinTokenView(View):
    """The page the on-site QR code opens on a member's phone: confirm to check in."""

    access = classify.AUTHENTICATED

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if scope.is_admin(request.user):
            raise PermissionDenied("三员不查看业务数据")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        meeting = (
            Meeting.objects.filter(check_in_token=token, check_in_open=True).select_related("org").first()
        )
        return render(request, "meetings/checkin_confirm.html", {"meeting": meeting, "token": token})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        allowed, retry = services.checkin_attempt_allowed(request.user)
        if not allowed:
            return too_many(request, retry)
        try:
            a = services.checkin_by_token(user=request.user, token=token)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _checked_in_message(a))
        return HttpResponseRedirect(reverse("meetings:my_meetings"))


# --------------------------------------------------------------------------------------------------------
# Calendar subscription (.ics)


class CalendarFeedView(View):
    """订阅到手机日历: the user's secret .ics address (made here, shown once), its state, and revocation."""

    access = classify.AUTHENTICATED

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if scope.is_admin(request.user):
            raise PermissionDenied("三员不查看业务数据")
        return super().dispatch(request, *args, **kwargs)

    def _page(self, request: HttpRequest, url: str = "") -> HttpResponse:
        from dangjian.meetings.models import CalendarFeed

        feed = CalendarFeed.objects.filter(user_id=int(request.user.pk or 0), revoked_at__isnull=True).first()
        count = selectors.feed_meetings(request.user, timezone.localdate()).count()
        return render(request, "meetings/calendar_feed.html", {"feed": feed, "url": url, "count": count})

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        from urllib.parse import urlencode

        try:
            _, key = services.calendar_feed_create(user=request.user)
        except BusinessError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("meetings:calendar_feed"))
        url = request.build_absolute_uri(reverse("meetings:calendar_ics")) + "?" + urlencode({"token": key})
        # Rendered, not redirected: the key is shown this once and kept nowhere but in the user's calendar.
        response = self._page(request, url)
        response["Cache-Control"] = "no-store"
        return response


class CalendarFeedRevokeView(View):
    """Stop the user's calendar address."""

    access = classify.AUTHENTICATED
    http_method_names = ["post"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if scope.is_admin(request.user):
            raise PermissionDenied("三员不查看业务数据")
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            services.calendar_feed_revoke(user=request.user)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "日历订阅已停用，原订阅地址不再更新")
        return HttpResponseRedirect(reverse("meetings:calendar_feed"))


class CalendarIcsView(View):
    """The .ics feed itself, opened by calendar apps without a session: the secret ``token`` in the address
    is the only credential (a public view; without a valid token it answers 404 to everyone)."""

    access = classify.PUBLIC

    def get(self, request: HttpRequest) -> HttpResponse:
        from dangjian.meetings import ical

        feed = services.calendar_feed_lookup(request.GET.get("token", ""))
        if feed is None:
            return HttpResponse("订阅地址无效或已停用", status=404, content_type="text/plain; charset=utf-8")
        user = feed.user
        site = config.site_url()
        body = ical.calendar(
            selectors.feed_meetings(user, timezone.localdate()),
            name=f"组织生活（{getattr(user, 'display_name', '') or user.get_username()}）",
            stamp=timezone.now(),
            domain=(site.split("://", 1)[-1] or request.get_host()).split("/")[0] or "dangjian",
            site_url=site,
        )
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="meetings.ics"'
        response["Cache-Control"] = "private, max-age=0, no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
