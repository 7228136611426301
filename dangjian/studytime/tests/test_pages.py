"""Pages and API of study time and 学时, as members and secretaries use them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone

from conftest import make_member, sign_in
from dangjian.audit.models import AuditEntry
from dangjian.studytime import services
from dangjian.studytime.models import StudyDay, StudyHours


def _credit(member: object, hours: str, key: str = "course-1") -> StudyHours:
    return services.study_hours_credit(
        member=member,  # type: ignore[arg-type]
        source_key=key,
        hours=Decimal(hours),
        on=timezone.localdate(),
        kind="course",
        title="党章专题学习",
    )


class TestHeartbeatApi:
    def test_a_member_sends_beats_and_the_server_counts(self, client, world: SimpleNamespace) -> None:
        sign_in(client, world.member_user)
        url = reverse("studytime-heartbeat")
        first = client.post(url, {"content": "doc:1", "state": "visible"}, content_type="application/json")
        assert first.status_code == 200
        assert first.json() == {"credited": 0, "seconds_today": 0, "interval": 15}
        # the client cannot claim time: an extra "seconds" field is ignored
        again = client.post(
            url, {"content": "doc:1", "state": "visible", "seconds": 3600}, content_type="application/json"
        )
        assert again.json()["seconds_today"] <= 2
        assert StudyDay.objects.get(member=world.member).seconds <= 2

    def test_bad_beats_get_a_chinese_answer_and_write_nothing(self, client, world: SimpleNamespace) -> None:
        sign_in(client, world.member_user)
        url = reverse("studytime-heartbeat")
        missing = client.post(
            url, {"content": "doc:999", "state": "visible"}, content_type="application/json"
        )
        assert missing.status_code == 404
        assert "学习内容不存在" in missing.json()["detail"]
        bad = client.post(url, {"content": "doc:1", "state": "sleeping"}, content_type="application/json")
        assert bad.status_code == 400
        assert not StudyDay.objects.exists()

    def test_an_account_without_a_member_record_is_refused(self, client, world: SimpleNamespace) -> None:
        sign_in(client, world.secretary_a)
        answer = client.post(
            reverse("studytime-heartbeat"),
            {"content": "doc:1", "state": "visible"},
            content_type="application/json",
        )
        assert answer.status_code == 403
        assert not StudyDay.objects.exists()


class TestMyHours:
    def test_the_member_sees_hours_against_the_requirement(self, client, world: SimpleNamespace) -> None:
        _credit(world.member, "40")
        sign_in(client, world.member_user)
        page = client.get(reverse("studytime:my_hours"))
        html = page.content.decode()
        assert page.status_code == 200
        assert "40.0" in html and "/ 32 学时" in html and "进度正常" in html and "党章专题学习" in html
        data = client.get(reverse("studytime-hours-me")).json()
        assert (data["total"], data["required_hours"], data["behind"]) == ("40.0", 32, False)
        assert data["rows"][0]["kind_label"] == "网络党校课程"

    def test_an_account_without_a_member_record_sees_a_notice(self, client, world: SimpleNamespace) -> None:
        sign_in(client, world.officer)
        assert "未关联党员档案" in client.get(reverse("studytime:my_hours")).content.decode()


class TestProgress:
    def test_the_secretary_sees_who_is_behind_in_the_branch(self, client, world: SimpleNamespace) -> None:
        _credit(world.member, "40")  # on schedule any day of the year
        sign_in(client, world.secretary_a)
        html = client.get(reverse("studytime:progress")).content.decode()
        assert "李四" in html and "王五" in html  # no hours yet: behind (unless it is 1 January)
        members_table = html[html.index('id="progress-members"') :]
        assert "党员甲" not in members_table
        assert "赵六" not in html  # another branch

    def test_the_committee_drills_down_its_branches(self, client, world: SimpleNamespace) -> None:
        make_member(world.branch_b, "孙八")
        sign_in(client, world.officer)
        html = client.get(reverse("studytime:progress")).content.decode()
        assert "第一党支部" in html and "第二党支部" in html
        data = client.get(reverse("studytime-progress")).json()
        rows = {r["name"]: r for r in data["children"]}
        assert rows[world.branch_a.name]["members"] == 3
        assert rows[world.branch_b.name]["members"] == 2
        drilled = client.get(reverse("studytime:progress"), {"org": world.branch_b.pk}).content.decode()
        assert "赵六" in drilled and "李四" not in drilled

    def test_an_organisation_out_of_scope_is_not_found(self, client, world: SimpleNamespace) -> None:
        sign_in(client, world.secretary_a)
        assert client.get(reverse("studytime:progress"), {"org": world.branch_b.pk}).status_code == 404
        assert client.get(reverse("studytime-progress"), {"org": world.branch_c.pk}).status_code == 404

    def test_the_export_is_audited(self, client, world: SimpleNamespace) -> None:
        sign_in(client, world.secretary_a)
        answer = client.get(reverse("studytime:progress_export"), {"all": "1"})
        assert answer.status_code == 200
        assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
        assert AuditEntry.objects.filter(action="studytime.progress.export").count() == 1


class TestRecord:
    def test_the_secretary_records_training_and_revokes_it(self, client, world: SimpleNamespace) -> None:
        sign_in(client, world.secretary_a)
        url = reverse("studytime:hours_record", args=[world.member.pk])
        answer = client.post(url, {"title": "党支部书记集中轮训", "hours": "8", "on": "2026-03-02"})
        assert answer.status_code == 302
        row = StudyHours.objects.get(member=world.member)
        assert (row.hours, row.credited_on) == (Decimal("8.0"), dt.date(2026, 3, 2))
        client.post(reverse("studytime:hours_revoke", args=[row.pk]))
        row.refresh_from_db()
        assert row.revoked

    def test_a_bad_form_says_why_and_changes_nothing(self, client, world: SimpleNamespace) -> None:
        sign_in(client, world.secretary_a)
        url = reverse("studytime:hours_record", args=[world.member.pk])
        answer = client.post(url, {"title": "", "hours": "-1", "on": "昨天"})
        assert answer.status_code == 200
        assert "这个字段是必填项" in answer.content.decode() or "必填" in answer.content.decode()
        assert not StudyHours.objects.exists()


class TestSecretaryRequirement:
    def test_the_secretary_requirement_is_configuration(self, world: SimpleNamespace, settings) -> None:
        """DOMAIN.md §2 [C]: 56 学时 for branch secretaries by default, configurable; members' 32 is fixed."""
        from dangjian.orgs.models import Position
        from dangjian.studytime import rules, selectors

        today = timezone.localdate()
        Position.objects.create(
            org=world.branch_a, member=world.member, title="secretary", started_on=dt.date(2024, 1, 10)
        )
        assert selectors.my_hours(world.member, today.year, today).required == 56
        settings.STUDY_HOURS_REQUIRED_SECRETARY = 40
        assert selectors.my_hours(world.member, today.year, today).required == 40
        listed = selectors.members_progress(
            user=world.secretary_a, org=world.branch_a, year=today.year, on=today
        )
        row = next(m for m in listed if m.pk == world.member.pk)
        other = next(m for m in listed if m.pk != world.member.pk)
        assert row.expected == rules.expected_by(required=40, on=today)
        assert other.expected == rules.expected_by(required=32, on=today)
