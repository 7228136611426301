"""Forms of 书记信箱 and 随手拍: input checks only; the rules are in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms

from dangjian.mailbox import selectors
from dangjian.mailbox.models import CaseStatus, Category, Kind

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}


class OrgChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{'　' * max(obj.depth - 1, 0)}{obj.label}"


class LetterForm(forms.Form):
    org = OrgChoiceField(
        label="写给哪个组织的书记", queryset=selectors.recipient_orgs(), widget=forms.Select(attrs=_SELECT)
    )
    subject = forms.CharField(label="标题", max_length=60, widget=forms.TextInput(attrs=_TEXT))
    body = forms.CharField(label="内容", max_length=5000, widget=forms.Textarea(attrs={**_TEXT, "rows": 6}))
    anonymous = forms.TypedChoiceField(
        label="署名方式",
        choices=[("1", "匿名（不记录您是谁）"), ("0", "署名")],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    signed_name = forms.CharField(
        label="署名（匿名时不填）", max_length=50, required=False, widget=forms.TextInput(attrs=_TEXT)
    )
    contact = forms.CharField(
        label="联系方式（选填，匿名时不保存）",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs=_TEXT),
    )


class SnapshotForm(forms.Form):
    org = OrgChoiceField(
        label="反映给哪个组织", queryset=selectors.recipient_orgs(), widget=forms.Select(attrs=_SELECT)
    )
    description = forms.CharField(
        label="问题描述", max_length=1000, widget=forms.Textarea(attrs={**_TEXT, "rows": 3})
    )
    location = forms.CharField(
        label="位置（选填）", max_length=200, required=False, widget=forms.TextInput(attrs=_TEXT)
    )
    anonymous = forms.TypedChoiceField(
        label="署名方式",
        choices=[("1", "匿名（不记录您是谁）"), ("0", "署名（需登录）")],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label="16 位回执码",
        max_length=40,
        widget=forms.TextInput(attrs={**_TEXT, "inputmode": "numeric", "autocomplete": "off"}),
    )


class AddForm(ReceiptForm):
    body = forms.CharField(
        label="补充内容", max_length=5000, widget=forms.Textarea(attrs={**_TEXT, "rows": 4})
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="答复内容", max_length=5000, widget=forms.Textarea(attrs={**_TEXT, "rows": 4})
    )


class DueForm(forms.Form):
    due_on = forms.DateField(label="办理期限", widget=forms.DateInput(attrs={**_TEXT, "type": "date"}))


class AssignForm(forms.Form):
    assignee = forms.IntegerField(
        label="承办人", min_value=1, max_value=2**31 - 1, widget=forms.Select(attrs=_SELECT)
    )
    due_on = forms.DateField(
        label="办理期限", required=False, widget=forms.DateInput(attrs={**_TEXT, "type": "date"})
    )


class CorrectForm(forms.Form):
    category = forms.ModelChoiceField(queryset=Category.objects.filter(is_active=True), required=False)
    kind = forms.ChoiceField(choices=[("", ""), *Kind.choices], required=False)


class AdvanceForm(forms.Form):
    to = forms.ChoiceField(choices=CaseStatus.choices)
    note = forms.CharField(
        label="说明", max_length=1000, required=False, widget=forms.Textarea(attrs={**_TEXT, "rows": 2})
    )
    assignee = forms.IntegerField(label="整改责任人", required=False, min_value=1, max_value=2**31 - 1)
    due_on = forms.DateField(
        label="整改期限", required=False, widget=forms.DateInput(attrs={**_TEXT, "type": "date"})
    )


class CategoryForm(forms.Form):
    name = forms.CharField(label="类别名称", max_length=30, widget=forms.TextInput(attrs=_TEXT))
    keywords = forms.CharField(
        label="关键词",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 2}),
        help_text="以空格或逗号分隔；模型不确定或尚未学到该类别时按关键词归类",
    )
    sort_order = forms.IntegerField(
        label="排序", min_value=0, max_value=10000, initial=100, widget=forms.NumberInput(attrs=_TEXT)
    )
    is_active = forms.BooleanField(
        label="启用",
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    is_fallback = forms.BooleanField(
        label="兜底类别", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
