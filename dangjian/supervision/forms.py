"""Forms of 党风廉政监督: they validate input only; the rules are in services.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from dangjian.supervision import rules
from dangjian.supervision.models import DutyKind, IntegrityKind, Period, Severity, SourceKind

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}
_DATE = {"class": "form-control", "type": "date"}


def _area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "form-control", "rows": rows})


class FileField(forms.FileField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            widget=forms.ClearableFileInput(
                attrs={"class": "form-control", "accept": "image/*,.pdf,.docx,.txt"}
            ),
            **kwargs,
        )


class WarningTaskForm(forms.Form):
    """转为督办: a warning becomes a rectification task."""

    deadline = forms.DateField(label="整改期限", widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))
    evidence_required = forms.CharField(
        label="佐证要求",
        max_length=300,
        widget=forms.TextInput(attrs=_TEXT),
        initial="整改情况说明及相关记录照片或文件",
    )
    description = forms.CharField(label="督办要求", max_length=4000, required=False, widget=_area())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deadline"].initial = timezone.localdate() + dt.timedelta(days=30)


class TaskForm(forms.Form):
    """A task from a letter, a 随手拍 or an inspection (监督检查)."""

    org = forms.TypedChoiceField(label="责任组织", coerce=int, widget=forms.Select(attrs=_SELECT))
    source_kind = forms.ChoiceField(
        label="问题来源",
        choices=[c for c in SourceKind.choices if c[0] != SourceKind.WARNING],
        widget=forms.Select(attrs=_SELECT),
    )
    source_ref = forms.CharField(
        label="来源编号",
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs=_TEXT),
        help_text="如 来信回执编号、检查通报文号",
    )
    title = forms.CharField(label="整改事项", max_length=150, widget=forms.TextInput(attrs=_TEXT))
    description = forms.CharField(label="问题描述", max_length=4000, widget=_area(4))
    deadline = forms.DateField(label="整改期限", widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))
    evidence_required = forms.CharField(label="佐证要求", max_length=300, widget=forms.TextInput(attrs=_TEXT))

    def __init__(self, *args: Any, orgs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.pk, o.label) for o in orgs]  # type: ignore[attr-defined]


class SourceTaskForm(forms.Form):
    """转督办整改 from a letter or a 随手拍 case: the text comes prefilled from the source."""

    org = forms.TypedChoiceField(label="责任组织", coerce=int, widget=forms.Select(attrs=_SELECT))
    title = forms.CharField(label="整改事项", max_length=150, widget=forms.TextInput(attrs=_TEXT))
    description = forms.CharField(
        label="督办要求",
        max_length=4000,
        widget=_area(5),
        help_text="已按来信（随手拍）内容预填，请据实修改；不要写入可能识别来信人的信息",
    )
    deadline = forms.DateField(label="整改期限", widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))
    evidence_required = forms.CharField(
        label="佐证要求",
        max_length=300,
        widget=forms.TextInput(attrs=_TEXT),
        initial="整改情况说明及相关记录照片或文件",
    )

    def __init__(self, *args: Any, orgs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.pk, o.label) for o in orgs]  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    note = forms.CharField(label="整改情况", max_length=4000, widget=_area())
    file = FileField(label="佐证材料（照片或文件）", required=False)
    submit = forms.BooleanField(
        label="整改已完成，提交验收",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class CheckForm(forms.Form):
    decision = forms.ChoiceField(
        label="验收结论",
        choices=[("accept", "验收通过，予以销号"), ("return", "退回重改")],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(label="验收意见", max_length=4000, required=False, widget=_area(2))


class DutyForm(forms.Form):
    org = forms.TypedChoiceField(label="党组织", coerce=int, widget=forms.Select(attrs=_SELECT))
    duty = forms.ChoiceField(label="责任类别", choices=DutyKind.choices, widget=forms.Select(attrs=_SELECT))
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=_TEXT)
    )
    holder_title = forms.CharField(
        label="责任岗位",
        max_length=50,
        widget=forms.TextInput(attrs=_TEXT),
        help_text="如 党委书记、纪委书记、纪检委员",
    )
    title = forms.CharField(label="责任事项", max_length=150, widget=forms.TextInput(attrs=_TEXT))
    description = forms.CharField(label="具体要求", max_length=2000, required=False, widget=_area())
    period = forms.ChoiceField(label="履责周期", choices=Period.choices, widget=forms.Select(attrs=_SELECT))
    evidence_required = forms.CharField(
        label="履责佐证要求",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=_TEXT),
        help_text="填写后，记录履责情况时须上传佐证材料",
    )

    def __init__(self, *args: Any, orgs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.pk, o.label) for o in orgs]  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year


class DutyRecordForm(forms.Form):
    period_start = forms.ChoiceField(label="履责周期", widget=forms.Select(attrs=_SELECT))
    done_on = forms.DateField(label="履责日期", widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))
    note = forms.CharField(label="履责情况", max_length=2000, widget=_area())
    file = FileField(label="佐证材料", required=False)

    def __init__(self, *args: Any, item: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        periods = [p for p in rules.periods_of(item.period, item.year) if p.start <= today]
        self.fields["period_start"].choices = [  # type: ignore[attr-defined]
            (p.start.isoformat(), p.label(item.period)) for p in periods
        ]
        if periods:
            self.fields["period_start"].initial = periods[-1].start.isoformat()
        self.fields["done_on"].initial = today

    def clean_period_start(self) -> dt.date:
        return dt.date.fromisoformat(self.cleaned_data["period_start"])


class RuleForm(forms.Form):
    enabled = forms.BooleanField(
        label="启用", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    severity = forms.ChoiceField(
        label="预警等级", choices=Severity.choices, widget=forms.Select(attrs=_SELECT)
    )

    def __init__(self, *args: Any, spec: Any, current: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.param_names = list(spec.params)
        for key in self.param_names:
            self.fields[f"p_{key}"] = forms.DecimalField(
                label=spec.param_labels.get(key, key),
                min_value=0,
                max_value=100_000,
                initial=current.get(key, spec.params[key]),
                widget=forms.NumberInput(attrs=_TEXT),
                help_text=f"默认 {spec.params[key]}",
            )

    def params(self) -> dict[str, Any]:
        return {k: self.cleaned_data[f"p_{k}"] for k in self.param_names}


class IntegrityAddForm(forms.Form):
    topic = forms.TypedChoiceField(label="学习专题", coerce=int, widget=forms.Select(attrs=_SELECT))
    kind = forms.ChoiceField(label="栏目", choices=IntegrityKind.choices, widget=forms.Select(attrs=_SELECT))

    def __init__(self, *args: Any, topics: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [(t.pk, t.title) for t in topics]  # type: ignore[attr-defined]
