"""The member list's written-out serializer gives exactly what DRF's generic machinery gives."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from rest_framework import serializers

from conftest import make_member
from dangjian.members.api.serializers import MemberSerializer
from dangjian.members.models import Member


def test_the_fast_representation_equals_drfs(world: SimpleNamespace) -> None:
    make_member(
        world.branch_b,
        "周九",
        full_on=None,
        joined_on=dt.date(2026, 3, 1),
        phone="13912345678",
        address="北京市西城区西长安街1号",
        education="本科",
        mobile=True,
        mobile_destination="深圳",
    )
    members = list(Member.objects.select_related("org"))
    assert len(members) >= 6
    for member in members:
        fast = MemberSerializer(member).data
        generic = serializers.ModelSerializer.to_representation(MemberSerializer(member), member)
        assert dict(fast) == dict(generic), member.name
    assert list(MemberSerializer(members[0]).data) == MemberSerializer.Meta.fields
