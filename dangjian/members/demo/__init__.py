"""演示数据：一个逼真的能源集团党组织体系、党员档案、职务和演示账号（由 ``seed_demo`` 命令调用）。

The enterprise: 集团党委 (root) → 二级党委 (subsidiary companies) → 三级党委 (plants, mines, branch
offices, for large subsidiaries) → 党总支 → 党支部 (some with a 支委会, some joint or temporary) → 党小组.
About one branch per 20 members; most branches have 8–45 members, a few have more than 50 (支部条例
第四条 notice), a few have fewer than 3 正式党员, and a few are past their 换届 date (任期意见), so the
tree's structural notices show.

Modules: ``data`` (places, lines of business, names, codes), ``plan`` (the enterprise drawn in memory),
``write`` (bulk inserts in one transaction).

Fast by construction:
- the tree's materialized paths are computed here exactly as treebeard's MP_Node computes them (steplen 4,
  alphabet 0-9A-Z, first child step 1) and the nodes are bulk-created in tree order;
- members go through ``members.services.prepare`` (the same consistency check as every other entry path) and
  ``members.services.build`` (blind indexes), and are bulk-created in batches; the encrypted fields encrypt
  themselves on insert.

Everything random comes from one ``random.Random(seed)``: the same seed and day give the same enterprise.
"""

from dangjian.members.demo.data import (
    DEFAULT_MEMBERS,
    DEFAULT_SEED,
    MEMBERS_PER_BRANCH,
    MIN_MEMBERS,
    credit_code,
    credit_code_is_valid,
    path_step,
)
from dangjian.members.demo.plan import USERNAMES, DemoAccount, OrgPlan, Planner, role_label
from dangjian.members.demo.write import SeedResult, seed

__all__ = [
    "DEFAULT_MEMBERS",
    "DEFAULT_SEED",
    "MEMBERS_PER_BRANCH",
    "MIN_MEMBERS",
    "USERNAMES",
    "DemoAccount",
    "OrgPlan",
    "Planner",
    "SeedResult",
    "credit_code",
    "credit_code_is_valid",
    "path_step",
    "role_label",
    "seed",
]
