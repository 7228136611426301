"""Login, logout and the profile page (own record, contact details, API tokens)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from dangjian.access import classify, scope, tokens
from dangjian.access.models import ApiToken
from dangjian.accounts.forms import ContactForm, LoginForm, TokenForm
from dangjian.accounts.middleware import start_session
from dangjian.audit import services as audit
from dangjian.core import privacy
from dangjian.core.errors import BusinessError
from dangjian.core.ratelimit import ratelimit
from dangjian.members import services as member_services
from dangjian.members.selectors import member_get_own
from dangjian.points import services as points_services


@method_decorator(ratelimit("login"), name="dispatch")
class LoginView(auth_views.LoginView):
    access = classify.PUBLIC
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        start_session(self.request, user)
        audit.record(actor=user, action="accounts.login.success", target=user)
        member = member_get_own(user)
        if member is not None and not member.exit_kind:
            # 每日登录 points (DOMAIN.md §7), through the points service, once per day whatever the retries.
            transaction.on_commit(
                lambda: points_services.points_award(member=member, action="login", source="登录")
            )
        return response

    def form_invalid(self, form: LoginForm) -> HttpResponse:
        # The attempted username is kept, never the password; unknown users get the same answer.
        audit.record(
            actor=None,
            action="accounts.login.failure",
            success=False,
            target_repr=str(form.data.get("username", ""))[:150],
        )
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    access = classify.AUTHENTICATED

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated:
            audit.record(actor=request.user, action="accounts.session.end", target=request.user)
        return super().post(request, *args, **kwargs)


@classify.authenticated
def profile(request: HttpRequest) -> HttpResponse:
    """我的档案: what the platform holds about me (every personal field of my record, from the inventory in
    ``core.privacy``, and counts of the records kept about me); I correct my own phone and address here."""
    member = member_get_own(request.user)
    contact_form = ContactForm(initial={"phone": member.phone, "address": member.address} if member else None)
    if request.method == "POST" and member is not None:
        contact_form = ContactForm(request.POST)
        if contact_form.is_valid():
            try:
                member_services.member_update_contact(
                    actor=request.user,
                    member=member,
                    phone=contact_form.cleaned_data["phone"],
                    address=contact_form.cleaned_data["address"],
                )
            except BusinessError as exc:
                contact_form.add_error(None, exc.message)
            else:
                messages.success(request, "联系方式已更新")
                return HttpResponseRedirect(reverse("accounts:profile"))
    history = member.history.select_related("actor").all()[:50] if member else []
    positions = member.positions.select_related("org").order_by("-started_on") if member else []
    return render(
        request,
        "accounts/profile.html",
        {
            "member": member,
            "contact_form": contact_form,
            "history": history,
            "positions": positions,
            "holdings": privacy.holdings(member) if member else [],
            "records": privacy.records_about(request.user, member),
            "tokens": ApiToken.objects.filter(user=request.user, revoked_at__isnull=True),
            "token_form": TokenForm(),
            "new_key": request.session.pop("new_token_key", None),
        },
    )


@require_POST
@classify.authenticated
@ratelimit("token")
def token_create(request: HttpRequest) -> HttpResponse:
    if scope.is_admin(request.user):
        messages.error(request, "管理员账号不能使用 API 令牌（须经动态口令登录）")
        return HttpResponseRedirect(reverse("accounts:profile"))
    form = TokenForm(request.POST)
    if form.is_valid():
        _, key = tokens.token_create(actor=request.user, user=request.user, name=form.cleaned_data["name"])
        request.session["new_token_key"] = key
        messages.success(request, "令牌已创建，请立即复制保存：离开本页后不再显示")
    else:
        messages.error(request, "请填写令牌名称")
    return HttpResponseRedirect(reverse("accounts:profile") + "#tokens")


@require_POST
@classify.authenticated
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    tokens.token_revoke(actor=request.user, token=token)
    messages.success(request, "令牌已吊销")
    return HttpResponseRedirect(reverse("accounts:profile") + "#tokens")
