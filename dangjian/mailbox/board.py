"""The mailbox's section of the supervision board (监督工作看板): letters by state and category and 随手拍
cases open or closed, per child subtree. Counts only: no letter, writer or text reaches the board."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangjian.access.scope import subtree_q
from dangjian.mailbox.models import CaseStatus, Category, Letter, LetterStatus, SnapshotReport
from dangjian.orgs.models import Org
from dangjian.supervision.selectors import BoardSection, board_section, grouped

OPEN_LETTER = (LetterStatus.NEW, LetterStatus.IN_PROGRESS, LetterStatus.REPLIED)
OPEN_CASE = (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.RECTIFYING,
             CaseStatus.REVIEWING)  # fmt: skip


@board_section
def mailbox_section(user: Any, org: Org, today: dt.date, width: int) -> BoardSection:
    categories = list(Category.objects.order_by("pk").values_list("pk", "name"))
    columns = [
        "来信",
        "未办结",
        "逾期未办结",
        *(f"来信·{name}" for _, name in categories),
        "随手拍",
        "未销号",
    ]
    position = {pk: 3 + i for i, (pk, _) in enumerate(categories)}
    by_path: dict[str, list[int]] = {}

    def row(prefix: str) -> list[int]:
        return by_path.setdefault(prefix, [0] * len(columns))

    letters = Letter.objects.filter(subtree_q("org__path", org.path))
    for g in grouped(letters, "org__path", width, "status", "category_id", "due_on"):
        figures = row(g["prefix"])
        figures[0] += g["n"]
        if g["status"] in OPEN_LETTER:
            figures[1] += g["n"]
            if g["due_on"] is not None and g["due_on"] < today:
                figures[2] += g["n"]
        if g["category_id"] in position:
            figures[position[g["category_id"]]] += g["n"]
    cases = SnapshotReport.objects.filter(subtree_q("org__path", org.path))
    for g in grouped(cases, "org__path", width, "status"):
        figures = row(g["prefix"])
        figures[-2] += g["n"]
        if g["status"] in OPEN_CASE:
            figures[-1] += g["n"]
    totals = [sum(values[i] for values in by_path.values()) for i in range(len(columns))]
    return BoardSection(
        code="mailbox", title="书记信箱与随手拍", columns=columns, totals=totals, by_path=by_path
    )
