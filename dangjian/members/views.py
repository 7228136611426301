"""Pages of the roster (党员名册): list with filters, record, create, edit, status changes, reveal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Min, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from dangjian.access import scope
from dangjian.access.views import ScopedListView, ScopedViewMixin
from dangjian.core.errors import BusinessError
from dangjian.members import rules, selectors, services
from dangjian.members.filters import MemberFilter, roll_count, wants_off_roll
from dangjian.members.forms import MemberCreateForm, MemberForm, StatusForm
from dangjian.members.models import Member
from dangjian.orgs import selectors as org_selectors
from dangjian.orgs.models import Org
from dangjian.orgs.rules import BRANCH_KINDS

STATUS_ACTIONS: dict[str, str] = {
    "convert": "转为正式党员",
    "extend_probation": "延长预备期",
    "cancel_probation": "取消预备党员资格",
    "discipline": "登记留党察看处分",
    "discipline_restore": "恢复党员权利（留党察看）",
    "suspend": "停止党籍",
    "restore": "恢复党籍",
    "lost_contact": "认定为失联党员",
    "contact_restored": "恢复联系",
    "mobile_start": "登记为流动党员",
    "mobile_end": "流动结束",
    "move": "调整所在党支部",
    "exit": "出党登记",
}


def available_actions(
    member: Member, *, sensitive: bool = False, disciplined: bool = False
) -> list[tuple[str, str]]:
    """The status changes that make sense for this member now; 留党察看 only for those who may see it."""
    if member.exit_kind:
        return []
    keys = ["move", "exit"]
    if member.status == "probationary":
        keys[0:0] = ["convert", "extend_probation", "cancel_probation"]
    elif sensitive:
        keys.insert(0, "discipline_restore" if disciplined else "discipline")
    keys.insert(0, "restore" if member.standing == "suspended" else "suspend")
    keys.insert(0, "contact_restored" if member.lost_contact else "lost_contact")
    keys.insert(0, "mobile_end" if member.mobile else "mobile_start")
    return [(k, STATUS_ACTIONS[k]) for k in keys]


def branch_choices(user: Any, permission: str = "members.change") -> list[tuple[int, str]]:
    return [
        (o.pk, "　" * max(o.depth - 1, 0) + o.label)
        for o in org_selectors.org_choices_for(user, permission, kinds=set(BRANCH_KINDS))
    ]


def org_filter_options(user: Any, selected: str) -> list[tuple[int, str]]:
    """The 党组织 filter's choices: the top three levels of the user's scope (a whole group has thousands of
    branches; deeper ones are reached from the tree page), plus the one currently selected."""
    orgs = org_selectors.org_list(user=user, permission="members.view")
    top = orgs.aggregate(m=Min("depth"))["m"] or 1
    shown = orgs.filter(Q(depth__lte=top + 2) | Q(pk=selected if selected.isdigit() else 0)).order_by("path")
    return [(o.pk, "　" * (o.depth - top) + o.label) for o in shown.only("pk", "depth", "name", "short_name")]


class MemberListView(ScopedListView):
    """党员名册: filters in the query string serve the page, the export and the API alike."""

    model = Member
    permission = "members.view"
    template_name = "members/member_list.html"

    def base_queryset(self) -> QuerySet[Member]:
        return Member.objects.select_related("org")

    def get_queryset(self) -> QuerySet[Member]:
        qs = super().get_queryset()
        if not wants_off_roll(self.request.GET):
            qs = qs.active()
        self.filterset = MemberFilter(self.request.GET or None, queryset=qs)
        return self.filterset.qs.order_by("org__path", "name", "id")

    def paginate_queryset(self, queryset: Any, page_size: int) -> Any:
        params = self.request.GET
        queryset.known_count = lambda: roll_count(self.request.user, params)  # type: ignore[attr-defined]
        return super().paginate_queryset(queryset, page_size)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(
            {
                "filter": self.filterset,
                "org_options": org_filter_options(user, self.request.GET.get("org", "")),
                "can_change": scope.has_permission(user, "members.change"),
                "can_import": scope.has_permission(user, "members.import"),
                "can_export": scope.has_permission(user, "members.export"),
                "querystring": self.request.GET.urlencode(),
            }
        )
        return ctx


class MemberDetailView(ScopedViewMixin, View):
    """党员档案: masked personal fields; roles that may see them in full reveal them (audited)."""

    model = Member
    permission = "members.view"
    require_grant = False

    def base_queryset(self) -> QuerySet[Member]:
        return Member.objects.select_related("org", "group", "user")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        member = self.get_scoped_object(pk)
        user = request.user
        can_change = scope.org_in_scope(user, "members.change", member.org)
        can_reveal = scope.org_in_scope(user, "members.view_sensitive", member.org)
        disciplines = list(selectors.disciplinary_probations(user=user, member=member))
        extension = services.probation_extension(member) if member.status == "probationary" else None
        return render(
            request,
            "members/member_detail.html",
            {
                "member": member,
                "history": member.history.select_related("actor").all()[:100],
                "positions": member.positions.select_related("org").order_by("-started_on"),
                "can_change": can_change,
                "can_reveal": can_reveal,
                "disciplines": disciplines,
                "today": dt.date.today(),
                "extension": extension,
                "probation_ends": (
                    extension.detail.get("probation_ends")
                    if extension
                    else rules.probation_ends(member.joined_on).isoformat()
                )
                if member.status == "probationary"
                else "",
                "actions": available_actions(
                    member,
                    sensitive=can_reveal,
                    disciplined=any(d.restored_on is None for d in disciplines),
                )
                if can_change
                else [],
                "status_form": StatusForm(initial={"on": dt.date.today()}),
                "branches": branch_choices(user) if can_change else [],
            },
        )


class MemberRevealView(ScopedViewMixin, View):
    """POST → the full identity number, phone and address (HTMX fragment); audited."""

    model = Member
    permission = "members.view_sensitive"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        member = self.get_scoped_object(pk)
        values = services.member_reveal(actor=request.user, member=member)
        return render(request, "members/_revealed.html", {"values": values, "member": member})


class MemberCreateView(ScopedViewMixin, View):
    model = Member
    permission = "members.change"

    def _form(self, data: Any = None) -> MemberCreateForm:
        form = MemberCreateForm(data, initial={"org": self.request.GET.get("org")})
        form.fields["org"].widget.choices = branch_choices(self.request.user)  # type: ignore[attr-defined]
        return form

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "members/member_form.html", {"form": self._form()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "org"}
            data["gender"] = data["gender"] or None
            org = get_object_or_404(
                scope.restrict(Org.objects.all(), request.user, "members.change"), pk=form.cleaned_data["org"]
            )
            try:
                member = services.member_create(actor=request.user, org=org, data=data)
            except BusinessError as exc:
                _attach(form, exc)
            else:
                messages.success(request, f"已为{member.name}建档")
                return HttpResponseRedirect(reverse("members:member_detail", args=[member.pk]))
        return render(request, "members/member_form.html", {"form": form})


def _attach(form: MemberForm, exc: BusinessError) -> None:
    details = exc.details if isinstance(exc.details, list) else []
    placed = False
    for field, msg in details:
        if field in form.fields:
            form.add_error(field, msg)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


class MemberEditView(ScopedViewMixin, View):
    model = Member
    permission = "members.change"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        member = self.get_scoped_object(pk)
        initial = {f: getattr(member, f) for f in MemberForm.base_fields}
        # The form holds the full identity number, phone and address: an unmasked view, audited as a reveal.
        try:
            initial.update(services.member_reveal(actor=request.user, member=member))
        except BusinessError as exc:
            raise PermissionDenied(exc.message) from exc
        return render(
            request, "members/member_form.html", {"form": MemberForm(initial=initial), "member": member}
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        member = self.get_scoped_object(pk)
        form = MemberForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["gender"] = data["gender"] or member.gender
            if member.status == "probationary" and not member.full_on:
                data.pop("full_on", None)
            try:
                services.member_update(actor=request.user, member=member, data=data)
            except BusinessError as exc:
                _attach(form, exc)
            else:
                messages.success(request, "档案已保存")
                return HttpResponseRedirect(reverse("members:member_detail", args=[member.pk]))
        return render(request, "members/member_form.html", {"form": form, "member": member})


class MemberStatusView(ScopedViewMixin, View):
    """POST one status change (转正, 停止党籍, 失联, 流动, 出党 …) through its service."""

    model = Member
    permission = "members.change"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, kind: str) -> HttpResponse:
        member = self.get_scoped_object(pk)
        form = StatusForm(request.POST)
        url = reverse("members:member_detail", args=[member.pk])
        if kind not in STATUS_ACTIONS:
            messages.error(request, "未知的状态变动")
            return HttpResponseRedirect(url)
        if not form.is_valid():
            messages.error(request, "请填写正确的生效日期")
            return HttpResponseRedirect(url)
        d, actor = form.cleaned_data, request.user
        try:
            if kind == "convert":
                services.member_convert_to_full(actor=actor, member=member, on=d["on"], reason=d["reason"])
            elif kind == "suspend":
                services.member_suspend(actor=actor, member=member, on=d["on"], reason=d["reason"])
            elif kind == "restore":
                services.member_restore(actor=actor, member=member, on=d["on"], reason=d["reason"])
            elif kind == "lost_contact":
                services.member_mark_lost_contact(
                    actor=actor, member=member, since=d["on"], reason=d["reason"]
                )
            elif kind == "contact_restored":
                services.member_mark_contact_restored(
                    actor=actor, member=member, on=d["on"], reason=d["reason"]
                )
            elif kind == "mobile_start":
                services.member_start_mobile(
                    actor=actor, member=member, on=d["on"], destination=d["destination"]
                )
            elif kind == "extend_probation":
                services.member_extend_probation(
                    actor=actor,
                    member=member,
                    months=d["months"] or 0,
                    resolved_on=d["on"],
                    reason=d["reason"],
                )
            elif kind == "cancel_probation":
                services.member_cancel_probation(actor=actor, member=member, on=d["on"], reason=d["reason"])
            elif kind == "discipline":
                services.member_discipline_record(
                    actor=actor,
                    member=member,
                    starts_on=d["on"],
                    months=int(d["discipline_months"] or 0),
                    decision=d["reason"],
                )
            elif kind == "discipline_restore":
                services.member_discipline_restore(
                    actor=actor, member=member, on=d["on"], decision=d["reason"]
                )
            elif kind == "mobile_end":
                services.member_end_mobile(actor=actor, member=member, on=d["on"])
            elif kind == "exit":
                services.member_exit(
                    actor=actor, member=member, kind=d["exit_kind"], on=d["on"], reason=d["reason"]
                )
            else:
                org = (
                    scope.restrict(Org.objects.all(), actor, "members.change")
                    .filter(pk=d["org"] or 0)
                    .first()
                )
                if org is None:
                    raise BusinessError("members.org_required", "请选择转入的党支部")
                services.member_move(actor=actor, member=member, org=org, on=d["on"], reason=d["reason"])
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已办理：{STATUS_ACTIONS[kind]}")
        return HttpResponseRedirect(url)
