"""Serializers of the points API."""

from __future__ import annotations

from rest_framework import serializers

from dangjian.points.models import PointAdjustment, PointEntry, PointRule


class PointRuleSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = PointRule
        fields = [
            "id",
            "code",
            "name",
            "unit",
            "unit_size",
            "points_per_unit",
            "daily_cap",
            "weekly_cap",
            "active_from",
            "active_until",
            "is_active",
        ]
        read_only_fields = ["id", "code", "unit"]


class PointEntrySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = PointEntry
        fields = ["id", "action", "rule", "points", "units", "occurred_on", "source", "created_at"]


class ProgressSerializer(serializers.Serializer):  # type: ignore[type-arg]
    action = serializers.CharField(source="rule.code")
    name = serializers.CharField(source="rule.name")
    earned = serializers.IntegerField()
    cap = serializers.IntegerField(allow_null=True)


class BoardRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    rank = serializers.IntegerField()
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    org_name = serializers.CharField()
    points = serializers.IntegerField()
    mine = serializers.BooleanField()


class PointAdjustmentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = PointAdjustment
        fields = [
            "id",
            "member",
            "points",
            "occurred_on",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "entry",
        ]


class PointAdjustmentWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    member = serializers.IntegerField()
    points = serializers.IntegerField()
    reason = serializers.CharField(max_length=500)


class RankSerializer(serializers.Serializer):  # type: ignore[type-arg]
    points = serializers.IntegerField(required=False)
    branch = serializers.IntegerField()
    committee = serializers.IntegerField(allow_null=True)


class BoardSerializer(serializers.Serializer):  # type: ignore[type-arg]
    results = BoardRowSerializer(many=True)
    my_rank = RankSerializer(allow_null=True)


class MyPointsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    member = serializers.IntegerField(allow_null=True)
    today = ProgressSerializer(many=True)
    totals = serializers.DictField(child=serializers.IntegerField())
    week_rank = RankSerializer(allow_null=True)
    history = PointEntrySerializer(many=True)


class MyRankSerializer(serializers.Serializer):  # type: ignore[type-arg]
    member = serializers.IntegerField(allow_null=True)
    period = serializers.CharField()
    points = serializers.IntegerField()
    branch = serializers.IntegerField(allow_null=True)
    committee = serializers.IntegerField(allow_null=True)
