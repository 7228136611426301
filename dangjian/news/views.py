"""Pages of 党建新鲜事: the news page (two tabs), post detail, writing and reviewing posts, feed settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View

from dangjian.access import classify, scope
from dangjian.access.views import ScopedViewMixin
from dangjian.core.errors import BusinessError
from dangjian.core.models import Job
from dangjian.core.ratelimit import ratelimit
from dangjian.news import selectors, services
from dangjian.news.forms import FeedForm, PostForm, ReasonForm
from dangjian.news.models import Feed, FeedItem, Post, PostPhoto
from dangjian.orgs.models import Org

PAGE_SIZE = 20
TABS = {"posts": "基层动态", "feeds": "权威资讯"}


class NewsIndexView(View):
    """党建新鲜事: 基层动态 (approved branch posts of the whole enterprise) and 权威资讯 (reposted
    feeds), newest first, for every signed-in user: both are published news, not records about a person."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        tab = request.GET.get("tab", "posts")
        if tab not in TABS:
            tab = "posts"
        source: QuerySet[Any] = (
            selectors.published_post_list() if tab == "posts" else selectors.feed_item_list()
        )
        page = Paginator(source, PAGE_SIZE).get_page(request.GET.get("page"))
        user = request.user
        can_review = scope.has_permission(user, "news.review")
        context = {
            "tab": tab,
            "tabs": TABS,
            "page_obj": page,
            "can_publish": scope.has_permission(user, "news.publish"),
            "can_review": can_review,
            "review_count": selectors.post_list_for_reviewer(user=user).count() if can_review else 0,
            "can_manage_feeds": scope.has_permission(user, "news.feeds"),
        }
        return render(request, "news/news_index.html", context)


class PostDetailView(View):
    """One branch post with its photos. Published: everyone signed in. Otherwise only its publishers and the
    reviewers of the level above (404 for everyone else)."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        post = selectors.post_get_for_reader(user=request.user, pk=pk)
        if post is None:
            raise Http404
        context = {
            "post": post,
            "may_publish": services.may_publish(request.user, post.org),
            "may_review": services.may_review(request.user, post),
            "reason_form": ReasonForm(),
        }
        return render(request, "news/post_detail.html", context)


def _publish_orgs(user: Any) -> list[Org]:
    """The organisations the user may publish for (not 党小组, active), the user's own grant orgs first."""
    qs = scope.restrict(Org.objects.filter(is_active=True), user, "news.publish").exclude(kind="group")
    return list(qs.order_by("path")[:500])


class PostManageView(ScopedViewMixin, View):
    """稿件管理: the posts of the organisations the user publishes for, in every state."""

    model = Post
    permission = "news.publish"

    def get(self, request: HttpRequest) -> HttpResponse:
        page = Paginator(selectors.post_list_for_publisher(user=request.user), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(request, "news/post_manage.html", {"page_obj": page})


def _submit_wanted(request: HttpRequest) -> bool:
    return request.POST.get("action") == "submit"


@method_decorator(ratelimit("upload"), name="post")
class PostCreateView(ScopedViewMixin, View):
    """发布动态: write a post for one of the user's organisations, with photos; save as a draft or submit."""

    model = Post
    permission = "news.publish"

    def _render(self, request: HttpRequest, form: PostForm) -> HttpResponse:
        return render(request, "news/post_form.html", {"form": form, "post": None})

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, PostForm(orgs=_publish_orgs(request.user)))

    def post(self, request: HttpRequest) -> HttpResponse:
        orgs = _publish_orgs(request.user)
        form = PostForm(request.POST, request.FILES, orgs=orgs)
        if form.is_valid():
            data = form.cleaned_data
            org = next((o for o in orgs if o.pk == data["org"]), None)
            try:
                if org is None:
                    raise BusinessError("news.forbidden", "无权为该党组织发布动态")
                post = services.post_create(
                    actor=request.user,
                    org=org,
                    title=data["title"],
                    body=data["body"],
                    happened_on=data["happened_on"],
                    photos=data["photos"],
                )
                if _submit_wanted(request):
                    services.post_submit(actor=request.user, post=post)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已提交上级党组织审核" if _submit_wanted(request) else "草稿已保存")
                return HttpResponseRedirect(reverse("news:post_detail", args=[post.pk]))
        return self._render(request, form)


@method_decorator(ratelimit("upload"), name="post")
class PostEditView(ScopedViewMixin, View):
    """Edit a draft, returned or taken-down post and add photos; save, or save and submit."""

    model = Post
    permission = "news.publish"

    def base_queryset(self) -> QuerySet[Post]:
        return Post.objects.select_related("org").prefetch_related("photos__file")

    def _render(self, request: HttpRequest, form: PostForm, post: Post) -> HttpResponse:
        return render(request, "news/post_form.html", {"form": form, "post": post})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        post = self.get_scoped_object(pk)
        initial = {"title": post.title, "body": post.body, "happened_on": post.happened_on}
        return self._render(request, PostForm(initial=initial, fixed_org=True), post)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        post = self.get_scoped_object(pk)
        form = PostForm(request.POST, request.FILES, fixed_org=True)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.post_update(
                    actor=request.user,
                    post=post,
                    title=data["title"],
                    body=data["body"],
                    happened_on=data["happened_on"],
                    photos=data["photos"],
                )
                if _submit_wanted(request):
                    services.post_submit(actor=request.user, post=post)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已提交上级党组织审核" if _submit_wanted(request) else "已保存")
                return HttpResponseRedirect(reverse("news:post_detail", args=[post.pk]))
        return self._render(request, form, post)


class _PostAction(View):
    """A POST that calls one post service; BusinessError becomes a message. Subclasses say who may."""

    access = classify.PERMISSION
    http_method_names = ["post"]
    permissions: tuple[str, ...] = ()
    success = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not any(scope.has_permission(request.user, p) for p in self.permissions):
            raise PermissionDenied("无权访问")
        return super().dispatch(request, *args, **kwargs)

    def target(self, request: HttpRequest, pk: int) -> Post:
        post = selectors.post_get_for_reader(user=request.user, pk=pk)
        if post is None or not self.may(request.user, post):
            raise Http404
        return post

    def may(self, user: Any, post: Post) -> bool:
        return services.may_publish(user, post.org)

    def perform(self, request: HttpRequest, post: Post) -> None:
        raise NotImplementedError

    def after(self, post: Post) -> str:
        return reverse("news:post_detail", args=[post.pk])

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        post = self.target(request, pk)
        try:
            self.perform(request, post)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, self.success)
        return HttpResponseRedirect(self.after(post))


class PostSubmitView(_PostAction):
    permissions = ("news.publish",)
    success = "已提交上级党组织审核"

    def perform(self, request: HttpRequest, post: Post) -> None:
        services.post_submit(actor=request.user, post=post)


class PostDeleteView(_PostAction):
    permissions = ("news.publish",)
    success = "已删除"

    def perform(self, request: HttpRequest, post: Post) -> None:
        services.post_delete(actor=request.user, post=post)

    def after(self, post: Post) -> str:
        return reverse("news:post_manage")

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        post = self.target(request, pk)
        try:
            self.perform(request, post)
        except BusinessError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("news:post_detail", args=[post.pk]))
        messages.success(request, self.success)
        return HttpResponseRedirect(self.after(post))


class _ReviewAction(_PostAction):
    permissions = ("news.review",)

    def may(self, user: Any, post: Post) -> bool:
        q = selectors.review_filter(user)
        return q is not None and Post.objects.filter(q, pk=post.pk).exists()

    def after(self, post: Post) -> str:
        return reverse("news:review_list")


class PostApproveView(_ReviewAction):
    success = "已通过审核并发布"

    def perform(self, request: HttpRequest, post: Post) -> None:
        services.post_approve(actor=request.user, post=post)


class PostReturnView(_ReviewAction):
    success = "已退回"

    def perform(self, request: HttpRequest, post: Post) -> None:
        services.post_return(actor=request.user, post=post, reason=request.POST.get("reason", ""))


class PostWithdrawView(_PostAction):
    """Take a published post down: a reviewer of the level above or a publisher of its organisation."""

    permissions = ("news.review", "news.publish")
    success = "已撤下"

    def may(self, user: Any, post: Post) -> bool:
        return services.may_review(user, post) or services.may_publish(user, post.org)

    def perform(self, request: HttpRequest, post: Post) -> None:
        services.post_withdraw(actor=request.user, post=post, reason=request.POST.get("reason", ""))


class PhotoDeleteView(ScopedViewMixin, View):
    """Remove one photo from an editable post."""

    model = PostPhoto
    permission = "news.publish"
    http_method_names = ["post"]

    def base_queryset(self) -> QuerySet[PostPhoto]:
        return PostPhoto.objects.select_related("post__org", "file")

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        photo = self.get_scoped_object(pk)
        try:
            services.post_photo_delete(actor=request.user, photo=photo)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "图片已删除")
        return HttpResponseRedirect(reverse("news:post_edit", args=[photo.post_id]))


class ReviewListView(ScopedViewMixin, View):
    """动态审核: pending posts of the organisations below the user's news.review grants."""

    model = Post
    permission = "news.review"

    def get(self, request: HttpRequest) -> HttpResponse:
        page = Paginator(selectors.post_list_for_reviewer(user=request.user), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(request, "news/review_list.html", {"page_obj": page, "reason_form": ReasonForm()})


# --------------------------------------------------------------------------------------------------------
# Feeds (news.feeds: the 系统管理员)


class FeedListView(ScopedViewMixin, View):
    """资讯源管理: the sources with last fetch, last error and item count; add one; fetch now."""

    permission = "news.feeds"

    def _render(self, request: HttpRequest, form: FeedForm) -> HttpResponse:
        context = {
            "feeds": selectors.feed_list(),
            "form": form,
            "hidden_items": selectors.feed_item_list(include_hidden=True).filter(hidden=True)[:50],
            "jobs": Job.objects.filter(kind=services.FETCH_JOB_KIND).order_by("-created_at")[:5],
        }
        return render(request, "news/feed_list.html", context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, FeedForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = FeedForm(request.POST)
        if form.is_valid():
            try:
                services.feed_create(actor=request.user, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "资讯源已添加")
                return HttpResponseRedirect(reverse("news:feed_list"))
        return self._render(request, form)


class FeedEditView(ScopedViewMixin, View):
    permission = "news.feeds"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        feed = get_object_or_404(Feed, pk=pk)
        initial = {f: getattr(feed, f) for f in services.FEED_FIELDS}
        return render(request, "news/feed_form.html", {"feed": feed, "form": FeedForm(initial=initial)})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        feed = get_object_or_404(Feed, pk=pk)
        form = FeedForm(request.POST)
        if form.is_valid():
            try:
                services.feed_update(actor=request.user, feed=feed, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "资讯源已保存")
                return HttpResponseRedirect(reverse("news:feed_list"))
        return render(request, "news/feed_form.html", {"feed": feed, "form": form})


class FeedFetchView(ScopedViewMixin, View):
    """立即抓取: start a background job for one feed (or every enabled feed) and show its progress."""

    permission = "news.feeds"
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        raw = request.POST.get("feed", "")
        chosen = (
            list(Feed.objects.filter(pk=int(raw)))
            if raw.isdigit()
            else list(Feed.objects.filter(enabled=True))
        )
        try:
            job = services.feed_fetch_request(actor=request.user, feeds_to_fetch=chosen)
        except BusinessError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("news:feed_list"))
        return HttpResponseRedirect(reverse("news:fetch_job", args=[job.pk]))


class FetchJobView(ScopedViewMixin, View):
    """The progress of a fetch job (the page polls the same address for the progress fragment)."""

    model = Job
    permission = "news.feeds"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = get_object_or_404(Job, pk=pk, kind=services.FETCH_JOB_KIND)
        template = "news/_fetch_progress.html" if request.headers.get("HX-Request") else "news/fetch_job.html"
        return render(request, template, {"job": job})


class FeedItemHideView(ScopedViewMixin, View):
    """Hide an item from the news page, or show it again (``hidden`` = 1 or 0)."""

    permission = "news.feeds"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = get_object_or_404(FeedItem, pk=pk)
        hidden = request.POST.get("hidden", "1") != "0"
        services.feed_item_hide(actor=request.user, item=item, hidden=hidden)
        messages.success(request, "已隐藏该资讯" if hidden else "已恢复显示")
        back = reverse("news:index") + "?tab=feeds" if hidden else reverse("news:feed_list")
        return HttpResponseRedirect(back)
