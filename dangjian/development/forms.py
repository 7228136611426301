"""Forms of 发展党员. They validate input only; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from dangjian.development import rules
from dangjian.development.models import RecordKind
from dangjian.meetings import rules as meeting_rules
from dangjian.members.choices import ETHNICITY_CHOICES, Category, Education
from dangjian.members.models import Member
from dangjian.orgs.models import Org

DATE = {"type": "date", "class": "form-control"}
TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def _date_field(label: str, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        help_text=help_text,
    )


class _MemberChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.get_status_display()}）"


class DevelopmentForm(forms.Form):
    org = forms.ModelChoiceField(
        label="党支部", queryset=Org.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    name = forms.CharField(label="姓名", max_length=50, widget=forms.TextInput(attrs=TEXT))
    id_number = forms.CharField(label="公民身份号码", max_length=20, widget=forms.TextInput(attrs=TEXT))
    applied_on = _date_field("递交入党申请书日期")
    ethnicity = forms.ChoiceField(
        label="民族", choices=ETHNICITY_CHOICES, initial="汉族", widget=forms.Select(attrs=SELECT)
    )
    education = forms.ChoiceField(
        label="学历",
        choices=[("", "—"), *list(Education.choices)],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    category = forms.ChoiceField(
        label="人员类别",
        choices=[("", "—"), *list(Category.choices)],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    job_title = forms.CharField(
        label="工作岗位", max_length=100, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    phone = forms.CharField(
        label="联系电话", max_length=20, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    note = forms.CharField(
        label="情况记载", required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}), max_length=5000
    )

    def __init__(self, *args: Any, orgs: QuerySet[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = orgs
        if orgs.count() == 1:
            field.initial = orgs.first()


class StepForm(forms.Form):
    """The next step's date, who did it and a note, plus that step's own particulars."""

    done_on = _date_field("日期")
    responsible = forms.CharField(
        label="经办人/负责人", max_length=100, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    note = forms.CharField(
        label="情况记载", required=False, max_length=5000, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        number: int,
        members: QuerySet[Member],
        groups: QuerySet[Org] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {"done_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.number = number
        if number == 2:
            self.fields["responsible"].label = "谈话人"
            self.fields["responsible"].required = True
        if number in (3, 7):
            self.fields["publicity_started_on"] = _date_field(
                "公示开始日期", required=False, help_text="本单位规定须公示的，公示期满后方可确定"
            )
        if number == 5:
            self.fields["mentor_ids"] = _MemberChoices(
                label="培养联系人（一至两名正式党员）",
                queryset=members,
                widget=forms.CheckboxSelectMultiple,
            )
        if number == 9:
            self.fields["introducer_ids"] = _MemberChoices(
                label="入党介绍人（两名正式党员）", queryset=members, widget=forms.CheckboxSelectMultiple
            )
        if number == 10:
            self.fields["conclusion"] = forms.CharField(
                label="政治审查结论", max_length=5000, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
            )
        if number == 11:
            self.fields["days"] = forms.DecimalField(
                label="培训天数",
                min_value=0,
                max_value=365,
                required=False,
                widget=forms.NumberInput(attrs=TEXT),
            )
            self.fields["hours"] = forms.DecimalField(
                label="培训学时",
                min_value=0,
                max_value=1000,
                required=False,
                widget=forms.NumberInput(attrs=TEXT),
            )
        if number == 19 and groups is not None and groups.exists():
            self.fields["group"] = forms.ModelChoiceField(
                label="编入党小组",
                queryset=groups,
                required=False,
                empty_label="（暂不编入）",
                widget=forms.Select(attrs=SELECT),
            )
        if number == 13:
            self.fields["leaving_on"] = _date_field("预计离开本单位日期（如有）", required=False)

    def service_data(self) -> dict[str, Any]:
        c = self.cleaned_data
        data: dict[str, Any] = {}
        if "publicity_started_on" in c:
            data["publicity_started_on"] = c["publicity_started_on"]
        if "mentor_ids" in c:
            data["mentor_ids"] = [m.pk for m in c["mentor_ids"]]
        if "introducer_ids" in c:
            data["introducer_ids"] = [m.pk for m in c["introducer_ids"]]
        if "conclusion" in c:
            data["conclusion"] = c["conclusion"]
        if "days" in c:
            data["days"] = float(c["days"] or 0)
            data["hours"] = float(c["hours"] or 0)
        if "leaving_on" in c:
            data["leaving_on"] = c["leaving_on"]
        if c.get("group") is not None:
            data["group_id"] = c["group"].pk
        return data


class VoteForm(forms.Form):
    """⑮ ㉓: who attended, the counts of the secret ballot, and for ㉓ the decision put to the vote."""

    held_on = _date_field("支部大会日期")
    present = _MemberChoices(
        label="到会党员", queryset=Member.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    yes = forms.IntegerField(label="赞成票", min_value=0, max_value=500, widget=forms.NumberInput(attrs=TEXT))
    no = forms.IntegerField(
        label="反对票", min_value=0, max_value=500, initial=0, widget=forms.NumberInput(attrs=TEXT)
    )
    abstain = forms.IntegerField(
        label="弃权票", min_value=0, max_value=500, initial=0, widget=forms.NumberInput(attrs=TEXT)
    )
    publicity_started_on = _date_field("公示开始日期", required=False, help_text="本单位规定须公示的填写")
    note = forms.CharField(
        label="会议情况", required=False, max_length=5000, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )

    def __init__(self, *args: Any, members: QuerySet[Member], full: bool, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"held_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = members
        for m in members:
            self.fields[f"excluded_{m.pk}"] = forms.ChoiceField(
                label=f"{m.name} 不计入应到会原因",
                required=False,
                choices=[("", "—"), *list(meeting_rules.EXCLUSION_REASONS.items())],
                widget=forms.Select(attrs={**SELECT, "class": "form-select form-select-sm"}),
            )
        if full:
            self.fields["outcome"] = forms.ChoiceField(
                label="表决事项",
                choices=list(rules.OUTCOME_LABELS.items()),
                widget=forms.Select(attrs=SELECT),
            )
            self.fields["extension_months"] = forms.IntegerField(
                label="延长预备期（月，6–12）",
                required=False,
                min_value=0,
                max_value=12,
                widget=forms.NumberInput(attrs=TEXT),
            )

    def excluded(self) -> dict[int, str]:
        return {
            int(name.split("_", 1)[1]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("excluded_") and value
        }


class ApproveForm(forms.Form):
    approved_on = _date_field("审批日期")
    approved = forms.TypedChoiceField(
        label="审批意见",
        choices=[("1", "同意"), ("0", "不同意")],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.Select(attrs=SELECT),
    )
    extension_reason = forms.CharField(
        label="延长审批的特殊情况（超过三个月时填写）",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs=TEXT),
    )
    note = forms.CharField(label="备注", required=False, max_length=300, widget=forms.TextInput(attrs=TEXT))


class RecordForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=RecordKind.choices, widget=forms.Select(attrs=SELECT))
    on = _date_field("日期")
    summary = forms.CharField(
        label="内容摘要", max_length=5000, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label="材料名称", max_length=100, widget=forms.TextInput(attrs=TEXT))
    step = forms.TypedChoiceField(
        label="所属步骤",
        choices=[("", "—")] + [(s.number, s.label) for s in rules.STEPS],
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )
    file = forms.FileField(label="文件（PDF、Word、图片）", widget=forms.ClearableFileInput(attrs=TEXT))


class CloseForm(forms.Form):
    reason = forms.CharField(label="终止原因", max_length=300, widget=forms.TextInput(attrs=TEXT))


class PracticeForm(forms.Form):
    publicity_days = forms.IntegerField(label="公示天数（0 表示不公示）", min_value=0, max_value=30)
    activist_min_months = forms.IntegerField(
        label="申请后确定积极分子的最短月数（0 表示不限）", min_value=0, max_value=24
    )
    review_valid_months = forms.IntegerField(
        label="政治审查有效月数（0 表示不限）", min_value=0, max_value=60
    )
    thought_report_months = forms.IntegerField(
        label="思想汇报间隔月数（0 表示不要求）", min_value=0, max_value=12
    )
    notice_days = forms.IntegerField(label="期限提前提醒天数", min_value=1, max_value=180)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.widget.attrs.update(TEXT)
