"""Pages for passwords, the second factor, user accounts (系统管理员) and the security policy (安全管理员)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dangjian.access import classify
from dangjian.access.views import permission_required
from dangjian.accounts import policy as policy_mod
from dangjian.accounts import services
from dangjian.accounts.forms import CodeForm, PasswordChangeForm, PolicyForm, UserCreateForm
from dangjian.accounts.middleware import SESSION_MFA_OK, requires_mfa
from dangjian.accounts.models import User
from dangjian.audit import retention
from dangjian.core import ratelimit
from dangjian.core.errors import BusinessError

RATE_LIMIT_LABELS = {"login": "登录", "token": "创建 API 令牌", "export": "导出", "upload": "上传"}
_ENROL_SECRET = "dj_totp_enrol_secret"  # noqa: S105 (a session key name)


@classify.authenticated
def password_change(request: HttpRequest) -> HttpResponse:
    """修改密码 (also where a forced change lands)."""
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except BusinessError as exc:
            field = "old_password" if exc.code == "accounts.wrong_password" else "new_password"
            for problem in exc.details if isinstance(exc.details, list) else [exc.message]:
                form.add_error(field, problem)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改")
            return HttpResponseRedirect(reverse("core:home"))
    p = policy_mod.current()
    return render(request, "accounts/password_change.html", {"form": form, "policy": p})


@classify.authenticated
def mfa(request: HttpRequest) -> HttpResponse:
    """动态口令: enrol (QR code shown in the page) or verify at sign-in."""
    user = request.user
    assert isinstance(user, User)
    form = CodeForm(request.POST or None)
    enrolling = not user.totp_confirmed
    if enrolling:
        secret = request.session.get(_ENROL_SECRET) or services.totp_new_secret()
        request.session[_ENROL_SECRET] = secret
    if request.method == "POST" and form.is_valid():
        try:
            if enrolling:
                services.totp_enrol(actor=user, secret=secret, code=form.cleaned_data["code"])
                request.session.pop(_ENROL_SECRET, None)
            else:
                services.totp_verify(user=user, code=form.cleaned_data["code"])
        except BusinessError as exc:
            form.add_error("code", exc.message)
        else:
            request.session[SESSION_MFA_OK] = True
            messages.success(request, "动态口令已启用" if enrolling else "验证通过")
            return HttpResponseRedirect(reverse("core:home"))
    context: dict[str, object] = {"form": form, "enrolling": enrolling, "required": requires_mfa(user)}
    if enrolling:
        context["totp_uri"] = services.totp_uri(secret, user)
        context["secret"] = secret
    return render(request, "accounts/mfa.html", context)


@permission_required("accounts.manage")
def user_list(request: HttpRequest) -> HttpResponse:
    """用户管理 (系统管理员): list, create, reset a password, disable or enable."""
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.user_create(
                actor=request.user,
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
            )
        except BusinessError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, f"已创建用户 {user.username}，初始密码（仅显示一次，首次登录须修改）：{password}"
            )
            return HttpResponseRedirect(reverse("accounts:user_list"))
    users = User.objects.order_by("username")
    if q := request.GET.get("q", "").strip():
        users = users.filter(Q(username__contains=q) | Q(full_name__contains=q))
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"form": form, "page_obj": page, "q": q})


@require_POST
@permission_required("accounts.manage")
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    try:
        password = services.password_reset(actor=request.user, user=user)
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{user.username} 的新密码（仅显示一次，登录后须修改）：{password}")
    return HttpResponseRedirect(reverse("accounts:user_list"))


@require_POST
@permission_required("accounts.manage")
def user_toggle_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    try:
        services.user_set_active(actor=request.user, user=user, active=not user.is_active)
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{'启用' if user.is_active else '停用'} {user.username}")
    return HttpResponseRedirect(reverse("accounts:user_list"))


@permission_required("access.manage")
def policy(request: HttpRequest) -> HttpResponse:
    """安全策略 (安全管理员): password, lockout and session settings in force."""
    current = policy_mod.current()
    form = PolicyForm(request.POST or None, instance=policy_mod.current())
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(
                actor=request.user, values={f: form.cleaned_data[f] for f in policy_mod.POLICY_FIELDS}
            )
        except BusinessError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "安全策略已保存")
            return HttpResponseRedirect(reverse("accounts:policy"))
    limits = [
        (RATE_LIMIT_LABELS.get(name, name), *ratelimit.limit_for(name)) for name in ratelimit.DEFAULT_LIMITS
    ]
    return render(
        request,
        "accounts/policy.html",
        {
            "form": form,
            "policy": current,
            "minimums": policy_mod.MINIMUMS,
            "limits": limits,
            "retention_days": retention.retention_days(),
        },
    )
