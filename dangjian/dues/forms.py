"""Forms of 党费: input only; the rules live in the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from dangjian.dues.models import DuesCategory, PayerKind, PaymentKind, ReductionKind

MONTH = forms.DateInput(attrs={"type": "month", "class": "form-control"}, format="%Y-%m")
DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})
TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class MonthField(forms.DateField):
    """A month picker (``YYYY-MM``); also accepts a full date. Cleans to the first day of the month."""

    widget = MONTH
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value: Any) -> dt.date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else None


class MonthForm(forms.Form):
    month = MonthField(label="月份")


class YearForm(forms.Form):
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=TEXT)
    )


class CalculatorForm(forms.Form):
    category = forms.ChoiceField(
        label="党费类别", choices=DuesCategory.choices, widget=forms.Select(attrs=SELECT)
    )
    base = forms.DecimalField(
        label="月交纳基数（元）",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.01", "inputmode": "decimal"}),
        help_text="在职：每月工资收入（税后）中计入基数的部分；离退休：基本退休费",
    )


class ProfileForm(forms.Form):
    category = forms.ChoiceField(
        label="党费类别", choices=DuesCategory.choices, widget=forms.Select(attrs=SELECT)
    )


class RefixForm(forms.Form):
    effective_from = MonthField(label="起始月份")
    reason = forms.CharField(
        label="事由", max_length=300, widget=forms.TextInput(attrs=TEXT), help_text="如：工资调整文件号"
    )


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(label="交纳方式", choices=PaymentKind.choices, widget=forms.Select(attrs=SELECT))
    months_from = MonthField(label="起始月份", required=False)
    months_to = MonthField(label="截止月份", required=False)
    amount = forms.DecimalField(
        label="金额（元，自愿多交、大额党费、专项收缴）",
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.01", "inputmode": "decimal"}),
    )
    campaign = forms.TypedChoiceField(
        label="专项收缴", required=False, coerce=int, empty_value=None, choices=[]
    )
    payer_kind = forms.ChoiceField(
        label="交纳人", choices=PayerKind.choices, widget=forms.Select(attrs=SELECT)
    )
    payer_name = forms.CharField(
        label="代交人姓名", required=False, max_length=50, widget=forms.TextInput(attrs=TEXT)
    )
    note = forms.CharField(label="备注", required=False, max_length=300, widget=forms.TextInput(attrs=TEXT))

    def __init__(self, *args: Any, campaigns: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["campaign"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—")] + [(c.pk, f"{c.title}（{c.org}）") for c in campaigns or []]
        field.widget.attrs.update(SELECT)


class ConfirmForm(forms.Form):
    reference = forms.CharField(
        label="转账流水号或收款说明", required=False, max_length=100, widget=forms.TextInput(attrs=TEXT)
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=300, widget=forms.TextInput(attrs=TEXT))


class ReductionForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=ReductionKind.choices, widget=forms.Select(attrs=SELECT))
    monthly_amount = forms.DecimalField(
        label="少交后每月交纳（元）",
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.01"}),
    )
    months_from = MonthField(label="起始月份")
    months_to = MonthField(label="截止月份")
    reason = forms.CharField(label="困难情况", widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    studied_on = forms.DateField(label="支部研究日期", widget=DATE)
    study_note = forms.CharField(
        label="支部研究意见", max_length=500, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )
    retiree_hardship = forms.BooleanField(
        label="离退休党员生活困难（由党支部决定，无须上级审批）", required=False
    )


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label="审批", choices=[("1", "批准"), ("0", "不批准")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(
        label="审批意见", required=False, max_length=500, widget=forms.TextInput(attrs=TEXT)
    )


class CampaignForm(forms.Form):
    org = forms.TypedChoiceField(
        label="发起党组织", coerce=int, choices=[], widget=forms.Select(attrs=SELECT)
    )
    title = forms.CharField(label="名称", max_length=100, widget=forms.TextInput(attrs=TEXT))
    purpose = forms.CharField(label="用途说明", widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    ends_on = forms.DateField(label="截止日期", widget=DATE)

    def __init__(self, *args: Any, orgs: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.pk, o.name) for o in orgs or []]  # type: ignore[attr-defined]


class PublicationForm(forms.Form):
    org = forms.TypedChoiceField(label="党组织", coerce=int, choices=[], widget=forms.Select(attrs=SELECT))
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=TEXT)
    )
    used = forms.DecimalField(
        label="使用合计（元）",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs=TEXT),
    )
    usage = forms.CharField(label="使用情况说明", widget=forms.Textarea(attrs={**TEXT, "rows": 4}))

    def __init__(self, *args: Any, orgs: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.pk, o.name) for o in orgs or []]  # type: ignore[attr-defined]
