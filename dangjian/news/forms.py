"""Forms of 党建新鲜事: input validation only; the rules live in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms

from dangjian.news.models import Post


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files from one ``<input multiple>``; each is checked by the upload pipeline in the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"class": "form-control", "accept": "image/jpeg,image/png,image/webp"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class PostForm(forms.Form):
    org = forms.TypedChoiceField(
        label="发布组织", coerce=int, choices=(), widget=forms.Select(attrs={"class": "form-select"})
    )
    title = forms.CharField(
        label="标题", max_length=120, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    happened_on = forms.DateField(
        label="活动日期",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    body = forms.CharField(
        label="正文",
        max_length=20000,
        help_text="纯文本，空一行分段",
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 10}),
    )
    photos = MultiplePhotoField(
        label=f"活动照片（JPG/PNG/WebP，每条最多 {Post.MAX_PHOTOS} 张）", required=False
    )

    def __init__(self, *args: Any, orgs: Any = (), fixed_org: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.pk, o.label) for o in orgs]  # type: ignore[attr-defined]
        if fixed_org:
            del self.fields["org"]


class FeedForm(forms.Form):
    name = forms.CharField(
        label="名称", max_length=100, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    url = forms.CharField(
        label="订阅地址（RSS/Atom）",
        max_length=500,
        widget=forms.URLInput(
            attrs={"class": "form-control", "placeholder": "http://mirror.intranet.example/rss.xml"}
        ),
    )
    interval_minutes = forms.IntegerField(
        label="抓取间隔（分钟）",
        min_value=10,
        max_value=7 * 24 * 60,
        initial=60,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    enabled = forms.BooleanField(
        label="启用",
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="原因", max_length=500, widget=forms.TextInput(attrs={"class": "form-control form-control-sm"})
    )
