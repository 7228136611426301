"""Sign-in, passwords, sessions and the second factor (SECURITY.md "Identity and sessions")."""

from __future__ import annotations

import datetime as dt
import time

import pyotp
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, sign_in
from dangjian.access.models import Grant
from dangjian.accounts import policy as policy_mod
from dangjian.accounts import services
from dangjian.accounts.middleware import SESSION_LAST_SEEN, SESSION_MFA_OK, SESSION_STARTED
from dangjian.accounts.models import LoginThrottle, PasswordHistory, User
from dangjian.audit.models import AuditEntry

LOGIN = "/accounts/login/"


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


# ---------------------------------------------------------------- password policy


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1!", "至少 8 位"),
        ("abcdefgh12", "至少 3 类"),
        ("Xdangyuan1!", "不能包含用户名"),
        ("Password1!", None),  # long enough and 4 classes: accepted unless common
    ],
)
def test_password_policy_reasons(world, password, reason):
    problems = services.password_problems(password, user=world.member_user)
    if reason is None:
        assert not any("至少" in p or "用户名" in p for p in problems)
    else:
        assert any(reason in p for p in problems), problems


def test_common_passwords_are_refused(world):
    assert any("常见" in p for p in services.password_problems("password", user=None, username="x"))


def test_the_last_five_passwords_cannot_be_reused(world):
    user = world.member_user
    passwords = [f"Neu{i}#Pass{i}x" for i in range(6)]
    old = PASSWORD
    for new in passwords:
        services.password_change(actor=user, old_password=old, new_password=new)
        old = new
    # the current and four before it are refused; the sixth-oldest (PASSWORD's successor #0) is free again
    for recent in passwords[-5:]:
        assert any("最近" in p for p in services.password_problems(recent, user=user))
    assert not any("最近" in p for p in services.password_problems(passwords[0], user=user))


def test_changing_password_with_a_wrong_old_one_changes_nothing(world):
    user = world.member_user
    before = user.password
    with pytest.raises(Exception, match="原密码不正确"):
        services.password_change(actor=user, old_password="wrong", new_password="Brand#New2026")
    user.refresh_from_db()
    assert user.password == before and not PasswordHistory.objects.filter(user=user).exists()


def test_password_change_keeps_history_and_is_audited(world):
    user = world.member_user
    services.password_change(actor=user, old_password=PASSWORD, new_password="Brand#New2026")
    user.refresh_from_db()
    assert user.check_password("Brand#New2026") and PasswordHistory.objects.filter(user=user).count() == 1
    entry = AuditEntry.objects.get(action="accounts.password.change")
    assert entry.actor == user and "Brand" not in str(entry.changes)


# ---------------------------------------------------------------- forced change and expiry


def test_a_user_who_must_change_password_is_sent_to_the_change_page(world, client):
    User.objects.filter(pk=world.member_user.pk).update(must_change_password=True)
    sign_in(client, world.member_user)
    response = client.get(reverse("members:member_list"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    api = client.get("/api/v1/members/")
    assert api.status_code == 403
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password": "Fresh#Start2026", "confirm": "Fresh#Start2026"},
    )
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_an_expired_password_must_be_changed(world, client):
    max_age = policy_mod.current().password_max_age_days
    User.objects.filter(pk=world.secretary_a.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=max_age + 1)
    )
    sign_in(client, world.secretary_a)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")


# ---------------------------------------------------------------- sign-in failures and lockout


def test_unknown_user_and_wrong_password_get_the_same_answer(world, client):
    unknown = post_login(client, "nobody-here", "whatever1A!")
    wrong = post_login(client, "dangyuan", "whatever1A!")
    assert unknown.status_code == wrong.status_code == 200
    assert "用户名或密码错误" in unknown.content.decode() and "用户名或密码错误" in wrong.content.decode()


def test_lockout_after_the_failure_limit_refuses_even_the_right_password(world, client):
    limit = policy_mod.current().login_max_failures
    for _ in range(limit):
        post_login(client, "dangyuan", "Wrong#Pass1")
    assert LoginThrottle.objects.get(key="login:dangyuan").locked_until is not None
    response = post_login(client, "dangyuan", PASSWORD)
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="accounts.login.lock").count() == 1


def test_the_lock_lifts_after_the_cool_off(world, client):
    limit = policy_mod.current().login_max_failures
    for _ in range(limit):
        post_login(client, "dangyuan", "Wrong#Pass1")
    LoginThrottle.objects.update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    response = post_login(client, "dangyuan", PASSWORD)
    assert response.status_code == 302
    assert not LoginThrottle.objects.filter(key="login:dangyuan").exists()


def test_every_sign_in_is_audited_without_the_password(world, client):
    post_login(client, "dangyuan", "Wrong#Pass1")
    post_login(client, "dangyuan", PASSWORD)
    failure = AuditEntry.objects.get(action="accounts.login.failure")
    success = AuditEntry.objects.get(action="accounts.login.success")
    assert failure.target_repr == "dangyuan" and not failure.success and success.actor == world.member_user
    assert PASSWORD not in str(list(AuditEntry.objects.values()))


# ---------------------------------------------------------------- sessions


def test_an_idle_session_ends(world, client):
    sign_in(client, world.member_user)
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - policy_mod.current().session_idle_minutes * 60 - 5
    session.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="accounts.session.expire", actor=world.member_user).exists()


def test_a_session_ends_after_its_absolute_lifetime_even_when_active(world, client):
    sign_in(client, world.member_user)
    session = client.session
    session[SESSION_STARTED] = time.time() - policy_mod.current().session_absolute_hours * 3600 - 5
    session[SESSION_LAST_SEEN] = time.time()
    session.save()
    assert client.get(reverse("core:home")).status_code == 302


def test_logout_deletes_the_session_on_the_server(world, client):
    from django.contrib.sessions.models import Session

    sign_in(client, world.member_user)
    key = client.session.session_key
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()


def test_a_disabled_user_is_signed_out_on_the_next_request(world, client):
    sign_in(client, world.secretary_a)
    assert client.get(reverse("members:member_list")).status_code == 200
    services.user_set_active(actor=world.system_admin, user=world.secretary_a, active=False)
    assert client.get(reverse("members:member_list")).status_code == 302


def test_a_removed_role_takes_effect_on_the_next_request(world, client):
    sign_in(client, world.secretary_a)
    assert client.get(reverse("members:member_list")).status_code == 200
    Grant.objects.filter(user=world.secretary_a).delete()
    assert client.get(reverse("members:member_list")).status_code == 403


# ---------------------------------------------------------------- the second factor


def _admin_signs_in_with_password(client, user):
    return post_login(client, user.username, PASSWORD)


def test_an_administrator_must_enrol_the_second_factor_before_anything_else(world, client):
    response = _admin_signs_in_with_password(client, world.audit_admin)
    assert response.status_code == 302
    assert client.get(reverse("audit:entry_list"))["Location"] == reverse("accounts:mfa")
    page = client.get(reverse("accounts:mfa")).content.decode()
    assert "<svg" in page  # the QR code is drawn in the page, not fetched from anywhere
    secret = client.session["dj_totp_enrol_secret"]
    client.post(reverse("accounts:mfa"), {"code": pyotp.TOTP(secret).now()})
    assert client.get(reverse("audit:entry_list")).status_code == 200
    world.audit_admin.refresh_from_db()
    assert world.audit_admin.totp_confirmed
    assert AuditEntry.objects.filter(action="accounts.mfa.enrol").count() == 1


def test_a_totp_code_cannot_be_used_twice(world, client):
    secret = services.totp_new_secret()
    code = pyotp.TOTP(secret).now()
    services.totp_enrol(actor=world.security_admin, secret=secret, code=code)
    with pytest.raises(Exception, match="已使用"):
        services.totp_verify(user=world.security_admin, code=code)


def test_an_enrolled_administrator_verifies_at_each_sign_in(world, client):
    secret = services.totp_new_secret()
    totp = pyotp.TOTP(secret)
    services.totp_enrol(actor=world.security_admin, secret=secret, code=totp.at(time.time() - 30))
    _admin_signs_in_with_password(client, world.security_admin)
    assert client.get(reverse("access:grant_list"))["Location"] == reverse("accounts:mfa")
    bad = client.post(reverse("accounts:mfa"), {"code": "000000" if totp.now() != "000000" else "111111"})
    assert "不正确" in bad.content.decode()
    client.post(reverse("accounts:mfa"), {"code": totp.now()})
    assert client.get(reverse("access:grant_list")).status_code == 200
    assert client.session[SESSION_MFA_OK] is True


def test_administrators_cannot_use_api_tokens(world, client):
    from dangjian.access import tokens

    _, key = tokens.token_create(actor=None, user=world.system_admin, name="x")
    response = client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code in (401, 403)


# ---------------------------------------------------------------- users and policy


def test_system_admin_creates_a_user_who_must_change_the_first_password(world, client):
    sign_in(client, world.system_admin)
    client.post(reverse("accounts:user_list"), {"username": "newbie", "full_name": "新人"})
    user = User.objects.get(username="newbie")
    assert user.must_change_password and not user.is_superuser
    assert AuditEntry.objects.filter(action="accounts.user.create", target_id=str(user.pk)).exists()


def test_a_reset_password_must_be_changed_and_unlocks(world):
    LoginThrottle.objects.create(
        key="login:dangyuan", failures=9, locked_until=timezone.now() + dt.timedelta(hours=1)
    )
    new = services.password_reset(actor=world.system_admin, user=world.member_user)
    world.member_user.refresh_from_db()
    assert world.member_user.check_password(new) and world.member_user.must_change_password
    assert not LoginThrottle.objects.exists()


def test_only_the_system_admin_resets_passwords(world):
    before = User.objects.get(pk=world.member_user.pk).password
    with pytest.raises(Exception, match="系统管理员"):
        services.password_reset(actor=world.security_admin, user=world.member_user)
    assert User.objects.get(pk=world.member_user.pk).password == before


def test_security_admin_sees_and_changes_the_policy(world, client):
    sign_in(client, world.security_admin)
    page = client.get(reverse("accounts:policy"))
    assert page.status_code == 200 and "连续登录失败锁定次数" in page.content.decode()
    assert "审计日志保存期限：184 天" in page.content.decode() and "访问频率限制" in page.content.decode()
    values = {f: getattr(policy_mod.current(), f) for f in policy_mod.POLICY_FIELDS}
    client.post(reverse("accounts:policy"), {**values, "login_max_failures": 3})
    assert policy_mod.current().login_max_failures == 3
    assert AuditEntry.objects.filter(action="accounts.policy.update").exists()


def test_the_policy_cannot_go_below_the_minimums(world):
    before = policy_mod.current().password_min_length
    with pytest.raises(Exception, match="不能小于"):
        services.policy_update(actor=world.security_admin, values={"password_min_length": 4})
    assert policy_mod.current().password_min_length == before


def test_system_admin_cannot_change_the_policy(world, client):
    sign_in(client, world.system_admin)
    assert client.get(reverse("accounts:policy")).status_code == 403


# ---------------------------------------------------------------- bootstrap


def test_bootstrap_creates_three_separate_administrators_once(db, capsys):
    call_command("bootstrap", "--root-org", "中共测试集团委员会")
    out = capsys.readouterr().out
    admins = {g.user.username: g.role for g in Grant.objects.select_related("user")}
    assert admins == {"sysadmin": "system_admin", "secadmin": "security_admin", "auditadmin": "audit_admin"}
    assert all(User.objects.get(username=u).must_change_password for u in admins)
    assert not User.objects.filter(is_superuser=True).exists()
    assert "sysadmin" in out
    with pytest.raises(CommandError, match="已初始化"):
        call_command("bootstrap")
    assert User.objects.count() == 3
