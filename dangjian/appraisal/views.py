"""Pages of 组织生活会 preparation and 民主评议党员: the secretary's overview and completeness, the appraisal
with its tally, proposal, confirmation and follow-up, and the members' pages on their phones (个人自评,
民主测评 ballot, 对照检查材料)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from dangjian.access import classify, scope
from dangjian.access.views import ScopedViewMixin
from dangjian.appraisal import excel, rules, selectors, services
from dangjian.appraisal.forms import (
    AppraisalForm,
    ConfirmForm,
    ExaminationForm,
    ExaminationReviewForm,
    ExcludeForm,
    FileForm,
    FollowUpCloseForm,
    FollowUpForm,
    LifeMeetingEditForm,
    LifeMeetingForm,
    ReasonForm,
    SelfAssessmentForm,
    TalkForm,
    grade_choices,
)
from dangjian.appraisal.models import (
    Appraisal,
    AppraisalStatus,
    FollowUp,
    HeartToHeart,
    LifeMeeting,
    Participant,
    SelfExamination,
)
from dangjian.core.errors import BusinessError
from dangjian.meetings.models import Meeting, MeetingStatus
from dangjian.members.models import Member


def _meetings(user: Any, kinds: tuple[str, ...], org: Any = None) -> Any:
    qs = scope.restrict(Meeting.objects.filter(kind__in=kinds), user, "meetings.change").exclude(
        status=MeetingStatus.CANCELLED
    )
    if org is not None:
        qs = qs.filter(org=org)
    return qs.select_related("org").order_by("-planned_on", "-id")[:50]


def _appraisal_url(appraisal_id: int, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("appraisal:appraisal_detail", args=[appraisal_id]) + anchor)


def _life_url(pk: int, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("appraisal:life_meeting_detail", args=[pk]) + anchor)


def _no_admins(request: HttpRequest) -> None:
    if scope.is_admin(request.user):
        raise PermissionDenied("三员不查看业务数据")


# --------------------------------------------------------------------------------------------------------
# Overview


class IndexView(ScopedViewMixin, View):
    """组织生活会与民主评议: the appraisals and 组织生活会 of the branches in scope."""

    model = Appraisal
    permission = "meetings.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        context = {
            "appraisals": list(selectors.appraisal_list(user=request.user)[:100]),
            "life_meetings": list(selectors.life_meeting_list(user=request.user)[:100]),
            "can_change": scope.has_permission(request.user, "meetings.change"),
        }
        return render(request, "appraisal/index.html", context)


# --------------------------------------------------------------------------------------------------------
# 组织生活会 preparation


class LifeMeetingCreateView(ScopedViewMixin, View):
    model = LifeMeeting
    permission = "meetings.change"

    def _form(self, data: Any = None) -> LifeMeetingForm:
        user = self.request.user
        return LifeMeetingForm(
            data, orgs=selectors.branch_list(user=user), meetings=_meetings(user, ("life_meeting",))
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "appraisal/life_meeting_form.html", {"form": self._form()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            try:
                item = services.life_meeting_create(actor=request.user, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "组织生活会已创建，可以登记谈心谈话、收取对照检查材料")
                return _life_url(item.pk)
        return render(request, "appraisal/life_meeting_form.html", {"form": form})


class LifeMeetingEditView(ScopedViewMixin, View):
    model = LifeMeeting
    permission = "meetings.change"

    def _form(self, item: LifeMeeting, data: Any = None) -> LifeMeetingEditForm:
        initial = {"topic": item.topic, "meeting": item.meeting_id, "material_due": item.material_due}
        return LifeMeetingEditForm(
            data,
            orgs=selectors.branch_list(user=self.request.user),
            meetings=_meetings(self.request.user, ("life_meeting",), item.org),
            initial=initial,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_scoped_object(pk)
        return render(request, "appraisal/life_meeting_form.html", {"form": self._form(item), "item": item})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_scoped_object(pk)
        form = self._form(item, request.POST)
        if form.is_valid():
            try:
                services.life_meeting_update(actor=request.user, life_meeting=item, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已保存")
                return _life_url(item.pk)
        return render(request, "appraisal/life_meeting_form.html", {"form": form, "item": item})


def _roster(org: Any) -> Any:
    return Member.objects.active().filter(org=org).only("id", "name").order_by("name", "id")


class LifeMeetingDetailView(ScopedViewMixin, View):
    """The secretary's view of a 组织生活会's preparation: who still owes a talk, whose material is
    missing."""

    model = LifeMeeting
    permission = "meetings.view"

    def base_queryset(self) -> Any:
        return LifeMeeting.objects.select_related("org", "meeting")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_scoped_object(pk)
        return self.page(
            request, item, TalkForm(members=_roster(item.org), initial={"talked_on": timezone.localdate()})
        )

    def page(
        self, request: HttpRequest, item: LifeMeeting, talk_form: TalkForm, status: int = 200
    ) -> HttpResponse:
        context = {
            "item": item,
            "ready": selectors.readiness(item),
            "talk_form": talk_form,
            "review_form": ExaminationReviewForm(),
            "can_change": scope.org_in_scope(request.user, "meetings.change", item.org),
        }
        return render(request, "appraisal/life_meeting_detail.html", context, status=status)


class TalkCreateView(LifeMeetingDetailView):
    """Record a 谈心谈话 (the form is on the preparation page; errors are shown there)."""

    permission = "meetings.change"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_scoped_object(pk)
        form = TalkForm(request.POST, members=_roster(item.org))
        if form.is_valid():
            try:
                services.talk_record(actor=request.user, life_meeting=item, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "谈心谈话已登记")
                return _life_url(item.pk, "#talks")
        return self.page(request, item, form, status=400)


class TalkDeleteView(ScopedViewMixin, View):
    model = HeartToHeart
    permission = "meetings.change"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        talk = self.get_scoped_object(pk)
        form = ReasonForm(request.POST)
        try:
            services.talk_delete(
                actor=request.user, talk=talk, reason=form.cleaned_data["reason"] if form.is_valid() else ""
            )
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已删除该条谈心谈话记录")
        return _life_url(talk.life_meeting_id, "#talks")


class ExaminationReviewView(ScopedViewMixin, View):
    model = SelfExamination
    permission = "meetings.change"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_scoped_object(pk)
        form = ExaminationReviewForm(request.POST)
        try:
            if not form.is_valid():
                raise BusinessError("appraisal.bad_action", "请选择通过或退回修改")
            services.examination_review(actor=request.user, examination=item, **form.cleaned_data)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "审阅意见已保存")
        return _life_url(item.life_meeting_id, "#materials")


class MyExaminationView(View):
    """A member's own 对照检查材料 for a 组织生活会 of their branch: write it or upload a document."""

    access = classify.AUTHENTICATED

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        _no_admins(request)
        return super().dispatch(request, *args, **kwargs)

    def _item(self, request: HttpRequest, pk: int) -> tuple[LifeMeeting, SelfExamination | None]:
        member = services.member_of(request.user)
        item = (
            LifeMeeting.objects.select_related("org").filter(pk=pk, org=member.org_id).first()
            if member is not None
            else None
        )
        if item is None:
            raise Http404
        return item, SelfExamination.objects.filter(life_meeting=item, member=member).select_related(
            "file"
        ).first()

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        item, mine = self._item(request, pk)
        form = ExaminationForm(initial={"text": mine.text if mine else ""})
        return render(request, "appraisal/my_examination.html", {"item": item, "mine": mine, "form": form})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item, mine = self._item(request, pk)
        form = ExaminationForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.examination_submit(
                    user=request.user,
                    life_meeting=item,
                    text=form.cleaned_data["text"],
                    upload=form.cleaned_data["file"],
                )
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "对照检查材料已提交")
                return HttpResponseRedirect(reverse("appraisal:mine"))
        return render(
            request, "appraisal/my_examination.html", {"item": item, "mine": mine, "form": form}, status=400
        )


# --------------------------------------------------------------------------------------------------------
# 民主评议党员: the secretary's pages


class AppraisalCreateView(ScopedViewMixin, View):
    model = Appraisal
    permission = "meetings.change"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = AppraisalForm(orgs=selectors.branch_list(user=request.user))
        return render(request, "appraisal/appraisal_form.html", {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = AppraisalForm(request.POST, orgs=selectors.branch_list(user=request.user))
        if form.is_valid():
            try:
                item = services.appraisal_open(actor=request.user, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "民主评议已开始：党员可以在手机上填写个人自评并参加民主测评")
                return _appraisal_url(item.pk)
        return render(request, "appraisal/appraisal_form.html", {"form": form})


class AppraisalDetailView(ScopedViewMixin, View):
    """One appraisal: progress, participants (who has self-assessed and voted), the tally after closing, the
    proposal, the 党员大会's decision, filing and the follow-up of 不合格."""

    model = Appraisal
    permission = "meetings.view"

    def base_queryset(self) -> Any:
        return Appraisal.objects.select_related("org", "meeting", "filed_by")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_scoped_object(pk)
        user = request.user
        can_change = scope.org_in_scope(user, "meetings.change", item.org)
        people = list(selectors.participants(item))
        follow_ups: dict[int, list[FollowUp]] = {}
        for f in FollowUp.objects.filter(participant__appraisal=item).order_by("decided_on", "id"):
            follow_ups.setdefault(f.participant_id, []).append(f)
        unqualified = []
        for p in people:
            if p.final_grade == rules.UNQUALIFIED:
                items = follow_ups.get(p.pk, [])
                p.open_follow_up = any(f.is_open for f in items)  # type: ignore[attr-defined]
                unqualified.append((p, items))
        context = {
            "item": item,
            "unqualified": unqualified,
            "progress": selectors.progress(item),
            "people": people,
            "tally": selectors.tally(item),
            "follow_ups": follow_ups,
            "can_change": can_change,
            "can_exclude": can_change
            and item.is_rating
            and not any(getattr(p, "voted", False) for p in people),
            "can_file": item.status == AppraisalStatus.CONFIRMED
            and scope.org_in_scope(user, "meetings.review", item.org)
            and item.created_by_id != user.pk,
            "exclude_form": ExcludeForm(),
            "confirm_form": ConfirmForm(
                meetings=_meetings(user, ("general_meeting", "appraisal", "life_meeting"), item.org),
                initial={"confirmed_on": timezone.localdate()},
            ),
            "file_form": FileForm(),
            "follow_up_form": FollowUpForm(initial={"decided_on": timezone.localdate()}),
            "close_form": FollowUpCloseForm(initial={"closed_on": timezone.localdate()}),
            "grade_labels": rules.GRADE_LABELS,
            "grades": rules.GRADES,
        }
        return render(request, "appraisal/appraisal_detail.html", context)


class _AppraisalAction(ScopedViewMixin, View):
    """A POST on one appraisal that calls a service; a refusal becomes a message."""

    model = Appraisal
    permission = "meetings.change"
    http_method_names = ["post"]
    success = "已完成"
    anchor = ""

    def base_queryset(self) -> Any:
        return Appraisal.objects.select_related("org")

    def perform(self, item: Appraisal) -> None:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_scoped_object(pk)
        try:
            self.perform(item)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, self.success)
        return _appraisal_url(item.pk, self.anchor)


class AppraisalCloseView(_AppraisalAction):
    success = "自评和测评已结束，测评结果已统计"
    anchor = "#tally"

    def perform(self, item: Appraisal) -> None:
        services.rating_close(actor=self.request.user, appraisal=item)


class AppraisalConfirmView(_AppraisalAction):
    success = "党员大会的决定已登记，评定等次已确定"

    def perform(self, item: Appraisal) -> None:
        form = ConfirmForm(
            self.request.POST,
            meetings=_meetings(self.request.user, ("general_meeting", "appraisal", "life_meeting"), item.org),
        )
        if not form.is_valid():
            raise BusinessError("appraisal.bad_input", "请填写党员大会日期和决定")
        services.grades_confirm(actor=self.request.user, appraisal=item, **form.cleaned_data)


class AppraisalFileView(_AppraisalAction):
    """The level above takes the confirmed result on record (meetings.review)."""

    permission = "meetings.review"
    success = "已备案"

    def perform(self, item: Appraisal) -> None:
        form = FileForm(self.request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        services.appraisal_file(actor=self.request.user, appraisal=item, note=note)


class ProposeView(ScopedViewMixin, View):
    """The 支委会's proposal: a grade per participant beside the tally, with the ≤1/3 优秀 guard."""

    model = Appraisal
    permission = "meetings.change"

    def base_queryset(self) -> Any:
        return Appraisal.objects.select_related("org")

    def _context(
        self, item: Appraisal, values: dict[int, str], notes: dict[int, str], **extra: Any
    ) -> dict[str, Any]:
        tally = selectors.tally(item)
        rows = []
        for row in tally.rows if tally else []:
            pid = row.participant.pk
            chosen = (
                values.get(pid) or row.participant.proposed_grade or row.tally.suggested or rules.QUALIFIED
            )
            rows.append((row, chosen, notes.get(pid, row.participant.proposal_note)))
        excellent = sum(1 for _, chosen, _ in rows if chosen == rules.EXCELLENT)
        return {
            "item": item,
            "tally": tally,
            "rows": rows,
            "choices": grade_choices(),
            "excellent": excellent,
            "proposed_on": extra.pop("proposed_on", None) or item.proposed_on or timezone.localdate(),
            "excellent_reason": extra.pop("excellent_reason", item.excellent_reason),
            **extra,
        }

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_scoped_object(pk)
        if item.status not in (AppraisalStatus.TALLIED, AppraisalStatus.PROPOSED):
            messages.error(request, "须在测评结束后、党员大会确定前提出评定等次")
            return _appraisal_url(item.pk)
        return render(request, "appraisal/propose.html", self._context(item, {}, {}))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_scoped_object(pk)
        grades: dict[int, str] = {}
        notes: dict[int, str] = {}
        for key in request.POST:
            if key[:1] in ("g", "n") and key[1:].isdigit():
                (grades if key[0] == "g" else notes)[int(key[1:])] = str(request.POST.get(key, ""))
        reason = request.POST.get("excellent_reason", "")
        proposed_on = _date(request.POST.get("proposed_on"))
        try:
            services.grades_propose(
                actor=request.user,
                appraisal=item,
                grades=grades,
                notes=notes,
                proposed_on=proposed_on,
                excellent_reason=reason,
            )
        except BusinessError as exc:
            context = self._context(
                item,
                grades,
                notes,
                error=exc.message,
                code=exc.code,
                proposed_on=proposed_on,
                excellent_reason=reason,
            )
            return render(request, "appraisal/propose.html", context, status=400)
        messages.success(request, "支委会提出的评定等次已保存，提请党员大会确定")
        return _appraisal_url(item.pk, "#tally")


def _date(value: Any) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


class TallyExportView(ScopedViewMixin, View):
    """The tally as Excel (audited: it names members); only after rating has closed."""

    model = Appraisal
    permission = "meetings.view"

    def base_queryset(self) -> Any:
        return Appraisal.objects.select_related("org")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_scoped_object(pk)
        tally = selectors.tally(item)
        if tally is None:
            messages.error(request, "测评结束后才能导出测评结果")
            return _appraisal_url(item.pk)
        services.tally_export_audit(actor=request.user, appraisal=item)
        return excel.tally_response(item, tally)


class ParticipantExcludeView(ScopedViewMixin, View):
    model = Participant
    permission = "meetings.change"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_scoped_object(pk)
        form = ExcludeForm(request.POST)
        try:
            if not form.is_valid():
                raise BusinessError("appraisal.bad_reason", "请选择不参加评议的原因")
            services.participant_exclude(actor=request.user, participant=item, **form.cleaned_data)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "参评名单已更新")
        return _appraisal_url(item.appraisal_id, "#people")


class FollowUpCreateView(ScopedViewMixin, View):
    model = Participant
    permission = "meetings.change"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_scoped_object(pk)
        form = FollowUpForm(request.POST)
        try:
            if not form.is_valid():
                raise BusinessError("appraisal.bad_input", "请填写处理方式、决定日期和措施")
            services.follow_up_create(actor=request.user, participant=item, **form.cleaned_data)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "处理情况已登记")
        return _appraisal_url(item.appraisal_id, "#follow-ups")


class FollowUpCloseView(ScopedViewMixin, View):
    model = FollowUp
    permission = "meetings.change"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_scoped_object(pk)
        form = FollowUpCloseForm(request.POST)
        try:
            if not form.is_valid():
                raise BusinessError("appraisal.bad_input", "请填写结果和办结日期")
            services.follow_up_close(actor=request.user, follow_up=item, **form.cleaned_data)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "处理结果已登记")
        return _appraisal_url(item.participant.appraisal_id, "#follow-ups")


# --------------------------------------------------------------------------------------------------------
# The member's pages (phone)


class MineView(View):
    """我的评议: the member's appraisals (自评 and 测评 still to do, the confirmed grade) and the
    对照检查材料 of
    their branch's 组织生活会. An account without a member record sees a notice."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        _no_admins(request)
        member = services.member_of(request.user)
        context = {
            "member": member,
            "participations": selectors.my_participations(request.user),
            "life_meetings": selectors.my_life_meetings(request.user),
        }
        return render(request, "appraisal/mine.html", context)


class _OwnParticipantView(View):
    access = classify.AUTHENTICATED

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        _no_admins(request)
        return super().dispatch(request, *args, **kwargs)

    def participant(self, request: HttpRequest, pk: int) -> Participant:
        item = selectors.own_participant(request.user, pk)
        if item is None:
            raise Http404
        return item


class SelfAssessmentView(_OwnParticipantView):
    """个人自评 on the phone."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        me = self.participant(request, pk)
        form = SelfAssessmentForm(initial={"text": me.self_assessment, "self_grade": me.self_grade})
        return render(
            request, "appraisal/self_assessment.html", {"me": me, "item": me.appraisal, "form": form}
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        me = self.participant(request, pk)
        form = SelfAssessmentForm(request.POST)
        if form.is_valid():
            try:
                services.self_assessment_submit(
                    user=request.user, appraisal=me.appraisal, **form.cleaned_data
                )
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "个人自评已保存")
                return HttpResponseRedirect(reverse("appraisal:mine"))
        return render(
            request,
            "appraisal/self_assessment.html",
            {"me": me, "item": me.appraisal, "form": form},
            status=400,
        )


class BallotView(_OwnParticipantView):
    """党员互评和民主测评 on the phone: one grade for every other participant, submitted once, anonymously."""

    def _page(
        self,
        request: HttpRequest,
        me: Participant,
        chosen: dict[int, str],
        error: str = "",
        status: int = 200,
    ) -> HttpResponse:
        voted = services.has_voted(me)
        others = [] if voted else selectors.ballot_choices(me.appraisal, me)
        context = {
            "me": me,
            "item": me.appraisal,
            "voted": voted,
            "rows": [(p, chosen.get(p.pk, "")) for p in others],
            "choices": grade_choices(),
            "error": error,
        }
        return render(request, "appraisal/ballot.html", context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._page(request, self.participant(request, pk), {})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        me = self.participant(request, pk)
        ratings = {
            int(key[1:]): str(request.POST.get(key, ""))
            for key in request.POST
            if key[:1] == "r" and key[1:].isdigit()
        }
        try:
            services.ballot_cast(user=request.user, appraisal=me.appraisal, ratings=ratings)
        except BusinessError as exc:
            return self._page(request, me, ratings, exc.message, status=400)
        messages.success(request, "测评票已提交。投票不记名，任何人都无法查看您的评定")
        return HttpResponseRedirect(reverse("appraisal:mine"))
