"""The demo content: topics assigned to the whole enterprise, study and shared notes in zhibu1's branch."""

from dangjian.members import demo
from dangjian.study import demo_content, selectors
from dangjian.study.models import ItemProgress, Note, NoteComment, Topic, TopicStatus


def test_demo_topics_progress_and_notes(db):
    demo.seed(members=200, seed=7)
    line = demo_content.seed(seed=7)
    assert line.startswith("学习专题：6 个专题")
    assert Topic.objects.filter(status=TopicStatus.PUBLISHED).count() == 6
    assert ItemProgress.objects.filter(completed_at__isnull=False).exists()
    notes = Note.objects.filter(shared=True)
    assert notes.count() == 2 and NoteComment.objects.exists()
    from dangjian.accounts.models import User

    dangyuan1 = selectors.member_of(User.objects.get(username="dangyuan1"))
    rows = selectors.my_topics(dangyuan1)
    assert [r.required for r in rows[:3]] == [True, True, True]
    assert "跳过" in demo_content.seed(seed=7)  # idempotent: a second run adds nothing
