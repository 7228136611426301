"""Pages of 网络党校: my courses, a course, a lesson (with the study-time heartbeat), the certificate, the
publishers' pages (courses, chapters, lessons, publishing, assignment) and the statistics with export."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin

from dangjian.access import classify, scope
from dangjian.access.views import ScopedViewMixin
from dangjian.core import excel, richtext, uploads
from dangjian.core.errors import BusinessError
from dangjian.core.ratelimit import ratelimit
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.school import certificate, rules, selectors, services
from dangjian.school import excel as school_excel
from dangjian.school.forms import AssignForm, ChapterForm, CourseForm, LessonForm
from dangjian.school.models import Chapter, Course, Enrolment, Lesson, LessonKind


def _visible_course(request: HttpRequest, pk: int) -> Course:
    if scope.is_admin(request.user):
        raise Http404
    return get_object_or_404(selectors.course_visible(request.user), pk=pk)


class MyCoursesView(View):
    """我的课程: assigned (required first, overdue flagged), joined, then the catalogue."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        member = selectors.member_of(request.user)
        context: dict[str, Any] = {
            "member": member,
            "can_manage": scope.has_permission(request.user, "study.manage"),
            "can_stats": scope.has_permission(request.user, "study.view"),
        }
        if member is not None:
            context["courses"] = selectors.my_courses(member)
        return render(request, "school/my_courses.html", context)


class CourseDetailView(View):
    """A course: description, outline with my progress, join button, certificate when completed."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        course = _visible_course(request, pk)
        member = selectors.member_of(request.user)
        enrolment = Enrolment.objects.filter(course=course, member=member).first() if member else None
        today = timezone.localdate()
        lessons = course.lessons.count()
        due = selectors.assignment_due(member, course) if member else False
        context = {
            "course": course,
            "enrolment": enrolment,
            "outline": selectors.lesson_outline(course, enrolment),
            "lesson_total": lessons,
            "percent": rules.progress_percent(enrolment.completed_lessons, lessons) if enrolment else 0,
            "is_open": rules.is_open(today=today, opens_on=course.opens_on, closes_on=course.closes_on),
            "assigned": due is not False,
            "due_on": (enrolment.due_on if enrolment else None)
            or (due if due not in (False, None) else None),
            "can_join": member is not None and enrolment is None and course.is_published,
            "can_manage": selectors.can_manage(request.user, course),
        }
        return render(request, "school/course_detail.html", context)


class CourseEnrolView(View):
    """加入学习 (POST): the member joins the course."""

    access = classify.AUTHENTICATED
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if selectors.member_of(request.user) is None:
            raise PermissionDenied("当前账号未关联党员档案，不能选课")
        course = _visible_course(request, pk)
        try:
            services.course_enrol(user=request.user, course=course)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已加入课程，开始学习吧")
        return HttpResponseRedirect(reverse("school:course_detail", args=[course.pk]))


class LessonDetailView(View):
    """A lesson page: the content and the study-time heartbeat (only for enrolled members)."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        lesson = get_object_or_404(Lesson.objects.select_related("course__org", "chapter", "file"), pk=pk)
        course = _visible_course(request, lesson.course_id)
        enrolment = selectors.study_enrolment(request.user, lesson)
        manager = selectors.can_manage(request.user, course)
        if enrolment is None and not manager:
            messages.info(request, "请先加入课程再学习")
            return HttpResponseRedirect(reverse("school:course_detail", args=[course.pk]))
        progress = enrolment.progress.filter(lesson=lesson).first() if enrolment else None
        siblings = list(
            course.lessons.order_by("chapter__position", "chapter_id", "position", "id").values_list(
                "pk", flat=True
            )
        )
        at = siblings.index(lesson.pk)
        context = {
            "lesson": lesson,
            "course": course,
            "enrolment": enrolment,
            "progress": progress,
            "body": richtext.render(lesson.body) if lesson.body else "",
            "file_url": reverse("core:file_download", args=[lesson.file.public_id]) if lesson.file else "",
            "is_pdf": lesson.file is not None and lesson.file.content_type == services.PDF,
            "duration": rules.format_duration(lesson.duration_seconds),
            "minutes": max(1, lesson.duration_seconds // 60),
            "needed": rules.format_duration(-(-lesson.duration_seconds * 9 // 10)),
            "previous": siblings[at - 1] if at > 0 else None,
            "next": siblings[at + 1] if at + 1 < len(siblings) else None,
            "kinds": LessonKind,
        }
        return render(request, "school/lesson_detail.html", context)


@method_decorator(xframe_options_sameorigin, name="dispatch")
class LessonPdfView(View):
    """The PDF of a document lesson, inline, for the <iframe> of the lesson page (same-origin frames only).

    The general download view always answers ``attachment`` and forbids framing; this one serves only PDFs
    of lessons the user may study or manage, with a CSP that allows nothing but being framed by us."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest, pk: int) -> StreamingHttpResponse:
        lesson = get_object_or_404(Lesson.objects.select_related("course__org", "file"), pk=pk)
        _visible_course(request, lesson.course_id)
        stored = lesson.file
        if stored is None or stored.content_type != services.PDF:
            raise Http404
        if not uploads.file_may_read(user=request.user, stored=stored):
            raise Http404
        try:
            chunks = uploads.file_read(actor=request.user, stored=stored)
        except BusinessError as exc:
            raise Http404(exc.message) from exc
        response = StreamingHttpResponse(chunks, content_type="application/pdf")
        response["Content-Length"] = str(stored.size)
        name = uploads.download_name(stored)
        response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name, safe='')}"
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
        response["Referrer-Policy"] = "no-referrer"
        return response


class CertificateView(View):
    """结业证书 (PDF) of a completed enrolment: for the member, and for study.view holders over them."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        qs = scope.restrict(
            Enrolment.objects.select_related("course__org", "member__org"), request.user, "study.view"
        )
        enrolment = get_object_or_404(qs, pk=pk, completed_at__isnull=False)
        course = enrolment.course
        data = certificate.CertificateData(
            name=enrolment.member.name,
            course=course.title,
            hours=course.hours,
            completed_on=timezone.localdate(enrolment.completed_at),
            number=enrolment.certificate_no,
            org_name=course.org.name,
        )
        try:
            pdf = certificate.render(data)
        except BusinessError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("school:course_detail", args=[course.pk]))
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"结业证书_{course.title}_{enrolment.certificate_no}.pdf"
        response["Content-Disposition"] = (
            f"attachment; filename=\"certificate.pdf\"; filename*=UTF-8''{quote(filename, safe='')}"
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --------------------------------------------------------------------------------------------------------
# Publishing (study.manage)


def _manage_orgs(user: Any) -> list[Org]:
    return list(
        scope.restrict(Org.objects.filter(is_active=True), user, "study.manage").order_by("path")[:500]
    )


class ManageListView(ScopedViewMixin, View):
    """课程管理: the courses of organisations in the user's study.manage scope."""

    model = Course
    permission = "study.manage"

    def get(self, request: HttpRequest) -> HttpResponse:
        qs = selectors.with_lesson_count(self.get_queryset().select_related("org")).order_by(
            "-created_at", "-pk"
        )
        page = Paginator(qs, 30).get_page(request.GET.get("page"))
        return render(request, "school/manage_list.html", {"page_obj": page})


class CourseCreateView(ScopedViewMixin, View):
    model = Course
    permission = "study.manage"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = CourseForm(orgs=_manage_orgs(request.user), initial={"kind": "elective", "hours": 1})
        return render(request, "school/course_form.html", {"form": form})

    @method_decorator(ratelimit("upload"))
    def post(self, request: HttpRequest) -> HttpResponse:
        orgs = _manage_orgs(request.user)
        form = CourseForm(request.POST, request.FILES, orgs=orgs)
        if form.is_valid():
            data = dict(form.cleaned_data)
            org = next((o for o in orgs if o.pk == data.pop("org")), None)
            try:
                if org is None:
                    raise BusinessError("school.forbidden", "无权管理该组织的课程")
                course = services.course_create(actor=request.user, org=org, **data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "课程已创建，请添加章节和课时")
                return HttpResponseRedirect(reverse("school:course_edit", args=[course.pk]))
        return render(request, "school/course_form.html", {"form": form})


class CourseEditView(ScopedViewMixin, View):
    """Edit a course, its chapters and lessons; publish, withdraw and assign it."""

    model = Course
    permission = "study.manage"

    def _page(
        self, request: HttpRequest, course: Course, form: CourseForm | None = None, **extra: Any
    ) -> HttpResponse:
        initial = {f: getattr(course, f) for f in services.COURSE_FIELDS}
        orgs = [o for o in _manage_orgs(request.user) if o.path.startswith(course.org.path)]
        context = {
            "course": course,
            "form": form or CourseForm(initial=initial),
            "chapter_form": ChapterForm(),
            "lesson_form": LessonForm(),
            "assign_form": extra.pop("assign_form", None) or AssignForm(orgs=orgs),
            "outline": selectors.lesson_outline(course, None),
            "assignments": course.assignments.select_related("org", "member").order_by("-assigned_at")[:100],
            "enrolled": course.enrolments.count(),
            **extra,
        }
        return render(request, "school/course_edit.html", context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._page(request, self.get_scoped_object(pk))

    @method_decorator(ratelimit("upload"))
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        course = self.get_scoped_object(pk)
        form = CourseForm(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.course_update(actor=request.user, course=course, **data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "课程信息已保存")
                return HttpResponseRedirect(reverse("school:course_edit", args=[course.pk]))
        return self._page(request, Course.objects.get(pk=course.pk), form)


class CourseStatusView(ScopedViewMixin, View):
    """Publish or withdraw (POST)."""

    model = Course
    permission = "study.manage"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        course = self.get_scoped_object(pk)
        if action not in ("publish", "withdraw"):
            raise Http404
        change = services.course_publish if action == "publish" else services.course_withdraw
        try:
            change(actor=request.user, course=course)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "课程已发布" if action == "publish" else "课程已下线")
        return HttpResponseRedirect(reverse("school:course_edit", args=[course.pk]))


class ChapterCreateView(ScopedViewMixin, View):
    model = Course
    permission = "study.manage"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        course = self.get_scoped_object(pk)
        form = ChapterForm(request.POST)
        try:
            if not form.is_valid():
                raise BusinessError("school.title_required", "请填写章节名称")
            services.chapter_create(actor=request.user, course=course, title=form.cleaned_data["title"])
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "章节已添加")
        return HttpResponseRedirect(reverse("school:course_edit", args=[course.pk]))


class LessonCreateView(ScopedViewMixin, View):
    model = Chapter
    permission = "study.manage"

    def base_queryset(self) -> Any:
        return Chapter.objects.select_related("course__org")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        chapter = self.get_scoped_object(pk)
        return render(request, "school/lesson_form.html", {"chapter": chapter, "form": LessonForm()})

    @method_decorator(ratelimit("upload"))
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        chapter = self.get_scoped_object(pk)
        form = LessonForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.lesson_create(actor=request.user, chapter=chapter, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "课时已添加")
                return HttpResponseRedirect(reverse("school:course_edit", args=[chapter.course_id]))
        return render(request, "school/lesson_form.html", {"chapter": chapter, "form": form})


class LessonDeleteView(ScopedViewMixin, View):
    model = Lesson
    permission = "study.manage"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        lesson = self.get_scoped_object(pk)
        course_id = lesson.course_id
        try:
            services.lesson_delete(actor=request.user, lesson=lesson)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "课时已删除")
        return HttpResponseRedirect(reverse("school:course_edit", args=[course_id]))


class CourseAssignView(ScopedViewMixin, View):
    model = Course
    permission = "study.manage"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        course = self.get_scoped_object(pk)
        orgs = [o for o in _manage_orgs(request.user) if o.path.startswith(course.org.path)]
        form = AssignForm(request.POST, orgs=orgs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                org = member = None
                if data["target"] == "org":
                    org = next((o for o in orgs if o.pk == data["org"]), None)
                    if org is None:
                        raise BusinessError("school.assign_target", "请选择指派的党组织")
                else:
                    member = (
                        scope.restrict(
                            Member.objects.active().select_related("org"), request.user, "study.manage"
                        )
                        .filter(pk=data["member"] or 0)
                        .first()
                    )
                    if member is None:
                        raise BusinessError("school.assign_target", "在您的管理范围内未找到该党员")
                services.course_assign(
                    actor=request.user, course=course, org=org, member=member, due_on=data["due_on"]
                )
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已指派")
                return HttpResponseRedirect(reverse("school:course_edit", args=[course.pk]))
        return CourseEditView(request=request)._page(request, course, assign_form=form)


# --------------------------------------------------------------------------------------------------------
# Statistics (study.view)


class StatsListView(ScopedViewMixin, View):
    """课程统计: the courses the user may see statistics of."""

    model = Course
    permission = "study.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        if scope.is_admin(request.user):
            raise PermissionDenied("三员不查看业务数据")
        qs = selectors.stats_courses(request.user).order_by("-published_at", "-pk")
        page = Paginator(qs, 30).get_page(request.GET.get("page"))
        return render(request, "school/stats_list.html", {"page_obj": page})


def _stats_node(request: HttpRequest, course: Course) -> Org:
    root = selectors.stats_root(request.user, course)
    if root is None:
        raise Http404
    raw = request.GET.get("org", "")
    if not raw:
        return root
    node: Org | None = Org.objects.filter(pk=int(raw) if raw.isdigit() else 0).first()
    if (
        node is None
        or not node.path.startswith(root.path)
        or not scope.org_in_scope(request.user, "study.view", node)
    ):
        raise Http404
    return node


class CourseStatsView(ScopedViewMixin, View):
    """Per organisation: members expected to study, enrolled, completed; drill down; a branch's members."""

    model = Course
    permission = "study.view"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        course = get_object_or_404(selectors.stats_courses(request.user), pk=pk)
        node = _stats_node(request, course)
        total, rows = selectors.course_stats(course, node)
        root = selectors.stats_root(request.user, course)
        assert root is not None
        trail = [o for o in Org.objects.get_ancestors(node) if o.path.startswith(root.path)] + [node]
        members = None
        if not any(not r.own_level for r in rows):
            members = Paginator(selectors.branch_members(course, node), 50).get_page(request.GET.get("page"))
        context = {
            "course": course,
            "node": node,
            "total": total,
            "rows": rows,
            "trail": trail,
            "members": members,
            "lesson_total": getattr(course, "lesson_count", 0) or 0,
        }
        return render(request, "school/course_stats.html", context)


class CourseStatsExportView(ScopedViewMixin, View):
    """导出 Excel of the statistics shown (audited, rate-limited)."""

    model = Course
    permission = "study.view"

    @method_decorator(ratelimit("export", methods=("GET",)))
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        course = get_object_or_404(selectors.stats_courses(request.user), pk=pk)
        node = _stats_node(request, course)
        content = school_excel.stats_export(actor=request.user, course=course, node=node)
        today = timezone.localdate()
        return excel.workbook_response(
            content, filename=f"课程统计_{course.title}_{node.short_name or node.name}_{today:%Y%m%d}.xlsx"
        )
