"""Classifying letters: Chinese segmentation, a multinomial naive Bayes model, keyword rules as fallback.

Pure Python, no ORM (``services`` loads and stores the trained parameters). Segmentation is forward maximum
matching over a domain lexicon (``data/lexicon.txt``: words of party discipline, workplace and welfare
language, plus every category keyword); the features of a text are its lexicon words and its character
bigrams (which catch words the lexicon lacks). The model is the textbook multinomial naive Bayes with
Laplace smoothing (Manning, Raghavan & Schütze, *Introduction to Information Retrieval*, §13.2).

Why not a library: no new dependency for a few thousand features; jieba's dictionary (20 MB) would buy
little on short letters in a narrow domain (bench/RESULTS.md reports the held-out accuracy).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED_FILE = DATA_DIR / "letters_seed.jsonl"
HELDOUT_FILE = DATA_DIR / "letters_heldout.jsonl"
LEXICON_FILE = DATA_DIR / "lexicon.txt"
_MAX_WORD = 6
_CJK = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+|\d+")


@dataclass(frozen=True)
class Example:
    text: str
    category: str
    kind: str


def load_examples(path: Path) -> list[Example]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append(Example(row["text"], row["category"], row["kind"]))
    return out


@cache
def base_lexicon() -> frozenset[str]:
    words = LEXICON_FILE.read_text(encoding="utf-8").split()
    return frozenset(w for w in words if len(w) >= 2)


def segment(text: str, lexicon: frozenset[str] | None = None) -> list[str]:
    """Forward maximum matching: the longest lexicon word at each position, else one character."""
    lex = base_lexicon() if lexicon is None else lexicon
    out: list[str] = []
    for run in _CJK.findall(text):
        if not ("\u4e00" <= run[0] <= "\u9fff"):
            out.append(run.lower())
            continue
        i = 0
        while i < len(run):
            for size in range(min(_MAX_WORD, len(run) - i), 0, -1):
                piece = run[i : i + size]
                if size == 1 or piece in lex:
                    out.append(piece)
                    i += size
                    break
    return out


def features(text: str, lexicon: frozenset[str] | None = None) -> list[str]:
    """Lexicon words (``w:``) and character bigrams (``b:``) of ``text``."""
    words = [f"w:{w}" for w in segment(text, lexicon) if len(w) > 1]
    bigrams = [
        f"b:{run[i : i + 2]}" for run in re.findall(r"[\u4e00-\u9fff]+", text) for i in range(len(run) - 1)
    ]
    return words + bigrams


@dataclass
class NaiveBayes:
    """Multinomial naive Bayes: document counts per class, feature counts per class, the vocabulary size."""

    doc_counts: dict[str, int]
    feature_counts: dict[str, dict[str, int]]
    totals: dict[str, int]
    vocabulary: int

    @classmethod
    def train(cls, samples: Iterable[tuple[Sequence[str], str]]) -> NaiveBayes:
        docs: Counter[str] = Counter()
        counts: dict[str, Counter[str]] = {}
        vocab: set[str] = set()
        for feats, label in samples:
            docs[label] += 1
            counts.setdefault(label, Counter()).update(feats)
            vocab.update(feats)
        return cls(
            doc_counts=dict(docs),
            feature_counts={k: dict(v) for k, v in counts.items()},
            totals={k: sum(v.values()) for k, v in counts.items()},
            vocabulary=len(vocab),
        )

    def to_json(self) -> dict[str, object]:
        return {
            "doc_counts": self.doc_counts,
            "feature_counts": self.feature_counts,
            "totals": self.totals,
            "vocabulary": self.vocabulary,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> NaiveBayes:
        return cls(
            doc_counts=dict(data.get("doc_counts", {})),  # type: ignore[call-overload]
            feature_counts=dict(data.get("feature_counts", {})),  # type: ignore[call-overload]
            totals=dict(data.get("totals", {})),  # type: ignore[call-overload]
            vocabulary=int(data.get("vocabulary", 0)),  # type: ignore[call-overload]
        )

    def posteriors(self, feats: Sequence[str], labels: Iterable[str] | None = None) -> dict[str, float]:
        """P(label | features) over ``labels`` (default: every trained label), summing to 1."""
        candidates = [
            lbl for lbl in (labels if labels is not None else self.doc_counts) if lbl in self.doc_counts
        ]
        if not candidates:
            return {}
        n = sum(self.doc_counts[lbl] for lbl in candidates)
        v = max(self.vocabulary, 1)
        # Features no class has seen carry no evidence; kept, they would favour the classes with the fewest
        # words (their smoothed probabilities are the largest), i.e. the short catch-all letters.
        known = [f for f in feats if any(f in self.feature_counts.get(lbl, {}) for lbl in candidates)]
        scores = {}
        for lbl in candidates:
            counts = self.feature_counts.get(lbl, {})
            denom = self.totals.get(lbl, 0) + v
            score = math.log(self.doc_counts[lbl] / n)
            for f in known:
                score += math.log((counts.get(f, 0) + 1) / denom)
            scores[lbl] = score
        top = max(scores.values())
        exp = {k: math.exp(s - top) for k, s in scores.items()}
        total = sum(exp.values())
        return {k: e / total for k, e in exp.items()}


@dataclass(frozen=True)
class Guess:
    label: str
    source: str  # "model" or "keywords"
    confidence: float


def keyword_guess(text: str, keywords: dict[str, list[str]]) -> str | None:
    """The label whose keywords occur most often in ``text`` (ties: the first listed); None if none occurs."""
    best, best_hits = None, 0
    for label, words in keywords.items():
        hits = sum(text.count(w) for w in words if w)
        if hits > best_hits:
            best, best_hits = label, hits
    return best


def classify(
    text: str,
    *,
    model: NaiveBayes | None,
    labels: Sequence[str],
    keywords: dict[str, list[str]],
    fallback: str,
    threshold: float,
    lexicon: frozenset[str] | None = None,
) -> Guess:
    """The model's label when it is confident (posterior ≥ ``threshold``) among ``labels``; otherwise the
    keyword rules; otherwise the model's best guess if any; otherwise ``fallback``."""
    post = model.posteriors(features(text, lexicon), labels) if model is not None else {}
    best = max(post.items(), key=lambda kv: kv[1]) if post else None
    if best is not None and best[1] >= threshold:
        return Guess(best[0], "model", best[1])
    by_keyword = keyword_guess(text, {k: v for k, v in keywords.items() if k in labels})
    if by_keyword is not None:
        return Guess(by_keyword, "keywords", best[1] if best else 0.0)
    if best is not None:
        return Guess(best[0], "model", best[1])
    return Guess(fallback, "keywords", 0.0)


# Keyword rules for the kind (性质) when the model is unsure.
KIND_KEYWORDS: dict[str, list[str]] = {
    "report": ["举报", "检举", "揭发", "违纪", "收受", "贪污", "挪用", "吃拿卡要", "公款"],
    "complaint": ["投诉", "不满", "态度恶劣", "推诿", "不作为", "拖延", "刁难", "不公平"],
    "suggestion": ["建议", "希望", "能否", "是否可以", "提议", "改进", "优化"],
    "help": ["求助", "困难", "帮帮", "帮助", "救助", "生病", "住院", "困境", "无力"],
}
