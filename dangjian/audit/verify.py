"""Checking the audit chain: the first altered, missing or reordered entry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dangjian.audit.models import AuditChainHead, AuditEntry
from dangjian.audit.retention import PURGE_ACTION
from dangjian.audit.services import entry_mac


@dataclass(frozen=True)
class ChainReport:
    checked: int
    ok: bool
    problem: str = ""
    seq: int | None = None


def verify_chain(*, progress: Callable[[int], None] | None = None, batch: int = 2000) -> ChainReport:
    """Walk the chain in ``seq`` order. The oldest remaining entry anchors it (older ones may have been
    purged under the retention rule); every later entry must follow with ``seq + 1``, carry the previous
    MAC and have a valid MAC of its own; the chain head must point at the last entry."""
    checked = 0
    prev_seq: int | None = None
    prev_mac = ""
    last_seq = 0
    qs = AuditEntry.objects.order_by("seq")
    while True:
        chunk = list(qs.filter(seq__gt=last_seq)[:batch]) if prev_seq is not None else list(qs[:batch])
        if not chunk:
            break
        for entry in chunk:
            if prev_seq is not None:
                if entry.seq != prev_seq + 1:
                    return ChainReport(checked, False, f"第 {prev_seq + 1} 条审计记录缺失", prev_seq + 1)
                if entry.prev_mac != prev_mac:
                    return ChainReport(
                        checked, False, f"第 {entry.seq} 条审计记录的前序校验值不符", entry.seq
                    )
            if entry.mac != entry_mac(entry):
                return ChainReport(checked, False, f"第 {entry.seq} 条审计记录已被篡改", entry.seq)
            prev_seq, prev_mac = entry.seq, entry.mac
            checked += 1
        last_seq = chunk[-1].seq
        if progress:
            progress(checked)
    # The oldest remaining entry must be the one right after the last lawful purge.
    purge = (
        AuditEntry.objects.filter(action=PURGE_ACTION)
        .order_by("-seq")
        .values_list("changes", flat=True)
        .first()
    )
    first = AuditEntry.objects.order_by("seq").values_list("seq", flat=True).first()
    expected_first = int(purge["purged_through"]) + 1 if purge else 1
    if first is not None and first != expected_first:
        return ChainReport(
            checked, False, f"第 {expected_first} 条审计记录缺失（最早的记录为第 {first} 条）", expected_first
        )
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.seq != (prev_seq or 0):
        missing = (prev_seq or 0) + 1
        return ChainReport(
            checked, False, f"第 {missing} 条及以后的审计记录缺失（链头为 {head.seq}）", missing
        )
    if head is not None and prev_seq is not None and head.mac != prev_mac:
        return ChainReport(checked, False, "审计链头与最后一条记录不符", prev_seq)
    return ChainReport(checked, True)
