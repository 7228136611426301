"""Personal-information classes of this app's fields (merged into dangjian.core.privacy.INVENTORY).

An applicant's identity number and phone are sensitive (encrypted at rest, masked on screen, like a
member's); the rest of their record and the steps of their process are personal: only those who read the
branch's development files (development.view) see them. A political review's conclusion, evaluations and
思想汇报 are sensitive. Votes keep counts and attendance only (secret ballot); the signed written opinions of
absent members are personal.
"""

_P, _I, _PE, _S = "public", "internal", "personal", "sensitive"

INVENTORY: dict[str, dict[str, str]] = {
    "development.localpractice": {
        "id": _I,
        "org": _I,
        "publicity_days": _I,
        "activist_min_months": _I,
        "review_valid_months": _I,
        "thought_report_months": _I,
        "notice_days": _I,
        "updated_by": _I,
        "updated_at": _I,
    },
    "development.development": {
        "id": _I,
        "org": _PE,
        "name": _PE,
        "gender": _PE,
        "id_number": _S,
        "id_number_index": _S,
        "birth_date": _PE,
        "ethnicity": _PE,
        "education": _PE,
        "category": _PE,
        "job_title": _PE,
        "phone": _S,
        "applied_on": _PE,
        "stage": _PE,
        "status": _PE,
        "mentors": _PE,
        "introducers": _PE,
        "leaving_on": _PE,
        "resolution_on": _PE,
        "approval_extension_reason": _PE,
        "extension_months": _PE,
        "full_on": _PE,
        "member": _PE,
        "closed_reason": _S,  # why a process ended (cancelled, withdrawn …)
        "created_by": _I,
        "created_at": _I,
        "updated_at": _I,
    },
    "development.developmentstep": {
        "id": _I,
        "development": _PE,
        "number": _PE,
        "done_on": _PE,
        "responsible": _PE,
        "note": _S,  # talk records, committee opinions
        "data": _PE,  # particulars: 公示 date, introducers, training days, review conclusion
        "warnings": _PE,
        "recorded_by": _I,
        "recorded_at": _I,
    },
    "development.developmentrecord": {
        "id": _I,
        "development": _PE,
        "kind": _PE,
        "on": _PE,
        "summary": _S,
        "recorded_by": _I,
        "created_at": _I,
    },
    "development.developmentdocument": {
        "id": _I,
        "development": _PE,
        "step": _PE,
        "title": _PE,
        "file": _PE,  # the stored file is encrypted at rest (policy development.document)
        "uploaded_by": _I,
        "created_at": _I,
    },
    "development.developmentvote": {
        "id": _I,
        "development": _PE,
        "step": _PE,
        "meeting": _I,
        "held_on": _PE,
        "starts_at": _PE,
        "present_ids": _PE,
        "excluded": _S,  # reasons for leaving someone out of 应到会 (detained, 留党察看 …)
        "written": _PE,
        "yes": _PE,
        "no": _PE,
        "abstain": _PE,
        "outcome": _PE,
        "extension_months": _PE,
        "passed": _PE,
        "expected": _PE,
        "present": _PE,
        "yes_total": _PE,
        "no_total": _PE,
        "abstain_total": _PE,
        "explanation": _PE,
        "recorded_by": _I,
        "created_at": _I,
    },
}
