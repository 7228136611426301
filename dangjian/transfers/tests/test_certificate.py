"""The 流动党员活动证 as PDF: every field in the text, from the page and the API, for the member and the
branches in scope, audited; others get 404 and the 三员 are refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from conftest import sign_in
from dangjian.audit.models import AuditEntry
from dangjian.meetings.tests import pdftext
from dangjian.members import services as member_services
from dangjian.transfers import services
from dangjian.transfers.models import MobileRegistration

TODAY = dt.date.today()


@pytest.fixture
def registration(world: Any) -> MobileRegistration:
    member_services.member_set_dues_paid_until(
        actor=world.secretary_a, member=world.member, paid_until=dt.date(2026, 4, 1), reason="测试"
    )
    return services.mobile_register(
        actor=world.secretary_a,
        member=world.member,
        destination="广东省深圳市南山区",
        destination_org="中共深圳某园区委员会",
        reason="assignment",
        started_on=TODAY,
        expected_until=TODAY + dt.timedelta(days=200),
        contact="13800138000",
    )


def _ymd(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _text(content: bytes) -> str:
    return pdftext.text(content).replace("\n", "").replace("\u3000", "").replace(" ", "")


def test_the_certificate_pdf_carries_every_field(client: Any, world: Any, registration: Any) -> None:
    sign_in(client, world.secretary_a)
    response = client.get(reverse("transfers:mobile_certificate", args=[registration.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = _text(response.content)
    m = world.member
    for field in (
        "中国共产党流动党员活动证",
        f"第{registration.certificate_number}号",
        m.name,
        m.get_gender_display(),
        f"{m.birth_date.year}年{m.birth_date.month}月",
        m.ethnicity,
        "正式党员",
        _ymd(m.joined_on),
        world.branch_a.name,
        "广东省深圳市南山区",
        "中共深圳某园区委员会",
        registration.get_reason_display(),
        f"{_ymd(TODAY)}至{_ymd(TODAY + dt.timedelta(days=200))}",
        "13800138000",
        "党费交至2026年4月",
        f"有效期至{_ymd(registration.certificate_valid_until)}",
        f"发证日期{_ymd(TODAY)}",
    ):
        assert field in text, field
    assert m.id_number not in text
    entry = AuditEntry.objects.get(action="transfers.mobile.certificate", target_id=str(registration.pk))
    assert entry.actor == world.secretary_a and entry.org_path == world.branch_a.path


def test_the_member_sees_their_own_certificate_and_downloads_it(
    client: Any, world: Any, registration: Any
) -> None:
    sign_in(client, world.member_user)
    mine = client.get(reverse("transfers:mine")).content.decode()
    assert reverse("transfers:mobile_certificate", args=[registration.pk]) in mine
    page = client.get(reverse("transfers:mobile_detail", args=[registration.pk]))
    assert page.status_code == 200
    assert reverse("transfers:mobile_certificate", args=[registration.pk]) in page.content.decode()
    assert "结束并收回活动证" not in page.content.decode()  # the member cannot end it
    response = client.get(reverse("transfers:mobile_certificate", args=[registration.pk]))
    assert response.status_code == 200 and registration.certificate_number in _text(response.content)
    assert AuditEntry.objects.filter(
        action="transfers.mobile.certificate", actor_id=world.member_user.pk
    ).exists()


@pytest.mark.parametrize(
    ("persona", "code"), [("secretary_b", 404), ("outsider", 404), ("system_admin", 403)]
)
def test_others_cannot_download_the_certificate(
    client: Any, world: Any, registration: Any, persona: str, code: int
) -> None:
    sign_in(client, getattr(world, persona))
    assert client.get(reverse("transfers:mobile_certificate", args=[registration.pk])).status_code == code
    assert client.get(reverse("transfer-mobile-certificate", args=[registration.pk])).status_code == code
    assert not AuditEntry.objects.filter(action="transfers.mobile.certificate").exists()


def test_the_api_serves_the_same_pdf_to_the_member_and_the_committee(
    client: Any, world: Any, registration: Any
) -> None:
    for user in (world.member_user, world.officer):
        sign_in(client, user)
        response = client.get(reverse("transfer-mobile-certificate", args=[registration.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert "中共深圳某园区委员会" in _text(response.content)
    assert AuditEntry.objects.filter(action="transfers.mobile.certificate").count() == 2


def test_an_ended_registration_says_the_certificate_was_withdrawn(
    client: Any, world: Any, registration: Any
) -> None:
    services.mobile_end(actor=world.secretary_a, registration=registration, on=TODAY, note="已返回")
    sign_in(client, world.secretary_a)
    text = _text(client.get(reverse("transfers:mobile_certificate", args=[registration.pk])).content)
    assert f"已于{_ymd(TODAY)}收回（已返回）" in text
