"""The claim record: typed dataclasses whose ``to_dict()`` follows CLAIM_SCHEMA.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

UNITS = ("count", "percent", "rate_per_year", "per_1000", "months", "gbp")
SOURCES = ("sentence", "clause", "list_item", "frame", "previous_claim")
CHANGES = ("up", "down")
APPROX = ("exact", "about", "more_than", "less_than", "at_least", "at_most")
MEASURES = (
    "reported", "investigated", "suspended", "restricted_duties", "case_to_answer",
    "no_case_to_answer", "upheld", "not_upheld", "formal_action", "misconduct_hearing",
    "dismissed", "resigned", "retired", "left_force", "retained", "final_written_warning",
    "written_warning", "management_advice", "reflective_practice", "reprimand", "sanctioned",
    "no_further_action", "withdrawn", "arrested", "charged", "convicted", "jailed", "other",
)
SUBJECTS = ("officer", "staff", "pcso", "special_constable", "workforce")
RANKS = (
    "constable", "sergeant", "inspector", "chief_inspector", "superintendent",
    "sergeant_or_above", "inspector_or_above",
)
REGIONS = ("England and Wales", "UK", "Scotland", "Northern Ireland", "Wales", "England")


def _round(p: float | None) -> float | None:
    return None if p is None else round(float(p), 3)


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@dataclass(frozen=True)
class TextSpan:
    """A piece of the article text with its character offsets (``text == article[start:end]``).

    ``truncated`` marks a sentence recorded as a window around its figure (CLAIM_SCHEMA.md).
    """

    text: str
    start: int
    end: int
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "start": self.start, "end": self.end}
        if self.truncated:
            out["truncated"] = True
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TextSpan:
        """The span of a record written by :meth:`to_dict`."""
        return cls(d["text"], d["start"], d["end"], bool(d.get("truncated", False)))


@dataclass(frozen=True)
class ForceRef:
    """The police force a claim is about, as attributed in the article."""

    id: str
    name: str
    text: str
    score: float
    inherited: bool = False
    source: str | None = None   # one of SOURCES: where in the article the force was found
    rule: str | None = None     # the name of the attribution rule that decided it
    probability: float | None = None  # estimated probability that the force is right

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "text": self.text,
                "score": round(float(self.score), 1), "inherited": self.inherited,
                "source": self.source, "rule": self.rule, "probability": _round(self.probability)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ForceRef:
        """The force of a record written by :meth:`to_dict`."""
        return cls(d["id"], d["name"], d["text"], float(d["score"]), bool(d.get("inherited", False)),
                   d.get("source"), d.get("rule"), d.get("probability"))


@dataclass(frozen=True)
class PeriodRef:
    """The time span a claim covers (inclusive dates) and the words that stated it."""

    start: date | None
    end: date | None
    text: str
    inherited: bool = False
    source: str | None = None   # one of SOURCES: where in the article the period was found
    rule: str | None = None     # the name of the attribution rule that decided it
    probability: float | None = None  # estimated probability that the period is right

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None,
                "text": self.text, "inherited": self.inherited,
                "source": self.source, "rule": self.rule, "probability": _round(self.probability)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PeriodRef:
        """The period of a record written by :meth:`to_dict`."""
        return cls(_date(d.get("start")), _date(d.get("end")), d["text"], bool(d.get("inherited", False)),
                   d.get("source"), d.get("rule"), d.get("probability"))


@dataclass(frozen=True)
class Published:
    """The article's publication date and where it came from (manifest, argument, dateline)."""

    date: date
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "source": self.source}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Published:
        """The publication date of a record written by :meth:`to_dict`."""
        return cls(date.fromisoformat(d["date"]), d["source"])


@dataclass
class Claim:
    """One numeric claim about police misconduct, traced to its sentence."""

    value: int | float
    unit: str
    approx: str
    sentence: TextSpan
    span: TextSpan
    measure: str | None = None
    measure_text: str | None = None
    subject: str | None = None
    subject_text: str | None = None
    rank: str | None = None
    force: ForceRef | None = None
    region: str | None = None
    period: PeriodRef | None = None
    platforms: list[str] = field(default_factory=list)
    confidence: float = 0.5
    article: str | None = None
    published: Published | None = None
    region_source: str | None = None
    region_rule: str | None = None
    value_max: int | float | None = None    # upper end of a range ("between 12 and 15")
    change: str | None = None               # "up"/"down" when the figure is a change ("rose by 40%")
    change_from: int | float | None = None  # the earlier value a level or change is set against
    probability: float | None = None          # estimated probability the claim is right as a whole
    measure_probability: float | None = None  # ... that its measure is right
    subject_probability: float | None = None  # ... that its subject is right

    def to_dict(self) -> dict[str, Any]:
        """The claim as the JSON-ready record described in CLAIM_SCHEMA.md."""
        value: float | int = self.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return {
            "article": self.article,
            "value": value,
            "unit": self.unit,
            "approx": self.approx,
            "measure": self.measure,
            "measure_text": self.measure_text,
            "subject": self.subject,
            "subject_text": self.subject_text,
            "rank": self.rank,
            "value_max": self.value_max,
            "change": self.change,
            "change_from": self.change_from,
            "force": self.force.to_dict() if self.force else None,
            "region": self.region,
            "region_source": self.region_source,
            "region_rule": self.region_rule,
            "period": self.period.to_dict() if self.period else None,
            "platforms": list(self.platforms),
            "sentence": self.sentence.to_dict(),
            "span": self.span.to_dict(),
            "confidence": round(self.confidence, 3),
            "probability": _round(self.probability),
            "measure_probability": _round(self.measure_probability),
            "subject_probability": _round(self.subject_probability),
            "published": self.published.to_dict() if self.published else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Claim:
        """A claim from a record written by :meth:`to_dict` (a line of the batch command's
        JSONL, read with :func:`misconduct_nlp.formats.read_claims`): ``Claim.from_dict(c.to_dict())``
        equals ``c`` up to the rounding of ``confidence`` and the probabilities. Fields a record
        lacks take their defaults; keys the record adds are ignored."""
        force, period, published = d.get("force"), d.get("period"), d.get("published")
        return cls(
            value=d["value"], unit=d["unit"], approx=d["approx"],
            sentence=TextSpan.from_dict(d["sentence"]), span=TextSpan.from_dict(d["span"]),
            measure=d.get("measure"), measure_text=d.get("measure_text"),
            subject=d.get("subject"), subject_text=d.get("subject_text"), rank=d.get("rank"),
            force=ForceRef.from_dict(force) if force else None, region=d.get("region"),
            period=PeriodRef.from_dict(period) if period else None,
            platforms=list(d.get("platforms") or []), confidence=float(d.get("confidence", 0.5)),
            article=d.get("article"), published=Published.from_dict(published) if published else None,
            region_source=d.get("region_source"), region_rule=d.get("region_rule"),
            value_max=d.get("value_max"), change=d.get("change"), change_from=d.get("change_from"),
            probability=d.get("probability"), measure_probability=d.get("measure_probability"),
            subject_probability=d.get("subject_probability"),
        )
