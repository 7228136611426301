from django.urls import reverse

from conftest import sign_in
from dangjian.study import selectors
from dangjian.study.models import ItemProgress
from dangjian.study.tests.conftest import study_for


def test_smoke(world, study, client):
    study_for(world.member_user, study.article.content_key, 45)
    p = ItemProgress.objects.get(member=world.member, item=study.article)
    assert p.completed_at is not None and p.seconds >= 30
    sign_in(client, world.member_user)
    for url in [
        reverse("study:my_study"),
        reverse("study:topic_detail", args=[study.topic.pk]),
        reverse("study:item_detail", args=[study.article.pk]),
        reverse("study:item_detail", args=[study.pdf.pk]),
        reverse("study:item_file", args=[study.pdf.pk]),
        reverse("study:note_list"),
        reverse("study:branch_notes"),
    ]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
    sign_in(client, world.officer)
    for url in [
        reverse("study:manage_list"),
        reverse("study:topic_edit", args=[study.topic.pk]),
        reverse("study:stats"),
        reverse("study:topic_stats", args=[study.topic.pk]),
        reverse("study:topic_stats", args=[study.topic.pk]) + f"?org={world.branch_a.pk}",
        reverse("study:topic_stats_export", args=[study.topic.pk]),
        reverse("study-stats-topic-stats", args=[study.topic.pk]),
    ]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
    total, children = selectors.topic_org_rates(world.officer, study.topic, world.committee)
    print(total, children)
