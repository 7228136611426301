"""Forms of 学习专题 and 学习笔记: input validation only; the rules are in the services."""

from __future__ import annotations

from typing import Any

from django import forms

from dangjian.access import scope
from dangjian.orgs.models import Org
from dangjian.study import rules
from dangjian.study.models import ItemKind

ORG_CHOICES_LIMIT = 500


def managed_orgs(user: Any) -> list[tuple[int, str]]:
    """Organisations the user may publish for or assign to (study.manage), top first."""
    qs = scope.restrict(Org.objects.filter(is_active=True), user, "study.manage").order_by("path")
    return [(o.pk, ("　" * max(o.depth - 1, 0)) + o.label) for o in qs[:ORG_CHOICES_LIMIT]]


class TopicForm(forms.Form):
    org = forms.TypedChoiceField(
        label="发布组织", coerce=int, widget=forms.Select(attrs={"class": "form-select"})
    )
    title = forms.CharField(
        label="专题名称", max_length=100, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    summary = forms.CharField(
        label="专题简介",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    is_open = forms.BooleanField(
        label="向下级党组织公开（本组织及下级党员均可学习）",
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, user: Any, with_org: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_org:
            self.fields["org"].choices = managed_orgs(user)  # type: ignore[attr-defined]
        else:
            del self.fields["org"]


class ArticleForm(forms.Form):
    title = forms.CharField(
        label="标题", max_length=150, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    body = forms.CharField(
        label="正文",
        max_length=200_000,
        help_text="可直接粘贴文字（空行分段），或使用工具栏插入标题、加粗、列表；保存时只保留安全的格式。",
        widget=forms.Textarea(
            attrs={"class": "form-control font-monospace", "rows": 14, "data-rich-editor": "1"}
        ),
    )


def _duration(value: str) -> int | None:
    if not (value or "").strip():
        return None
    seconds = rules.parse_duration(value)
    if seconds is None:
        raise forms.ValidationError("时长格式为 分:秒（如 12:30）或 时:分:秒")
    return seconds


class FileItemForm(forms.Form):
    kind = forms.ChoiceField(
        label="类型",
        choices=[(k, ItemKind(k).label) for k in (ItemKind.VIDEO, ItemKind.AUDIO, ItemKind.DOCUMENT)],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    title = forms.CharField(
        label="标题", max_length=150, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    file = forms.FileField(
        label="文件",
        help_text="视频 MP4/WebM（≤500 MB），音频 MP3/M4A（≤100 MB），文档 PDF 或 Word .docx（≤50 MB）",
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": ".mp4,.webm,.mov,.mp3,.m4a,.pdf,.docx",
                "data-media-duration": "#id_duration",
            }
        ),
    )
    duration = forms.CharField(
        label="时长（分:秒，音视频必填）",
        required=False,
        max_length=10,
        help_text="选择视频或音频文件后由浏览器读出，可修改",
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": "如 12:30", "inputmode": "numeric"}
        ),
    )

    def clean_duration(self) -> int | None:
        return _duration(self.cleaned_data.get("duration", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("kind") in (ItemKind.VIDEO, ItemKind.AUDIO)
            and not data.get("duration")
            and "duration" not in self.errors
        ):
            self.add_error("duration", "请填写音视频时长")
        return data


class ItemEditForm(forms.Form):
    title = forms.CharField(
        label="标题", max_length=150, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    body = forms.CharField(
        label="正文",
        required=False,
        max_length=200_000,
        widget=forms.Textarea(
            attrs={"class": "form-control font-monospace", "rows": 14, "data-rich-editor": "1"}
        ),
    )
    duration = forms.CharField(
        label="时长（分:秒）",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def clean_duration(self) -> int | None:
        return _duration(self.cleaned_data.get("duration", ""))


class AssignmentForm(forms.Form):
    target = forms.ChoiceField(
        label="指派对象",
        choices=[("org", "党组织"), ("member", "党员")],
        initial="org",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    org = forms.TypedChoiceField(
        label="党组织", coerce=int, required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    include_subtree = forms.BooleanField(
        label="含下级组织",
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    member_name = forms.CharField(
        label="党员姓名",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    required = forms.BooleanField(
        label="必学", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    deadline = forms.DateField(
        label="完成期限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", "—"), *managed_orgs(user)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("target") == "org" and not data.get("org"):
            self.add_error("org", "请选择党组织")
        if data.get("target") == "member" and not (data.get("member_name") or "").strip():
            self.add_error("member_name", "请填写党员姓名")
        return data


class NoteForm(forms.Form):
    content = forms.CharField(max_length=64, widget=forms.HiddenInput)
    body = forms.CharField(
        label="笔记",
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 4, "placeholder": "写下学习体会…"}),
    )
    shared = forms.BooleanField(
        label="分享到本支部（支部党员可见，可点赞评论）",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class NoteEditForm(forms.Form):
    body = forms.CharField(
        label="笔记", max_length=5000, widget=forms.Textarea(attrs={"class": "form-control", "rows": 6})
    )
    shared = forms.BooleanField(
        label="分享到本支部", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="评论",
        max_length=1000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2, "placeholder": "交流学习体会…"}),
    )
