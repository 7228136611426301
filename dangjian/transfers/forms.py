"""Input forms of 组织关系转接 and 流动党员 (validation only; the rules live in the services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from dangjian.members.choices import ETHNICITY_CHOICES, Category, Education, Gender
from dangjian.transfers import config
from dangjian.transfers.models import (
    OUTGOING_KINDS,
    MobileReason,
    TransferReason,
)

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
KIND_CHOICES = [(k.value, k.label) for k in OUTGOING_KINDS]


class RequestForm(forms.Form):
    """A transfer out (the member's own request, or the branch's for one of its members)."""

    kind = forms.ChoiceField(label="转接类型", choices=KIND_CHOICES, widget=forms.Select(attrs=SELECT))
    to_org = forms.TypedChoiceField(
        label="转入党支部（企业内）",
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )
    to_org_name = forms.CharField(
        label="转入党组织全称（全国系统或外单位）",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs=TEXT | {"placeholder": "如：中共××市××区委组织部"}),
    )
    to_address = forms.CharField(
        label="接收单位地址或联系方式", max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    reason = forms.ChoiceField(
        label="转接原因", choices=TransferReason.choices, widget=forms.Select(attrs=SELECT)
    )
    reason_detail = forms.CharField(
        label="原因说明", max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )

    def __init__(self, *args: Any, branches: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_org"].choices = [("", "—— 企业内转接时选择 ——"), *branches]  # type: ignore[attr-defined]


class BranchRequestForm(RequestForm):
    member = forms.TypedChoiceField(label="党员", coerce=int, widget=forms.Select(attrs=SELECT))
    field_order = ["member", "kind", "to_org", "to_org_name", "to_address", "reason", "reason_detail"]

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "—— 选择党员 ——"), *members]  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    note = forms.CharField(
        label="意见或说明", max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )


class IssueForm(forms.Form):
    valid_days = forms.IntegerField(
        label="有效期（天）", min_value=1, widget=forms.NumberInput(attrs=TEXT | {"inputmode": "numeric"})
    )
    system_ref = forms.CharField(
        label="全国系统转接编号", max_length=60, required=False, widget=forms.TextInput(attrs=TEXT)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"valid_days": config.valid_days()})
        super().__init__(*args, **kwargs)
        self.fields[
            "valid_days"
        ].help_text = f"本单位默认{config.valid_days()}天，最长{config.max_valid_days()}天"


class DateForm(forms.Form):
    on = forms.DateField(label="日期", widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": dt.date.today()})
        super().__init__(*args, **kwargs)


class ReceiptForm(DateForm):
    reported_on = forms.DateField(label="回执上的报到日期", required=False, widget=DATE)
    note = forms.CharField(label="说明", max_length=200, required=False, widget=forms.TextInput(attrs=TEXT))


class IncomingForm(forms.Form):
    """A member received from outside the platform: the letter and the member's particulars."""

    to_org = forms.TypedChoiceField(label="接收党支部", coerce=int, widget=forms.Select(attrs=SELECT))
    from_org_name = forms.CharField(
        label="介绍信开具党组织", max_length=100, widget=forms.TextInput(attrs=TEXT)
    )
    letter_number = forms.CharField(label="介绍信编号", max_length=40, widget=forms.TextInput(attrs=TEXT))
    issued_on = forms.DateField(label="介绍信开具日期", widget=DATE)
    valid_days = forms.IntegerField(
        label="有效期（天）", min_value=1, max_value=365, widget=forms.NumberInput(attrs=TEXT)
    )
    system_ref = forms.CharField(
        label="全国系统转接编号", max_length=60, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    reported_on = forms.DateField(label="报到日期", widget=DATE)
    dues_paid_until = forms.DateField(
        label="党费交至（月份）",
        required=False,
        widget=forms.DateInput(attrs={"type": "month", "class": "form-control"}),
    )
    reason = forms.ChoiceField(
        label="转接原因", choices=TransferReason.choices, widget=forms.Select(attrs=SELECT)
    )
    name = forms.CharField(label="姓名", max_length=50, widget=forms.TextInput(attrs=TEXT))
    id_number = forms.CharField(label="公民身份号码", max_length=18, widget=forms.TextInput(attrs=TEXT))
    gender = forms.ChoiceField(label="性别", choices=Gender.choices, widget=forms.Select(attrs=SELECT))
    ethnicity = forms.ChoiceField(label="民族", choices=ETHNICITY_CHOICES, widget=forms.Select(attrs=SELECT))
    birth_date = forms.DateField(label="出生日期", required=False, widget=DATE)
    education = forms.ChoiceField(
        label="学历",
        choices=[("", "——"), *Education.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    category = forms.ChoiceField(
        label="人员类别",
        choices=[("", "——"), *Category.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    joined_on = forms.DateField(label="入党日期（支部大会通过日期）", widget=DATE)
    full_on = forms.DateField(label="转正日期（预备党员不填）", required=False, widget=DATE)
    job_title = forms.CharField(
        label="工作岗位", max_length=100, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    phone = forms.CharField(
        label="联系电话", max_length=20, required=False, widget=forms.TextInput(attrs=TEXT)
    )

    MEMBER_FIELDS = (
        "name",
        "id_number",
        "gender",
        "ethnicity",
        "birth_date",
        "education",
        "category",
        "joined_on",
        "full_on",
        "job_title",
        "phone",
    )

    def __init__(self, *args: Any, branches: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_org"].choices = branches  # type: ignore[attr-defined]
        self.fields["dues_paid_until"].input_formats = ["%Y-%m", "%Y-%m-%d"]  # type: ignore[attr-defined]


class MobileForm(forms.Form):
    member = forms.TypedChoiceField(label="党员", coerce=int, widget=forms.Select(attrs=SELECT))
    destination = forms.CharField(
        label="外出地点（流向）",
        max_length=100,
        widget=forms.TextInput(attrs=TEXT | {"placeholder": "如：广东省深圳市南山区"}),
    )
    destination_org = forms.CharField(
        label="流入地党组织", max_length=100, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    reason = forms.ChoiceField(
        label="外出原因", choices=MobileReason.choices, widget=forms.Select(attrs=SELECT)
    )
    started_on = forms.DateField(label="外出日期", widget=DATE)
    expected_until = forms.DateField(label="预计返回日期", widget=DATE)
    certificate_valid_until = forms.DateField(
        label="活动证有效期至（默认同预计返回日期）", required=False, widget=DATE
    )
    contact = forms.CharField(
        label="外出期间联系方式", max_length=60, required=False, widget=forms.TextInput(attrs=TEXT)
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "—— 选择党员 ——"), *members]  # type: ignore[attr-defined]


class MobileEndForm(forms.Form):
    on = forms.DateField(label="结束日期", widget=DATE)
    note = forms.CharField(
        label="说明（如：已返回、已转接组织关系）",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
