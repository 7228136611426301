"""Pages of the organisation tree: tree with counts and notices, record, edit, positions, move, merge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from dangjian.access import scope
from dangjian.access.views import ScopedViewMixin
from dangjian.core.errors import BusinessError
from dangjian.members.models import Member
from dangjian.orgs import selectors, services
from dangjian.orgs.forms import EndPositionForm, OrgForm, OrgPickForm, PositionForm
from dangjian.orgs.models import Org, Position


class OrgTreeView(ScopedViewMixin, View):
    """组织架构: the tree in scope, counts rolled up the subtree, structural notices."""

    model = Org
    permission = "orgs.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        root = None
        if root_id := request.GET.get("root", ""):
            root = self.get_scoped_object(root_id) if root_id.isdigit() else None
        only_flagged = request.GET.get("flagged") == "1"
        # Large trees: show three levels (only those are built); a deeper level opens by choosing a node
        # (``?root=``). The flagged view looks at every node.
        size, min_depth = selectors.tree_shape(user=request.user, root=root)
        truncated = not only_flagged and size > 400
        max_depth = min_depth + 2 if truncated else None
        nodes = selectors.org_tree(user=request.user, root=root, max_depth=max_depth)
        if only_flagged:
            nodes = [n for n in nodes if any(x.needs_attention for x in n.notices)]
        return render(
            request,
            "orgs/org_tree.html",
            {
                "nodes": nodes,
                "root": root,
                "only_flagged": only_flagged,
                "truncated": truncated,
                "min_depth": min_depth,
                "min_depth_neg": -min_depth,
                "can_manage": scope.has_permission(request.user, "orgs.manage"),
            },
        )


class OrgDetailView(ScopedViewMixin, View):
    model = Org
    permission = "orgs.view"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.get_scoped_object(pk)
        node = next(iter(selectors.org_tree(user=request.user, root=org)), None)
        children = (
            selectors.org_list(user=request.user)
            .filter(scope.subtree_q("path", org.path), depth=org.depth + 1)
            .order_by("path")
        )
        user = request.user
        return render(
            request,
            "orgs/org_detail.html",
            {
                "org": org,
                "node": node,
                "children": children,
                "ancestors": [
                    a for a in Org.objects.get_ancestors(org) if scope.org_in_scope(user, "orgs.view", a)
                ],
                "positions": selectors.positions_of(org),
                "past_positions": selectors.positions_of(org, current_only=False).filter(
                    ended_on__isnull=False
                )[:30],
                "can_change": scope.org_in_scope(user, "orgs.change", org),
                "can_manage": scope.org_in_scope(user, "orgs.manage", org),
                "can_positions": scope.org_in_scope(user, "orgs.appoint", org),
                "can_members": scope.org_in_scope(user, "members.view", org),
            },
        )


class OrgEditView(ScopedViewMixin, View):
    model = Org
    permission = "orgs.change"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.get_scoped_object(pk)
        return render(request, "orgs/org_edit.html", {"org": org, "form": OrgForm(instance=org)})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.get_scoped_object(pk)
        form = OrgForm(request.POST, instance=Org.objects.get(pk=org.pk))
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in form.Meta.fields}
            try:
                services.org_update(actor=request.user, org=org, **data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "党组织信息已保存")
                return HttpResponseRedirect(reverse("orgs:org_detail", args=[org.pk]))
        return render(request, "orgs/org_edit.html", {"org": org, "form": form})


class OrgCreateView(ScopedViewMixin, View):
    """Create a child organisation under ``pk``."""

    model = Org
    permission = "orgs.manage"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        parent = self.get_scoped_object(pk)
        return render(request, "orgs/org_edit.html", {"parent": parent, "form": OrgForm()})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        parent = self.get_scoped_object(pk)
        form = OrgForm(request.POST)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in form.Meta.fields}
            name, kind = data.pop("name"), data.pop("kind")
            try:
                org = services.org_create(actor=request.user, parent=parent, name=name, kind=kind, **data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已新建党组织")
                return HttpResponseRedirect(reverse("orgs:org_detail", args=[org.pk]))
        return render(request, "orgs/org_edit.html", {"parent": parent, "form": form})


class _OrgTargetView(ScopedViewMixin, View):
    model = Org
    permission = "orgs.manage"
    template = ""
    verb = ""

    def targets(self, org: Org) -> QuerySet[Org]:
        return (
            selectors.org_list(user=self.request.user, permission="orgs.manage")
            .exclude(scope.subtree_q("path", org.path))
            .order_by("path")
        )

    def perform(self, org: Org, target: Org) -> Org:
        raise NotImplementedError

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.get_scoped_object(pk)
        form = OrgPickForm(queryset=self.targets(org))
        return render(request, self.template, {"org": org, "form": form})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.get_scoped_object(pk)
        form = OrgPickForm(request.POST, queryset=self.targets(org))
        if form.is_valid():
            try:
                result = self.perform(org, form.cleaned_data["target"])
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已{self.verb}")
                return HttpResponseRedirect(reverse("orgs:org_detail", args=[result.pk]))
        return render(request, self.template, {"org": org, "form": form})


class OrgMoveView(_OrgTargetView):
    template = "orgs/org_move.html"
    verb = "调整隶属关系"

    def perform(self, org: Org, target: Org) -> Org:
        return services.org_move(actor=self.request.user, org=org, new_parent=target)


class OrgMergeView(_OrgTargetView):
    template = "orgs/org_merge.html"
    verb = "合并党组织"

    def targets(self, org: Org) -> QuerySet[Org]:
        kinds = {"branch", "joint_branch", "temporary_branch"}
        qs = super().targets(org)
        return qs.filter(kind__in=kinds) if org.kind in kinds else qs.exclude(kind__in=kinds | {"group"})

    def perform(self, org: Org, target: Org) -> Org:
        return services.org_merge(actor=self.request.user, source=org, target=target)


class PositionAssignView(ScopedViewMixin, View):
    model = Org
    permission = "orgs.appoint"

    def _members(self, org: Org) -> list[Any]:
        branch = org if org.kind != "group" else Org.objects.get_parent(org)
        assert branch is not None
        return list(
            scope.restrict(Member.objects.active(), self.request.user, "members.view")
            .filter(scope.subtree_q("org__path", branch.path))
            .order_by("name")
            .values_list("pk", "name")[:2000]
        )

    def _form(self, org: Org, data: Any = None) -> PositionForm:
        form = PositionForm(data, initial={"started_on": dt.date.today()})
        form.fields["member"].widget.choices = self._members(org)  # type: ignore[attr-defined]
        return form

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.get_scoped_object(pk)
        return render(request, "orgs/position_assign.html", {"org": org, "form": self._form(org)})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.get_scoped_object(pk)
        form = self._form(org, request.POST)
        if form.is_valid():
            member = get_object_or_404(
                scope.restrict(Member.objects.all(), request.user, "members.view"),
                pk=form.cleaned_data["member"],
            )
            try:
                services.position_assign(
                    actor=request.user,
                    org=org,
                    member=member,
                    title=form.cleaned_data["title"],
                    duties=form.cleaned_data["duties"],
                    started_on=form.cleaned_data["started_on"],
                )
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "任职已登记")
                return HttpResponseRedirect(reverse("orgs:org_detail", args=[org.pk]))
        return render(request, "orgs/position_assign.html", {"org": org, "form": form})


class PositionEndView(ScopedViewMixin, View):
    model = Position
    permission = "orgs.appoint"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        position = self.get_scoped_object(pk)
        form = EndPositionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写离任日期")
        else:
            try:
                services.position_end(
                    actor=request.user, position=position, ended_on=form.cleaned_data["ended_on"]
                )
            except BusinessError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "已登记离任")
        return HttpResponseRedirect(reverse("orgs:org_detail", args=[position.org_id]))
