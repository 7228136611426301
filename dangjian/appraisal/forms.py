"""Forms of 组织生活会 preparation and 民主评议党员. They validate input only; the rules live in the
services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from dangjian.appraisal import rules
from dangjian.appraisal.models import EXCLUSIONS, DisposalKind, FollowUpKind, Grade
from dangjian.meetings.models import Meeting
from dangjian.members.models import Member
from dangjian.orgs.models import Org

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})
TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def _year() -> int:
    return timezone.localdate().year


class _MeetingChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.planned_on:%Y-%m-%d} {obj.get_kind_display()}：{obj.topic}"


class _MemberChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class LifeMeetingForm(forms.Form):
    org = forms.ModelChoiceField(
        label="党支部", queryset=Org.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=TEXT)
    )
    topic = forms.CharField(label="主题", max_length=200, widget=forms.TextInput(attrs=TEXT))
    meeting = _MeetingChoice(
        label="会议记录（组织生活会）",
        queryset=Meeting.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
        help_text="在“组织生活”中登记的组织生活会，可稍后关联",
    )
    material_due = forms.DateField(label="材料提交截止日期", required=False, widget=DATE)

    def __init__(self, *args: Any, orgs: QuerySet[Org], meetings: QuerySet[Meeting], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("year", _year())
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]
        if len(orgs) == 1:
            self.fields["org"].initial = orgs[0].pk


class LifeMeetingEditForm(LifeMeetingForm):
    """The same without the branch and year (they do not change)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["org"]
        del self.fields["year"]


class TalkForm(forms.Form):
    initiator = _MemberChoice(
        label="谈话人", queryset=Member.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    partner = _MemberChoice(
        label="谈话对象", queryset=Member.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    talked_on = forms.DateField(label="谈话日期", widget=DATE)
    topics = forms.CharField(label="谈话主题", max_length=200, widget=forms.TextInput(attrs=TEXT))
    summary = forms.CharField(label="谈话要点", widget=forms.Textarea(attrs={**TEXT, "rows": 4}))

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["initiator"].queryset = members  # type: ignore[attr-defined]
        self.fields["partner"].queryset = members  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200, widget=forms.TextInput(attrs=TEXT))


class ExaminationForm(forms.Form):
    text = forms.CharField(
        label="对照检查内容",
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 10}),
        help_text="对照党章党规、对照入党誓词，查找差距，明确整改方向",
    )
    file = forms.FileField(
        label="或上传材料文件（PDF、Word）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".pdf,.docx,.txt"}),
    )


class ExaminationReviewForm(forms.Form):
    action = forms.ChoiceField(
        label="审阅", choices=[("accept", "通过"), ("return", "退回修改")], widget=forms.Select(attrs=SELECT)
    )
    note = forms.CharField(label="意见", max_length=500, required=False, widget=forms.TextInput(attrs=TEXT))


class AppraisalForm(forms.Form):
    org = forms.ModelChoiceField(
        label="党支部", queryset=Org.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=TEXT)
    )
    title = forms.CharField(label="名称", max_length=200, required=False, widget=forms.TextInput(attrs=TEXT))
    rating_until = forms.DateField(label="测评截止日期", required=False, widget=DATE)

    def __init__(self, *args: Any, orgs: QuerySet[Org], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("year", _year())
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]
        if len(orgs) == 1:
            self.fields["org"].initial = orgs[0].pk


class ExcludeForm(forms.Form):
    reason = forms.ChoiceField(
        label="不参加原因",
        choices=[("", "参加评议"), *list(EXCLUSIONS.items())],
        required=False,
        widget=forms.Select(attrs={**SELECT, "class": "form-select form-select-sm"}),
    )
    note = forms.CharField(
        label="说明",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


class SelfAssessmentForm(forms.Form):
    text = forms.CharField(
        label="个人自评",
        max_length=5000,
        widget=forms.Textarea(attrs={**TEXT, "rows": 8}),
        help_text="对照合格党员标准、对照入党誓词，结合岗位职责和工作任务，总结一年来的表现和不足",
    )
    self_grade = forms.ChoiceField(
        label="自评等次",
        choices=[("", "（不选）"), *list(Grade.choices)],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )


class ConfirmForm(forms.Form):
    confirmed_on = forms.DateField(label="党员大会日期", widget=DATE)
    decision = forms.CharField(
        label="党员大会决定",
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
        help_text="表决情况和结果，例如：应到28人，实到26人，一致同意支委会提出的评定等次",
    )
    meeting = _MeetingChoice(
        label="会议记录", queryset=Meeting.objects.none(), required=False, widget=forms.Select(attrs=SELECT)
    )

    def __init__(self, *args: Any, meetings: QuerySet[Meeting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]


class FileForm(forms.Form):
    note = forms.CharField(
        label="备案意见", max_length=500, required=False, widget=forms.TextInput(attrs=TEXT)
    )


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(
        label="处理方式", choices=FollowUpKind.choices, widget=forms.Select(attrs=SELECT)
    )
    decided_on = forms.DateField(label="决定日期", widget=DATE)
    deadline = forms.DateField(label="改正期限（限期改正）", required=False, widget=DATE)
    disposal = forms.ChoiceField(
        label="处置方式（组织处置）",
        choices=[("", "—"), *list(DisposalKind.choices)],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    measures = forms.CharField(
        label="教育帮扶措施或处置决定", widget=forms.Textarea(attrs={**TEXT, "rows": 3})
    )


class FollowUpCloseForm(forms.Form):
    outcome = forms.CharField(label="结果", widget=forms.Textarea(attrs={**TEXT, "rows": 2}))
    closed_on = forms.DateField(label="办结日期", widget=DATE)


def grade_choices() -> list[tuple[str, str]]:
    return [(g, rules.GRADE_LABELS[g]) for g in rules.GRADES]
