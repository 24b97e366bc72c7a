"""``extract()`` and ``extract_many()``: text in, claims out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from .model import Claim, Published, TextSpan

PublishedLike = date | str | Published | None
MAX_CHARS = 2_000_000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")  # C0 controls but tab and newline


@lru_cache(maxsize=1)
def default_nlp() -> Language:
    """The default pipeline, built once per process."""
    from .pipeline import load

    return load()


def resolve_published(text: str, published: PublishedLike) -> Published | None:
    """The publication date and its source: given (``argument``/as passed) or a dateline in the text."""
    if isinstance(published, Published):
        return published
    if isinstance(published, date):
        return Published(published, "argument")
    if isinstance(published, str) and published.strip():
        try:
            return Published(date.fromisoformat(published.strip()[:10]), "argument")
        except ValueError:
            pass
    from .periods import find_dateline

    try:
        found = find_dateline(text)
    except Exception:  # a dateline is a bonus; never let it stop extraction
        found = None
    return Published(found, "dateline") if found else None


def _clean(text: object) -> str:
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    # spaCy's tokenizer is fine with any str; NUL and other C0 controls only get in the way
    # (replaced one for one, so offsets still point into the caller's text)
    return _CONTROL.sub(" ", text[:MAX_CHARS])


def _prepare(nlp: Language, text: str, article_id: str | None, published: Published | None) -> Doc:
    doc = nlp.make_doc(text)
    doc._.article_id = article_id
    doc._.published = published.date if published else None
    return doc


def _finish(doc: Doc, published: Published | None, original: str, cleaned: bool) -> list[Claim]:
    """Claims with their publication date, quoting the caller's text (control characters and all:
    ``cleaned`` says some were replaced in the text the Doc was made from).

    The Doc is this module's own (made by :func:`_prepare`, never handed out), so its claims
    are completed in place rather than copied.
    """
    out = []
    for c in doc._.claims or []:
        if not cleaned:
            c.published = published
            out.append(c)
            continue
        sentence = TextSpan(original[c.sentence.start:c.sentence.end], c.sentence.start, c.sentence.end)
        span = TextSpan(original[c.span.start:c.span.end], c.span.start, c.span.end)
        out.append(replace(c, published=published, sentence=sentence, span=span))
    return out


def extract(text: str, *, published: PublishedLike = None, article_id: str | None = None,
            nlp: Language | None = None) -> list[Claim]:
    """The claims of one article's text.

    ``published`` (a date, "YYYY-MM-DD" or :class:`Published`) anchors relative periods
    ("over the past five years"); without it a dateline in the text is looked for.
    Offsets and quoted text in the claims point into ``text`` exactly as given (control
    characters are read as spaces, one for one). Never raises on a ``str``.
    """
    nlp = nlp or default_nlp()
    original = text if isinstance(text, str) else _clean(text)
    clean = _clean(original)
    pub = resolve_published(clean, published)
    doc = nlp(_prepare(nlp, clean, article_id, pub))
    return _finish(doc, pub, original[:MAX_CHARS], clean is not original[:MAX_CHARS])


def extract_many(items: Iterable[tuple[str, str | None, PublishedLike]], *, nlp: Language | None = None,
                 batch_size: int = 32) -> Iterator[list[Claim]]:
    """Claims for many articles, one list per ``(text, article_id, published)`` item, in order.

    Uses ``nlp.pipe`` so spaCy batches the work.
    """
    nlp = nlp or default_nlp()
    pending: list[tuple[Published | None, str, bool]] = []

    def docs() -> Iterator[Doc]:
        for text, article_id, published in items:
            original = text if isinstance(text, str) else _clean(text)
            original = original[:MAX_CHARS]
            clean = _clean(original)
            pub = resolve_published(clean, published)
            pending.append((pub, original, clean is not original))
            yield _prepare(nlp, clean, article_id, pub)

    for k, doc in enumerate(nlp.pipe(docs(), batch_size=batch_size)):
        pub, original, cleaned = pending[k]
        pending[k] = (None, "", False)
        yield _finish(doc, pub, original, cleaned)
