"""Demo content of 党建新鲜事: two feeds configured against an internal mirror (never fetched in the demo: the
next scheduled fetch is a day away) with twenty items already fetched, and eleven branch posts in every state,
several with photos drawn here with Pillow and stored through the upload pipeline; one of zhibu2's posts waits
for erji1's review. Deterministic from the seed; no network.
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
from dangjian.news import feeds, services
from dangjian.news.models import Feed, FeedItem, Post
from dangjian.orgs.models import Org
from dangjian.orgs.rules import BRANCH_KINDS

MIRROR = "http://mirror.intranet.example"
FEEDS = [
    ("新华社时政要闻（内网镜像）", f"{MIRROR}/xinhua/politics/rss.xml", "新华社"),
    ("求是网理论学习（内网镜像）", f"{MIRROR}/qstheory/atom.xml", "求是网"),
]
ITEMS = [
    (
        "中共中央政治局召开会议 研究部署全面从严治党工作",
        "会议强调，要以党的政治建设为统领，持之以恒正风肃纪反腐。",
    ),
    (
        "习近平在中央党校（国家行政学院）中青年干部培训班开班式上发表重要讲话",
        "强调年轻干部要筑牢理想信念根基。",
    ),
    ("中共中央办公厅印发《关于加强基层党组织建设的意见》", "意见对新时代基层党组织建设作出系统部署。"),
    ("国务院国资委党委召开中央企业党建工作会议", "会议总结中央企业党建工作，部署重点任务。"),
    (
        "全国组织部长会议在京召开",
        "会议强调，要坚持新时代党的组织路线，建设堪当民族复兴重任的高素质干部队伍。",
    ),
    ("深入学习贯彻党的二十届四中全会精神", "各地区各部门认真组织学习，推动全会精神落地见效。"),
    ("中央纪委国家监委通报多起违反中央八项规定精神问题", "通报指出，要驰而不息纠治“四风”。"),
    ("《中国共产党党员教育管理工作条例》实施情况综述", "各级党组织把党员教育管理作为基础性经常性工作。"),
    ("弘扬伟大建党精神 奋进新时代新征程", "伟大建党精神是中国共产党的精神之源。"),
    ("以高质量党建引领国有企业高质量发展", "把党的领导融入公司治理各环节，发挥把方向、管大局、保落实作用。"),
    ("坚持和加强党的全面领导", "党政军民学，东西南北中，党是领导一切的。"),
    ("在学思践悟中坚定理想信念", "理想信念是共产党人精神上的“钙”。"),
    ("推动党建工作与生产经营深度融合", "把党的政治优势、组织优势转化为企业的竞争优势和发展优势。"),
    ("全面加强党的纪律建设", "纪律是党的生命，要把纪律挺在前面。"),
    ("扎实推进党纪学习教育常态化长效化", "引导党员干部学纪、知纪、明纪、守纪。"),
    ("发挥基层党组织战斗堡垒作用和党员先锋模范作用", "在急难险重任务中党旗高高飘扬。"),
    ("中央企业开展“党员先锋岗”创建活动综述", "一个党员一面旗帜，一个支部一座堡垒。"),
    ("加强新时代廉洁文化建设", "让廉洁自律成为党员干部的思想自觉和行动自觉。"),
    ("做好新时代党员发展工作", "坚持把政治标准放在首位，严格程序、严肃纪律。"),
    ("以钉钉子精神抓好各项工作落实", "一分部署，九分落实。"),
]
POSTS = [
    # (who writes, which org, reviewer, final state, title, body, photos, days ago)
    (
        "zhibu1",
        "zhibu1",
        "erji1",
        "published",
        "第一党支部开展“重温入党誓词”主题党日活动",
        "3月5日，第一党支部组织全体党员来到市革命烈士纪念馆，开展“重温入党誓词”主题党日活动。\n\n"
        "在鲜红的党旗下，支部书记带领全体党员庄严宣誓。随后大家参观了革命历史展览，深切缅怀革命先烈。\n\n"
        "党员们纷纷表示，要把革命先辈的精神转化为干事创业的动力，立足岗位作贡献。",
        2,
        3,
    ),
    (
        "zhibu2",
        "zhibu2",
        "erji1",
        "published",
        "第二党支部党员志愿服务队走进社区开展安全用电宣传",
        "学雷锋纪念日当天，第二党支部党员志愿服务队走进幸福里社区，为居民讲解安全用电常识，"
        "免费检修家用电器二十余件。\n\n活动受到社区居民好评，展现了新时代共产党员的良好形象。",
        1,
        5,
    ),
    (
        "zhibu1",
        "zhibu1",
        "erji1",
        "published",
        "第一党支部召开党纪学习教育专题组织生活会",
        "支部委员会严格按照要求召开专题组织生活会，会前广泛征求意见，深入开展谈心谈话。\n\n"
        "会上，支部班子成员逐一对照检查，党员之间开展了严肃认真的批评和自我批评。",
        0,
        9,
    ),
    (
        "erji1",
        "branch3",
        "jituan",
        "published",
        "党员攻关小组完成关键设备技术改造",
        "由七名党员组成的技术攻关小组连续奋战四十天，完成关键设备技术改造，设备效率提升15%。\n\n"
        "支部把“党员先锋岗”设在生产一线，让党旗在攻坚克难中高高飘扬。",
        1,
        12,
    ),
    (
        "erji1",
        "branch4",
        "jituan",
        "published",
        "离退休党支部开展“银发生辉”红色故事分享会",
        "离退休党支部组织老党员开展红色故事分享会，老同志们讲述了企业创业初期的奋斗故事。\n\n"
        "青年职工代表受邀参加，表示要传承老一辈的优良作风。",
        1,
        15,
    ),
    (
        "erji1",
        "branch5",
        "jituan",
        "published",
        "项目部临时党支部在施工一线开展安全生产承诺践诺",
        "项目部临时党支部组织全体党员在施工现场签订安全生产承诺书，设立党员安全责任区六个。",
        0,
        18,
    ),
    (
        "erji1",
        "erji",
        "jituan",
        "published",
        "二级党委召开党建工作推进会",
        "会议通报了一季度各党支部标准化规范化建设情况，部署了下一阶段重点任务。\n\n"
        "会议要求，各党支部要对照问题清单逐项整改，确保各项工作落到实处。",
        0,
        21,
    ),
    (
        "zhibu1",
        "zhibu1",
        "erji1",
        "published",
        "第一党支部与地方社区党组织开展联学共建",
        "第一党支部与所在社区党委签订联学共建协议，双方将在理论学习、志愿服务等方面开展合作。",
        1,
        25,
    ),
    (
        "zhibu2",
        "zhibu2",
        "",
        "pending",
        "第二党支部开展“书记讲党课”活动",
        "支部书记以“以高质量党建引领企业高质量发展”为题，为全体党员讲授专题党课。\n\n"
        "党课紧密结合企业实际，引导党员在提质增效中发挥先锋模范作用。",
        1,
        1,
    ),
    (
        "zhibu1",
        "zhibu1",
        "erji1",
        "returned",
        "第一党支部开展植树活动",
        "支部组织党员到厂区周边开展义务植树活动。",
        0,
        4,
    ),
    (
        "dangwu1",
        "zhibu1",
        "",
        "draft",
        "第一党支部召开支部委员会会议",
        "支部委员会研究了本月主题党日安排和入党积极分子培养考察情况。",
        0,
        0,
    ),
]
PALETTES = [
    ((176, 210, 245), (200, 22, 29)),
    ((255, 236, 200), (190, 30, 45)),
    ((210, 235, 215), (180, 20, 30)),
]


def _photo(rng: random.Random, name: str) -> SimpleUploadedFile:
    """A small picture of a gathering under a red banner (drawn, not photographed)."""
    sky, red = rng.choice(PALETTES)
    img = Image.new("RGB", (640, 400), sky)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 260, 640, 400), fill=(120, 140, 120))
    draw.rectangle((60, 40, 580, 110), fill=red)
    draw.rectangle((70, 50, 570, 100), outline=(255, 215, 0), width=3)
    for i in range(rng.randint(8, 14)):
        x = 40 + i * 42 + rng.randint(-6, 6)
        y = 230 + rng.randint(-10, 10)
        tone = rng.choice([(40, 40, 60), (30, 50, 90), (80, 30, 30), (60, 60, 60)])
        draw.ellipse((x, y, x + 22, y + 22), fill=(230, 190, 160))
        draw.rectangle((x - 4, y + 22, x + 26, y + 90), fill=tone)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def _grant_org(username: str) -> Org | None:
    grant = Grant.objects.select_related("org").filter(user__username=username, org__isnull=False).first()
    return grant.org if grant is not None else None


def seed(*, seed: int) -> str:
    rng = random.Random(seed * 7919 + 4)
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        feed_count = _seed_feeds(rng, now)
        post_count = _seed_posts(rng, now)
    return f"党建新鲜事：资讯源 {len(FEEDS)} 个、权威资讯 {feed_count} 条、基层动态 {post_count} 条"


def _seed_feeds(rng: random.Random, now: dt.datetime) -> int:
    made = []
    for name, url, _ in FEEDS:
        made.append(
            Feed.objects.create(
                name=name,
                url=url,
                interval_minutes=24 * 60,  # the demo never reaches the (imaginary) mirror before tomorrow
                enabled=True,
                last_fetched_at=now - dt.timedelta(minutes=20),
                last_success_at=now - dt.timedelta(minutes=20),
            )
        )
    items = []
    for n, (title, summary) in enumerate(ITEMS):
        feed = made[n % len(made)]
        author = FEEDS[n % len(made)][2]
        published = now - dt.timedelta(days=n, hours=rng.randint(1, 9), minutes=rng.randint(0, 59))
        link = f"{feed.url.rsplit('/', 1)[0]}/2026/{n + 1:04d}.html"
        items.append(
            FeedItem(
                feed=feed,
                dedup_key=feeds.dedup_key("", link, ""),
                link=link,
                title=title,
                summary=summary,
                author=author,
                content_hash=feeds.content_hash(title, summary, published),
                published_at=published,
                fetched_at=min(now, published + dt.timedelta(minutes=rng.randint(3, 60))),
            )
        )
    FeedItem.objects.bulk_create(items)
    for feed in made:
        Feed.objects.filter(pk=feed.pk).update(last_added=sum(1 for i in items if i.feed_id == feed.pk))
    return len(items)


def _orgs() -> dict[str, Org]:
    """zhibu1's and zhibu2's branches, erji1's committee and three other branches under it."""
    erji = _grant_org("erji1")
    zhibu1, zhibu2 = _grant_org("zhibu1"), _grant_org("zhibu2")
    if erji is None or zhibu1 is None or zhibu2 is None:
        return {}
    others = [
        o
        for o in Org.objects.filter(
            path__startswith=erji.path, kind__in=BRANCH_KINDS, is_active=True
        ).order_by("path")
        if o.pk not in (zhibu1.pk, zhibu2.pk)
    ]
    orgs = {"erji": erji, "zhibu1": zhibu1, "zhibu2": zhibu2}
    for n in range(3):  # a small demo enterprise may have fewer branches under erji1's committee
        orgs[f"branch{n + 3}"] = others[n] if n < len(others) else (zhibu1, zhibu2)[n % 2]
    return orgs


def _seed_posts(rng: random.Random, now: dt.datetime) -> int:
    orgs = _orgs()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["zhibu1", "zhibu2", "erji1", "jituan", "dangwu1"])
    }
    count = 0
    for author, org_key, reviewer, state, title, body, photos, days in POSTS:
        org = orgs.get(org_key)
        if org is None or author not in users:
            continue
        happened = (now - dt.timedelta(days=days + 1)).date()
        post = services.post_create(
            actor=users[author],
            org=org,
            title=title,
            body=body,
            happened_on=happened,
            photos=[_photo(rng, f"活动照片{i + 1}.jpg") for i in range(photos)],
        )
        count += 1
        if state == "draft":
            continue
        services.post_submit(actor=users[author], post=post)
        if state == "published":
            services.post_approve(actor=users[reviewer], post=post)
            at = now - dt.timedelta(days=days, hours=rng.randint(1, 6))
            Post.objects.filter(pk=post.pk).update(
                published_at=at, reviewed_at=at, submitted_at=at - dt.timedelta(hours=5)
            )
        elif state == "returned":
            services.post_return(actor=users[reviewer], post=post, reason="请补充活动照片，并写明参加人数。")
    return count
