"""Demo content of 书记信箱 and 随手拍: letters and cases in several states for zhibu1's and zhibu2's branches
and one letter to the root committee (read by jijian1, the discipline officer granted there).

Runs after ``seed_demo`` has created the organisations and demo accounts; deterministic from the seed; all
writes go through ``mailbox.services`` (anonymous letters exactly as a writer would send them). One receipt is
printed in the summary so that the demo can show the writer's side; every other receipt is discarded, as it
would be after being shown once.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from dangjian.access.models import Grant
from dangjian.accounts.models import User
from dangjian.mailbox import services
from dangjian.mailbox.models import CaseStatus, Letter, LetterMessage, SnapshotReport
from dangjian.orgs.models import Org

LETTERS = [
    (
        "反映班组长代打卡问题",
        "我们班组长经常让徒弟帮他打卡，自己上班时间在外面跑车，大家意见很大，请组织核实。",
    ),
    ("建议优化报销审批流程", "现在出差报销要五个人签字，来回跑好几天，建议在系统里一次流转完成，提高效率。"),
    ("家中困难求助", "我爱人今年查出重病住院，医药费负担很重，孩子还在上学，恳请组织给予帮助。"),
    ("支部学习走过场", "支部的党课就是念一遍文件，大家都在看手机，建议结合生产实际组织讨论。"),
    ("举报采购中的回扣问题", "听说今年劳保用品采购价格明显偏高，经办人和供货商是亲戚关系，请纪检部门核查。"),
    ("厂区停车难", "厂区东门附近停车位太少，下班时间堵车严重，建议规划新的停车场。"),
]
REPLIES = [
    "来信收悉。支部已安排专人核实，核实结果将在本页答复。",
    "感谢您的建议，已转财务部门研究，下月起试行线上审批。",
    "支部已向工会反映您家的情况，工会将上门走访并办理困难补助。",
]
CASES = [
    ("三号仓库消防通道被货物堵塞", "三号仓库东侧"),
    ("办公楼下班后多个房间灯未关", "综合楼四层"),
    ("车间安全警示牌破损", "机加工车间入口"),
]


def _image(rng: random.Random, text_seed: int) -> SimpleUploadedFile:
    img = Image.new("RGB", (640, 480), (rng.randint(80, 200), rng.randint(80, 200), rng.randint(80, 200)))
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x, y = rng.randint(0, 560), rng.randint(0, 400)
        draw.rectangle([x, y, x + rng.randint(30, 80), y + rng.randint(30, 80)], fill=(40, 40, 40))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return SimpleUploadedFile(f"demo-{text_seed}.jpg", buf.getvalue(), content_type="image/jpeg")


def _branch_of(username: str) -> tuple[User, Org] | None:
    grant = (
        Grant.objects.filter(user__username=username, role="branch_secretary")
        .select_related("org", "user")
        .first()
    )
    return (grant.user, grant.org) if grant is not None and grant.org is not None else None


def _backdate(letter: Letter, days: int) -> None:
    day = timezone.localdate() - dt.timedelta(days=days)
    Letter.objects.filter(pk=letter.pk).update(received_on=day)
    LetterMessage.objects.filter(letter=letter, author_kind="writer", seq=1).update(created_on=day)


def _letters(rng: random.Random, secretary: User, branch: Org, count: int) -> tuple[int, str]:
    today = timezone.localdate()
    receipt = ""
    for i, (subject, body) in enumerate(LETTERS[:count]):
        letter, code = services.letter_submit(
            writer=None, org=branch, subject=subject, body=body, anonymous=i != 1, signed_name="王建国"
        )
        _backdate(letter, 25 - i * 4)
        if i == 0:
            receipt = code
            services.letter_open(actor=secretary, letter=letter)
            services.letter_assign(actor=secretary, letter=letter, assignee=secretary)
            Letter.objects.filter(pk=letter.pk).update(due_on=today - dt.timedelta(days=3))  # overdue
            services.letter_reply(actor=secretary, letter=letter, body=REPLIES[0])
        elif i in (1, 2):
            services.letter_open(actor=secretary, letter=letter)
            services.letter_reply(actor=secretary, letter=letter, body=REPLIES[i])
            services.letter_close(actor=secretary, letter=letter)
        elif i == 3:
            services.letter_open(actor=secretary, letter=letter)
            services.letter_set_due(
                actor=secretary, letter=letter, due_on=today + dt.timedelta(days=rng.randint(3, 9))
            )
        # the rest stay unread
    return count, receipt


def _cases(rng: random.Random, secretary: User, branch: Org) -> int:
    today = timezone.localdate()
    targets = [CaseStatus.SUBMITTED, CaseStatus.RECTIFYING, CaseStatus.CLOSED]
    path = [
        CaseStatus.ACCEPTED,
        CaseStatus.ASSIGNED,
        CaseStatus.RECTIFYING,
        CaseStatus.REVIEWING,
        CaseStatus.CLOSED,
    ]
    for i, ((text, place), target) in enumerate(zip(CASES, targets, strict=True)):
        report, _ = services.snapshot_submit(
            reporter=None,
            org=branch,
            description=text,
            location=place,
            anonymous=True,
            uploads=[_image(rng, i)],
        )
        SnapshotReport.objects.filter(pk=report.pk).update(received_on=today - dt.timedelta(days=12 - i * 3))
        if target == CaseStatus.SUBMITTED:
            continue
        for step in path:
            services.snapshot_advance(
                actor=secretary,
                report=report,
                to=step,
                assignee=secretary if step == CaseStatus.ASSIGNED else None,
                due_on=today + dt.timedelta(days=7) if step == CaseStatus.ASSIGNED else None,
                note={"rectifying": "已安排班组整改", "closed": "复核合格，予以销号"}.get(step, ""),
            )
            if step == target:
                break
    return len(CASES)


def seed(*, seed: int) -> str:
    """Letters and 随手拍 cases for the demo branches; returns one summary line (with one demo receipt)."""
    rng = random.Random(seed * 7919 + 5)
    first = _branch_of("zhibu1")
    if first is None:
        return "书记信箱：未找到演示账号 zhibu1，跳过"
    secretary, branch = first
    if Letter.objects.filter(org=branch).exists():
        return "书记信箱：已有演示来信，跳过"
    with transaction.atomic():
        services.classifier_train()
        letters, receipt = _letters(rng, secretary, branch, len(LETTERS))
        cases = _cases(rng, secretary, branch)
        second = _branch_of("zhibu2")
        if second is not None:
            letters += _letters(rng, second[0], second[1], 3)[0]
        jijian = Grant.objects.filter(user__username="jijian1").select_related("org").first()
        if jijian is not None and jijian.org is not None:
            services.letter_submit(
                writer=None,
                org=jijian.org,
                subject="反映项目经理让施工方报销个人费用",
                body="某项目经理多次让施工方报销其个人的餐费和加油费，相关单据在项目部，请纪委核查。",
                anonymous=True,
            )
            letters += 1
    code = services.receipt_format(receipt)
    return f"书记信箱：来信 {letters} 封、随手拍 {cases} 件；演示回执码 {code}（{branch.label}）"
