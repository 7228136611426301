"""Payment providers of 党费 (the adapter contract is documented in docs/dues-payments.md).

A provider turns a ``DuesPayment`` in status ``pending`` into money received. The platform ships one working
provider, ``offline``: the member transfers the money to the branch's account or hands over cash, and the
treasurer (``dues.manage``) confirms the receipt, which settles the bills and numbers the receipt. A real
gateway (a bank's or a payment company's) is another class with the same three methods, listed in
``settings.DUES_PAYMENT_PROVIDERS``; it calls ``services.payment_settle`` when its verified callback says the
money arrived.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.module_loading import import_string

from dangjian.core.errors import BusinessError
from dangjian.dues import config


@dataclass(frozen=True)
class Instructions:
    """What the member is shown after starting a payment."""

    text: str  # e.g. how and where to transfer, with the reference to quote
    redirect_url: str = ""  # a gateway's cashier page, if any


class PaymentProvider(Protocol):
    code: str
    label: str

    def instructions(self, *, payment: Any) -> Instructions:
        """How the member completes the payment (shown on the payment's page)."""

    def confirm(self, *, payment: Any, actor: Any, reference: str) -> Any:
        """Settle ``payment`` (in a transaction) and return it; raise BusinessError if it cannot be."""

    def handle_callback(self, *, data: dict[str, Any]) -> Any:
        """Verify a gateway's asynchronous notice and settle the payment it names (gateways only)."""


class OfflineProvider:
    """线下交纳: bank transfer to the branch's account or cash to the 组织委员; the treasurer confirms."""

    code = "offline"
    label = "线下交纳（转账或现金，由支部确认）"

    def instructions(self, *, payment: Any) -> Instructions:
        return Instructions(
            text=(
                f"请将 {payment.amount} 元转账至本支部党费账户或交给支部组织委员，"
                f"转账附言请注明“党费-{payment.pk}-{payment.member.name}”。支部确认到账后即生成电子收据。"
            )
        )

    def confirm(self, *, payment: Any, actor: Any, reference: str) -> Any:
        from dangjian.dues import services

        return services.payment_settle(payment=payment, actor=actor, reference=reference)

    def handle_callback(self, *, data: dict[str, Any]) -> Any:
        raise BusinessError("dues.no_callback", "线下交纳没有在线回调")


def available() -> list[PaymentProvider]:
    return [import_string(path)() for path in config.providers()]


def get(code: str) -> PaymentProvider:
    for provider in available():
        if provider.code == code:
            return provider
    raise BusinessError("dues.bad_provider", "不支持该支付渠道")
