from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm

from dangjian.accounts import policy as policy_mod
from dangjian.accounts import services
from dangjian.accounts.models import SecurityPolicy
from dangjian.audit import services as audit

_W = {"class": "form-control"}


class LoginForm(AuthenticationForm):
    """Sign-in with the failure throttle: the same answer for an unknown name and a wrong password; a
    locked name is refused even with the right password."""

    error_messages = {
        "invalid_login": "用户名或密码错误",
        "inactive": "用户名或密码错误",
        "locked": "登录失败次数过多，请 %(minutes)s 分钟后再试",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update({"class": "form-control", "autocomplete": "username"})
        self.fields["password"].widget.attrs.update(
            {"class": "form-control", "autocomplete": "current-password"}
        )

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password") or ""
        minutes = policy_mod.current().login_lock_minutes
        if username and services.login_locked(username):
            audit.record(
                actor=None,
                action="accounts.login.failure",
                success=False,
                target_repr=username[:150],
                changes={"reason": "locked"},
            )
            raise forms.ValidationError(
                self.error_messages["locked"], code="locked", params={"minutes": minutes}
            )
        if username and password:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None or not self.user_cache.is_active:
                locked = services.login_failed(username=username)
                self.user_cache = None
                if locked:
                    raise forms.ValidationError(
                        self.error_messages["locked"], code="locked", params={"minutes": minutes}
                    )
                raise self.get_invalid_login_error()
            services.login_succeeded(username=username)
        return self.cleaned_data


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="原密码", widget=forms.PasswordInput(attrs={**_W, "autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        label="新密码", widget=forms.PasswordInput(attrs={**_W, "autocomplete": "new-password"})
    )
    confirm = forms.CharField(
        label="再次输入新密码", widget=forms.PasswordInput(attrs={**_W, "autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("confirm"):
            self.add_error("confirm", "两次输入的新密码不一致")
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        label="动态口令",
        max_length=8,
        widget=forms.TextInput(
            attrs={**_W, "inputmode": "numeric", "autocomplete": "one-time-code", "placeholder": "6 位数字"}
        ),
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


class UserCreateForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150, widget=forms.TextInput(attrs=_W))
    full_name = forms.CharField(label="姓名", max_length=50, required=False, widget=forms.TextInput(attrs=_W))


class PolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SecurityPolicy
        fields = list(policy_mod.POLICY_FIELDS)
        widgets = {f: forms.NumberInput(attrs=_W) for f in policy_mod.POLICY_FIELDS}
