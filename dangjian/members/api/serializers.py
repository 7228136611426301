from __future__ import annotations

from typing import Any

from rest_framework import serializers

from dangjian.members.choices import (
    ETHNICITY_CHOICES,
    EXIT_CHOICES,
    Category,
    Education,
    ExitKind,
    Gender,
)
from dangjian.members.models import Member, StatusChange

# The labels of the choices a list row shows, looked up as ``get_FOO_display`` would (which hashes the field's
# choices again on every call: 150 calls a 50-row page).
_LABELS = {
    name: {str(k): str(v) for k, v in Member._meta.get_field(name).flatchoices}  # type: ignore[union-attr]
    for name in ("gender", "status", "standing")
}


def _label(member: Member, name: str) -> str:
    value = getattr(member, name)
    return _LABELS[name].get(value, str(value))


class MemberSerializer(serializers.ModelSerializer[Member]):
    """A member as the API shows it: identity number, phone and address always masked
    (``POST /members/{id}/reveal/`` returns them in full for roles that may, and is audited)."""

    org_name = serializers.CharField(source="org.label", read_only=True)
    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)
    address = serializers.CharField(source="address_masked", read_only=True)
    # Method fields, not ``source="get_…_display"``: a callable source makes DRF inspect its signature on
    # every row (bench/RESULTS.md).
    gender_display = serializers.SerializerMethodField()
    status_display = serializers.SerializerMethodField()
    standing_display = serializers.SerializerMethodField()
    # Optional choices may be empty; a read-only model field would drop ``allow_blank`` from the schema.
    education = serializers.ChoiceField(
        label="学历", choices=Education.choices, allow_blank=True, read_only=True
    )
    category = serializers.ChoiceField(
        label="人员类别", choices=Category.choices, allow_blank=True, read_only=True
    )
    exit_kind = serializers.ChoiceField(
        label="出党方式", choices=ExitKind.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Member
        fields = [
            "id",
            "org",
            "org_name",
            "group",
            "name",
            "gender",
            "gender_display",
            "id_number",
            "ethnicity",
            "birth_date",
            "education",
            "category",
            "joined_on",
            "full_on",
            "job_title",
            "phone",
            "address",
            "status",
            "status_display",
            "standing",
            "standing_display",
            "lost_contact",
            "lost_contact_on",
            "mobile",
            "mobile_destination",
            "party_post",
            "dues_paid_until",
            "exit_kind",
            "exited_on",
        ]
        read_only_fields = fields

    def to_representation(self, instance: Member) -> dict[str, Any]:
        """The same dictionary DRF would build (a test compares the two), written out: DRF's per-field
        machinery costs ~80 µs a row, a third of a list request's own time (bench/RESULTS.md, issue 2)."""
        m = instance

        def day(value: Any) -> str | None:
            return value.isoformat() if value is not None else None

        return {
            "id": m.pk,
            "org": m.org_id,
            "org_name": m.org.label,
            "group": m.group_id,
            "name": m.name,
            "gender": m.gender,
            "gender_display": _label(m, "gender"),
            "id_number": m.id_number_masked,
            "ethnicity": m.ethnicity,
            "birth_date": day(m.birth_date),
            "education": m.education,
            "category": m.category,
            "joined_on": day(m.joined_on),
            "full_on": day(m.full_on),
            "job_title": m.job_title,
            "phone": m.phone_masked,
            "address": m.address_masked,
            "status": m.status,
            "status_display": _label(m, "status"),
            "standing": m.standing,
            "standing_display": _label(m, "standing"),
            "lost_contact": m.lost_contact,
            "lost_contact_on": day(m.lost_contact_on),
            "mobile": m.mobile,
            "mobile_destination": m.mobile_destination,
            "party_post": m.party_post,
            "dues_paid_until": day(m.dues_paid_until),
            "exit_kind": m.exit_kind,
            "exited_on": day(m.exited_on),
        }

    def get_gender_display(self, obj: Member) -> str:
        return str(obj.get_gender_display())

    def get_status_display(self, obj: Member) -> str:
        return str(obj.get_status_display())

    def get_standing_display(self, obj: Member) -> str:
        return str(obj.get_standing_display())


class MemberWriteSerializer(serializers.Serializer[Any]):
    org = serializers.IntegerField(required=False, help_text="所在党支部（新建时必填）")
    name = serializers.CharField(max_length=50)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    id_number = serializers.CharField(max_length=30)
    ethnicity = serializers.ChoiceField(choices=ETHNICITY_CHOICES, required=False)
    birth_date = serializers.DateField(required=False)
    education = serializers.ChoiceField(choices=Education.choices, required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=Category.choices, required=False, allow_blank=True)
    joined_on = serializers.DateField()
    full_on = serializers.DateField(required=False, allow_null=True)
    job_title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    party_post = serializers.CharField(max_length=100, required=False, allow_blank=True)


class StatusActionSerializer(serializers.Serializer[Any]):
    on = serializers.DateField(help_text="生效日期")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    destination = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="外出流向（登记流动党员时）"
    )
    exit_kind = serializers.ChoiceField(choices=EXIT_CHOICES, required=False, help_text="出党方式（出党时）")
    org = serializers.IntegerField(required=False, help_text="转入的党支部（调整支部时）")


class StatusChangeSerializer(serializers.ModelSerializer[StatusChange]):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = StatusChange
        fields = [
            "id",
            "member",
            "member_name",
            "kind",
            "kind_display",
            "effective_on",
            "reason",
            "detail",
            "created_at",
        ]
        read_only_fields = fields


class RevealSerializer(serializers.Serializer[Any]):
    id_number = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()
