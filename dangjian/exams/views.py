"""Pages of 考试中心: banks (import/export), papers (preview), exams (results, grading, make-up), and the
members' pages on their phones: 我的考试, the exam page (autosave by ``static/exams/exam.js``), 每日一练,
专项练习 and the 错题本."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from dangjian.access import classify, scope
from dangjian.access.views import ScopedViewMixin
from dangjian.core import excel as core_excel
from dangjian.core.errors import BusinessError
from dangjian.core.models import Job
from dangjian.exams import excel, rules, selectors, services
from dangjian.exams.forms import (
    BankForm,
    ExamForm,
    GradeForm,
    ImportForm,
    MakeupForm,
    PaperForm,
    PaperItemsForm,
    PaperRuleForm,
    QuestionForm,
)
from dangjian.exams.models import (
    Answer,
    Attempt,
    AttemptStatus,
    DailyPractice,
    Exam,
    MistakeBook,
    Paper,
    PaperMode,
    Question,
    QuestionBank,
    QuestionKind,
)
from dangjian.orgs.models import Org


def _orgs(user: Any, permission: str = "exams.manage") -> Any:
    return scope.restrict(Org.objects.filter(is_active=True), user, permission).order_by("path")


def _user(request: HttpRequest) -> Any:
    return request.user


def _no_admins(request: HttpRequest) -> None:
    if scope.is_admin(request.user):
        raise PermissionDenied("三员不参加业务活动")


# --------------------------------------------------------------------------------------------------------
# Organisers: overview, banks


class IndexView(ScopedViewMixin, View):
    """考试管理: the exams of the organisations in scope."""

    model = Exam
    permission = "exams.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        exams = list(selectors.exam_list(user=_user(request))[:100])
        for exam in exams:
            exam.state = selectors.exam_state(exam)  # type: ignore[attr-defined]
        context = {
            "exams": exams,
            "can_manage": scope.has_permission(request.user, "exams.manage"),
            "can_grade": scope.has_permission(request.user, "exams.grade"),
            "pending": selectors.grading_queue(user=_user(request)).count(),
        }
        return render(request, "exams/index.html", context)


class BankListView(ScopedViewMixin, View):
    """题库: own banks and those shared down from above; a form to create one."""

    model = QuestionBank
    permission = "exams.view"

    def _render(self, request: HttpRequest, form: BankForm | None) -> HttpResponse:
        banks = list(
            selectors.bank_list(user=_user(request)).annotate(
                count=Count("questions", filter=Q(questions__is_active=True))
            )[:200]
        )
        manageable = set(
            selectors.bank_list(user=request.user, permission="exams.manage").values_list("org_id", flat=True)
        )
        can_manage = scope.has_permission(request.user, "exams.manage")
        context = {"banks": banks, "form": form if can_manage else None, "manageable": manageable}
        return render(request, "exams/bank_list.html", context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, BankForm(orgs=_orgs(request.user)))

    def post(self, request: HttpRequest) -> HttpResponse:
        if not scope.has_permission(request.user, "exams.manage"):
            raise PermissionDenied("无权新建题库")
        form = BankForm(request.POST, orgs=_orgs(request.user))
        if form.is_valid():
            try:
                bank = services.bank_create(actor=request.user, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "题库已创建，可以逐题录入或从 Excel 导入")
                return HttpResponseRedirect(reverse("exams:bank_detail", args=[bank.pk]))
        return self._render(request, form)


class _BankView(ScopedViewMixin, View):
    model = QuestionBank
    permission = "exams.view"

    def get_queryset(self) -> Any:
        return selectors.bank_list(user=self.request.user)

    def manageable(self, bank: QuestionBank) -> bool:
        return scope.org_in_scope(self.request.user, "exams.manage", bank.org)


class BankDetailView(_BankView):
    """One bank: its questions (filter by type, tag, text) and a form to add a question."""

    def _render(self, request: HttpRequest, bank: QuestionBank, form: QuestionForm | None) -> HttpResponse:
        kind = request.GET.get("kind", "")
        tag = request.GET.get("tag", "")
        q = request.GET.get("q", "").strip()
        questions = selectors.question_list(bank=bank, kind=kind, tag=tag, q=q)
        context = {
            "bank": bank,
            "questions": list(questions[:300]),
            "total": questions.count(),
            "kinds": QuestionKind.choices,
            "tags": selectors.bank_tags(QuestionBank.objects.filter(pk=bank.pk)),
            "filters": {"kind": kind, "tag": tag, "q": q},
            "form": form if self.manageable(bank) else None,
        }
        return render(request, "exams/bank_detail.html", context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self.get_scoped_object(pk), QuestionForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        bank = self.get_scoped_object(pk)
        if not self.manageable(bank):
            raise PermissionDenied("共享题库只能使用，不能修改")
        form = QuestionForm(request.POST)
        if form.is_valid():
            try:
                services.question_create(actor=request.user, bank=bank, **form.service_data())
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "试题已添加")
                return HttpResponseRedirect(reverse("exams:bank_detail", args=[bank.pk]))
        return self._render(request, bank, form)


class QuestionEditView(ScopedViewMixin, View):
    """修改试题: every field; refused (with the reason shown) once an exam asking it has started."""

    model = Question
    permission = "exams.manage"

    def _render(self, request: HttpRequest, question: Question, form: QuestionForm) -> HttpResponse:
        context = {"question": question, "form": form, "locked": services.question_locked_reason(question)}
        return render(request, "exams/question_edit.html", context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        question = self.get_scoped_object(pk)
        initial: dict[str, Any] = {
            "kind": question.kind,
            "stem": question.stem,
            "answer": excel.answer_text(question),
            "explanation": question.explanation,
            "difficulty": question.difficulty,
            "tags": "、".join(question.tag_list),
            "source": question.source,
        }
        initial |= {f"option_{x}": text for x, text in zip("abcdef", question.options, strict=False)}
        return self._render(request, question, QuestionForm(initial=initial))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        question = self.get_scoped_object(pk)
        form = QuestionForm(request.POST)
        if form.is_valid():
            try:
                services.question_update(actor=request.user, question=question, **form.service_data())
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "试题已修改")
                return HttpResponseRedirect(reverse("exams:bank_detail", args=[question.bank_id]))
        return self._render(request, question, form)


class QuestionToggleView(ScopedViewMixin, View):
    """Take a question out of use, or back (POST)."""

    model = Question
    permission = "exams.manage"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        question = self.get_scoped_object(pk)
        try:
            services.question_set_active(actor=request.user, question=question, active=not question.is_active)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "试题已停用" if not question.is_active else "试题已启用")
        return HttpResponseRedirect(reverse("exams:bank_detail", args=[question.bank_id]))


class BankImportView(ScopedViewMixin, View):
    """Import questions from Excel: a dry run reports every bad row at once; a real run is checked at once
    too, then written (all or nothing) by a background job whose progress page it redirects to."""

    model = QuestionBank
    permission = "exams.manage"

    def _render(
        self, request: HttpRequest, bank: QuestionBank, form: ImportForm, result: Any = None
    ) -> HttpResponse:
        return render(request, "exams/bank_import.html", {"bank": bank, "form": form, "result": result})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self.get_scoped_object(pk), ImportForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        bank = self.get_scoped_object(pk)
        form = ImportForm(request.POST, request.FILES)
        result = None
        if form.is_valid():
            dry_run = form.cleaned_data["dry_run"]
            try:
                rows = excel.read_rows(form.cleaned_data["file"])
                if dry_run:
                    result = services.bank_import(actor=request.user, bank=bank, rows=rows, dry_run=True)
                else:
                    result = services.bank_import_start(actor=request.user, bank=bank, rows=rows)
            except BusinessError as exc:
                form.add_error("file", exc.message)
            else:
                if result.get("job"):
                    return HttpResponseRedirect(reverse("exams:import_job", args=[result["job"]]))
                result["dry_run"] = dry_run
        return self._render(request, bank, form, result)


class ImportJobView(ScopedViewMixin, View):
    """The progress of a background import (the page polls itself for the fragment), then its report."""

    model = Job
    permission = "exams.manage"

    def base_queryset(self) -> Any:
        return Job.objects.filter(kind=services.IMPORT_JOB_KIND)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self.get_scoped_object(pk)
        template = (
            "exams/_import_progress.html" if request.headers.get("HX-Request") else "exams/import_job.html"
        )
        return render(request, template, {"job": job})


class BankExportView(_BankView):
    """The bank as .xlsx in the import layout. Audit: exams.bank.export."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        from dangjian.audit import services as audit

        bank = self.get_scoped_object(pk)
        content = excel.export_bank(bank)
        audit.record(actor=request.user, action="exams.bank.export", target=bank, org_path=bank.org.path)
        return core_excel.workbook_response(content, filename=f"{bank.name}.xlsx")


class ImportTemplateView(ScopedViewMixin, View):
    model = QuestionBank
    permission = "exams.manage"

    def get(self, request: HttpRequest) -> HttpResponse:
        return core_excel.workbook_response(excel.template_workbook(), filename="试题导入模板.xlsx")


# --------------------------------------------------------------------------------------------------------
# Papers


class PaperListView(ScopedViewMixin, View):
    model = Paper
    permission = "exams.view"

    def _render(self, request: HttpRequest, form: PaperForm) -> HttpResponse:
        papers = list(selectors.paper_list(user=_user(request))[:200])
        can_manage = scope.has_permission(request.user, "exams.manage")
        return render(
            request, "exams/paper_list.html", {"papers": papers, "form": form if can_manage else None}
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, PaperForm(orgs=_orgs(request.user)))

    def post(self, request: HttpRequest) -> HttpResponse:
        if not scope.has_permission(request.user, "exams.manage"):
            raise PermissionDenied("无权新建试卷")
        form = PaperForm(request.POST, orgs=_orgs(request.user))
        if form.is_valid():
            try:
                paper = services.paper_create(actor=request.user, **form.cleaned_data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "试卷已创建，请添加试题或抽题规则")
                return HttpResponseRedirect(reverse("exams:paper_detail", args=[paper.pk]))
        return self._render(request, form)


class PaperDetailView(ScopedViewMixin, View):
    """A paper: its questions or drawing rules, full marks; forms to add (and remove) parts."""

    model = Paper
    permission = "exams.view"

    def _render(self, request: HttpRequest, paper: Paper, form: Any = None) -> HttpResponse:
        banks = selectors.bank_usable_for(user=request.user, org=paper.org)
        can_manage = scope.org_in_scope(request.user, "exams.manage", paper.org)
        if form is None and can_manage:
            form = (PaperItemsForm if paper.mode == PaperMode.FIXED else PaperRuleForm)(banks=banks)
        context = {
            "paper": paper,
            "items": list(paper.items.select_related("question")),
            "rules": list(paper.rules.select_related("bank")),
            "total": services.paper_total(paper),
            "form": form if can_manage else None,
            "exams": list(paper.exams.all()[:20]),
        }
        return render(request, "exams/paper_detail.html", context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self.get_scoped_object(pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        paper = self.get_scoped_object(pk, "exams.manage")
        banks = selectors.bank_usable_for(user=request.user, org=paper.org)
        try:
            if request.POST.get("remove_item") or request.POST.get("remove_rule"):
                services.paper_part_remove(
                    actor=request.user,
                    paper=paper,
                    item_id=int(request.POST.get("remove_item") or 0) or None,
                    rule_id=int(request.POST.get("remove_rule") or 0) or None,
                )
                messages.success(request, "已移除")
                return HttpResponseRedirect(reverse("exams:paper_detail", args=[paper.pk]))
        except (BusinessError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "请求无效"))
            return HttpResponseRedirect(reverse("exams:paper_detail", args=[paper.pk]))
        form: Any
        if paper.mode == PaperMode.FIXED:
            form = PaperItemsForm(request.POST, banks=banks)
            if form.is_valid():
                bank = form.cleaned_data["bank"]
                text = form.cleaned_data["question_ids"].strip()
                pool = bank.questions.filter(is_active=True)
                if text != "全部":
                    ids = [int(x) for x in rules.split_tags(text) if x.isdigit()]
                    pool = pool.filter(pk__in=ids)
                try:
                    added = services.paper_items_add(
                        actor=request.user,
                        paper=paper,
                        questions=list(pool),
                        score=form.cleaned_data["score"],
                    )
                except BusinessError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, f"已加入 {added} 道试题")
                    return HttpResponseRedirect(reverse("exams:paper_detail", args=[paper.pk]))
        else:
            form = PaperRuleForm(request.POST, banks=banks)
            if form.is_valid():
                try:
                    services.paper_rule_add(actor=request.user, paper=paper, **form.cleaned_data)
                except BusinessError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, "抽题规则已添加")
                    return HttpResponseRedirect(reverse("exams:paper_detail", args=[paper.pk]))
        return self._render(request, paper, form)


class PaperCopyView(ScopedViewMixin, View):
    """复制试卷 (POST): a new paper “…（副本）” with the same questions or rules and scores."""

    model = Paper
    permission = "exams.manage"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        paper = self.get_scoped_object(pk)
        try:
            copy = services.paper_copy(actor=request.user, paper=paper)
        except BusinessError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("exams:paper_detail", args=[paper.pk]))
        messages.success(request, "试卷已复制，可继续修改")
        return HttpResponseRedirect(reverse("exams:paper_detail", args=[copy.pk]))


class PaperPreviewView(ScopedViewMixin, View):
    """预览: one draw of the paper as an examinee would see it, with the answers."""

    model = Paper
    permission = "exams.view"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        paper = self.get_scoped_object(pk)
        try:
            layout = services.paper_draw(paper, rng=random.Random())
        except BusinessError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("exams:paper_detail", args=[paper.pk]))
        preview = Attempt(layout=layout)
        questions = selectors.layout_questions(preview, reveal=True)
        return render(request, "exams/paper_preview.html", {"paper": paper, "questions": questions})


# --------------------------------------------------------------------------------------------------------
# Exams


class ExamCreateView(ScopedViewMixin, View):
    model = Exam
    permission = "exams.manage"

    def _form(self, data: Any = None) -> ExamForm:
        user = self.request.user
        return ExamForm(
            data, orgs=_orgs(user), papers=scope.restrict(Paper.objects.all(), user, "exams.manage")
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {}
        if request.GET.get("paper", "").isdigit():
            initial["paper"] = int(request.GET["paper"])
        form = self._form()
        form.initial.update(initial)
        return render(request, "exams/exam_form.html", {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["target_orgs"] = list(data["target_orgs"])
            data["candidates"], unknown = _people(request, data["candidates"])
            if unknown:
                form.add_error("candidates", f"未找到有账号的党员：{'、'.join(unknown)}")
                return render(request, "exams/exam_form.html", {"form": form})
            try:
                exam = services.exam_create(actor=request.user, **data)
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "考试已创建，核对后请发布")
                return HttpResponseRedirect(reverse("exams:exam_detail", args=[exam.pk]))
        return render(request, "exams/exam_form.html", {"form": form})


def _people(request: HttpRequest, text: str) -> tuple[list[Any], list[str]]:
    """Users named in ``text`` (member names or login names) among the members in the organiser's scope
    who have an account; and the names not found (unknown, out of scope, or ambiguous)."""
    from dangjian.members.models import Member

    names = [n for n in rules.split_tags(text.replace("\n", ",")) if n]
    members = scope.restrict(Member.objects.active().filter(user__isnull=False), request.user, "exams.manage")
    users: list[Any] = []
    unknown: list[str] = []
    for name in dict.fromkeys(names):
        found = list(members.filter(Q(name=name) | Q(user__username=name)).select_related("user")[:2])
        if len(found) != 1:
            unknown.append(name)
        else:
            users.append(found[0].user)
    return users, unknown


class ExamDetailView(ScopedViewMixin, View):
    """An exam for the organiser: terms, actions, statistics and each taker's best attempt."""

    model = Exam
    permission = "exams.view"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        exam = self.get_scoped_object(pk)
        context = {
            "exam": exam,
            "state": selectors.exam_state(exam),
            "stats": selectors.exam_stats(exam),
            "attempts": selectors.best_attempts(exam),
            "open_attempts": exam.attempts.filter(status=AttemptStatus.OPEN).select_related("user"),
            "can_manage": scope.org_in_scope(request.user, "exams.manage", exam.org),
            "makeup_form": MakeupForm(),
            "targets": list(exam.target_orgs.all()),
            "candidates": exam.candidates.count(),
        }
        return render(request, "exams/exam_detail.html", context)


class ExamActionView(ScopedViewMixin, View):
    """发布 / 取消 / 提醒 / 补考 (POST)."""

    model = Exam
    permission = "exams.manage"

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        exam = self.get_scoped_object(pk)
        target = exam
        try:
            if action == "publish":
                services.exam_publish(actor=request.user, exam=exam)
                messages.success(request, "考试已发布")
            elif action == "cancel":
                services.exam_cancel(actor=request.user, exam=exam)
                messages.success(request, "考试已取消")
            elif action == "remind":
                result = services.exam_remind(actor=request.user, exam=exam)
                messages.success(
                    request, f"未参考 {result['pending']} 人，已发送提醒邮件 {result['sent']} 封"
                )
            elif action == "makeup":
                form = MakeupForm(request.POST)
                if not form.is_valid():
                    raise BusinessError("exams.bad_window", "请填写补考的开始和结束时间")
                target = services.exam_makeup(actor=request.user, exam=exam, **form.cleaned_data)
                messages.success(request, "补考已创建（未发布），参考人员为未参考或未通过者")
            else:
                raise Http404
        except BusinessError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("exams:exam_detail", args=[target.pk]))


class ExamExportView(ScopedViewMixin, View):
    """Results as .xlsx: each taker's best attempt, then per organisation. Audit: exams.result.export."""

    model = Exam
    permission = "exams.view"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        from dangjian.audit import services as audit

        exam = self.get_scoped_object(pk)
        content = excel.export_results(exam, selectors.best_attempts(exam), selectors.exam_stats(exam))
        audit.record(actor=request.user, action="exams.result.export", target=exam, org_path=exam.org.path)
        return core_excel.workbook_response(content, filename=f"{exam.title}成绩.xlsx")


class AttemptReviewView(ScopedViewMixin, View):
    """One examinee's attempt for the organiser, answers and marks included."""

    model = Attempt
    permission = "exams.view"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        attempt = self.get_scoped_object(pk)
        questions = selectors.layout_questions(attempt, reveal=True)
        return render(request, "exams/attempt_review.html", {"attempt": attempt, "questions": questions})


class GradingView(ScopedViewMixin, View):
    """阅卷: short answers waiting for a grade, oldest submission first."""

    model = Answer
    permission = "exams.grade"

    def get(self, request: HttpRequest) -> HttpResponse:
        queue = selectors.grading_queue(user=_user(request))
        return render(request, "exams/grading.html", {"answers": list(queue[:50]), "total": queue.count()})


class AnswerGradeView(ScopedViewMixin, View):
    model = Answer
    permission = "exams.grade"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        answer = self.get_scoped_object(pk)
        form = GradeForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写有效的得分")
        else:
            try:
                services.answer_grade(actor=request.user, answer=answer, **form.cleaned_data)
            except BusinessError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "已评分")
        return HttpResponseRedirect(request.POST.get("next") or reverse("exams:grading"))


# --------------------------------------------------------------------------------------------------------
# Members


class MyExamsView(View):
    """我的考试: the exams one is among the takers of, with one's attempts and results."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        _no_admins(request)
        exams = list(selectors.my_exams(user=_user(request))[:100])
        attempts: dict[int, list[Attempt]] = {}
        for a in selectors.my_attempts(user=_user(request)).filter(exam__in=[e.pk for e in exams]):
            attempts.setdefault(a.exam_id, []).append(a)
        for exam in exams:
            exam.state = selectors.exam_state(exam)  # type: ignore[attr-defined]
            mine = sorted(attempts.get(exam.pk, []), key=lambda a: a.number)
            exam.mine = mine  # type: ignore[attr-defined]
            action = "开始考试" if not mine else ("再考一次" if len(mine) < exam.max_attempts else "")
            if mine and mine[-1].status == AttemptStatus.OPEN:
                action = "继续作答"
            exam.action = action  # type: ignore[attr-defined]
        return render(request, "exams/my_exams.html", {"exams": exams})


def _my_exam(request: HttpRequest, pk: int) -> Exam:
    exam = selectors.my_exams(user=_user(request)).filter(pk=pk).first()
    if exam is None:
        raise Http404("考试不存在")
    return exam


class ExamStartView(View):
    """开始/继续作答 (POST): the open attempt or a new one."""

    access = classify.AUTHENTICATED

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        _no_admins(request)
        exam = _my_exam(request, pk)
        try:
            attempt = services.attempt_start(actor=request.user, exam=exam)
        except BusinessError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("exams:my_exams"))
        return HttpResponseRedirect(reverse("exams:attempt", args=[attempt.pk]))


class AttemptView(View):
    """The exam page (open attempt: questions, clock, autosave) or one's result (submitted)."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        _no_admins(request)
        attempt = get_object_or_404(Attempt.objects.select_related("exam"), pk=pk, user=_user(request))
        if attempt.status == AttemptStatus.OPEN:
            now = timezone.now()
            if now > attempt.deadline + dt.timedelta(seconds=services.grace_seconds()):
                services.attempts_autosubmit(now=now)
                attempt.refresh_from_db()
        if attempt.status == AttemptStatus.OPEN:
            context = {
                "attempt": attempt,
                "questions": selectors.layout_questions(attempt),
                "remaining": max(0, int((attempt.deadline - timezone.now()).total_seconds())),
            }
            return render(request, "exams/attempt_take.html", context)
        reveal = attempt.exam.show_answers and timezone.now() >= attempt.exam.closes_at
        context = {
            "attempt": attempt,
            "questions": selectors.layout_questions(attempt, reveal=reveal),
            "reveal": reveal,
        }
        return render(request, "exams/attempt_result.html", context)


class AttemptSubmitView(View):
    """交卷 for browsers without JavaScript (the page's script submits through the API)."""

    access = classify.AUTHENTICATED

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        _no_admins(request)
        attempt = get_object_or_404(Attempt, pk=pk, user=_user(request))
        try:
            services.attempt_submit(actor=request.user, attempt_id=attempt.pk)
        except BusinessError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("exams:attempt", args=[attempt.pk]))


class PracticeHomeView(View):
    """练习: today's 每日一练, practice by tag, the 错题本 count."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        _no_admins(request)
        services.mistakes_file_pending(user=_user(request))  # a submission whose filing did not happen
        banks = services.usable_banks(request.user)
        context = {
            "has_banks": banks.exists(),
            "tags": selectors.bank_tags(banks)[:40],
            "mistakes": MistakeBook.objects.filter(user=_user(request), resolved=False).count(),
            "recent": DailyPractice.objects.filter(user=_user(request))[:10],
        }
        return render(request, "exams/practice_home.html", context)


class PracticeStartView(View):
    """POST kind=daily|tag|mistakes → the practice set."""

    access = classify.AUTHENTICATED

    def post(self, request: HttpRequest) -> HttpResponse:
        _no_admins(request)
        kind = request.POST.get("kind", "daily")
        try:
            if kind == "daily":
                practice = services.practice_daily(actor=request.user)
            else:
                practice = services.practice_start(
                    actor=request.user, kind=kind, tag=request.POST.get("tag", "")
                )
        except BusinessError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("exams:practice"))
        return HttpResponseRedirect(reverse("exams:practice_detail", args=[practice.pk]))


class PracticeDetailView(View):
    """One practice set; each question is checked on its own (POST question, response)."""

    access = classify.AUTHENTICATED

    def _practice(self, request: HttpRequest, pk: int) -> DailyPractice:
        return get_object_or_404(DailyPractice, pk=pk, user=_user(request))

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        _no_admins(request)
        practice = self._practice(request, pk)
        return render(request, "exams/practice_detail.html", selectors.practice_context(practice))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        _no_admins(request)
        practice = self._practice(request, pk)
        try:
            question_id = int(request.POST.get("question", "0"))
            services.practice_answer(
                actor=request.user,
                practice=practice,
                question_id=question_id,
                response=request.POST.getlist("response"),
            )
        except BusinessError as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, "请求无效")
        else:
            return HttpResponseRedirect(reverse("exams:practice_detail", args=[pk]) + f"#q{question_id}")
        return HttpResponseRedirect(reverse("exams:practice_detail", args=[pk]))


class MistakeListView(View):
    """错题本: the questions one got wrong, with the right answer; retry them all or mark one as mastered."""

    access = classify.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        _no_admins(request)
        services.mistakes_file_pending(user=_user(request))  # a submission whose filing did not happen
        resolved = request.GET.get("resolved") == "1"
        mistakes = list(selectors.mistake_list(user=request.user, resolved=resolved)[:200])
        return render(request, "exams/mistake_list.html", {"mistakes": mistakes, "resolved": resolved})

    def post(self, request: HttpRequest) -> HttpResponse:
        _no_admins(request)
        mistake = get_object_or_404(MistakeBook, pk=request.POST.get("mistake") or 0, user=_user(request))
        services.mistake_remove(actor=request.user, mistake=mistake)
        messages.success(request, "已标记为掌握")
        return HttpResponseRedirect(reverse("exams:mistake_list"))
