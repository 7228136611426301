"""Forms of the points pages: input validation only; the rules live in ``services``."""

from __future__ import annotations

from django import forms

from dangjian.points.models import PointRule


class RuleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = PointRule
        fields = [
            "name",
            "unit_size",
            "points_per_unit",
            "daily_cap",
            "weekly_cap",
            "active_from",
            "active_until",
            "is_active",
        ]
        widgets = {
            "name": forms.TextInput(attrs={"class": "form-control"}),
            "unit_size": forms.NumberInput(attrs={"class": "form-control"}),
            "points_per_unit": forms.NumberInput(attrs={"class": "form-control"}),
            "daily_cap": forms.NumberInput(attrs={"class": "form-control"}),
            "weekly_cap": forms.NumberInput(attrs={"class": "form-control"}),
            "active_from": forms.DateInput(
                attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"
            ),
            "active_until": forms.DateInput(
                attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"
            ),
            "is_active": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }


class AdjustmentForm(forms.Form):
    member = forms.IntegerField(label="党员编号", widget=forms.NumberInput(attrs={"class": "form-control"}))
    points = forms.IntegerField(
        label="调整积分（扣分填负数）", widget=forms.NumberInput(attrs={"class": "form-control"})
    )
    reason = forms.CharField(
        label="事由", max_length=500, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2})
    )
