"""The plan of the demo enterprise: the tree, branch sizes and the people holding positions, drawn before
anything is written."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from dangjian.access.roles import Role
from dangjian.core import idcard
from dangjian.members.demo.data import (
    ALL_REGIONS,
    BUSINESSES,
    CATEGORIES,
    COMPOUNDS,
    CURATED_SUBSIDIARIES,
    EDUCATION,
    ETHNICITY_NATIONAL,
    FIELD_BUSINESSES,
    GIVEN,
    GROUP_COMPANY,
    GROUP_PREFIX,
    JOBS,
    MEMBERS_PER_BRANCH,
    PHONE_PREFIXES,
    PROVINCES,
    STREETS,
    SURNAMES,
    Business,
    Province,
    cn_number,
    credit_code,
)
from dangjian.orgs.models import Org, OrgKind, PositionTitle, UnitSituation
from dangjian.orgs.rules import BRANCH_KINDS, COMMITTEE_THRESHOLD, add_years


@dataclass(frozen=True)
class Unit:
    """The workplace (单位) an organisation is set up in."""

    name: str
    category: str
    credit_code: str
    province: Province
    business: Business


@dataclass(eq=False)
class Slot:
    """A member fixed in advance: holds positions, is a contact, or is linked to a demo account."""

    person: dict[str, Any]
    posts: list[tuple[OrgPlan, str]] = field(default_factory=list)  # (organisation, PositionTitle)
    username: str = ""
    job_title: str = ""


@dataclass(eq=False)
class OrgPlan:
    name: str
    short_name: str
    kind: str
    unit: Unit
    unit_situation: str = UnitSituation.SAME_AS_PARENT
    profile: str = "field"  # branches: office, field or retired
    parent: OrgPlan | None = None
    children: list[OrgPlan] = field(default_factory=list)
    has_committee: bool = False
    elected_on: dt.date | None = None
    founded_on: dt.date | None = None
    contact_name: str = ""
    contact_phone: str = ""
    anchor: bool = False  # first branch of a committee or 党总支: its leaders are members here
    machine: bool = False  # a 机关 branch (kept to an ordinary size)
    pinned_size: int = 0
    size: int = 0
    probationary: int = 0
    groups: list[OrgPlan] = field(default_factory=list)
    slots: dict[int, Slot] = field(default_factory=dict)
    path: str = ""
    obj: Org | None = None

    def add(self, child: OrgPlan) -> OrgPlan:
        child.parent = self
        self.children.append(child)
        return child

    @property
    def is_branch(self) -> bool:
        return self.kind in BRANCH_KINDS

    @property
    def full(self) -> int:
        return self.size - self.probationary

    def walk(self) -> Iterator[OrgPlan]:
        yield self
        for child in self.children:
            yield from child.walk()

    def first_branch(self) -> OrgPlan:
        node = self
        while not node.is_branch:
            node = node.children[0]
        return node


@dataclass
class DemoAccount:
    username: str
    role: str
    org: OrgPlan | None
    full_name: str
    slot: Slot | None = None

    @property
    def where(self) -> str:
        return self.org.short_name if self.org else "全平台"

    @property
    def member_name(self) -> str:
        return self.slot.person["name"] if self.slot else "—（无党员档案）"


USERNAMES = (
    "jituan",
    "erji1",
    "jijian1",
    "zhibu1",
    "zhibu2",
    "dangwu1",
    "dangyuan1",
    "sysadmin",
    "secadmin",
    "auditadmin",
)


def role_label(role: str) -> str:
    return Role(role).label if role else "党员（无授权）"


class Planner:
    """Draws the enterprise. All randomness goes through ``self.rng``."""

    def __init__(self, *, members: int, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.members = members
        self.today = today
        self.branches_wanted = max(10, round(members / MEMBERS_PER_BRANCH))
        self._credit_seq = itertools.count(seed * 7919 % 10**6 * 100 + 1)
        self._id_seq: dict[tuple[str, dt.date, str], list[int]] = {}
        self._surnames = [s for s, _ in SURNAMES]
        self._surname_cum = list(itertools.accumulate(w for _, w in SURNAMES))
        self.branches: list[OrgPlan] = []
        self.accounts: list[DemoAccount] = []

    # -- small draws ------------------------------------------------------------------------------------

    def pick(self, weighted: tuple[tuple[str, float], ...]) -> str:
        r = self.rng.random() * sum(w for _, w in weighted)
        for value, weight in weighted:
            r -= weight
            if r < 0:
                return value
        return weighted[-1][0]

    def days_ago(self, low: int, high: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low, high))

    def mobile_phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def landline(self, province: Province) -> str:
        return f"{province.area_code}-{self.rng.randint(2, 8)}{self.rng.randrange(10**7):07d}"

    def unit(self, name: str, province: Province, business: Business, category: str = "国有控股企业") -> Unit:
        region = self.rng.choice(province.regions)[0]
        return Unit(name, category, credit_code(region, next(self._credit_seq)), province, business)

    def name(self, gender: str, year: int) -> str:
        i = bisect.bisect_right(self._surname_cum, self.rng.random() * self._surname_cum[-1])
        surname = self._surnames[min(i, len(self._surnames) - 1)]
        era = "old" if year < 1970 else "mid" if year < 1990 else "new"
        pool = GIVEN[(era, gender)]
        single = self.rng.random() < (0.3 if era == "old" else 0.15 if era == "mid" else 0.08)
        given = self.rng.choice(pool)
        if not single:
            second = self.rng.choice(pool)
            while second == given and gender == "male":  # doubled characters (婷婷, 晓晓) are girls' names
                second = self.rng.choice(pool)
            given += second
        return surname + given

    def id_number(self, province: Province, birth: dt.date, gender: str) -> str:
        """A valid, unique number: most members were born in the province where they work. The 3-digit
        sequence counts per (region, birth date, sex), odd for men and even for women (GB 11643)."""
        for attempt in range(50):
            regions = province.regions if attempt == 0 and self.rng.random() < 0.7 else ALL_REGIONS
            region = self.rng.choice(regions)[0]
            # Per key: a random start, then consecutive numbers (mod 499), so no two members share one.
            start, used = self._id_seq.setdefault((region, birth, gender), [self.rng.randrange(499), 0])
            if used < 499:
                self._id_seq[(region, birth, gender)][1] += 1
                half = (start + used) % 499
                return idcard.make(region, birth, 2 * half + (1 if gender == "male" else 2), gender)
        raise RuntimeError("无法生成不重复的公民身份号码")

    # -- people -----------------------------------------------------------------------------------------

    def person(self, branch: OrgPlan, *, probationary: bool = False, category: str = "") -> dict[str, Any]:
        """One member's record data, consistent by construction (prepare() checks it again)."""
        rng, today = self.rng, self.today
        retired = branch.profile == "retired"
        female_share = 0.36 if branch.profile == "office" else 0.3 if retired else 0.2
        gender = "female" if rng.random() < female_share else "male"
        latest_join = today - dt.timedelta(days=400)  # 转正 at least a month ago
        if probationary:
            joined = self.days_ago(20, 350)
            high = min(2004, joined.year - 19)
            year = round(rng.triangular(1984, high, min(high, joined.year - 24)))
            birth = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        else:
            if retired:
                year = rng.randint(1950, min(1966, today.year - 56))
            else:
                year = round(rng.triangular(max(1966, today.year - 59), min(2004, today.year - 21), 1985))
            birth = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
            earliest = add_years(birth, 18) + dt.timedelta(days=1)
            span = max(1.0, min(27.0, (latest_join - earliest).days / 365.25))  # joined at 18 to 45
            years = rng.triangular(0, span, min(span, 9 if retired else 6))
            joined = min(earliest + dt.timedelta(days=int(years * 365.25)), latest_join)
        if retired:
            category = "retired"
        elif not category:
            category = self.pick(CATEGORIES["office" if branch.profile == "office" else "field"])
        education = self.pick(EDUCATION[category])
        jobs = JOBS.get(category)
        job = rng.choice(jobs.get(branch.unit.business.key, jobs[""])) if jobs else ""
        province = branch.unit.province
        ethnicity = self.pick(province.minorities + ETHNICITY_NATIONAL)
        prefix = rng.choice(province.regions)[1]
        address = (
            f"{prefix}{rng.choice(STREETS)}{rng.randint(1, 399)}号{rng.choice(COMPOUNDS)}"
            f"{rng.randint(1, 32)}号楼{rng.randint(1, 6)}单元{rng.randint(1, 28)}{rng.randint(1, 4):02d}室"
        )
        return {
            "name": self.name(gender, birth.year),
            "gender": gender,
            "birth_date": birth,
            "id_number": self.id_number(province, birth, gender),
            "ethnicity": ethnicity,
            "education": education,
            "category": category,
            "joined_on": joined,
            "full_on": None if probationary else add_years(joined, 1),
            "job_title": job,
            "phone": self.mobile_phone(),
            "address": address,
        }

    # -- the tree ---------------------------------------------------------------------------------------

    def org(
        self,
        parent: OrgPlan | None,
        kind: str,
        base: str,
        unit: Unit,
        *,
        short: str = "",
        profile: str = "field",
        situation: str = UnitSituation.SAME_AS_PARENT,
    ) -> OrgPlan:
        """An organisation named as the national collection expects ("中共…委员会/总支部委员会/支部")."""
        if kind == OrgKind.COMMITTEE:
            name, short_name = f"中共{unit.name}委员会", short or f"{base}党委"
        elif kind == OrgKind.GENERAL_BRANCH:
            name, short_name = f"中共{unit.name}{base}总支部委员会", short or f"{base}党总支"
        elif kind == OrgKind.JOINT_BRANCH:
            name, short_name = f"中共{unit.name}{base}联合支部委员会", short or f"{base}联合党支部"
        elif kind == OrgKind.TEMPORARY_BRANCH:
            name, short_name = f"中共{unit.name}{base}临时支部委员会", short or f"{base}临时党支部"
        else:  # branch: renamed "…支部" when it turns out to have no 支委会 (see finish_orgs)
            name, short_name = f"中共{unit.name}{base}支部委员会", short or f"{base}党支部"
        plan = OrgPlan(
            name=name[:100],
            short_name=short_name[:50],
            kind=kind,
            unit=unit,
            profile=profile,
            unit_situation=situation,
            machine=base.startswith("机关"),
        )
        if plan.is_branch:
            self.branches.append(plan)
        return parent.add(plan) if parent is not None else plan

    def build_tree(self) -> OrgPlan:
        rng = self.rng
        beijing = PROVINCES["北京"]
        group_unit = Unit(
            GROUP_COMPANY, "国有独资公司", credit_code("110000", 10000001), beijing, BUSINESSES["财务"]
        )
        root = OrgPlan(
            name=f"中共{GROUP_COMPANY}委员会",
            short_name="集团党委",
            kind=OrgKind.COMMITTEE,
            unit=group_unit,
            unit_situation=UnitSituation.LEGAL_ENTITY,
        )
        total = self.branches_wanted
        hq = max(1, min(6, total // 50))
        for i in range(1, hq + 1):
            self.org(
                root,
                OrgKind.BRANCH,
                f"机关第{cn_number(i)}",
                group_unit,
                short=f"集团机关第{cn_number(i)}党支部",
                profile="office",
            )
        subsidiaries = max(3, min(36, round(total**0.5 * 0.5)))
        rest = total - hq
        weights = [rng.lognormvariate(0, 0.45) for _ in range(subsidiaries)]
        shares = [max(3, int(rest * w / sum(weights))) for w in weights]
        shares[0] = max(shares[0], 4)
        shares[-1] += rest - sum(shares)
        if shares[-1] < 3:  # give the shortfall back from the largest
            big = max(range(subsidiaries), key=lambda i: shares[i])
            shares[big] -= 3 - shares[-1]
            shares[-1] = 3
        for i, (province, business) in enumerate(self.subsidiary_kinds(subsidiaries)):
            biz = BUSINESSES[business]
            where = "" if business in ("科研", "物资", "财务") else province.name
            company, short = f"{GROUP_PREFIX}{where}{biz.company}", f"{where}{biz.short}"
            unit = self.unit(company, province, biz)
            committee = self.org(root, OrgKind.COMMITTEE, short, unit, situation=UnitSituation.LEGAL_ENTITY)
            self.fill_company(committee, shares[i], first=(i == 0))
        return root

    def subsidiary_kinds(self, count: int) -> Iterator[tuple[Province, str]]:
        seen = set()
        for province, business in CURATED_SUBSIDIARIES[:count]:
            seen.add((province, business))
            yield PROVINCES[province], business
        combos = [(p, b) for b in FIELD_BUSINESSES for p in PROVINCES if p not in ("北京", "上海", "天津")]
        self.rng.shuffle(combos)
        extra = [(p, b) for p, b in combos if (p, b) not in seen][: max(0, count - len(CURATED_SUBSIDIARIES))]
        for province, business in extra:
            yield PROVINCES[province], business

    def fill_company(self, committee: OrgPlan, branches: int, *, first: bool = False) -> None:
        """A subsidiary's own 机关 branches, and either its departments (small companies) or 三级党委 plants
        plus a 离退休党总支 (large ones)."""
        rng, unit = self.rng, committee.unit
        if branches <= 45:
            self.fill_units(committee, branches, first=first, retirees=True)
            return
        machine = max(2, min(5, round(branches * 0.03)))
        for i in range(1, machine + 1):
            self.org(committee, OrgKind.BRANCH, f"机关第{cn_number(i)}", unit, profile="office")
        retired = max(2, round(branches * 0.1))
        general = self.org(committee, OrgKind.GENERAL_BRANCH, "离退休", unit)
        for i in range(1, retired + 1):
            self.org(general, OrgKind.BRANCH, f"离退休第{cn_number(i)}", unit, profile="retired")
        left = branches - machine - retired
        plants = max(2, round(left / rng.uniform(18, 30)))
        sizes = [left // plants + (1 if i < left % plants else 0) for i in range(plants)]
        cities = list(unit.province.cities)
        used: Counter[str] = Counter()
        for size in sizes:
            city = rng.choice(cities)
            used[city] += 1
            base = f"{city}{'' if used[city] == 1 else '第' + cn_number(used[city])}{unit.business.plant}"
            plant_unit = self.unit(
                f"{unit.name}{base}", unit.province, unit.business, "国有控股企业（分支机构）"
            )
            plant = self.org(
                committee, OrgKind.COMMITTEE, base, plant_unit, situation=UnitSituation.LEGAL_ENTITY
            )
            self.fill_units(plant, size, retirees=False)

    def fill_units(self, parent: OrgPlan, branches: int, *, first: bool = False, retirees: bool) -> None:
        """机关 branches, departments (some under a 党总支), a joint branch, a temporary project branch
        and the retirees' branches of one company or plant."""
        rng, unit, business = self.rng, parent.unit, parent.unit.business
        machine = 2 if first or branches >= 8 else 1
        retired = round(branches * 0.12) if retirees and branches >= 6 else 0
        joint = 1 if branches >= 12 and rng.random() < 0.6 else 0
        temporary = 1 if business.key == "工程建设" and branches >= 8 else 0
        left = branches - machine - retired - joint - temporary
        for i in range(1, machine + 1):
            self.org(parent, OrgKind.BRANCH, f"机关第{cn_number(i)}", unit, profile="office")
        profile = "office" if business.office else "field"
        departments = list(business.departments)
        for round_no in itertools.count(1):
            if left <= 0:
                break
            suffix = "" if round_no == 1 else f"（{cn_number(round_no)}）"
            for department, subunits in departments:
                if left <= 0:
                    break
                if subunits and left >= 3 and rng.random() < 0.75:
                    take = min(len(subunits), left)
                    general = self.org(parent, OrgKind.GENERAL_BRANCH, department + suffix, unit)
                    for sub in subunits[:take]:
                        self.org(general, OrgKind.BRANCH, sub + suffix, unit, profile=profile)
                    left -= take
                else:
                    self.org(parent, OrgKind.BRANCH, department + suffix, unit, profile=profile)
                    left -= 1
        if joint:  # with a private service company on the same site (≤5 units, 支部条例 第五条)
            shared = self.unit(
                f"{unit.province.cities[0]}市能源服务有限公司", unit.province, business, "民营企业"
            )
            branch = self.org(parent, OrgKind.JOINT_BRANCH, "后勤服务", unit, situation=UnitSituation.JOINT)
            branch.unit = Unit(
                f"{unit.name}后勤服务中心、{shared.name}",
                unit.category,
                unit.credit_code,
                unit.province,
                business,
            )
        if temporary:
            self.org(parent, OrgKind.TEMPORARY_BRANCH, "海外电站项目", unit)
        if retired:
            host = self.org(parent, OrgKind.GENERAL_BRANCH, "离退休", unit) if retired >= 3 else parent
            for i in range(1, retired + 1):
                self.org(host, OrgKind.BRANCH, f"离退休第{cn_number(i)}", unit, profile="retired")

    # -- sizes, terms, positions ------------------------------------------------------------------------

    def size_branches(self, root: OrgPlan) -> None:
        """Member counts summing exactly to ``self.members``: mostly 8–45, a few over 50, a few tiny."""
        rng = self.rng
        for node in root.walk():
            if not node.is_branch and node.kind != OrgKind.GROUP:
                node.first_branch().anchor = True
        zhibu1 = self.accounts_branch(root)
        zhibu1.pinned_size = 26
        candidates = [b for b in self.branches if not b.anchor and not b.machine and b.kind == OrgKind.BRANCH]
        rng.shuffle(candidates)
        tiny = candidates[: max(1, round(len(self.branches) * 0.02))]
        large = candidates[len(tiny) : len(tiny) + max(1, round(len(self.branches) * 0.015))]
        for b in tiny:
            b.pinned_size = rng.choice((2, 3, 4))
            b.probationary = b.pinned_size - 2  # fewer than 3 正式党员 (支部条例 第四条 notice)
        for b in large:
            b.pinned_size = rng.randint(51, 68)
        pinned = sum(b.pinned_size for b in self.branches)
        others = [b for b in self.branches if not b.pinned_size]
        draws = [rng.triangular(8, 45, 14) for _ in others]
        factor = (self.members - pinned) / sum(draws)
        for b, d in zip(others, draws, strict=True):
            b.size = max(12 if b.anchor else 8, min(50, round(d * factor)))
        for b in self.branches:
            if b.pinned_size:
                b.size = b.pinned_size
        diff = self.members - sum(b.size for b in self.branches)
        tries = 0
        while diff and tries < 1_000_000:
            tries += 1
            b = rng.choice(others)
            if diff > 0 and b.size < 48:
                b.size, diff = b.size + 1, diff - 1
            elif diff < 0 and b.size > (12 if b.anchor else 8):
                b.size, diff = b.size - 1, diff + 1
        if diff:  # only when the others cannot absorb it (tiny totals)
            (large or others)[0].size += diff
        for b in self.branches:
            if b in tiny:
                continue
            if b.profile == "retired":
                b.probationary = 0
            else:
                b.probationary = sum(rng.random() < 0.03 for _ in range(b.size))
                b.probationary = min(b.probationary, max(0, b.size - 10))
        zhibu1.probationary = 3

    def finish_orgs(self, root: OrgPlan) -> None:
        """支委会, 党小组, terms (a few overdue), founding dates, and the record's unit fields."""
        rng = self.rng
        for node in list(root.walk()):
            if node.kind == OrgKind.GROUP:
                continue
            years = 5 if node.kind == OrgKind.COMMITTEE else 3
            overdue = node is not root and rng.random() < 0.03
            if node.kind == OrgKind.TEMPORARY_BRANCH:
                node.elected_on = None
            elif overdue:
                node.elected_on = self.days_ago(years * 365 + 30, years * 365 + 330)
            else:
                node.elected_on = self.days_ago(60, years * 365 - 45)
            node.founded_on = min(node.elected_on or self.today, self.days_ago(365 * 3, 365 * 30))
            if not node.is_branch:
                continue
            node.has_committee = node.full >= COMMITTEE_THRESHOLD and (node.anchor or rng.random() < 0.95)
            if not node.has_committee and node.kind == OrgKind.BRANCH:
                node.name = node.name.replace("支部委员会", "支部")
            if node.size >= 30 and rng.random() < 0.8:
                self.add_groups(node, 2 if node.size < 40 else 3 if node.size <= 50 else 4)
        zhibu1 = self.accounts_branch(root)
        zhibu1.elected_on = self.days_ago(200, 400)
        if not any(b.elected_on and b.elected_on < add_years(self.today, -3) for b in self.branches):
            late = rng.choice([b for b in self.branches if b.kind == OrgKind.BRANCH and not b.anchor])
            late.elected_on = self.days_ago(3 * 365 + 30, 3 * 365 + 330)  # at least one 换届 overdue
        if not zhibu1.groups:
            self.add_groups(zhibu1, 2)

    def add_groups(self, branch: OrgPlan, count: int) -> None:
        for i in range(1, count + 1):
            group = OrgPlan(
                name=f"{branch.short_name}第{cn_number(i)}党小组",
                short_name=f"第{cn_number(i)}党小组",
                kind=OrgKind.GROUP,
                unit=branch.unit,
                founded_on=branch.founded_on,
            )
            branch.add(group)
            branch.groups.append(group)

    @staticmethod
    def accounts_branch(root: OrgPlan) -> OrgPlan:
        committee = next(c for c in root.children if c.kind == OrgKind.COMMITTEE)
        return committee.children[0]

    def slot(self, branch: OrgPlan, index: int, *, category: str = "") -> Slot:
        if index not in branch.slots:
            branch.slots[index] = Slot(self.person(branch, category=category))
        return branch.slots[index]

    def assign_positions(self, root: OrgPlan) -> None:
        """书记 for every branch (and 组织/宣传/纪检委员 with a 支委会), 书记 and 副书记 for committees,
        书记 for 党总支, 组长 for 党小组; committee contacts work in the 组织部."""
        for node in root.walk():
            if node.kind == OrgKind.GROUP:
                continue
            if node.is_branch:
                self.slot(node, 0).posts.append((node, PositionTitle.SECRETARY))
                if node.has_committee:
                    for index, title in (
                        (1, PositionTitle.ORGANISATION_MEMBER),
                        (2, PositionTitle.PROPAGANDA_MEMBER),
                        (3, PositionTitle.DISCIPLINE_MEMBER),
                    ):
                        self.slot(node, index).posts.append((node, title))
                    if node.size >= 40:
                        self.slot(node, 8).posts.append((node, PositionTitle.DEPUTY_SECRETARY))
                contact = node.slots[1 if node.has_committee else 0]
                node.contact_name = contact.person["name"]
                node.contact_phone = contact.person["phone"]
                continue
            anchor = node.first_branch()
            leader = self.slot(anchor, 4, category="manager")
            leader.posts.append((node, PositionTitle.SECRETARY))
            if node.kind == OrgKind.COMMITTEE:
                deputy = self.slot(anchor, 5, category="manager")
                deputy.posts.append((node, PositionTitle.DEPUTY_SECRETARY))
                contact = self.slot(anchor, 6, category="manager")
                contact.job_title = (
                    "党委组织部（人力资源部）主管" if node is not root else "集团党委组织部干部"
                )
                leader.job_title = "集团党委书记、董事长" if node is root else "党委书记、董事长"
                deputy.job_title = "集团党委副书记、总经理" if node is root else "党委副书记、总经理"
                node.contact_name = contact.person["name"]
            else:
                leader.job_title = "" if anchor.profile == "retired" else "部门主任"
                node.contact_name = leader.person["name"]
            node.contact_phone = self.landline(node.unit.province)

    def assign_group_leaders(self) -> None:
        """党小组组长: the first member of each group who holds no other planned role."""
        for branch in self.branches:
            for i, group in enumerate(branch.groups):
                lo, hi = self.group_bounds(branch, i)
                index = next((k for k in range(lo, hi) if k not in branch.slots and k < branch.full), lo)
                leader = self.slot(branch, index)
                leader.posts.append((group, PositionTitle.GROUP_LEADER))
                group.contact_name, group.contact_phone = leader.person["name"], leader.person["phone"]

    @staticmethod
    def group_bounds(branch: OrgPlan, i: int) -> tuple[int, int]:
        n = len(branch.groups)
        return branch.size * i // n, branch.size * (i + 1) // n

    def plan_accounts(self, root: OrgPlan) -> None:
        """The demo accounts and the members they are linked to."""
        hq = root.children[0]
        erji = next(c for c in root.children if c.kind == OrgKind.COMMITTEE)
        branch1, branch2 = erji.children[0], erji.children[1]
        jituan = self.slot(hq, 6)
        jijian = self.slot(hq, 7, category="manager")
        jijian.job_title = "集团纪委办公室主任"
        erji_officer = self.slot(branch1, 6)
        member = self.slot(branch1, 9)
        for slot, username in (
            (jituan, "jituan"),
            (jijian, "jijian1"),
            (erji_officer, "erji1"),
            (branch1.slots[0], "zhibu1"),
            (branch2.slots[0], "zhibu2"),
            (branch1.slots[1], "dangwu1"),
            (member, "dangyuan1"),
        ):
            slot.username = username
        self.accounts = [
            DemoAccount("jituan", Role.COMMITTEE_OFFICER, root, jituan.person["name"], jituan),
            DemoAccount("erji1", Role.COMMITTEE_OFFICER, erji, erji_officer.person["name"], erji_officer),
            DemoAccount("jijian1", Role.DISCIPLINE_OFFICER, root, jijian.person["name"], jijian),
            DemoAccount(
                "zhibu1", Role.BRANCH_SECRETARY, branch1, branch1.slots[0].person["name"], branch1.slots[0]
            ),
            DemoAccount(
                "zhibu2", Role.BRANCH_SECRETARY, branch2, branch2.slots[0].person["name"], branch2.slots[0]
            ),
            DemoAccount(
                "dangwu1", Role.PARTY_WORKER, branch1, branch1.slots[1].person["name"], branch1.slots[1]
            ),
            DemoAccount("dangyuan1", "", None, member.person["name"], member),
            DemoAccount("sysadmin", Role.SYSTEM_ADMIN, None, "系统管理员"),
            DemoAccount("secadmin", Role.SECURITY_ADMIN, None, "安全管理员"),
            DemoAccount("auditadmin", Role.AUDIT_ADMIN, None, "审计管理员"),
        ]
        # dangyuan1's record lives in zhibu1's branch even though the account has no grant.
        self.accounts[6].org = branch1

    def plan(self) -> OrgPlan:
        root = self.build_tree()
        self.size_branches(root)
        self.finish_orgs(root)
        self.assign_positions(root)
        self.plan_accounts(root)
        self.assign_group_leaders()
        for node in root.walk():
            node.name = node.name[:100]
        return root
