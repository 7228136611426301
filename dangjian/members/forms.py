from __future__ import annotations

from django import forms

from dangjian.members.choices import ETHNICITY_CHOICES, EXIT_CHOICES, Category, Education, Gender

_W = {"class": "form-control"}
_S = {"class": "form-select"}
_D = {"class": "form-control", "type": "date"}


class MemberForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50, widget=forms.TextInput(attrs=_W))
    id_number = forms.CharField(label="公民身份号码", max_length=30, widget=forms.TextInput(attrs=_W))
    gender = forms.ChoiceField(
        label="性别",
        choices=[("", "按身份证号"), *Gender.choices],
        required=False,
        widget=forms.Select(attrs=_S),
    )
    ethnicity = forms.ChoiceField(
        label="民族", choices=ETHNICITY_CHOICES, initial="汉族", widget=forms.Select(attrs=_S)
    )
    education = forms.ChoiceField(
        label="学历", choices=[("", "—"), *Education.choices], required=False, widget=forms.Select(attrs=_S)
    )
    category = forms.ChoiceField(
        label="人员类别",
        choices=[("", "—"), *Category.choices],
        required=False,
        widget=forms.Select(attrs=_S),
    )
    joined_on = forms.DateField(label="入党日期", widget=forms.DateInput(attrs=_D, format="%Y-%m-%d"))
    full_on = forms.DateField(
        label="转正日期", required=False, widget=forms.DateInput(attrs=_D, format="%Y-%m-%d")
    )
    job_title = forms.CharField(
        label="工作岗位", max_length=100, required=False, widget=forms.TextInput(attrs=_W)
    )
    phone = forms.CharField(label="联系电话", max_length=30, required=False, widget=forms.TextInput(attrs=_W))
    address = forms.CharField(
        label="家庭住址", max_length=200, required=False, widget=forms.TextInput(attrs=_W)
    )
    party_post = forms.CharField(
        label="党内职务", max_length=100, required=False, widget=forms.TextInput(attrs=_W)
    )


class MemberCreateForm(MemberForm):
    org = forms.IntegerField(label="所在党支部", widget=forms.Select(attrs=_S))
    field_order = ["org"]


class StatusForm(forms.Form):
    on = forms.DateField(label="生效日期", widget=forms.DateInput(attrs=_D, format="%Y-%m-%d"))
    reason = forms.CharField(label="事由", max_length=500, required=False, widget=forms.TextInput(attrs=_W))
    destination = forms.CharField(
        label="外出流向", max_length=100, required=False, widget=forms.TextInput(attrs=_W)
    )
    exit_kind = forms.ChoiceField(
        label="出党方式",
        choices=[("", "—"), *EXIT_CHOICES],
        required=False,
        widget=forms.Select(attrs=_S),
    )
    org = forms.IntegerField(label="转入党支部", required=False, widget=forms.Select(attrs=_S))
    months = forms.IntegerField(
        label="延长月数",
        min_value=1,
        max_value=24,
        required=False,
        widget=forms.NumberInput(attrs={**_W, "placeholder": "6–12"}),
    )
    discipline_months = forms.ChoiceField(
        label="察看期限",
        choices=[("12", "一年"), ("24", "二年")],
        required=False,
        widget=forms.Select(attrs=_S),
    )
