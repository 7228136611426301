"""The demo content: last year's appraisal completed, this year's open with dangyuan1 still to rate."""

from __future__ import annotations

from django.utils import timezone

from conftest import make_user
from dangjian.access import services as access_services
from dangjian.appraisal import demo_content, rules
from dangjian.appraisal.models import Appraisal, AppraisalStatus, BallotReceipt, LifeMeeting, Participant


def test_demo_completes_last_years_appraisal_and_leaves_this_years_open_for_dangyuan1(world):
    zhibu1 = make_user("zhibu1", "演示书记")
    access_services.grant_create(
        actor=None, user=zhibu1, role="branch_secretary", org=world.branch_a, bootstrap=True
    )
    world.member_user.username = "dangyuan1"
    world.member_user.save(update_fields=["username"])
    line = demo_content.seed(seed=7)
    assert line.startswith("民主评议：第一党支部"), line
    year = timezone.localdate().year
    last = Appraisal.objects.get(org=world.branch_a, year=year - 1)
    assert last.status == AppraisalStatus.FILED  # the officer over branch_a filed it
    finals = list(
        Participant.objects.filter(appraisal=last, excluded_reason="").values_list("final_grade", flat=True)
    )
    assert all(finals) and finals.count("excellent") <= rules.excellent_limit(len(finals))
    current = Appraisal.objects.get(org=world.branch_a, year=year)
    assert current.status == AppraisalStatus.RATING
    assert not BallotReceipt.objects.filter(appraisal=current, rater__member=world.member).exists()
    assert LifeMeeting.objects.filter(org=world.branch_a).count() == 2
    assert "未重复生成" in demo_content.seed(seed=7)


def test_demo_without_the_demo_accounts_does_nothing(world):
    assert "跳过" in demo_content.seed(seed=1)
    assert not Appraisal.objects.exists()
