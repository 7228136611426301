"""The menus: grouped, only what the user may open, no empty menu."""

from __future__ import annotations

from types import SimpleNamespace

from dangjian.core.nav import navigation_for


def _labels(user) -> dict[str, list[str]]:
    return {g.label: [i.label for i in g.items] for g in navigation_for(user, "/studytime/progress/")}


def test_a_member_sees_study_and_their_own_pages_only(world: SimpleNamespace) -> None:
    menus = _labels(world.member_user)
    assert list(menus) == ["首页", "学习", "组织生活", "考试", "党务", "书记信箱", "我的档案"]
    assert menus["书记信箱"] == ["给书记写信", "随手拍", "凭回执码查看"]  # handling only where designated
    assert menus["组织生活"] == ["我的组织生活", "我的评议"]
    assert menus["考试"] == ["我的考试", "每日一练", "错题本"]  # no 考试管理 or 阅卷 without a grant
    assert menus["党务"] == ["我的党费", "党费计算器"]
    assert menus["学习"] == [
        "我的学习",
        "网络党校",
        "廉政教育专栏",
        "学习笔记",
        "党建新鲜事",
        "我的学时",
        "我的积分",
    ]  # no board without points.view


def test_a_secretary_gets_the_management_menus(world: SimpleNamespace) -> None:
    menus = _labels(world.secretary_a)
    assert "学时进度" in menus["学习管理"] and "党员名册" in menus["组织与党员"]
    assert "系统" not in menus


def test_the_system_administrator_sees_configuration_not_members(world: SimpleNamespace) -> None:
    menus = _labels(world.system_admin)
    assert "用户管理" in menus["系统"] and "资讯源管理" in menus["系统"]
    assert menus["学习"] == ["党建新鲜事"]  # no member record: no study, points or meetings of their own
    assert "组织生活" not in menus
    assert all("党员名册" not in items for items in menus.values())


def test_the_current_page_marks_its_entry_and_menu(world: SimpleNamespace) -> None:
    groups = navigation_for(world.secretary_a, "/studytime/progress/")
    active = [(g.label, i.label) for g in groups for i in g.items if i.active]
    assert active == [("学习管理", "学时进度")]
    assert [g.label for g in groups if g.active] == ["学习管理"]
