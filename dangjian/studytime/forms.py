from __future__ import annotations

from decimal import Decimal

from django import forms


class HoursRecordForm(forms.Form):
    title = forms.CharField(label="培训名称", max_length=200)
    hours = forms.DecimalField(
        label="学时", min_value=Decimal("0.1"), max_value=Decimal("200"), decimal_places=1, max_digits=5
    )
    on = forms.DateField(label="认定日期", widget=forms.DateInput(attrs={"type": "date"}))
