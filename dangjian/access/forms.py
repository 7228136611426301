from __future__ import annotations

from typing import Any

from django import forms

from dangjian.access.roles import Role
from dangjian.accounts.models import User
from dangjian.orgs.models import Org


class GrantForm(forms.Form):
    username = forms.CharField(
        label="用户名", max_length=150, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    role = forms.ChoiceField(
        label="角色", choices=Role.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    org = forms.ModelChoiceField(
        label="党组织",
        queryset=Org.objects.filter(is_active=True).order_by("path"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    include_subtree = forms.BooleanField(label="含下级组织", required=False, initial=True)

    def clean_username(self) -> Any:
        user = User.objects.filter(username=self.cleaned_data["username"].strip()).first()
        if user is None:
            raise forms.ValidationError("用户不存在")
        return user
