"""The mailbox's section of the supervision board: counts per child subtree, nothing else."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from dangjian.mailbox import services
from dangjian.mailbox.models import Letter
from dangjian.supervision import selectors


def test_the_board_counts_letters_by_state_and_category_per_child_subtree(world: Any) -> None:
    today = timezone.localdate()
    for subject in ("食堂浪费问题", "加班补助", "建议增加党课"):
        services.letter_submit(
            writer=None, org=world.branch_a, subject=subject, body="具体情况如下。", anonymous=True
        )
    services.letter_submit(writer=None, org=world.branch_b, subject="活动室", body="请开放。", anonymous=True)
    services.letter_submit(
        writer=None, org=world.branch_c, subject="外单位", body="不在范围。", anonymous=True
    )
    late = Letter.objects.filter(org=world.branch_a).order_by("received_on", "subject").first()
    Letter.objects.filter(pk=late.pk).update(due_on=today - dt.timedelta(days=1))

    board = selectors.board(user=world.officer, org=world.committee, today=today)
    section = next(s for s in board.sections if s.code == "mailbox")
    column = section.columns.index
    assert section.totals[column("来信")] == 4  # branch_c lies outside the committee
    assert section.totals[column("未办结")] == 4 and section.totals[column("逾期未办结")] == 1
    assert sum(section.totals[3:-2]) == 4  # every letter was filed under one category on arrival
    assert section.by_path[world.branch_a.path][column("来信")] == 3
    assert section.by_path[world.branch_b.path][column("来信")] == 1
    row_a = next(r for r in board.children if r.path == world.branch_a.path)
    assert row_a.extra[: len(section.columns)][column("逾期未办结")] == 1
