"""Demo content of 学习专题: six topics published by the enterprise's party committee (articles written for
the demo, a Word document converted for reading and a PDF), assigned to the whole enterprise, with study
progress in zhibu1's branch (driven through the study-time heartbeat, as real study would be) and a few
shared notes with likes and comments.

Runs after ``seed_demo`` has created the organisations, members and demo accounts; deterministic from the
seed; no network. Everything is written through the services.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.access.models import Grant
from dangjian.accounts.models import User
from dangjian.members.models import Member
from dangjian.study import services
from dangjian.study.models import Topic, TopicItem
from dangjian.studytime import services as studytime


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


TOPICS: list[tuple[str, str, bool, list[tuple[str, str]]]] = [
    (
        "学习贯彻党的二十大精神",
        "系统学习党的二十大报告的主题、主要内容和重大部署，结合企业改革发展实际谈体会、找差距、定措施。",
        True,
        [
            (
                "把握大会主题，坚定前进方向",
                "<h3>一、读原文、悟原理</h3>"
                + _p(
                    "学习大会精神，首先要原原本本读报告，把握贯穿其中的立场观点方法。支部可采取领学、自学、研讨相结合的方式，"
                    "每名党员至少通读一遍报告全文，做好摘抄和批注。",
                    "在学习中要注意把握“为什么”与“怎么办”的统一：既理解重大判断提出的时代背景，也明确落到本岗位上的具体要求。",
                )
                + "<h3>二、联系实际、学以致用</h3>"
                + _p(
                    "各党支部要把学习成果转化为推动安全生产、提质增效、服务职工的实际行动，围绕一到两个具体问题开展调研，"
                    "形成可落实、可检查的工作清单。",
                    "学习结束后，请每名党员撰写一篇学习笔记，分享到本支部，互相启发、共同提高。",
                ),
            ),
            (
                "以高质量发展的实绩检验学习成效",
                _p(
                    "高质量发展是全面建设社会主义现代化国家的首要任务。对企业而言，就是要在质量、效率、动力上持续用力，"
                    "把创新摆在突出位置，把安全作为不可逾越的底线。",
                    "党员要在急难险重任务中当先锋、作表率。各支部可结合“党员责任区”“党员示范岗”等载体，"
                    "把学习成效体现在岗位业绩上。",
                    "思考题：本部门在质量、效率、安全方面各有哪一项最需要改进？作为党员，我能带头做些什么？",
                ),
            ),
        ],
    ),
    (
        "党章党规学习",
        "学习《中国共产党章程》和《中国共产党纪律处分条例》等党内法规，增强党章意识和纪律规矩意识。",
        True,
        [
            (
                "党员的义务和权利",
                _p(
                    "党章规定了党员必须履行的八项义务和享有的八项权利。义务和权利是统一的，党员既要自觉履行义务，"
                    "也要正确行使权利，在党内生活中发扬民主、遵守纪律。",
                    "学习时可对照党章逐条自查：是否按时参加组织生活、按期交纳党费、认真完成党组织分配的任务，"
                    "是否敢于批评和自我批评。",
                    "对自查发现的不足，请在学习笔记中列出整改措施，并在支部组织生活会上说明。",
                ),
            ),
            (
                "严守党的纪律，知敬畏存戒惧",
                _p(
                    "党的纪律是党的各级组织和全体党员必须遵守的行为规则。政治纪律、组织纪律、廉洁纪律、群众纪律、"
                    "工作纪律、生活纪律，是每一名党员都要时刻绷紧的弦。",
                    "要把纪律规矩内化于心、外化于行，在日常工作中守住底线、不越红线，做到明规矩、守规矩、讲规矩。",
                ),
            ),
        ],
    ),
    (
        "廉洁教育专题",
        "以案为鉴、以案促改，筑牢拒腐防变的思想防线。",
        True,
        [
            (
                "廉洁从业，从小事做起",
                _p(
                    "廉洁从业不是一句口号，而是体现在每一次采购、每一笔报销、每一项审批中。小事小节是一面镜子，"
                    "能够反映人品和作风。",
                    "党员要带头执行企业各项廉洁从业规定，不收受可能影响公正执行公务的礼品礼金，"
                    "不利用职务便利为亲友谋取利益，主动报告个人有关事项。",
                    "请结合本岗位的廉洁风险点，写出自己的防控措施。",
                ),
            ),
        ],
    ),
    (
        "安全生产与党员责任",
        "学习安全生产法律法规，发挥党员在安全生产中的示范带头作用。",
        False,
        [
            (
                "人人讲安全，党员当先锋",
                _p(
                    "安全生产是企业的生命线。党员要做安全规程的带头执行者、隐患排查的带头参与者、"
                    "安全文化的带头传播者。",
                    "各支部可设立党员安全监督岗，组织党员开展“查身边隐患、保一方平安”活动，"
                    "对发现的问题建立台账、跟踪整改。",
                ),
            ),
        ],
    ),
    (
        "党史学习教育",
        "学史明理、学史增信、学史崇德、学史力行。",
        False,
        [
            (
                "从党的历史中汲取前进力量",
                _p(
                    "党的历史是最生动、最有说服力的教科书。学习党史，要把握党的百年奋斗的主题主线、主流本质，"
                    "树立正确党史观。",
                    "支部可组织参观本地红色教育基地，邀请老党员讲述亲身经历，把党史学习与企业发展史、"
                    "本单位先进人物事迹结合起来。",
                ),
            ),
        ],
    ),
    (
        "新时代党员先锋模范作用",
        "学习身边的优秀共产党员事迹，对标先进、争做表率。",
        False,
        [
            (
                "向身边的榜样学习",
                _p(
                    "榜样就在身边。在技术攻关一线、在抢险救灾现场、在服务群众窗口，都有默默奉献的共产党员。",
                    "请每名党员推荐一位身边的优秀党员，写下他（她）最打动你的一件事，分享到本支部。",
                ),
            ),
        ],
    ),
]

NOTES = [
    "读了报告，对“高质量发展是首要任务”有了更深的理解。我所在班组要在降低返工率上下功夫，我带头把检验关口前移。",
    "对照党章逐条自查，发现自己在批评和自我批评方面做得不够，今后在组织生活会上要敢于直面问题。",
    "廉洁从业从小事做起，这句话很实在。我们采购岗位要把每一次询价比价都做规范、留痕迹。",
    "党员安全监督岗的做法很好，建议我们支部在夜班也设一个岗，重点查交接班环节。",
]
COMMENTS = ["说得很实在，值得学习！", "赞同，我们班组也准备这么做。", "建议把这个做法在支部推广。", "共勉！"]


def _docx() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading("党员学习记录要求（示例）", level=1)
    doc.add_paragraph("为规范党员日常学习，现将学习记录的有关要求说明如下。")
    doc.add_heading("一、学习内容", level=2)
    doc.add_paragraph("以党章党规、党的创新理论和本单位重点工作为主要内容。")
    doc.add_heading("二、记录方式", level=2)
    doc.add_paragraph("党员在平台上完成学习后撰写学习笔记，可选择分享到本支部。")
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [
            ("项目", "频次", "说明"),
            ("集中学习", "每月一次", "由支部组织"),
            ("个人自学", "每周不少于两次", "在线完成"),
        ]
    ):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _pdf() -> bytes:
    """A one-page PDF drawn with ReportLab in the standard CID font STSong-Light (not embedded: PDF viewers
    supply it), so the demo needs no font file."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font = "STSong-Light"
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    lines = [
        "学习辅导提纲（演示）",
        "一、通读报告全文，做好摘抄批注。",
        "二、结合岗位撰写学习笔记。",
        "三、分享到本支部，互学互促。",
    ]
    y = 780
    for i, line in enumerate(lines):
        pdf.setFont(font, 18 if i == 0 else 12)
        pdf.drawString(72, y, line)
        y -= 32 if i == 0 else 22
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def seed(*, seed: int) -> str:
    rng = random.Random(seed + 4)
    if Topic.objects.exists():
        return "学习专题：已有数据，跳过"
    jituan = User.objects.filter(username="jituan").first()
    grant = (
        Grant.objects.select_related("org").filter(user__username="zhibu1", role="branch_secretary").first()
    )
    if jituan is None or grant is None or grant.org is None:
        return "学习专题：未找到演示账号，跳过"
    root = Grant.objects.select_related("org").filter(user=jituan).first()
    if root is None or root.org is None:
        return "学习专题：未找到集团党委，跳过"
    branch = grant.org
    today = timezone.localdate()
    topics = []
    for index, (title, summary, required, entries) in enumerate(TOPICS):
        topic = services.topic_create(actor=jituan, org=root.org, title=title, summary=summary)
        for item_title, body in entries:
            services.item_add_article(actor=jituan, topic=topic, title=item_title, body=body)
        if index == 0:
            pdf = SimpleUploadedFile("学习辅导提纲.pdf", _pdf())
            services.item_add_file(
                actor=jituan, topic=topic, kind="document", title="学习辅导提纲", upload=pdf
            )
        if index == 1:
            word = SimpleUploadedFile("党员学习记录要求.docx", _docx())
            services.item_add_file(
                actor=jituan, topic=topic, kind="document", title="党员学习记录要求", upload=word
            )
        deadline = today + dt.timedelta(days=(30, 14, 21)[index]) if required else None
        services.assignment_add(
            actor=jituan,
            topic=topic,
            org=root.org,
            include_subtree=True,
            required=required,
            deadline=deadline,
        )
        services.topic_publish(actor=jituan, topic=topic)
        topics.append(topic)

    # Study in zhibu1's branch. The demo accounts study through the heartbeat service (15 s apart, earlier
    # today), exactly as the page would; the other members have no accounts, so their progress on the first
    # topic is recorded through the same progress hook with the time they would have been credited.
    members = list(Member.objects.active().filter(org__path__startswith=branch.path).order_by("pk")[:40])
    accounts = [m.user for m in members if m.user_id is not None]
    articles = list(TopicItem.objects.filter(topic=topics[0], kind="article").order_by("position"))
    start = timezone.now().replace(hour=8, minute=0, second=0, microsecond=0)
    studied = 0
    for n, member in enumerate(members):
        if rng.random() < 0.3:
            continue
        reading = articles[: rng.choice((1, 2))]
        for a, article in enumerate(reading):
            if member.user is not None:
                now = start + dt.timedelta(minutes=n * 5 + a * 2)
                for beat in range(4):
                    at = now + dt.timedelta(seconds=15 * beat)
                    studytime.study_heartbeat(
                        user=member.user, content_key=article.content_key, state="visible", now=at
                    )
            else:
                services.item_progress_record(member=member, item=article, seconds_total=rng.randint(40, 600))
        studied += 1

    notes = 0
    writers = accounts[:2]
    for i, user in enumerate(writers):
        note = services.note_create(
            actor=user, content_key=articles[0].content_key, body=NOTES[i], shared=True
        )
        notes += 1
        for other in accounts:
            if other != user:
                services.note_like_toggle(actor=other, note=note)
                services.note_comment_add(actor=other, note=note, body=COMMENTS[(i + notes) % len(COMMENTS)])
    return f"学习专题：{len(topics)} 个专题，{studied} 名党员已参学，{notes} 篇支部笔记"
