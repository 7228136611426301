"""Reminders before a due meeting (issue 5 §4): notices in the platform (due soon; a secretary's overdue
ones in red) and e-mail to the branch's secretaries through a real SMTP server on loopback, each once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_member, make_user, sign_in
from dangjian.access import services as access_services
from dangjian.audit.models import AuditEntry
from dangjian.meetings import services, tasks
from dangjian.meetings.models import MeetingReminder
from dangjian.meetings.tests.smtpd import smtp_server

TODAY = dt.date(2026, 5, 11)


def plan(world, kind, days, topic, org=None, **extra):
    return services.meeting_create(
        actor=world.secretary_b if org == world.branch_b else world.secretary_a,
        org=org or world.branch_a,
        kind=kind,
        topic=topic,
        planned_on=TODAY + dt.timedelta(days=days),
        **extra,
    )


@pytest.fixture
def mail(settings, world):
    """Django's SMTP backend pointed at the loopback server; secretary_a and the officer have addresses."""
    with smtp_server() as (port, box):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        settings.DEFAULT_FROM_EMAIL = "dangjian@example.cn"
        settings.SITE_URL = "https://dangjian.example.cn"
        settings.MEETINGS_REMIND_DAYS = 3
        for user, address in ((world.secretary_a, "shuji@example.cn"), (world.officer, "dangwei@example.cn")):
            user.email = address
            user.save(update_fields=["email"])
        yield box


def test_secretaries_get_one_email_per_meeting_within_the_reminder_days(world, mail):
    committee = plan(world, "committee_meeting", 3, "研究五月主题党日安排")
    plan(world, "theme_day", 4, "五月主题党日")  # beyond the 3 days: not yet
    plan(world, "lecture", 1, "党课", org=world.branch_b)  # secretary_b has no address
    cancelled = plan(world, "general_meeting", 2, "改期的党员大会")
    services.meeting_cancel(actor=world.secretary_a, meeting=cancelled, reason="改期")

    result = services.reminders_send(today=TODAY)

    assert result == {"due": 2, "sent": 1, "failed": 0}
    assert len(mail.messages) == 1
    received = mail.messages[0]
    # Only the branch's own secretary: the committee officer reaches the branches through compliance.
    assert received.rcpt_to == ["shuji@example.cn"] and received.mail_from == "dangjian@example.cn"
    msg = received.message
    assert msg["Subject"].strip() == "【组织生活提醒】3 天后应召开：支委会“研究五月主题党日安排”"
    assert msg["To"] == "shuji@example.cn"
    body = msg.get_content()
    assert "2026年05月14日" in body and world.branch_a.label in body
    assert f"https://dangjian.example.cn/meetings/{committee.pk}/" in body
    assert {"EHLO", "MAIL", "RCPT", "DATA", "QUIT"} <= set(mail.commands)
    row = MeetingReminder.objects.get()
    assert row.meeting == committee and row.user == world.secretary_a and row.sent_at and not row.error
    entry = AuditEntry.objects.get(action="meetings.reminder.send")
    assert entry.changes == {"day": "2026-05-11", "sent": 1, "failed": 0}

    # Idempotent: the next runs (hourly, the next day) send nothing new for the same meeting and date.
    assert services.reminders_send(today=TODAY)["sent"] == 0
    assert services.reminders_send(today=TODAY + dt.timedelta(days=1))["sent"] == 1  # the theme day enters
    assert len(mail.messages) == 2 and "五月主题党日" in mail.messages[1].message["Subject"]
    assert AuditEntry.objects.filter(action="meetings.reminder.send").count() == 2

    # A meeting moved to another day is announced again; held meetings are not.
    services.meeting_update(
        actor=world.secretary_a, meeting=committee, planned_on=TODAY + dt.timedelta(days=2)
    )
    assert services.reminders_send(today=TODAY + dt.timedelta(days=1))["sent"] == 1
    assert "明天应召开" in mail.messages[2].message["Subject"]
    assert MeetingReminder.objects.filter(meeting=committee).count() == 2


def test_nothing_is_sent_or_recorded_while_email_is_switched_off(world, mail, settings, snap):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    plan(world, "committee_meeting", 1, "明天的支委会")
    before = snap()
    assert services.reminders_send(today=TODAY) == {"due": 0, "sent": 0, "failed": 0}
    assert snap() == before and not mail.messages


def test_a_failing_mail_server_is_recorded_and_tried_again(world, mail):
    plan(world, "committee_meeting", 0, "今天的支委会")
    mail.reject.add("shuji@example.cn")
    assert services.reminders_send(today=TODAY) == {"due": 1, "sent": 0, "failed": 1}
    row = MeetingReminder.objects.get()
    assert row.sent_at is None and "SMTPRecipientsRefused" in row.error
    assert AuditEntry.objects.get(action="meetings.reminder.send").changes["failed"] == 1
    mail.reject.clear()
    assert services.reminders_send(today=TODAY)["sent"] == 1
    row.refresh_from_db()
    assert row.sent_at is not None and row.error == ""
    assert "今天应召开" in mail.messages[0].message["Subject"]


def test_a_second_secretary_and_party_worker_of_the_branch_are_mailed_too(world, mail):
    worker = make_user("dangwu_a", "党务甲")
    worker.email = "dangwu@example.cn"
    worker.save(update_fields=["email"])
    access_services.grant_create(
        actor=None, user=worker, role="party_worker", org=world.branch_a, bootstrap=True
    )
    plan(world, "theme_day", 2, "五月主题党日")
    assert services.reminders_send(today=TODAY)["sent"] == 2
    assert sorted(r for m in mail.messages for r in m.rcpt_to) == ["dangwu@example.cn", "shuji@example.cn"]


def test_the_hourly_task_sends_in_the_daytime_only(world, mail, monkeypatch):
    plan(world, "committee_meeting", 0, "今天的支委会", starts_at=None)
    monkeypatch.setattr(services.timezone, "localdate", lambda *a: TODAY)
    monkeypatch.setattr(tasks, "SEND_HOURS", range(0))
    assert tasks.send_meeting_reminders.call_local() is None and not mail.messages
    monkeypatch.setattr(tasks, "SEND_HOURS", range(24))
    assert tasks.send_meeting_reminders.call_local()["sent"] == 1 and len(mail.messages) == 1


def test_the_calendar_shows_due_and_overdue_meetings_to_the_secretary(client, world):
    today = timezone.localdate()
    for days, topic in ((3, "研究下月工作"), (-2, "逾期未开的党小组会"), (-90, "很久以前的计划")):
        services.meeting_create(
            actor=world.secretary_a,
            org=world.branch_a,
            kind="committee_meeting",
            topic=topic,
            planned_on=today + dt.timedelta(days=days),
        )
    sign_in(client, world.secretary_a)
    page = client.get(reverse("meetings:meeting_list")).content.decode()
    block = page.split('id="meeting-reminders"')[1].split("</ul>")[0]
    assert "3 天后应召开" in block and "支委会：研究下月工作" in block
    assert "已逾期 2 天未召开" in block and "list-group-item-danger" in block
    assert "很久以前的计划" not in block  # left to the compliance pages
    assert block.index("逾期未开") < block.index("研究下月工作")  # overdue first


def test_a_member_sees_the_branch_meetings_she_should_attend_but_not_overdue_or_committee_ones(client, world):
    today = timezone.localdate()
    services.plan_generate(actor=world.secretary_a, org=world.branch_a, year=today.year, months=[today.month])
    for kind, days, topic in (
        ("theme_day", 1, "明天的主题党日"),
        ("committee_meeting", 1, "明天的支委会"),
        ("lecture", -3, "逾期的党课"),
    ):
        services.meeting_create(
            actor=world.secretary_a,
            org=world.branch_a,
            kind=kind,
            topic=topic,
            planned_on=today + dt.timedelta(days=days),
        )
    sign_in(client, world.member_user)
    page = client.get(reverse("meetings:my_meetings")).content.decode()
    block = page.split('id="meeting-reminders"')[1].split("</ul>")[0]
    assert "明天应参加" in block and "主题党日：明天的主题党日" in block
    assert "明天的支委会" not in block and "逾期的党课" not in block
    other = make_member(world.branch_b, "孙八", user=make_user("sunba", "孙八"))
    sign_in(client, other.user)
    page = client.get(reverse("meetings:my_meetings")).content.decode()
    assert "明天的主题党日" not in page
