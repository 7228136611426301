"""Forms of 考试中心. They validate input only; the rules live in the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from dangjian.exams.models import Difficulty, Paper, PaperMode, QuestionBank, QuestionKind
from dangjian.orgs.models import Org

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
CHECK = {"class": "form-check-input"}
DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"
)


class _OrgChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class _OrgsChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class BankForm(forms.Form):
    org = _OrgChoice(
        label="所属组织", queryset=Org.objects.none(), empty_label=None, widget=forms.Select(attrs=SELECT)
    )
    name = forms.CharField(label="题库名称", max_length=100, widget=forms.TextInput(attrs=TEXT))
    description = forms.CharField(
        label="说明", max_length=500, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    shared_down = forms.BooleanField(
        label="向下级组织共享", required=False, initial=True, widget=forms.CheckboxInput(attrs=CHECK)
    )

    def __init__(self, *args: Any, orgs: QuerySet[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label="题型", choices=QuestionKind.choices, widget=forms.Select(attrs=SELECT))
    stem = forms.CharField(label="题干", widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    option_a = forms.CharField(label="选项A", required=False, widget=forms.TextInput(attrs=TEXT))
    option_b = forms.CharField(label="选项B", required=False, widget=forms.TextInput(attrs=TEXT))
    option_c = forms.CharField(label="选项C", required=False, widget=forms.TextInput(attrs=TEXT))
    option_d = forms.CharField(label="选项D", required=False, widget=forms.TextInput(attrs=TEXT))
    option_e = forms.CharField(label="选项E", required=False, widget=forms.TextInput(attrs=TEXT))
    option_f = forms.CharField(label="选项F", required=False, widget=forms.TextInput(attrs=TEXT))
    answer = forms.CharField(
        label="答案",
        widget=forms.TextInput(attrs=TEXT),
        help_text="选择题填字母如 A 或 ABD；判断题填 对/错；填空题多个可接受答案用 | 分隔；简答题填参考答案",
    )
    explanation = forms.CharField(
        label="解析", required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )
    difficulty = forms.TypedChoiceField(
        label="难度", choices=Difficulty.choices, coerce=int, initial=2, widget=forms.Select(attrs=SELECT)
    )
    tags = forms.CharField(
        label="知识点标签",
        required=False,
        widget=forms.TextInput(attrs=TEXT),
        help_text="多个用逗号或顿号分隔",
    )
    source = forms.CharField(label="出处", required=False, max_length=200, widget=forms.TextInput(attrs=TEXT))

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["options"] = [data.pop(f"option_{x}") for x in "abcdef"]
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）", widget=forms.ClearableFileInput(attrs={**TEXT, "accept": ".xlsx"})
    )
    dry_run = forms.BooleanField(
        label="仅检查，不导入（试运行）",
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs=CHECK),
    )


class PaperForm(forms.Form):
    org = _OrgChoice(
        label="所属组织", queryset=Org.objects.none(), empty_label=None, widget=forms.Select(attrs=SELECT)
    )
    title = forms.CharField(label="试卷名称", max_length=100, widget=forms.TextInput(attrs=TEXT))
    mode = forms.ChoiceField(label="组卷方式", choices=PaperMode.choices, widget=forms.Select(attrs=SELECT))
    shuffle_questions = forms.BooleanField(
        label="题目乱序", required=False, widget=forms.CheckboxInput(attrs=CHECK)
    )
    shuffle_options = forms.BooleanField(
        label="选项乱序", required=False, initial=True, widget=forms.CheckboxInput(attrs=CHECK)
    )

    def __init__(self, *args: Any, orgs: QuerySet[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]


class PaperRuleForm(forms.Form):
    bank = forms.ModelChoiceField(
        label="题库", queryset=QuestionBank.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    kind = forms.ChoiceField(label="题型", choices=QuestionKind.choices, widget=forms.Select(attrs=SELECT))
    tag = forms.CharField(
        label="知识点标签（可空）", required=False, max_length=50, widget=forms.TextInput(attrs=TEXT)
    )
    difficulty = forms.TypedChoiceField(
        label="难度（可空）",
        choices=[("", "不限"), *Difficulty.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    count = forms.IntegerField(
        label="抽题数", min_value=1, max_value=500, widget=forms.NumberInput(attrs=TEXT)
    )
    score = forms.DecimalField(
        label="每题分值", min_value=0, max_digits=5, decimal_places=1, widget=forms.NumberInput(attrs=TEXT)
    )

    def __init__(self, *args: Any, banks: QuerySet[QuestionBank], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = banks  # type: ignore[attr-defined]


class PaperItemsForm(forms.Form):
    bank = forms.ModelChoiceField(
        label="题库", queryset=QuestionBank.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    question_ids = forms.CharField(
        label="试题编号",
        widget=forms.TextInput(attrs=TEXT),
        help_text="题库页面中显示的编号，多个用逗号分隔；填“全部”加入整个题库",
    )
    score = forms.DecimalField(
        label="每题分值", min_value=0, max_digits=5, decimal_places=1, widget=forms.NumberInput(attrs=TEXT)
    )

    def __init__(self, *args: Any, banks: QuerySet[QuestionBank], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = banks  # type: ignore[attr-defined]


def _in(hours: int) -> dt.datetime:
    return timezone.localtime().replace(second=0, microsecond=0) + dt.timedelta(hours=hours)


class ExamForm(forms.Form):
    org = _OrgChoice(
        label="组织单位", queryset=Org.objects.none(), empty_label=None, widget=forms.Select(attrs=SELECT)
    )
    paper = forms.ModelChoiceField(
        label="试卷", queryset=Paper.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    title = forms.CharField(label="考试名称", max_length=100, widget=forms.TextInput(attrs=TEXT))
    description = forms.CharField(
        label="考试说明", required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )
    opens_at = forms.DateTimeField(label="开始时间", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    closes_at = forms.DateTimeField(label="结束时间", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    duration_minutes = forms.IntegerField(
        label="答题时长（分钟）",
        min_value=1,
        max_value=1440,
        initial=30,
        widget=forms.NumberInput(attrs=TEXT),
    )
    max_attempts = forms.IntegerField(
        label="可考次数", min_value=1, max_value=10, initial=1, widget=forms.NumberInput(attrs=TEXT)
    )
    pass_score = forms.DecimalField(
        label="及格分",
        min_value=0,
        max_digits=6,
        decimal_places=1,
        initial=60,
        widget=forms.NumberInput(attrs=TEXT),
    )
    target_orgs = _OrgsChoice(
        label="参考组织（含下级组织）",
        queryset=Org.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={**SELECT, "size": 6}),
    )
    candidates = forms.CharField(
        label="指定参考人员",
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
        help_text="不按组织时填写：党员姓名或登录名，用逗号、顿号或换行分隔",
    )
    required = forms.BooleanField(
        label="必考", required=False, initial=True, widget=forms.CheckboxInput(attrs=CHECK)
    )
    show_answers = forms.BooleanField(
        label="考试结束后公布答案和解析",
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs=CHECK),
    )

    def __init__(self, *args: Any, orgs: QuerySet[Org], papers: Any, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("opens_at", _in(0))
        initial.setdefault("closes_at", _in(24 * 7))
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["target_orgs"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["paper"].queryset = papers  # type: ignore[attr-defined]


class MakeupForm(forms.Form):
    opens_at = forms.DateTimeField(label="补考开始时间", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    closes_at = forms.DateTimeField(label="补考结束时间", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])


class GradeForm(forms.Form):
    score = forms.DecimalField(
        label="得分",
        min_value=0,
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.5"}),
    )
    comment = forms.CharField(
        label="阅卷意见", required=False, max_length=500, widget=forms.TextInput(attrs=TEXT)
    )
