"""Pure rules of 考试中心: reading answers as people type them, grading objective questions, drawing.

No regulation governs marking; these are the conventions of party-knowledge tests (党章党规知识竞赛): a
multiple-choice question scores only when exactly right, a blank accepts any of its accepted texts
regardless of full-/half-width characters and spacing, 判断 accepts 对/错/√/×/正确/错误/T/F.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal

LETTERS = "ABCDEF"
TRUE_WORDS = {"对", "√", "✓", "✔", "正确", "是", "T", "TRUE", "Y", "YES"}
FALSE_WORDS = {"错", "×", "✗", "✘", "X", "错误", "否", "F", "FALSE", "N", "NO"}
# Separators people put between accepted answers of a blank: ｜ | ； ;  (and between letters: 、 , ，).
_BLANK_SPLIT = re.compile(r"[|｜;；]")


def fold(text: str) -> str:
    """Text compared tolerantly: NFKC (full-width letters, digits and punctuation to half-width), no
    whitespace at all, letters case-folded, and the Chinese and Western forms of common punctuation alike."""
    value = unicodedata.normalize("NFKC", str(text or ""))
    value = re.sub(r"\s+", "", value)
    value = value.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'").replace("、", ",")
    value = value.replace("。", ".")
    return value.casefold()


def fingerprint(stem: str) -> str:
    """The duplicate key of a question: its stem folded, without punctuation, hashed."""
    folded = re.sub(r"[\W_]+", "", fold(stem))
    return hashlib.sha256(folded.encode()).hexdigest()


def parse_letters(text: str) -> list[str] | None:
    """``"ABD"``, ``"a,b,d"``, ``"Ａ、Ｂ"`` → ``["A", "B", "D"]`` (sorted, unique); None when anything else
    is in it."""
    value = re.sub(r"[\s,，、;；/]+", "", unicodedata.normalize("NFKC", str(text or ""))).upper()
    if not value or any(ch not in LETTERS for ch in value):
        return None
    return sorted(set(value))


def parse_judge(text: str) -> bool | None:
    """对/错, √/×, 正确/错误, T/F … → True/False; None when not recognised."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip().upper()
    if value in {w.upper() for w in TRUE_WORDS}:
        return True
    if value in {w.upper() for w in FALSE_WORDS}:
        return False
    return None


def split_blank_answers(text: str) -> list[str]:
    """The accepted texts of a blank, written ``党的领导|中国共产党的领导`` (or with ；)."""
    return [part.strip() for part in _BLANK_SPLIT.split(str(text or "")) if part.strip()]


def split_tags(text: str) -> list[str]:
    """Knowledge tags as typed: separated by , ，、 ; ； or spaces."""
    return [t for t in re.split(r"[,，、;；\s]+", str(text or "")) if t]


def is_correct(kind: str, answer: Sequence[str], response: Sequence[str]) -> bool | None:
    """Whether ``response`` answers an objective question right; None for a short answer (a person grades).

    Multiple choice is right only when the set of letters is exactly the answer (no partial credit).
    """
    if kind == "short":
        return None
    given = [str(r) for r in response if str(r).strip()]
    if not given:
        return False
    if kind in ("single", "multiple"):
        return sorted({g.upper() for g in given}) == sorted({a.upper() for a in answer})
    if kind == "judge":
        return given[:1] == list(answer[:1])
    if kind == "blank":
        accepted = {fold(a) for a in answer}
        return fold(given[0]) in accepted
    return False


def score_for(correct: bool | None, max_score: Decimal) -> Decimal | None:
    if correct is None:
        return None
    return max_score if correct else Decimal("0")


def passed(score: Decimal, pass_score: Decimal) -> bool:
    return score >= pass_score


def shuffled_order(option_count: int, rng: random.Random) -> list[int]:
    order = list(range(option_count))
    rng.shuffle(order)
    return order


def to_original(letters: Sequence[str], order: Sequence[int]) -> list[str]:
    """Letters as shown to the examinee (after shuffling) → the letters of the original options.

    ``order[i]`` is the original index of the option shown at position i. Unknown letters are dropped.
    """
    out = []
    for letter in letters:
        pos = LETTERS.find(str(letter).upper())
        if 0 <= pos < len(order):
            out.append(LETTERS[order[pos]])
    return sorted(set(out))


def to_shown(letters: Sequence[str], order: Sequence[int]) -> list[str]:
    """The inverse of ``to_original``: original letters → the letters the examinee sees."""
    out = []
    for letter in letters:
        original = LETTERS.find(str(letter).upper())
        if original >= 0 and original in order:
            out.append(LETTERS[list(order).index(original)])
    return sorted(set(out))
