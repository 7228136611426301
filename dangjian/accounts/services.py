"""Writes on accounts: passwords, sign-in throttling, the second factor, users and the security policy.

Every service writes its audit entry in the same transaction. Passwords never reach the log.
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from typing import Any

import pyotp
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dangjian.access import scope
from dangjian.accounts import policy as policy_mod
from dangjian.accounts.models import LoginThrottle, PasswordHistory, SecurityPolicy, User
from dangjian.audit import services as audit
from dangjian.core.errors import BusinessError

_CLASSES = (
    ("大写字母", lambda c: c.isascii() and c.isupper()),
    ("小写字母", lambda c: c.isascii() and c.islower()),
    ("数字", lambda c: c.isdigit()),
    ("符号", lambda c: not c.isalnum()),
)


# ---------------------------------------------------------------- passwords


def password_problems(password: str, *, user: User | None, username: str = "") -> list[str]:
    """Every reason the password breaks the policy (等保: length, ≥3 of 4 classes, not the username, not
    common, not one of the last N)."""
    p = policy_mod.current()
    problems: list[str] = []
    if len(password) < p.password_min_length:
        problems.append(f"密码至少 {p.password_min_length} 位")
    classes = sum(1 for _, test in _CLASSES if any(test(c) for c in password))
    if classes < p.password_min_classes:
        problems.append(f"密码须包含大写字母、小写字母、数字、符号中的至少 {p.password_min_classes} 类")
    name = (user.username if user else username).lower()
    if name and name in password.lower():
        problems.append("密码不能包含用户名")
    try:
        CommonPasswordValidator().validate(password)
    except ValidationError:
        problems.append("密码过于常见，请换一个")
    if user is not None and user.pk:
        history = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)
        recent = [user.password, *history[: p.password_history]]
        if any(h and check_password(password, h) for h in recent[: p.password_history]):
            problems.append(f"不能使用最近 {p.password_history} 次用过的密码")
    return problems


def _set_password(user: User, password: str, *, must_change: bool) -> None:
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = must_change
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])


@transaction.atomic
def password_change(*, actor: User, old_password: str, new_password: str) -> None:
    """A user changes their own password. Audit: accounts.password.change."""
    if not actor.check_password(old_password):
        raise BusinessError("accounts.wrong_password", "原密码不正确")
    problems = password_problems(new_password, user=actor)
    if problems:
        raise BusinessError("accounts.weak_password", "；".join(problems), details=problems)
    _set_password(actor, new_password, must_change=False)
    audit.record(actor=actor, action="accounts.password.change", target=actor)


def generate_password() -> str:
    """A random password that meets the policy (for resets and bootstrap); shown once."""
    alphabet = string.ascii_letters + string.digits + "@#%+=-"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(14))
        if sum(1 for _, t in _CLASSES if any(t(c) for c in candidate)) == 4:
            return candidate


def _require_user_admin(actor: Any) -> None:
    if not scope.has_permission(actor, "accounts.manage"):
        raise BusinessError("accounts.forbidden", "只有系统管理员可以管理用户")


@transaction.atomic
def password_reset(*, actor: User, user: User) -> str:
    """The 系统管理员 resets a password: a random one is returned (shown once) and must be changed at the
    next sign-in; the lock is lifted. Audit: accounts.password.reset."""
    _require_user_admin(actor)
    if user.pk == actor.pk:
        raise BusinessError("accounts.reset_self", "不能重置自己的密码，请使用“修改密码”")
    password = generate_password()
    _set_password(user, password, must_change=True)
    LoginThrottle.objects.filter(key=throttle_key(user.username)).delete()
    audit.record(actor=actor, action="accounts.password.reset", target=user)
    return password


# ---------------------------------------------------------------- users


@transaction.atomic
def user_create(
    *, actor: Any, username: str, full_name: str = "", bootstrap: bool = False
) -> tuple[User, str]:
    """Create an account with a random first password that must be changed at first sign-in.
    Audit: accounts.user.create."""
    if not bootstrap:
        _require_user_admin(actor)
    username = username.strip()
    if not username or len(username) > 150 or not all(c.isalnum() or c in "_.-@" for c in username):
        raise BusinessError("accounts.bad_username", "用户名只能包含字母、数字和 _ . - @")
    if User.objects.filter(username__iexact=username).exists():
        raise BusinessError("accounts.duplicate_username", "用户名已存在")
    password = generate_password()
    user = User(username=username, full_name=full_name.strip()[:50], must_change_password=True)
    user.set_password(password)
    user.save()
    audit.record(actor=actor, action="accounts.user.create", target=user, changes={"username": username})
    return user, password


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Disable or re-enable an account; a disabled account is signed out on its next request.
    Audit: accounts.user.disable / accounts.user.enable."""
    _require_user_admin(actor)
    if user.pk == actor.pk:
        raise BusinessError("accounts.disable_self", "不能停用自己的账号")
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    action = "accounts.user.enable" if active else "accounts.user.disable"
    audit.record(actor=actor, action=action, target=user)
    return user


# ---------------------------------------------------------------- sign-in throttling


def throttle_key(username: str) -> str:
    return "login:" + username.strip().lower()[:150]


def login_locked(username: str, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return LoginThrottle.objects.filter(key=throttle_key(username), locked_until__gt=now).exists()


def login_failed(*, username: str, key: str | None = None) -> bool:
    """Count one failure (atomically, across processes); lock after the policy's limit. Returns True when
    this failure locked the name. Audit: accounts.login.lock on locking."""
    p = policy_mod.current()
    key = key or throttle_key(username)
    now = timezone.now()
    for _ in range(3):
        try:
            with transaction.atomic():
                row, _ = LoginThrottle.objects.select_for_update().get_or_create(key=key)
                if row.locked_until is not None and row.locked_until <= now:
                    row.failures, row.locked_until = 0, None
                row.failures += 1
                row.last_failure_at = now
                locked = row.locked_until is None and row.failures >= p.login_max_failures
                if locked:
                    row.locked_until = now + dt.timedelta(minutes=p.login_lock_minutes)
                row.save()
                if locked:
                    audit.record(
                        actor=None,
                        action="accounts.login.lock",
                        success=False,
                        target_repr=key[:200],
                        changes={"failures": row.failures, "minutes": p.login_lock_minutes},
                    )
                return locked
        except IntegrityError:  # two first failures raced to create the row: count again
            continue
    return False


def login_succeeded(*, username: str) -> None:
    LoginThrottle.objects.filter(key=throttle_key(username)).delete()


# ---------------------------------------------------------------- second factor (TOTP, RFC 6238)


def totp_new_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, user: User) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="智慧党建云平台")


def _matching_step(secret: str, code: str, *, now: dt.datetime | None = None) -> int | None:
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    moment = now or timezone.now()
    step_now = int(moment.timestamp()) // totp.interval
    for step in (step_now - 1, step_now, step_now + 1):  # one step of clock drift either way
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


@transaction.atomic
def totp_enrol(*, actor: User, secret: str, code: str) -> None:
    """Turn on the second factor after the user proved the app shows the right code.
    Audit: accounts.mfa.enrol."""
    step = _matching_step(secret, code)
    if step is None:
        raise BusinessError("accounts.bad_code", "动态口令不正确，请核对手机时间后重试")
    actor.totp_secret, actor.totp_confirmed, actor.totp_last_step = secret, True, step
    actor.save(update_fields=["totp_secret", "totp_confirmed", "totp_last_step"])
    audit.record(actor=actor, action="accounts.mfa.enrol", target=actor)


def totp_verify(*, user: User, code: str) -> None:
    """Check a code at sign-in. A code (time step) already used is refused, even by a racing request:
    the step is claimed with a conditional UPDATE. Audit: accounts.mfa.failure on a wrong code."""
    step = _matching_step(user.totp_secret, code) if user.totp_confirmed else None
    claimed = step is not None and User.objects.filter(pk=user.pk, totp_last_step__lt=step).update(
        totp_last_step=step
    )
    if not claimed:
        with transaction.atomic():
            audit.record(actor=user, action="accounts.mfa.failure", target=user, success=False)
        login_failed(username=user.username, key="mfa:" + user.username.lower())
        raise BusinessError("accounts.bad_code", "动态口令不正确或已使用")


# ---------------------------------------------------------------- the policy


@transaction.atomic
def policy_update(*, actor: User, values: dict[str, int]) -> SecurityPolicy:
    """The 安全管理员 changes the security policy, never below the 等保 minimums.
    Audit: accounts.policy.update with old and new values."""
    if not scope.has_permission(actor, "access.manage"):
        raise BusinessError("accounts.forbidden", "只有安全管理员可以修改安全策略")
    # The stored row itself (not this process's cached copy, which must not change if this rolls back).
    current = SecurityPolicy.objects.filter(pk=1).first() or SecurityPolicy(pk=1, **policy_mod.defaults())
    problems = [
        f"{SecurityPolicy._meta.get_field(k).verbose_name}不能小于 {m}"
        for k, m in policy_mod.MINIMUMS.items()
        if k in values and values[k] < m
    ]
    unknown = set(values) - set(policy_mod.POLICY_FIELDS)
    if unknown or problems:
        raise BusinessError("accounts.bad_policy", "；".join(problems) or "未知的策略项")
    changes = {k: [getattr(current, k), v] for k, v in values.items() if getattr(current, k) != v}
    for k, v in values.items():
        setattr(current, k, v)
    current.save()
    policy_mod.forget()
    transaction.on_commit(policy_mod.forget)
    if changes:
        audit.record(actor=actor, action="accounts.policy.update", target=current, changes=changes)
    return current
