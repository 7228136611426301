from __future__ import annotations

from typing import Any

from rest_framework import serializers

from dangjian.orgs.models import Org, Position


class OrgSerializer(serializers.ModelSerializer[Org]):
    parent = serializers.SerializerMethodField()
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    term_years = serializers.IntegerField(read_only=True, allow_null=True)  # none for groups, temporaries
    election_due = serializers.DateField(read_only=True, allow_null=True)  # none without a term or election

    class Meta:
        model = Org
        fields = [
            "id",
            "parent",
            "path",
            "depth",
            "name",
            "short_name",
            "kind",
            "kind_display",
            "has_committee",
            "contact_name",
            "contact_phone",
            "unit_situation",
            "unit_name",
            "unit_category",
            "credit_code",
            "unit_org_status",
            "elected_on",
            "founded_on",
            "term_years",
            "election_due",
            "is_active",
        ]
        read_only_fields = ["path", "depth", "is_active"]

    def get_parent(self, obj: Org) -> int | None:
        if obj.depth <= 1:
            return None
        parent_path = obj.path[: -Org.steplen]
        cache: dict[str, int] = self.context.setdefault("_parent_ids", {})
        if parent_path not in cache:
            cache[parent_path] = (
                Org.objects.filter(path=parent_path).values_list("pk", flat=True).first() or 0
            )
        return cache[parent_path] or None


class OrgWriteSerializer(serializers.Serializer[Any]):
    parent = serializers.IntegerField(required=False, allow_null=True)
    name = serializers.CharField(max_length=100)
    short_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Org._meta.get_field("kind").choices)
    has_committee = serializers.BooleanField(required=False)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    unit_situation = serializers.ChoiceField(
        choices=Org._meta.get_field("unit_situation").choices, required=False
    )
    unit_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    unit_category = serializers.CharField(max_length=50, required=False, allow_blank=True)
    credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True)
    unit_org_status = serializers.CharField(max_length=50, required=False, allow_blank=True)
    elected_on = serializers.DateField(required=False, allow_null=True)
    founded_on = serializers.DateField(required=False, allow_null=True)


class OrgMoveSerializer(serializers.Serializer[Any]):
    parent = serializers.IntegerField(help_text="新的上级党组织")


class OrgMergeSerializer(serializers.Serializer[Any]):
    target = serializers.IntegerField(help_text="并入的党组织")


class PositionSerializer(serializers.ModelSerializer[Position]):
    member_name = serializers.CharField(source="member.name", read_only=True)
    title_display = serializers.CharField(source="get_title_display", read_only=True)

    class Meta:
        model = Position
        fields = [
            "id",
            "org",
            "member",
            "member_name",
            "title",
            "title_display",
            "duties",
            "started_on",
            "ended_on",
        ]
        read_only_fields = ["ended_on"]


class PositionEndSerializer(serializers.Serializer[Any]):
    ended_on = serializers.DateField()
