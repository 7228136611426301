"""Personal-information classes of this app's fields (merged into dangjian.core.privacy.INVENTORY).

A transfer says where a member's membership goes, why, and what the letter carries about them (正式/预备,
the probation start, 党费交至): personal. Notes on a request are personal too. The
identity number printed on the letter is read from the member's record at print time, never stored here.
A 流动党员 registration says where a member is and how to reach them: personal.
"""

_P, _I, _PE, _S = "public", "internal", "personal", "sensitive"

INVENTORY: dict[str, dict[str, str]] = {
    "transfers.transfer": {
        "id": _I,
        "member": _PE,
        "kind": _PE,
        "status": _PE,
        "started_by": _PE,
        "reason": _PE,  # 工作调动, 居住地变更 …: the member's circumstances
        "reason_detail": _PE,
        "from_org": _PE,  # the member's branch
        "from_org_name": _PE,
        "to_org": _PE,
        "to_org_name": _PE,  # where the member goes
        "to_address": _PE,
        "system_ref": _I,
        "member_status": _PE,
        "probation_started_on": _PE,
        "dues_paid_until": _PE,
        "issuing_org": _I,
        "letter_number": _I,
        "issued_on": _I,
        "valid_days": _I,
        "expires_on": _I,
        "requested_on": _PE,
        "requested_by": _I,
        "branch_approved_on": _I,
        "branch_approved_by": _I,
        "approved_by": _I,
        "accepted_on": _PE,
        "accepted_by": _I,
        "reported_on": _PE,
        "receipt_due": _I,
        "receipt_returned_on": _I,
        "receipt_note": _PE,
        "decision_note": _PE,  # the branch's or committee's note on the request (e.g. 请补充接收证明)
        "closed_by": _I,
        "created_at": _I,
        "updated_at": _I,
    },
    "transfers.mobileregistration": {
        "id": _I,
        "member": _PE,
        "org": _PE,
        "certificate_number": _PE,
        "destination": _PE,  # where the member is
        "destination_org": _PE,
        "reason": _PE,
        "started_on": _PE,
        "expected_until": _PE,
        "contact": _PE,  # how to reach the member while away
        "certificate_issued_on": _PE,
        "certificate_valid_until": _PE,
        "ended_on": _PE,
        "end_note": _PE,
        "registered_by": _I,
        "created_at": _I,
    },
}
