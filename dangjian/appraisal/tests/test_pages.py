"""Pages: the member's phone pages (自评, 测评, 对照检查材料) and the secretary's (progress, tally, proposal
with
the ≤1/3 guard, export, preparation of the 组织生活会)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.urls import reverse

from conftest import sign_in
from dangjian.appraisal import services
from dangjian.appraisal.models import AppraisalStatus, BallotReceipt, Participant
from dangjian.audit.models import AuditEntry

from .conftest import part


def _close_with_votes(world, people, appraisal):
    for user, me in (
        (people.jia_user, people.jia),
        (people.li_user, people.li),
        (people.wang_user, people.wang),
    ):
        others = Participant.objects.filter(appraisal=appraisal).exclude(member=me)
        grade = {"李四": "excellent"}
        services.ballot_cast(
            user=user,
            appraisal=appraisal,
            ratings={p.pk: grade.get(p.member.name, "qualified") for p in others},
        )
    return services.rating_close(actor=world.secretary_a, appraisal=appraisal)


def test_member_sees_what_is_left_to_do(client, world, people, appraisal):
    sign_in(client, people.jia_user)
    page = client.get(reverse("appraisal:mine"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "填写个人自评" in body and "民主测评" in body


def test_an_account_without_a_member_record_sees_a_notice(client, world, appraisal):
    sign_in(client, world.outsider)
    page = client.get(reverse("appraisal:mine"))
    assert page.status_code == 200 and "未关联党员档案" in page.content.decode()


def test_member_writes_the_self_assessment_on_the_page(client, world, people, appraisal):
    sign_in(client, people.jia_user)
    response = client.post(
        reverse("appraisal:self_assessment", args=[appraisal.pk]),
        {"text": "认真履行党员义务。", "self_grade": ""},
    )
    assert response.status_code == 302
    assert part(appraisal, people.jia).self_assessment == "认真履行党员义务。"


def test_member_rates_every_other_participant_on_the_ballot_page(client, world, people, appraisal):
    sign_in(client, people.jia_user)
    page = client.get(reverse("appraisal:ballot", args=[appraisal.pk]))
    body = page.content.decode()
    assert "李四" in body and "王五" in body and 'data-ratee="党员甲"' not in body
    li, wang = part(appraisal, people.li), part(appraisal, people.wang)
    response = client.post(
        reverse("appraisal:ballot", args=[appraisal.pk]),
        {f"r{li.pk}": "excellent", f"r{wang.pk}": "qualified"},
    )
    assert response.status_code == 302
    assert BallotReceipt.objects.filter(rater=part(appraisal, people.jia)).exists()
    assert "已提交测评票" in client.get(reverse("appraisal:ballot", args=[appraisal.pk])).content.decode()


def test_an_incomplete_ballot_is_shown_again_with_the_reason_and_nothing_changes(
    client, world, people, appraisal, snapshot
):
    sign_in(client, people.jia_user)
    li = part(appraisal, people.li)
    before = snapshot()
    response = client.post(reverse("appraisal:ballot", args=[appraisal.pk]), {f"r{li.pk}": "excellent"})
    assert response.status_code == 400 and "未评定等次" in response.content.decode()
    assert snapshot() == before


def test_ballot_page_of_an_appraisal_one_is_not_in_is_not_found(client, world, people, appraisal):
    from conftest import make_user
    from dangjian.members.models import Member

    other = make_user("zhaoliu", "赵六")
    Member.objects.filter(pk=world.member_b.pk).update(user=other)
    sign_in(client, other)
    assert client.get(reverse("appraisal:ballot", args=[appraisal.pk])).status_code == 404
    assert client.get(reverse("appraisal:self_assessment", args=[appraisal.pk])).status_code == 404


def test_secretary_sees_who_has_voted_but_no_counts_while_rating_is_open(client, world, people, appraisal):
    others = Participant.objects.filter(appraisal=appraisal).exclude(member=people.jia)
    services.ballot_cast(
        user=people.jia_user, appraisal=appraisal, ratings={p.pk: "excellent" for p in others}
    )
    sign_in(client, world.secretary_a)
    page = client.get(reverse("appraisal:appraisal_detail", args=[appraisal.pk]))
    body = page.content.decode()
    assert page.context["tally"] is None and 'id="tally"' not in body
    assert "已投票" in body and page.context["progress"].cast == 1


def test_secretary_proposes_grades_and_the_guard_asks_for_a_reason_above_a_third(
    client, world, people, appraisal, snapshot
):
    _close_with_votes(world, people, appraisal)
    sign_in(client, world.secretary_a)
    detail = client.get(reverse("appraisal:appraisal_detail", args=[appraisal.pk]))
    assert detail.context["tally"].visible and "propose-grades" in detail.content.decode()
    page = client.get(reverse("appraisal:appraisal_propose", args=[appraisal.pk]))
    assert page.status_code == 200 and page.context["tally"].excellent_limit == 1
    chosen = {row.participant.member.name: c for row, c, _ in page.context["rows"]}
    assert chosen["李四"] == "excellent" and chosen["党员甲"] == "qualified"  # suggested from the ballots
    data = {f"g{part(appraisal, m).pk}": "excellent" for m in (people.jia, people.li)}
    data |= {f"g{part(appraisal, people.wang).pk}": "qualified", "proposed_on": str(dt.date.today())}
    before = snapshot()
    refused = client.post(reverse("appraisal:appraisal_propose", args=[appraisal.pk]), data)
    assert refused.status_code == 400 and "三分之一" in refused.content.decode()
    assert snapshot() == before
    accepted = client.post(
        reverse("appraisal:appraisal_propose", args=[appraisal.pk]),
        data | {"excellent_reason": "均获公司劳动模范"},
    )
    assert accepted.status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.status == AppraisalStatus.PROPOSED
    assert part(appraisal, people.jia).proposed_grade == "excellent"


def test_tally_exports_to_excel_after_closing_and_the_download_is_audited(client, world, people, appraisal):
    sign_in(client, world.secretary_a)
    early = client.get(reverse("appraisal:tally_export", args=[appraisal.pk]))
    assert early.status_code == 302
    _close_with_votes(world, people, appraisal)
    response = client.get(reverse("appraisal:tally_export", args=[appraisal.pk]))
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert "参与率100%" in rows[0][0]
    li = next(r for r in rows[2:] if r[1] == "李四")
    assert li[3] == 2 and li[4] == 0  # two 优秀 from the two others
    assert AuditEntry.objects.filter(action="appraisal.tally.export", target_id=str(appraisal.pk)).exists()


def test_secretary_of_another_branch_gets_404_on_the_appraisal(client, world, people, appraisal):
    sign_in(client, world.secretary_b)
    assert client.get(reverse("appraisal:appraisal_detail", args=[appraisal.pk])).status_code == 404
    assert client.post(reverse("appraisal:appraisal_close", args=[appraisal.pk])).status_code == 404
    appraisal.refresh_from_db()
    assert appraisal.status == AppraisalStatus.RATING


def test_preparation_page_shows_who_has_not_been_talked_with_and_whose_material_is_missing(
    client, world, people, life_meeting
):
    services.examination_submit(user=people.jia_user, life_meeting=life_meeting, text="对照检查")
    sign_in(client, world.secretary_a)
    page = client.get(reverse("appraisal:life_meeting_detail", args=[life_meeting.pk]))
    body = page.content.decode()
    assert 'data-missing="王五"' in body and "未提交" in body
    response = client.post(
        reverse("appraisal:talk_create", args=[life_meeting.pk]),
        {
            "initiator": people.li.pk,
            "partner": people.wang.pk,
            "talked_on": str(dt.date.today()),
            "topics": "预备期考察",
            "summary": "要点",
        },
    )
    assert response.status_code == 302
    assert (
        'data-missing="王五"'
        not in client.get(reverse("appraisal:life_meeting_detail", args=[life_meeting.pk])).content.decode()
    )


def test_a_talk_form_with_an_error_is_shown_again_and_records_nothing(
    client, world, people, life_meeting, snapshot
):
    sign_in(client, world.secretary_a)
    before = snapshot()
    response = client.post(
        reverse("appraisal:talk_create", args=[life_meeting.pk]),
        {
            "initiator": people.li.pk,
            "partner": people.li.pk,
            "talked_on": str(dt.date.today()),
            "topics": "谈话",
            "summary": "要点",
        },
    )
    assert response.status_code == 400 and "同一人" in response.content.decode()
    assert snapshot() == before


def test_member_hands_in_material_on_the_phone(client, world, people, life_meeting):
    sign_in(client, people.jia_user)
    assert client.get(reverse("appraisal:my_examination", args=[life_meeting.pk])).status_code == 200
    response = client.post(
        reverse("appraisal:my_examination", args=[life_meeting.pk]), {"text": "一、存在的问题……"}
    )
    assert response.status_code == 302
    assert "已提交" in client.get(reverse("appraisal:mine")).content.decode()


def test_confirmed_appraisal_page_records_the_follow_up_of_an_unqualified_member(
    client, world, people, appraisal
):
    _close_with_votes(world, people, appraisal)
    wang = part(appraisal, people.wang)
    grades = {p.pk: "qualified" for p in Participant.objects.filter(appraisal=appraisal)} | {
        wang.pk: "unqualified"
    }
    today = dt.date.today()
    services.grades_propose(
        actor=world.secretary_a, appraisal=appraisal, grades=grades, notes={wang.pk: "全年未参加组织生活"},
        proposed_on=today,
    )  # fmt: skip
    sign_in(client, world.secretary_a)
    confirm = client.post(
        reverse("appraisal:appraisal_confirm", args=[appraisal.pk]),
        {"confirmed_on": str(today), "decision": "应到3人，实到3人，一致同意"},
    )
    assert confirm.status_code == 302
    page = client.get(reverse("appraisal:appraisal_detail", args=[appraisal.pk]))
    assert 'id="follow-ups"' in page.content.decode() and "全年未参加组织生活" in page.content.decode()
    response = client.post(
        reverse("appraisal:follow_up_create", args=[wang.pk]),
        {"kind": "rectify", "decided_on": str(today), "deadline": str(today + dt.timedelta(days=180)),
         "measures": "书记谈话，党员帮带"},
    )  # fmt: skip
    assert response.status_code == 302
    follow_up = wang.follow_ups.get()
    assert follow_up.deadline == today + dt.timedelta(days=180)
    body = client.get(reverse("appraisal:appraisal_detail", args=[appraisal.pk])).content.decode()
    assert "书记谈话，党员帮带" in body and "登记结果" in body
    client.logout()
    sign_in(client, world.officer)
    assert (
        'id="file-form"'
        in client.get(reverse("appraisal:appraisal_detail", args=[appraisal.pk])).content.decode()
    )
    assert (
        client.post(
            reverse("appraisal:appraisal_file", args=[appraisal.pk]), {"note": "同意备案"}
        ).status_code
        == 302
    )
    appraisal.refresh_from_db()
    assert appraisal.status == AppraisalStatus.FILED
