"""Row integrity of money and score rows (dangjian.core.integrity, ``manage.py check_integrity``).

No dues or score model exists yet, so the tests define one (``core.SealedPayment``) for the length of this
module: its table is created with the schema editor and dropped afterwards, and the model is taken out of
the app registry again so that no other test (backup, key rotation) ever sees it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.test import override_settings

from conftest import make_member
from dangjian.core import integrity, keys
from dangjian.orgs import services as org_services


def define_payment_model() -> type[integrity.IntegrityProtected]:
    """A stand-in for the future dues payment: member, amount, date protected; a note that is not."""

    class Meta:
        app_label = "core"
        db_table = "core_test_sealed_payment"

    attrs = {
        "__module__": __name__,
        "Meta": Meta,
        "member": models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+"),
        "amount": models.DecimalField(max_digits=10, decimal_places=2),
        "paid_on": models.DateField(),
        "note": models.CharField(max_length=100, blank=True),
        "integrity_fields": ("member_id", "amount", "paid_on"),
    }
    return type("SealedPayment", (integrity.IntegrityProtected,), attrs)  # type: ignore[return-value]


@pytest.fixture(scope="module")
def payment_model(django_db_setup: Any, django_db_blocker: Any) -> Any:
    model = define_payment_model()
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            editor.create_model(model)
        try:
            yield model
        finally:
            with connection.schema_editor() as editor:
                editor.delete_model(model)
            del apps.all_models["core"][model._meta.model_name]
            apps.clear_cache()


@pytest.fixture
def member(db: Any) -> Any:
    branch = org_services.org_create(
        actor=None, parent=None, name="中共测试公司第一支部委员会", kind="branch", bootstrap=True
    )
    return make_member(branch, "缴费人")


@pytest.fixture
def payment(payment_model: Any, member: Any) -> Any:
    return payment_model.objects.create(
        member=member, amount=Decimal("25.5"), paid_on=dt.date(2026, 11, 1), note="十一月党费"
    )


def raw_update(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def check_integrity() -> tuple[str, Any]:
    out = StringIO()
    try:
        call_command("check_integrity", stdout=out, verbosity=0)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_a_saved_row_is_sealed_and_verifies_after_reloading(payment, payment_model):
    assert len(payment.row_mac) == 64
    reloaded = payment_model.objects.get(pk=payment.pk)
    assert reloaded.row_mac == payment.row_mac
    assert reloaded.amount == Decimal("25.50")  # the database quantized it; the MAC did too
    assert integrity.verify(instance=reloaded)


def test_the_model_is_registered_for_checking(payment_model):
    assert payment_model in integrity.protected_models()


def test_a_raw_sql_edit_of_the_amount_is_detected(payment, payment_model):
    raw_update("UPDATE core_test_sealed_payment SET amount = %s WHERE id = %s", [Decimal("2.55"), payment.pk])
    assert not integrity.verify(instance=payment_model.objects.get(pk=payment.pk))
    out, error = check_integrity()
    assert "core.sealedpayment：1 行，1 行校验值不符" in out
    assert str(payment.pk) in out
    assert error is not None and "完整性校验失败" in str(error)


@pytest.mark.parametrize(
    ("column", "value"),
    [("paid_on", dt.date(2026, 10, 1)), ("row_mac", "0" * 64)],
)
def test_a_raw_sql_edit_of_any_protected_column_is_detected(payment, payment_model, column, value):
    raw_update(f"UPDATE core_test_sealed_payment SET {column} = %s WHERE id = %s", [value, payment.pk])  # noqa: S608
    assert not integrity.verify(instance=payment_model.objects.get(pk=payment.pk))


def test_moving_a_payment_to_another_member_is_detected(payment, payment_model, member):
    other = make_member(member.org, "另一人")
    raw_update("UPDATE core_test_sealed_payment SET member_id = %s WHERE id = %s", [other.pk, payment.pk])
    assert not integrity.verify(instance=payment_model.objects.get(pk=payment.pk))


def test_a_mac_copied_from_another_row_does_not_verify(payment, payment_model, member):
    twin = payment_model.objects.create(member=member, amount=Decimal("25.50"), paid_on=dt.date(2026, 11, 1))
    assert twin.row_mac != payment.row_mac  # the primary key is covered
    raw_update("UPDATE core_test_sealed_payment SET row_mac = %s WHERE id = %s", [payment.row_mac, twin.pk])
    assert not integrity.verify(instance=payment_model.objects.get(pk=twin.pk))


def test_an_unprotected_column_may_change(payment, payment_model):
    raw_update("UPDATE core_test_sealed_payment SET note = %s WHERE id = %s", ["备注已改", payment.pk])
    assert integrity.verify(instance=payment_model.objects.get(pk=payment.pk))
    out, error = check_integrity()
    assert error is None
    assert "core.sealedpayment：1 行，全部通过" in out


def test_saving_through_the_model_seals_again(payment, payment_model):
    payment.amount = Decimal("30")
    payment.save(update_fields=["amount"])
    reloaded = payment_model.objects.get(pk=payment.pk)
    assert reloaded.amount == Decimal("30.00")
    assert integrity.verify(instance=reloaded)


def test_saving_only_unprotected_fields_keeps_the_mac(payment, payment_model):
    before = payment.row_mac
    payment.note = "补记"
    payment.save(update_fields=["note"])
    assert payment_model.objects.get(pk=payment.pk).row_mac == before


def test_a_queryset_update_that_does_not_reseal_is_reported(payment, payment_model):
    payment_model.objects.filter(pk=payment.pk).update(amount=Decimal("1.00"))
    _, error = check_integrity()
    assert error is not None


def test_a_bulk_write_is_valid_once_sealed(payment, payment_model):
    payment_model.objects.filter(pk=payment.pk).update(amount=Decimal("1.00"))
    row = payment_model.objects.get(pk=payment.pk)
    integrity.seal(instance=row)
    payment_model.objects.bulk_update([row], ["row_mac"])
    assert integrity.check().ok


def test_the_canonical_form_is_stable_json_of_label_pk_and_fields(payment):
    assert integrity.canonical(instance=payment).decode() == (
        f'{{"fields":{{"amount":"25.50","member_id":{payment.member_id},"paid_on":"2026-11-01"}},'
        f'"model":"core.sealedpayment","pk":"{payment.pk}"}}'
    )


def test_the_key_is_derived_from_the_audit_key_for_its_own_purpose():
    key = integrity.integrity_key()
    assert key == keys.derive_key(master=settings.AUDIT_HMAC_KEY, label="integrity")
    assert key != settings.AUDIT_HMAC_KEY
    with override_settings(INTEGRITY_KEY="ab" * 32):
        assert integrity.integrity_key() == bytes.fromhex("ab" * 32)


def test_rows_sealed_under_another_key_fail(payment, payment_model):
    with override_settings(INTEGRITY_KEY="ab" * 32):
        assert not integrity.verify(instance=payment_model.objects.get(pk=payment.pk))


def test_check_integrity_passes_on_clean_data(payment, payment_model, member):
    for day in range(1, 6):
        payment_model.objects.create(member=member, amount=Decimal(day), paid_on=dt.date(2026, 1, day))
    report = integrity.check(batch=2)
    assert report.ok
    assert report.checked["core.sealedpayment"] == 6
