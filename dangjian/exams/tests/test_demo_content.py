"""The demo content: a full bank, a random paper, an open exam for erji1's subtree, last month's results."""

from __future__ import annotations

from conftest import make_member, make_user
from dangjian.access import services as access_services
from dangjian.core import integrity
from dangjian.exams import demo_content, selectors
from dangjian.exams.models import Attempt, Exam, Question, QuestionKind


def test_demo_seeds_a_bank_of_every_type_and_an_open_exam_for_the_subtree(world):
    erji1 = make_user("erji1", "演示二级党委")
    access_services.grant_create(
        actor=None, user=erji1, role="committee_officer", org=world.committee, bootstrap=True
    )
    world.member_user.username = "dangyuan1"
    world.member_user.save(update_fields=["username"])
    make_member(world.branch_a, "党务甲", user=make_user("dangwu1", "党务甲"))
    line = demo_content.seed(seed=7)
    assert line.startswith("考试中心：题库 48 题"), line
    kinds = set(Question.objects.values_list("kind", flat=True))
    assert kinds == set(QuestionKind.values)
    open_exam = Exam.objects.get(title="党章党规知识竞赛")
    assert selectors.exam_state(open_exam) == "进行中"
    assert open_exam in selectors.my_exams(user=world.member_user)
    closed = Exam.objects.get(title="支部工作条例月度测试")
    assert selectors.exam_state(closed) == "已结束"
    results = Attempt.objects.filter(exam=closed)
    assert results.count() == 2 and all(a.passed is not None for a in results)
    assert all(integrity.verify(instance=a) for a in results)
    assert selectors.grading_queue(user=erji1).count() == 1  # dangwu1's short answer in the open exam
    assert "已存在" in demo_content.seed(seed=7)


def test_demo_without_the_demo_accounts_does_nothing(world):
    assert "跳过" in demo_content.seed(seed=1)
    assert not Exam.objects.exists()
