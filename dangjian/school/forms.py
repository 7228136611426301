"""Forms of 网络党校: they validate input only; the rules live in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms

from dangjian.school.models import CourseKind, LessonKind

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}
_DATE = {"class": "form-control", "type": "date"}


class CourseForm(forms.Form):
    org = forms.TypedChoiceField(
        label="开课组织",
        coerce=int,
        widget=forms.Select(attrs=_SELECT),
        help_text="该组织及其下级组织的党员可以学习",
    )
    title = forms.CharField(label="课程名称", max_length=100, widget=forms.TextInput(attrs=_TEXT))
    description = forms.CharField(
        label="课程简介", required=False, widget=forms.Textarea(attrs=_TEXT | {"rows": 3})
    )
    hours = forms.DecimalField(
        label="完成可获学时",
        min_value=0.1,
        max_value=100,
        decimal_places=1,
        widget=forms.NumberInput(attrs=_TEXT | {"step": "0.5"}),
    )
    kind = forms.ChoiceField(label="课程类别", choices=CourseKind.choices, widget=forms.Select(attrs=_SELECT))
    opens_on = forms.DateField(label="开课日期", required=False, widget=forms.DateInput(attrs=_DATE))
    closes_on = forms.DateField(label="结课日期", required=False, widget=forms.DateInput(attrs=_DATE))
    cover = forms.FileField(
        label="封面图片（可选）",
        required=False,
        widget=forms.ClearableFileInput(attrs=_TEXT | {"accept": "image/*"}),
    )

    def __init__(self, *args: Any, orgs: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if orgs is None:
            del self.fields["org"]
        else:
            self.fields["org"].choices = [(o.pk, o.short_name or o.name) for o in orgs]  # type: ignore[attr-defined]


class ChapterForm(forms.Form):
    title = forms.CharField(label="章节名称", max_length=100, widget=forms.TextInput(attrs=_TEXT))


class LessonForm(forms.Form):
    title = forms.CharField(label="课时名称", max_length=100, widget=forms.TextInput(attrs=_TEXT))
    kind = forms.ChoiceField(label="类型", choices=LessonKind.choices, widget=forms.Select(attrs=_SELECT))
    body = forms.CharField(
        label="正文（图文课时）",
        required=False,
        widget=forms.Textarea(attrs=_TEXT | {"rows": 10}),
        help_text="可使用段落、标题、列表、表格、加粗等格式，其他标记会被过滤",
    )
    upload = forms.FileField(
        label="文件（视频、音频、PDF 或 Word .docx）",
        required=False,
        widget=forms.ClearableFileInput(attrs=_TEXT),
    )
    duration = forms.CharField(
        label="时长（视频、音频，分:秒）",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs=_TEXT | {"placeholder": "如 12:30"}),
    )
    minutes = forms.IntegerField(
        label="预计阅读时长（分钟，图文与文档）",
        required=False,
        min_value=1,
        max_value=600,
        widget=forms.NumberInput(attrs=_TEXT),
        help_text="留空则按约 400 字/分钟估算；PDF 文档必填",
    )
    is_required = forms.BooleanField(
        label="必学课时",
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class AssignForm(forms.Form):
    TARGETS = (("org", "党组织（含下级）"), ("member", "党员"))
    target = forms.ChoiceField(label="指派对象", choices=TARGETS, widget=forms.Select(attrs=_SELECT))
    org = forms.TypedChoiceField(
        label="党组织", coerce=int, required=False, empty_value=None, widget=forms.Select(attrs=_SELECT)
    )
    member = forms.IntegerField(
        label="党员编号", required=False, widget=forms.NumberInput(attrs=_TEXT), help_text="党员档案中的编号"
    )
    due_on = forms.DateField(label="完成期限", required=False, widget=forms.DateInput(attrs=_DATE))

    def __init__(self, *args: Any, orgs: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", "—")] + [(o.pk, o.short_name or o.name) for o in orgs or []]  # type: ignore[attr-defined]
