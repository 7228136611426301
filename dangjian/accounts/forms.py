from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误",
        "inactive": "用户名或密码错误",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update({"class": "form-control", "autocomplete": "username"})
        self.fields["password"].widget.attrs.update(
            {"class": "form-control", "autocomplete": "current-password"}
        )


class ContactForm(forms.Form):
    phone = forms.CharField(
        label="联系电话",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "tel"}),
    )
    address = forms.CharField(
        label="家庭住址",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label="令牌名称",
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "如：OA 同步"}),
    )
