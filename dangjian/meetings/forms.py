"""Forms of the 组织生活 pages: input validation only; the rules live in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from dangjian.meetings import rules
from dangjian.meetings.models import MeetingKind, ReviewAction
from dangjian.members.models import Member
from dangjian.orgs.models import Org, OrgKind

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}


def _dt(**attrs: Any) -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local", **_TEXT, **attrs}, format="%Y-%m-%dT%H:%M")


class OrgChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Org) -> str:
        return obj.label


class MemberChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Member) -> str:
        return obj.name


class MeetingForm(forms.Form):
    """Plan or record a meeting. ``orgs`` are the branches the user may plan for; ``org`` (when editing)
    limits the groups, host and recorder to that branch."""

    org = OrgChoiceField(label="党支部", queryset=Org.objects.none(), widget=forms.Select(attrs=_SELECT))
    kind = forms.ChoiceField(
        label="会议类型", choices=MeetingKind.choices, widget=forms.Select(attrs=_SELECT)
    )
    group = OrgChoiceField(
        label="党小组（党小组会）",
        queryset=Org.objects.none(),
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    topic = forms.CharField(label="会议主题", max_length=200, widget=forms.TextInput(attrs=_TEXT))
    planned_on = forms.DateField(
        label="计划日期",
        required=False,
        help_text="会议计入的月份（季度、年度）；不填则取开始时间",
        widget=forms.DateInput(attrs={"type": "date", **_TEXT}, format="%Y-%m-%d"),
    )
    starts_at = forms.DateTimeField(label="开始时间", required=False, widget=_dt())
    ends_at = forms.DateTimeField(label="结束时间", required=False, widget=_dt())
    place = forms.CharField(label="地点", max_length=200, required=False, widget=forms.TextInput(attrs=_TEXT))
    online = forms.BooleanField(
        label="线上召开", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    host = MemberChoiceField(
        label="主持人", queryset=Member.objects.none(), required=False, widget=forms.Select(attrs=_SELECT)
    )
    recorder = MemberChoiceField(
        label="记录人", queryset=Member.objects.none(), required=False, widget=forms.Select(attrs=_SELECT)
    )

    def __init__(
        self,
        *args: Any,
        orgs: QuerySet[Org] | None = None,
        org: Org | None = None,
        groups: QuerySet[Org] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["org"].queryset = orgs if orgs is not None else Org.objects.none()
        if org is not None:
            del fields["org"]
            fields["group"].queryset = Org.objects.filter(
                kind=OrgKind.GROUP, path__startswith=org.path, depth=org.depth + 1, is_active=True
            ).order_by("path")
            members = Member.objects.active().filter(org=org).order_by("name", "id")
            fields["host"].queryset = members
            fields["recorder"].queryset = members
        else:
            # The groups of the branches in scope (the service checks the group belongs to the chosen branch);
            # host and recorder are chosen once the branch is known, on the edit form.
            fields["group"].queryset = groups if groups is not None else Org.objects.none()
            del fields["host"], fields["recorder"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("planned_on") and not data.get("starts_at"):
            raise forms.ValidationError("请填写计划日期或开始时间")
        return data


class RecordForm(forms.Form):
    """The minutes written in the page (from the template of the meeting type) and the decisions."""

    minutes = forms.CharField(label="会议记录", widget=forms.Textarea(attrs={**_TEXT, "rows": 14}))
    decisions = forms.CharField(
        label="形成决定", required=False, widget=forms.Textarea(attrs={**_TEXT, "rows": 4})
    )


class AttendanceForm(forms.Form):
    excluded_reason = forms.ChoiceField(
        label="不计入应到原因",
        required=False,
        choices=[("", "—"), *rules.EXCLUSION_REASONS.items()],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    leave_reason = forms.CharField(
        label="请假事由",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "placeholder": "请假事由"}),
    )
    present = forms.BooleanField(
        label="到会", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=200, widget=forms.TextInput(attrs=_TEXT))


class ReviseForm(forms.Form):
    reason = forms.CharField(
        label="修订原因",
        max_length=500,
        widget=forms.TextInput(
            attrs={**_TEXT, "placeholder": "修订原因，如：补充遗漏的决定事项", "aria-label": "修订原因"}
        ),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label="照片、视频或文档", widget=forms.ClearableFileInput(attrs=_TEXT))
    caption = forms.CharField(
        label="说明", max_length=200, required=False, widget=forms.TextInput(attrs=_TEXT)
    )


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        label="审阅操作", choices=ReviewAction.choices, widget=forms.Select(attrs=_SELECT)
    )
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={**_TEXT, "rows": 3}))


class CheckInForm(forms.Form):
    code = forms.CharField(
        label="签到口令",
        max_length=12,
        widget=forms.TextInput(
            attrs={**_TEXT, "inputmode": "numeric", "autocomplete": "off", "placeholder": "6位数字"}
        ),
    )


class PlanForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    months = forms.TypedMultipleChoiceField(
        label="月份",
        required=False,
        coerce=int,
        choices=[(m, f"{m}月") for m in range(1, 13)],
        help_text="不选则生成全年计划",
    )
