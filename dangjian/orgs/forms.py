from __future__ import annotations

from django import forms

from dangjian.orgs.models import Org, PositionTitle
from dangjian.orgs.services import EDITABLE_FIELDS

_W = {"class": "form-control"}
_S = {"class": "form-select"}


class OrgForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Org
        fields = list(EDITABLE_FIELDS)  # what org_create/org_update accept, nothing more
        widgets = {
            "name": forms.TextInput(attrs=_W),
            "short_name": forms.TextInput(attrs=_W),
            "kind": forms.Select(attrs=_S),
            "contact_name": forms.TextInput(attrs=_W),
            "contact_phone": forms.TextInput(attrs=_W),
            "unit_situation": forms.Select(attrs=_S),
            "unit_name": forms.TextInput(attrs=_W),
            "unit_category": forms.TextInput(attrs=_W),
            "credit_code": forms.TextInput(attrs=_W),
            "unit_org_status": forms.TextInput(attrs=_W),
            "elected_on": forms.DateInput(attrs={**_W, "type": "date"}, format="%Y-%m-%d"),
            "founded_on": forms.DateInput(attrs={**_W, "type": "date"}, format="%Y-%m-%d"),
            "has_committee": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }


class OrgPickForm(forms.Form):
    target = forms.ModelChoiceField(
        label="目标党组织", queryset=Org.objects.none(), widget=forms.Select(attrs=_S)
    )

    def __init__(self, *args: object, queryset: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["target"].queryset = queryset  # type: ignore[attr-defined]


class PositionForm(forms.Form):
    member = forms.IntegerField(label="党员", widget=forms.Select(attrs=_S))
    title = forms.ChoiceField(label="职务", choices=PositionTitle.choices, widget=forms.Select(attrs=_S))
    duties = forms.CharField(label="分工", max_length=200, required=False, widget=forms.TextInput(attrs=_W))
    started_on = forms.DateField(
        label="任职日期", widget=forms.DateInput(attrs={**_W, "type": "date"}, format="%Y-%m-%d")
    )


class EndPositionForm(forms.Form):
    ended_on = forms.DateField(
        label="离任日期", widget=forms.DateInput(attrs={**_W, "type": "date"}, format="%Y-%m-%d")
    )
