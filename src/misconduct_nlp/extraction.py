"""``extract()`` and ``extract_many()``: text in, claims out."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from .bounds import SENTENCE_LIMIT, chunk_bounds, prepare_text, quotable, sentence_window
from .errors import Errors, InputTypeError
from .model import Claim, Published, TextSpan
from .probability import assign_probabilities

PublishedLike = date | str | Published | None


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


def _require_str(text: object) -> str:
    if isinstance(text, str):
        return text
    hint = ("decode bytes first, e.g. data.decode('utf-8')"
            if isinstance(text, (bytes, bytearray, memoryview)) else "the article's text")
    raise InputTypeError(Errors.E313.format(type=type(text).__name__, hint=hint))


@dataclass(frozen=True)
class _Piece:
    """One Doc's share of an article: where it starts in the text the claims quote."""

    published: Published | None
    quoted: str  # the caller's text with lone surrogates replaced (bounds.quotable)
    offset: int
    rebuild: bool  # the Doc's text differs from ``quoted`` or starts past 0: re-cut the claims' text
    last: bool


def _docs(nlp: Language, text: str, article_id: str | None,
          published: PublishedLike) -> Iterator[tuple[Doc, _Piece]]:
    """The Docs of one article, made as they are needed (several when it is over ``nlp.max_length``)."""
    quoted = quotable(_require_str(text))
    prepared = prepare_text(quoted)
    pub = resolve_published(prepared, published)
    n = len(prepared)
    bounds = chunk_bounds(prepared, nlp.max_length) if n > nlp.max_length else [(0, n)]
    for a, b in bounds:
        piece_text = prepared if (a, b) == (0, n) else prepared[a:b]
        piece = _Piece(pub, quoted, a, prepared is not quoted or a > 0, b == n)
        yield _prepare(nlp, piece_text, article_id, pub), piece


def _prepare(nlp: Language, text: str, article_id: str | None, published: Published | None) -> Doc:
    doc = nlp.make_doc(text)
    doc._.article_id = article_id
    doc._.published = published.date if published else None
    return doc


def _finish(doc: Doc, piece: _Piece) -> list[Claim]:
    """Claims with their publication date, quoting the caller's text (control characters and all)
    at offsets into it; a sentence over ``SENTENCE_LIMIT`` characters becomes a window.

    The Doc is this module's own (made by :func:`_prepare`, never handed out), so its claims
    are completed in place rather than copied.
    """
    out = doc._.claims or []
    quoted, off = piece.quoted, piece.offset
    for c in out:
        c.published = piece.published
        sent, num = c.sentence, c.span
        if piece.rebuild:
            n0, n1 = num.start + off, num.end + off
            c.span = TextSpan(quoted[n0:n1], n0, n1)
        if off:
            # a later piece of a long article: the probability features read the article's own
            # first line and the whole sentence, as they do when the article is read in one piece
            c.sentence = TextSpan(quoted[sent.start + off:sent.end + off], sent.start + off, sent.end + off)
            assign_probabilities(c, quoted)
            sent = TextSpan(c.sentence.text, sent.start, sent.end)
        if piece.rebuild or sent.end - sent.start > SENTENCE_LIMIT:
            c.sentence = sentence_window(quoted, sent.start + off, sent.end + off, c.span.start, c.span.end)
    return out


def extract(text: str, *, published: PublishedLike = None, article_id: str | None = None,
            nlp: Language | None = None) -> list[Claim]:
    """The claims of one article's text.

    ``published`` (a date, "YYYY-MM-DD" or :class:`Published`) anchors relative periods
    ("over the past five years"); without it a dateline in the text is looked for.
    Offsets and quoted text in the claims point into ``text`` exactly as given (control
    characters are read as spaces, one for one; lone surrogates are quoted as U+FFFD).
    A text longer than ``nlp.max_length`` is read in pieces cut at paragraph breaks; a
    sentence over 1,000 characters is recorded as a 400-character window around the figure
    (``sentence.truncated``). Never raises on a ``str``; raises ``TypeError`` on anything else.
    """
    nlp = nlp or default_nlp()
    out: list[Claim] = []
    for doc, piece in _docs(nlp, text, article_id, published):
        out.extend(_finish(nlp(doc), piece))
    return out


def extract_many(items: Iterable[tuple[str, str | None, PublishedLike]], *, nlp: Language | None = None,
                 batch_size: int = 32) -> Iterator[list[Claim]]:
    """Claims for many articles, one list per ``(text, article_id, published)`` item, in order.

    Uses ``nlp.pipe`` so spaCy batches the work; each text is read as :func:`extract` reads it.
    """
    nlp = nlp or default_nlp()
    pending: deque[_Piece] = deque()

    def docs() -> Iterator[Doc]:
        for text, article_id, published in items:
            for doc, piece in _docs(nlp, text, article_id, published):
                pending.append(piece)
                yield doc

    claims: list[Claim] = []
    for doc in nlp.pipe(docs(), batch_size=batch_size):
        piece = pending.popleft()
        claims.extend(_finish(doc, piece))
        if piece.last:
            yield claims
            claims = []
