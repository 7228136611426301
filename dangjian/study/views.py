"""Pages of 学习专题 and 学习笔记: my study, topics and items (with the study-time heartbeat), notes, the
publisher's pages and the statistics. Views are thin: they parse, call a service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views import View

from dangjian.access import classify, scope
from dangjian.access.views import ScopedViewMixin
from dangjian.core import excel, richtext, uploads
from dangjian.core.errors import BusinessError
from dangjian.core.ratelimit import ratelimit
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.study import documents, selectors, services
from dangjian.study import excel as study_excel
from dangjian.study.content import as_content
from dangjian.study.forms import (
    ArticleForm,
    AssignmentForm,
    CommentForm,
    FileItemForm,
    ItemEditForm,
    NoteEditForm,
    NoteForm,
    TopicForm,
)
from dangjian.study.models import (
    DocFormat,
    ItemKind,
    Note,
    NoteComment,
    Topic,
    TopicAssignment,
    TopicItem,
    TopicStatus,
)
from dangjian.study.rules import format_duration
from dangjian.studytime import content as registry
from dangjian.studytime.services import seconds_total

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _readable_topic(request: HttpRequest, pk: int) -> Topic:
    topic = get_object_or_404(Topic.objects.select_related("org"), pk=pk)
    if not selectors.may_read(request.user, topic):
        raise Http404("专题不存在")
    return topic


# --------------------------------------------------------------------------------------------------------
# Members: my study, topics, items


class MyStudyView(View):
    """我的学习: required and overdue first, then assigned, then the open topics of one's organisations."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        member = selectors.member_of(request.user)
        rows = selectors.my_topics(member) if member is not None else []
        context = {
            "member": member,
            "rows": rows,
            "can_manage": scope.has_permission(request.user, "study.manage"),
            "can_stats": scope.has_permission(request.user, "study.view"),
        }
        return render(request, "study/my_study.html", context)


class TopicDetailView(View):
    """A topic: its items with the member's progress on each; managers also preview drafts here."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        topic = _readable_topic(request, pk)
        member = selectors.member_of(request.user)
        progress = selectors.item_progress_map(member, topic)
        items = [(item, progress.get(item.pk)) for item in selectors.items_of(topic)]
        context = {
            "topic": topic,
            "items": items,
            "member": member,
            "done": sum(1 for _, p in items if p is not None and p.completed_at),
            "can_manage": selectors.may_manage(request.user, topic),
        }
        return render(request, "study/topic_detail.html", context)


class ItemDetailView(View):
    """One item: the article, the player or the document, with the heartbeat that counts study time, and
    the member's notes on it."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = get_object_or_404(TopicItem.objects.select_related("topic", "topic__org", "file"), pk=pk)
        topic = item.topic
        if not selectors.may_read(request.user, topic):
            raise Http404("内容不存在")
        member = selectors.member_of(request.user)
        studying = (
            topic.status == TopicStatus.PUBLISHED
            and member is not None
            and selectors.may_study(request.user, topic)
        )
        content = as_content(item)
        progress = selectors.item_progress_map(member, topic).get(item.pk)
        siblings = list(selectors.items_of(topic).values_list("pk", flat=True))
        index = siblings.index(item.pk)
        context = {
            "item": item,
            "topic": topic,
            "content": content,
            "studying": studying,
            "member": member,
            "progress": progress,
            "minutes_total": (seconds_total(member, content.key) // 60) if member is not None else 0,
            "body": richtext.render(item.body) if item.body else "",
            "is_pdf": item.doc_format == DocFormat.PDF,
            "is_docx": item.doc_format == DocFormat.DOCX,
            "duration": format_duration(item.duration_seconds),
            "previous": siblings[index - 1] if index > 0 else None,
            "following": siblings[index + 1] if index + 1 < len(siblings) else None,
            "can_manage": selectors.may_manage(request.user, topic),
        }
        return render(request, "study/item_detail.html", context)


class ItemFileView(View):
    """A document or media file of an item, served inline for the page's viewer (a PDF in an ``<iframe>``,
    a video in ``<video>``): the same access rule and integrity check as core:file_download
    (``uploads.file_read``), but ``inline`` and framable by this site only."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest, pk: int) -> StreamingHttpResponse:
        item = get_object_or_404(TopicItem.objects.select_related("topic", "topic__org", "file"), pk=pk)
        if item.file is None or not selectors.may_read(request.user, item.topic):
            raise Http404("文件不存在")
        try:
            chunks = uploads.file_read(actor=request.user, stored=item.file)
        except BusinessError as exc:
            raise Http404(exc.message) from exc
        stored = item.file
        response = StreamingHttpResponse(chunks, content_type=stored.content_type)
        response["Content-Length"] = str(stored.size)
        response["Content-Disposition"] = (
            content_disposition_header(False, uploads.download_name(stored)) or ""
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["X-Frame-Options"] = "SAMEORIGIN"
        response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
        response["Referrer-Policy"] = "no-referrer"
        return response


# --------------------------------------------------------------------------------------------------------
# Notes


class NoteListView(View):
    """我的笔记: one's own notes (private and shared), with the Word export."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        member = selectors.member_of(request.user)
        page = None
        if member is not None:
            qs = selectors.note_list_annotated(selectors.own_notes(request.user), request.user)
            page = Paginator(qs, 20).get_page(request.GET.get("page"))
        return render(request, "study/note_list.html", {"member": member, "page_obj": page})


class BranchNoteListView(View):
    """支部笔记: the shared notes of one's branch (and, for study.view holders, of the branches in scope)."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        if scope.is_admin(request.user):
            raise PermissionDenied("三员不查看业务数据")
        member = selectors.member_of(request.user)
        qs = selectors.note_list_annotated(selectors.readable_shared_notes(request.user), request.user)
        page = Paginator(qs.order_by("-created_at", "-id"), 20).get_page(request.GET.get("page"))
        branch = selectors.branch_of(member.org) if member is not None else None
        return render(
            request, "study/branch_notes.html", {"member": member, "page_obj": page, "branch": branch}
        )


class NoteCreateView(View):
    """Write a note on a content one may study (POST from an item or lesson page)."""

    access = classify.AUTHENTICATED
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        _require_member(request)
        form = NoteForm(request.POST)
        back = _next(request, reverse("study:note_list"))
        if form.is_valid() and registry.resolve(form.cleaned_data["content"], request.user) is None:
            raise Http404("学习内容不存在或无权学习")
        if not form.is_valid():
            messages.error(request, "请填写笔记内容（不超过 5000 字）")
            return HttpResponseRedirect(back)
        try:
            services.note_create(
                actor=request.user,
                content_key=form.cleaned_data["content"],
                body=form.cleaned_data["body"],
                shared=form.cleaned_data["shared"],
            )
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "笔记已保存" + ("并分享到支部" if form.cleaned_data["shared"] else ""))
        return HttpResponseRedirect(back)


def _require_member(request: HttpRequest) -> Member:
    member = selectors.member_of(request.user)
    if member is None:
        raise PermissionDenied("当前账号未关联党员档案")
    return member


def _own_note(request: HttpRequest, pk: int) -> Note:
    return get_object_or_404(selectors.own_notes(request.user), pk=pk)


def _readable_note(request: HttpRequest, pk: int) -> Note:
    return get_object_or_404(selectors.note_readable(request.user).select_related("member", "branch"), pk=pk)


class NoteDetailView(View):
    """A note with its likes and comments (own notes, or shared notes one may read; 404 otherwise)."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        note = _readable_note(request, pk)
        return self.render_page(request, note, CommentForm())

    def render_page(self, request: HttpRequest, note: Note, form: CommentForm) -> HttpResponse:
        member = selectors.member_of(request.user)
        annotated = selectors.note_list_annotated(Note.objects.filter(pk=note.pk), request.user).get()
        content = registry.resolve(note.content_key, request.user)
        context = {
            "note": annotated,
            "content": content,
            "comments": selectors.comments_of(note),
            "form": form,
            "member": member,
            "mine": member is not None and note.member_id == member.pk,
        }
        return render(request, "study/note_detail.html", context)


class NoteEditView(View):
    """Edit one's own note, or share / unshare it."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        note = _own_note(request, pk)
        form = NoteEditForm(initial={"body": note.body, "shared": note.shared})
        return render(request, "study/note_form.html", {"note": note, "form": form})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        note = _own_note(request, pk)
        form = NoteEditForm(request.POST)
        if form.is_valid():
            try:
                services.note_update(actor=request.user, note=note, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "笔记已保存")
                return HttpResponseRedirect(reverse("study:note_detail", args=[note.pk]))
        return render(request, "study/note_form.html", {"note": note, "form": form})


class NoteDeleteView(View):
    access = classify.AUTHENTICATED
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        note = _own_note(request, pk)
        services.note_delete(actor=request.user, note=note)
        messages.success(request, "笔记已删除")
        return HttpResponseRedirect(reverse("study:note_list"))


class NoteLikeView(View):
    """Like a shared note, or take the like back (POST)."""

    access = classify.AUTHENTICATED
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        note = _readable_note(request, pk)
        _require_member(request)
        try:
            services.note_like_toggle(actor=request.user, note=note)
        except BusinessError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(_next(request, reverse("study:note_detail", args=[note.pk])))


class NoteCommentView(View):
    """Comment on a shared note (POST); earns the 发表观点 points rule."""

    access = classify.AUTHENTICATED
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        note = _readable_note(request, pk)
        _require_member(request)
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                services.note_comment_add(actor=request.user, note=note, body=form.cleaned_data["body"])
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "评论已发表")
                return HttpResponseRedirect(reverse("study:note_detail", args=[note.pk]))
        return NoteDetailView().render_page(request, note, form)


class CommentDeleteView(View):
    access = classify.AUTHENTICATED
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        comment = get_object_or_404(
            NoteComment.objects.filter(member__user_id=int(request.user.pk or 0)), pk=pk
        )
        note_pk = comment.note_id
        services.note_comment_delete(actor=request.user, comment=comment)
        messages.success(request, "评论已删除")
        return HttpResponseRedirect(reverse("study:note_detail", args=[note_pk]))


class NoteExportView(View):
    """导出 Word: one's own notes as .docx (audited, rate-limited)."""

    access = classify.AUTHENTICATED

    @method_decorator(ratelimit("export", methods=("GET",)))
    def get(self, request: HttpRequest) -> HttpResponse:
        if selectors.member_of(request.user) is None:
            messages.error(request, "当前账号未关联党员档案，没有学习笔记")
            return HttpResponseRedirect(reverse("study:note_list"))
        content = documents.notes_docx(actor=request.user)
        response = HttpResponse(content, content_type=DOCX_TYPE)
        filename = f"学习笔记_{timezone.localdate():%Y%m%d}.docx"
        response["Content-Disposition"] = content_disposition_header(True, filename)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response


# --------------------------------------------------------------------------------------------------------
# Publishers (study.manage)


class ManageListView(ScopedViewMixin, View):
    """专题管理: the topics one may manage, and a new topic."""

    model = Topic
    permission = "study.manage"

    def _page(self, request: HttpRequest, form: TopicForm) -> HttpResponse:
        page = Paginator(selectors.managed_topics(request.user), 30).get_page(request.GET.get("page"))
        return render(request, "study/manage_list.html", {"page_obj": page, "form": form})

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, TopicForm(user=request.user))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TopicForm(request.POST, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            org = (
                scope.restrict(Org.objects.all(), request.user, "study.manage")
                .filter(pk=data.pop("org"))
                .first()
            )
            if org is None:
                form.add_error("org", "请选择您管理范围内的组织")
            else:
                try:
                    topic = services.topic_create(actor=request.user, org=org, **data)
                except BusinessError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, "专题已创建（草稿），请添加学习内容")
                    return HttpResponseRedirect(reverse("study:topic_edit", args=[topic.pk]))
        return self._page(request, form)


class TopicEditView(ScopedViewMixin, View):
    """One topic's management page: its information, items, assignments and status actions."""

    model = Topic
    permission = "study.manage"

    def base_queryset(self) -> Any:
        return Topic.objects.select_related("org")

    def render_page(self, request: HttpRequest, topic: Topic, **forms: Any) -> HttpResponse:
        context = {
            "topic": topic,
            "items": selectors.items_of(topic),
            "assignments": topic.assignments.select_related("org", "member", "member__org"),
            "form": forms.get("form")
            or TopicForm(
                user=request.user,
                with_org=False,
                initial={"title": topic.title, "summary": topic.summary, "is_open": topic.is_open},
            ),
            "article_form": forms.get("article_form") or ArticleForm(),
            "file_form": forms.get("file_form") or FileItemForm(),
            "assign_form": forms.get("assign_form") or AssignmentForm(user=request.user),
        }
        return render(request, "study/topic_edit.html", context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_page(request, self.get_scoped_object(pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        topic = self.get_scoped_object(pk)
        form = TopicForm(request.POST, user=request.user, with_org=False)
        if form.is_valid():
            try:
                services.topic_update(actor=request.user, topic=topic, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "专题信息已保存")
                return HttpResponseRedirect(reverse("study:topic_edit", args=[topic.pk]))
        return self.render_page(request, topic, form=form)


class ItemAddView(ScopedViewMixin, View):
    """Add an article (``kind=article``) or a file item to a topic (POST)."""

    model = Topic
    permission = "study.manage"
    http_method_names = ["post"]

    @method_decorator(ratelimit("upload"))
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        topic = self.get_scoped_object(pk)
        if request.POST.get("kind") == ItemKind.ARTICLE:
            article = ArticleForm(request.POST)
            if article.is_valid():
                try:
                    services.item_add_article(actor=request.user, topic=topic, **article.cleaned_data)
                except BusinessError as exc:
                    article.add_error(None, exc.message)
                else:
                    messages.success(request, "文章已添加")
                    return HttpResponseRedirect(reverse("study:topic_edit", args=[topic.pk]))
            return TopicEditView(request=request).render_page(request, topic, article_form=article)
        form = FileItemForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.item_add_file(
                    actor=request.user,
                    topic=topic,
                    kind=data["kind"],
                    title=data["title"],
                    upload=data["file"],
                    duration_seconds=data["duration"],
                )
            except BusinessError as exc:
                form.add_error("file" if exc.code.startswith("upload.") else None, exc.message)
            else:
                messages.success(request, "内容已添加")
                return HttpResponseRedirect(reverse("study:topic_edit", args=[topic.pk]))
        return TopicEditView(request=request).render_page(request, topic, file_form=form)


class ItemEditView(ScopedViewMixin, View):
    model = TopicItem
    permission = "study.manage"

    def base_queryset(self) -> Any:
        return TopicItem.objects.select_related("topic", "topic__org")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_scoped_object(pk)
        form = ItemEditForm(
            initial={
                "title": item.title,
                "body": item.body,
                "duration": format_duration(item.duration_seconds),
            }
        )
        return render(request, "study/item_form.html", {"item": item, "form": form})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_scoped_object(pk)
        form = ItemEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.item_update(
                    actor=request.user,
                    item=item,
                    title=data["title"],
                    body=data["body"] if item.kind == ItemKind.ARTICLE else None,
                    duration_seconds=data["duration"],
                )
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "内容已保存")
                return HttpResponseRedirect(reverse("study:topic_edit", args=[item.topic_id]))
        return render(request, "study/item_form.html", {"item": item, "form": form})


class ItemDeleteView(ScopedViewMixin, View):
    model = TopicItem
    permission = "study.manage"
    http_method_names = ["post"]

    def base_queryset(self) -> Any:
        return TopicItem.objects.select_related("topic", "topic__org", "file")

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self.get_scoped_object(pk)
        topic_pk = item.topic_id
        try:
            services.item_delete(actor=request.user, item=item)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "内容已删除")
        return HttpResponseRedirect(reverse("study:topic_edit", args=[topic_pk]))


class AssignmentAddView(ScopedViewMixin, View):
    """Assign a topic to an organisation or a member within one's scope (POST)."""

    model = Topic
    permission = "study.manage"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        topic = self.get_scoped_object(pk)
        form = AssignmentForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            org = member = None
            if data["target"] == "org":
                org = (
                    scope.restrict(Org.objects.all(), request.user, "study.manage")
                    .filter(pk=data["org"])
                    .first()
                )
                if org is None:
                    form.add_error("org", "请选择您管理范围内的组织")
            else:
                found = list(
                    scope.restrict(
                        Member.objects.active().select_related("org"), request.user, "study.manage"
                    ).filter(name=data["member_name"].strip())[:5]
                )
                if not found:
                    form.add_error("member_name", "在您的管理范围内未找到该党员")
                elif len(found) > 1:
                    where = "、".join(m.org.label for m in found)
                    form.add_error("member_name", f"有重名党员（{where}），请改为指派到其所在组织")
                else:
                    member = found[0]
            if not form.errors:
                try:
                    services.assignment_add(
                        actor=request.user,
                        topic=topic,
                        org=org,
                        member=member,
                        include_subtree=data["include_subtree"],
                        required=data["required"],
                        deadline=data["deadline"],
                    )
                except BusinessError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, "已指派")
                    return HttpResponseRedirect(reverse("study:topic_edit", args=[topic.pk]))
        return TopicEditView(request=request).render_page(request, topic, assign_form=form)


class AssignmentRemoveView(ScopedViewMixin, View):
    model = TopicAssignment
    permission = "study.manage"
    http_method_names = ["post"]

    def base_queryset(self) -> Any:
        return TopicAssignment.objects.select_related("topic", "topic__org")

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        assignment = self.get_scoped_object(pk)
        topic_pk = assignment.topic_id
        services.assignment_remove(actor=request.user, assignment=assignment)
        messages.success(request, "已撤回指派")
        return HttpResponseRedirect(reverse("study:topic_edit", args=[topic_pk]))


class TopicActionView(ScopedViewMixin, View):
    """发布 / 结束 / 删除草稿 (POST)."""

    model = Topic
    permission = "study.manage"
    http_method_names = ["post"]
    ACTIONS = {
        "publish": (services.topic_publish, "专题已发布"),
        "close": (services.topic_close, "专题已结束"),
        "delete": (services.topic_delete, "草稿已删除"),
    }

    def base_queryset(self) -> Any:
        return Topic.objects.select_related("org")

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        topic = self.get_scoped_object(pk)
        if action not in self.ACTIONS:
            raise Http404
        service, done = self.ACTIONS[action]
        try:
            service(actor=request.user, topic=topic)
        except BusinessError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("study:topic_edit", args=[pk]))
        messages.success(request, done)
        if action == "delete":
            return HttpResponseRedirect(reverse("study:manage_list"))
        return HttpResponseRedirect(reverse("study:topic_edit", args=[pk]))


# --------------------------------------------------------------------------------------------------------
# Statistics (study.view)


class StatsListView(ScopedViewMixin, View):
    """学习统计: the topics that concern one's scope."""

    model = Topic
    permission = "study.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        qs = selectors.stats_topics(request.user).select_related("org").order_by("-published_at", "-id")
        page = Paginator(qs, 30).get_page(request.GET.get("page"))
        return render(request, "study/stats_list.html", {"page_obj": page})


class TopicStatsView(ScopedViewMixin, View):
    """One topic's participation and completion per organisation, drillable down the tree; the members of
    an organisation with their status."""

    model = Topic
    permission = "study.view"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        topic = get_object_or_404(selectors.stats_topics(request.user).select_related("org"), pk=pk)
        org = selectors.stats_org(request.user, request.GET.get("org"), topic)
        if org is None:
            raise Http404("组织不存在或不在您的范围内")
        total, children = selectors.topic_org_rates(request.user, topic, org)
        show_members = not children or org.is_branch_like or request.GET.get("members") == "1"
        context = {
            "topic": topic,
            "org": org,
            "total": total,
            "children": children,
            "crumbs": selectors.breadcrumbs(request.user, org),
            "members": selectors.topic_member_statuses(request.user, topic, org) if show_members else None,
            "items": topic.items.count(),
        }
        return render(request, "study/topic_stats.html", context)


class TopicStatsExportView(ScopedViewMixin, View):
    model = Topic
    permission = "study.view"

    @method_decorator(ratelimit("export", methods=("GET",)))
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        topic = get_object_or_404(selectors.stats_topics(request.user).select_related("org"), pk=pk)
        org = selectors.stats_org(request.user, request.GET.get("org"), topic)
        if org is None:
            raise Http404("组织不存在或不在您的范围内")
        content = study_excel.topic_stats_export(actor=request.user, topic=topic, org=org)
        return excel.workbook_response(
            content, filename=f"学习统计_{topic.pk}_{timezone.localdate():%Y%m%d}.xlsx"
        )
