"""Signing in earns the daily login point once a day, through the points service."""

from __future__ import annotations

from conftest import PASSWORD
from dangjian.points import services
from dangjian.points.models import PointEntry


def test_the_first_sign_in_of_the_day_earns_the_login_point_once(
    world, client, django_capture_on_commit_callbacks
):
    services.points_seed_rules()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/accounts/login/", {"username": "dangyuan", "password": PASSWORD})
        client.post("/accounts/logout/")
    entries = PointEntry.objects.filter(member=world.member, action="login")
    assert entries.count() == 1 and entries.get().points == 1


def test_an_administrator_without_a_member_record_earns_nothing(
    world, client, django_capture_on_commit_callbacks
):
    services.points_seed_rules()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/login/", {"username": "outsider", "password": PASSWORD})
    assert not PointEntry.objects.exists()
