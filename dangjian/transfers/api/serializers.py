"""Serializers of 组织关系转接 (explicit fields; identity numbers never appear here)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from dangjian.members.choices import ETHNICITY_CHOICES, Category, Education, Gender
from dangjian.transfers.models import (
    OUTGOING_KINDS,
    MobileReason,
    MobileRegistration,
    Transfer,
    TransferReason,
)


class TransferSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    member_name = serializers.CharField(source="member.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Transfer
        fields = [
            "id",
            "member",
            "member_name",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "started_by",
            "reason",
            "reason_detail",
            "from_org",
            "from_org_name",
            "to_org",
            "to_org_name",
            "system_ref",
            "member_status",
            "probation_started_on",
            "dues_paid_until",
            "letter_number",
            "issued_on",
            "valid_days",
            "expires_on",
            "requested_on",
            "branch_approved_on",
            "accepted_on",
            "reported_on",
            "receipt_due",
            "receipt_returned_on",
            "decision_note",
        ]
        read_only_fields = fields


class RequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    member = serializers.IntegerField(help_text="党员 id（本人申请时为自己的档案）")
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in OUTGOING_KINDS])
    reason = serializers.ChoiceField(choices=TransferReason.choices)
    reason_detail = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    to_org = serializers.IntegerField(required=False, allow_null=True, default=None)
    to_org_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    to_address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class NoteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class IssueSerializer(serializers.Serializer):  # type: ignore[type-arg]
    valid_days = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    system_ref = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class DateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    on = serializers.DateField(required=False, allow_null=True, default=None)


@extend_schema_serializer(component_name="TransferReceipt")
class ReceiptSerializer(DateSerializer):
    reported_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class IncomingMemberSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The member's particulars from the letter and their record (the rest is added on the member page)."""

    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    ethnicity = serializers.ChoiceField(choices=ETHNICITY_CHOICES, required=False)
    birth_date = serializers.DateField(required=False)
    education = serializers.ChoiceField(choices=Education.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    joined_on = serializers.DateField(help_text="入党日期（支部大会通过日期）；预备党员的预备期由此连续计算")
    full_on = serializers.DateField(required=False, allow_null=True, help_text="转正日期；预备党员不填")
    job_title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)


class IncomingSerializer(serializers.Serializer):  # type: ignore[type-arg]
    to_org = serializers.IntegerField()
    from_org_name = serializers.CharField(max_length=100)
    letter_number = serializers.CharField(max_length=40)
    issued_on = serializers.DateField()
    valid_days = serializers.IntegerField(min_value=1, max_value=365)
    reported_on = serializers.DateField()
    dues_paid_until = serializers.DateField(required=False, allow_null=True, default=None)
    system_ref = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    reason = serializers.ChoiceField(choices=TransferReason.choices, default=TransferReason.JOB)
    member = IncomingMemberSerializer()


class MobileSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = MobileRegistration
        fields = [
            "id",
            "member",
            "member_name",
            "org",
            "certificate_number",
            "destination",
            "destination_org",
            "reason",
            "started_on",
            "expected_until",
            "certificate_issued_on",
            "certificate_valid_until",
            "ended_on",
            "end_note",
        ]
        read_only_fields = fields


class MobileWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    member = serializers.IntegerField()
    destination = serializers.CharField(max_length=100)
    destination_org = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    reason = serializers.ChoiceField(choices=MobileReason.choices)
    started_on = serializers.DateField()
    expected_until = serializers.DateField()
    certificate_valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    contact = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class MobileEndSerializer(serializers.Serializer):  # type: ignore[type-arg]
    on = serializers.DateField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
