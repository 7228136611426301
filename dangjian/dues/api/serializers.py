"""Serializers of the 党费 API: reads with explicit fields, writes as plain serializers."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from dangjian.dues.models import (
    DuesBill,
    DuesCategory,
    DuesPayment,
    DuesReduction,
    PayerKind,
    PaymentKind,
)


class StepSerializer(serializers.Serializer):  # type: ignore[type-arg]
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.CharField()


class CalculatorInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    category = serializers.ChoiceField(choices=DuesCategory.choices)
    base = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, default=Decimal("0")
    )


class CalculatorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    category = serializers.CharField()
    base = serializers.DecimalField(max_digits=12, decimal_places=2)
    rate = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    capped = serializers.BooleanField()
    steps = StepSerializer(many=True)


class BillSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    member_name = serializers.CharField(source="member.name", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = DuesBill
        fields = ["id", "member", "member_name", "org", "org_name", "month", "amount", "status", "payment"]


class PaymentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = DuesPayment
        fields = [
            "id",
            "member",
            "member_name",
            "org",
            "kind",
            "payer_kind",
            "payer_name",
            "amount",
            "months_from",
            "months_to",
            "campaign",
            "remit_upward",
            "provider",
            "status",
            "receipt_no",
            "created_at",
            "confirmed_at",
        ]


class PaymentWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    member = serializers.IntegerField(required=False, help_text="默认本人")
    kind = serializers.ChoiceField(choices=PaymentKind.choices)
    months_from = serializers.DateField(required=False, allow_null=True)
    months_to = serializers.DateField(required=False, allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    campaign = serializers.IntegerField(required=False, allow_null=True)
    payer_kind = serializers.ChoiceField(choices=PayerKind.choices, default=PayerKind.SELF)
    payer_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class PaymentConfirmSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class ReductionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = DuesReduction
        fields = [
            "id",
            "member",
            "member_name",
            "org",
            "kind",
            "monthly_amount",
            "months_from",
            "months_to",
            "retiree_hardship",
            "studied_on",
            "status",
            "decided_at",
            "decision_note",
        ]


class DecideSerializer(serializers.Serializer):  # type: ignore[type-arg]
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class GenerateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    org = serializers.IntegerField()
    month = serializers.DateField()


class GenerateResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    created = serializers.IntegerField()
    existing = serializers.IntegerField()
    without_fixing = serializers.IntegerField()
