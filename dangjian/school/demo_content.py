"""Demo content of 网络党校: four courses offered by the enterprise's party committee, assigned and joined,
with progress in zhibu1's branch and one completed course (with 学时 and certificate) for dangyuan1.

Runs after ``seed_demo`` has created the organisations, members and demo accounts; deterministic from the
seed; no network. Everything is written through ``school.services``.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from dangjian.access.models import Grant
from dangjian.accounts.models import User
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.school import services
from dangjian.school.models import Course, Enrolment, EnrolmentSource
from dangjian.school.testing import study


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


COURSES: list[dict] = [  # type: ignore[type-arg]
    {
        "title": "新党员入党第一课",
        "kind": "required",
        "hours": "3",
        "description": "面向新发展党员和预备党员的入门课程：党的性质宗旨、入党誓词、党员的义务和权利。",
        "chapters": [
            (
                "第一章 党的性质和宗旨",
                [
                    (
                        "中国共产党的性质",
                        _p(
                            "中国共产党是中国工人阶级的先锋队，同时是中国人民和中华民族的先锋队，是中国特色社会主义事业的领导核心，"
                            "代表中国先进生产力的发展要求，代表中国先进文化的前进方向，代表中国最广大人民的根本利益。",
                            "党的最高理想和最终目标是实现共产主义。理解党的性质，是每一名新党员正确认识自己身份的第一步。",
                            "学习提示：结合本单位实际，想一想“先锋队”在日常工作中体现为哪些具体行动。",
                        ),
                    ),
                    (
                        "全心全意为人民服务",
                        _p(
                            "全心全意为人民服务是党的根本宗旨。党除了工人阶级和最广大人民群众的利益，没有自己特殊的利益。",
                            "党员要牢固树立群众观点，坚持从群众中来、到群众中去，在本职岗位上急群众之所急、想群众之所想。",
                            "请结合岗位职责，梳理一件自己可以为职工群众办好的实事，在支部组织生活会上交流。",
                        ),
                    ),
                ],
            ),
            (
                "第二章 入党誓词",
                [
                    (
                        "入党誓词的内涵",
                        _p(
                            "入党誓词是党员对党的庄严承诺：我志愿加入中国共产党，拥护党的纲领，遵守党的章程，履行党员义务，"
                            "执行党的决定，严守党的纪律，保守党的秘密，对党忠诚，积极工作，为共产主义奋斗终身，"
                            "随时准备为党和人民牺牲一切，永不叛党。",
                            "誓词共八十个字，每一句都对应着党章中的具体要求。新党员应当逐句理解、终身践行。",
                        ),
                    ),
                ],
            ),
            (
                "第三章 党员的义务和权利",
                [
                    (
                        "党员的八项义务",
                        "<h3>党章规定的党员义务</h3><ol>"
                        "<li>认真学习马克思列宁主义、毛泽东思想、邓小平理论和党的基本知识，努力提高为人民服务的本领。</li>"
                        "<li>贯彻执行党的基本路线和各项方针、政策，带头参加改革开放和社会主义现代化建设。</li>"
                        "<li>坚持党和人民的利益高于一切，个人利益服从党和人民的利益。</li>"
                        "<li>自觉遵守党的纪律，首先是党的政治纪律和政治规矩，模范遵守国家的法律法规。</li>"
                        "<li>维护党的团结和统一，对党忠诚老实，言行一致。</li>"
                        "<li>切实开展批评和自我批评，勇于揭露和纠正违反党的原则的言行和工作中的缺点、错误。</li>"
                        "<li>密切联系群众，向群众宣传党的主张，遇事同群众商量。</li>"
                        "<li>发扬社会主义新风尚，带头践行社会主义核心价值观。</li></ol>",
                    ),
                    ("党员的权利（文档）", None),
                ],
            ),
        ],
    },
    {
        "title": "党章专题学习",
        "kind": "elective",
        "hours": "4",
        "description": "逐章学习党章，理解党的组织制度、组织原则和纪律要求。",
        "chapters": [
            (
                "第一讲 总纲要义",
                [
                    (
                        "党章是党的根本大法",
                        _p(
                            "党章是党的根本大法，是立党治党管党的总章程。学习党章、遵守党章、贯彻党章、维护党章，"
                            "是全党同志的应尽义务和庄严责任。",
                            "总纲部分阐明了党的性质、指导思想、奋斗目标、基本路线和党的建设的基本要求。",
                        ),
                    ),
                ],
            ),
            (
                "第二讲 党的组织制度",
                [
                    (
                        "民主集中制",
                        _p(
                            "党是根据自己的纲领和章程，按照民主集中制组织起来的统一整体。民主集中制是民主基础上的集中和集中指导下的民主相结合。",
                            "党员个人服从党的组织，少数服从多数，下级组织服从上级组织，全党各个组织和全体党员服从党的全国代表大会和中央委员会。",
                        ),
                    ),
                    (
                        "党的基层组织",
                        _p(
                            "企业、农村、机关、学校、科研院所、街道社区、社会组织等基层单位，凡是有正式党员三人以上的，都应当成立党的基层组织。",
                            "党支部是党的基础组织，担负直接教育党员、管理党员、监督党员和组织群众、宣传群众、凝聚群众、服务群众的职责。",
                        ),
                    ),
                ],
            ),
            (
                "第三讲 党的纪律",
                [
                    (
                        "六项纪律",
                        _p(
                            "党的纪律主要包括政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律。",
                            "严明党的纪律，首要的是严明政治纪律。党员要把守纪律讲规矩摆在更加突出的位置。",
                        ),
                    ),
                ],
            ),
        ],
    },
    {
        "title": "党支部书记履职能力培训",
        "kind": "required",
        "hours": "6",
        "description": "面向党支部书记：支部工作条例要点、“三会一课”组织实施、党员发展和日常管理。",
        "chapters": [
            (
                "模块一 支部工作条例要点",
                [
                    (
                        "党支部的基本任务",
                        _p(
                            "党支部要宣传和贯彻落实党的理论和路线方针政策，组织党员认真学习，做好党员教育、管理、监督和服务，"
                            "密切联系群众，监督党员干部和其他任何工作人员严格遵守国家法律法规。",
                            "书记是支部工作的第一责任人，要把抓好党建作为最大的政绩。",
                        ),
                    ),
                ],
            ),
            (
                "模块二 “三会一课”",
                [
                    (
                        "如何开好支部委员会和党员大会",
                        _p(
                            "支部党员大会一般每季度召开一次，支部委员会一般每月召开一次，党小组会一般每月召开一次，党课一般每季度至少一次。",
                            "会前要确定议题、提前通知；会中要充分讨论、按规定表决；会后要及时形成记录并抓好落实。",
                        ),
                    ),
                    (
                        "讲好一堂党课",
                        _p(
                            "党课要选题精准、联系实际，书记每年至少为党员讲一次党课。",
                            "可以采取专题辅导、现场教学、微党课等形式，增强吸引力和感染力。",
                        ),
                    ),
                ],
            ),
            (
                "模块三 党员发展与管理",
                [
                    (
                        "发展党员工作流程",
                        _p(
                            "发展党员要经过入党申请、入党积极分子的确定和培养教育、发展对象的确定和考察、预备党员的接收、"
                            "预备党员的教育考察和转正五个阶段、二十五个步骤。",
                            "每个环节都要严格程序、严肃纪律，确保发展党员质量。",
                        ),
                    ),
                ],
            ),
        ],
    },
    {
        "title": "党员发展工作规范",
        "kind": "elective",
        "hours": "2",
        "description": "党务工作者必修的业务知识：入党申请、积极分子培养、发展对象考察的规范和常见问题。",
        "chapters": [
            (
                "第一节 入党申请与积极分子",
                [
                    (
                        "入党申请的受理",
                        _p(
                            "年满十八岁的中国工人、农民、军人、知识分子和其他社会阶层的先进分子，可以向工作、学习所在单位的党组织提出入党申请。",
                            "党组织收到入党申请书后，应当在一个月内派人同入党申请人谈话，了解基本情况。",
                        ),
                    ),
                ],
            ),
            (
                "第二节 发展对象的考察",
                [
                    (
                        "政治审查和集中培训",
                        _p(
                            "对发展对象进行政治审查，形成结论性材料；发展对象一般应当经过集中培训，时间不少于三天或不少于二十四个学时。",
                            "未经政治审查或政治审查不合格的，不能发展入党。",
                        ),
                    ),
                ],
            ),
        ],
    },
]

RIGHTS_DOCX = [
    ("党员享有的权利", 1),
    ("参加党的有关会议，阅读党的有关文件，接受党的教育和培训。", 0),
    ("在党的会议上和党报党刊上，参加关于党的政策问题的讨论。", 0),
    ("对党的工作提出建议和倡议。", 0),
    (
        "在党的会议上有根据地批评党的任何组织和任何党员，向党负责地揭发、检举党的任何组织和任何党员违法乱纪的事实。",
        0,
    ),
    ("行使表决权、选举权，有被选举权。", 0),
    ("在党组织讨论决定对党员的党纪处分或作出鉴定时，本人有权参加和进行申辩，其他党员可以为他作证和辩护。", 0),
]


def _rights_docx() -> SimpleUploadedFile:
    import docx

    document = docx.Document()
    for text, level in RIGHTS_DOCX:
        if level:
            document.add_heading(text, level=level)
        else:
            document.add_paragraph(text, style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile("党员的权利.docx", buffer.getvalue())


def seed(*, seed: int) -> str:
    rng = random.Random(seed * 7 + 3)
    actor = User.objects.filter(username="jituan").first()
    root = Org.objects.filter(depth=1).order_by("path").first()
    if actor is None or root is None:
        return "网络党校：未找到演示账号，跳过"
    today = timezone.localdate()
    with transaction.atomic():
        courses: list[Course] = []
        for spec in COURSES:
            course = services.course_create(
                actor=actor,
                org=root,
                title=spec["title"],
                description=spec["description"],
                hours=Decimal(spec["hours"]),
                kind=spec["kind"],
                opens_on=today - dt.timedelta(days=30),
                closes_on=today + dt.timedelta(days=150),
            )
            for title, lessons in spec["chapters"]:
                chapter = services.chapter_create(actor=actor, course=course, title=title)
                for lesson_title, body in lessons:
                    if body is None:
                        services.lesson_create(
                            actor=actor,
                            chapter=chapter,
                            title=lesson_title,
                            kind="document",
                            upload=_rights_docx(),
                        )
                    else:
                        services.lesson_create(
                            actor=actor,
                            chapter=chapter,
                            title=lesson_title,
                            kind="article",
                            body=body,
                            minutes=rng.choice([3, 4, 5]),
                        )
            services.course_publish(actor=actor, course=course)
            courses.append(course)
        first, charter, secretary_course, _ = courses
        services.course_assign(actor=actor, course=first, org=root, due_on=today + dt.timedelta(days=45))
        secretaries = Member.objects.filter(
            user__in=Grant.objects.filter(role="branch_secretary").values("user"), exit_kind=""
        ).select_related("org")
        for m in secretaries:
            services.course_assign(
                actor=actor, course=secretary_course, member=m, due_on=today + dt.timedelta(days=20)
            )
        branch = Grant.objects.filter(user__username="zhibu1", role="branch_secretary").values_list(
            "org", flat=True
        )
        members = list(
            Member.objects.filter(org__in=branch, exit_kind="").select_related("org").order_by("pk")
        )
        first_lessons = list(first.lessons.order_by("chapter__position", "position"))
        studied = 0
        for m in members:
            if m.user is not None and m.user.username == "dangyuan1":
                continue
            if rng.random() < 0.7:
                enrolment = Enrolment.objects.create(
                    course=first,
                    member=m,
                    source=EnrolmentSource.ASSIGNED,
                    due_on=today + dt.timedelta(days=45),
                )
                for lesson in first_lessons[: rng.randint(0, len(first_lessons))]:
                    study(m, lesson, lesson.duration_seconds)
                studied += 1 if enrolment.pk else 0
        dangyuan = Member.objects.filter(user__username="dangyuan1").select_related("user", "org").first()
        if dangyuan is not None and dangyuan.user is not None:
            services.course_enrol(user=dangyuan.user, course=charter)
            for lesson in charter.lessons.all():
                study(dangyuan, lesson, lesson.duration_seconds)
            services.course_enrol(user=dangyuan.user, course=first)
            study(dangyuan, first_lessons[0], first_lessons[0].duration_seconds)
    return f"网络党校：{len(courses)} 门课程，{studied} 名党员在学，dangyuan1 已结业《{charter.title}》"
