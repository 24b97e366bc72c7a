"""Reading articles from disk: .txt, .md and .html files, manifests of publication dates.

Every failure is an :class:`ArticleError` with a one-line reason, so a batch can report it
and go on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
NOT_ARTICLES = {"manifest.jsonl", "gold.jsonl"}
DEFAULT_MAX_BYTES = 5_000_000


class ArticleError(Exception):
    """An article that cannot be read; ``str(err)`` is the reason."""


@dataclass(frozen=True)
class Article:
    """One article as read: its id (file stem), the text claims point into, and its source."""

    id: str
    text: str
    path: Path | None = None
    encoding: str = "utf-8"


_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "header", "footer", "blockquote", "figcaption", "title", "dd", "dt",
    "pre", "hr", "main", "aside", "nav", "figure", "td", "th",
}
_HIDDEN_TAGS = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}


class _TextExtractor(HTMLParser):
    """Visible text of an HTML page: block elements become line breaks, scripts vanish."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.title: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        if tag in _HIDDEN_TAGS:
            self.hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The visible text of an HTML document, one block element a line."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    if not text.strip() and parser.title:
        text = " ".join(parser.title)
    lines = [re.sub(r"[ \t\r\f\v\u00a0]+", " ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode article bytes: UTF-8 (with or without BOM), else Windows-1252.

    Raises ArticleError for binary data (NUL bytes or mostly control characters).
    """
    if not data.strip():
        raise ArticleError("empty file")
    if b"\x00" in data[:8192]:
        raise ArticleError("binary file (contains NUL bytes)")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        text, enc = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, enc = data.decode("cp1252", errors="replace"), "cp1252"
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(sample) // 20):
        raise ArticleError("binary file (too many control characters)")
    return text, enc


def read_article(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read one article file; HTML is reduced to its visible text.

    Raises ArticleError with a one-line reason when the file cannot be used.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise ArticleError(f"cannot read: {e.strerror or e}") from e
    if not p.is_file():
        raise ArticleError("not a regular file")
    if max_bytes and size > max_bytes:
        raise ArticleError(f"too large ({size} bytes > {max_bytes})")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ArticleError(f"cannot read: {e.strerror or e}") from e
    text, enc = decode_bytes(data)
    if p.suffix.lower() in (".html", ".htm") or _looks_like_html(text):
        text = html_to_text(text)
        if not text.strip():
            raise ArticleError("HTML page has no visible text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Article(id=p.stem, text=text, path=p, encoding=enc)


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in text)


def is_article_path(path: Path) -> bool:
    """True for files the batch command reads as articles."""
    return path.suffix.lower() in ARTICLE_SUFFIXES and path.name not in NOT_ARTICLES


def load_manifest(folder: str | Path) -> dict[str, date]:
    """Publication dates from ``folder/manifest.jsonl`` rows ``{"id": ..., "published": "YYYY-MM-DD"}``.

    A missing manifest gives an empty mapping; bad rows are skipped.
    """
    p = Path(folder) / "manifest.jsonl"
    out: dict[str, date] = {}
    if not p.is_file():
        return out
    for line in p.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            row = json.loads(line)
            out[str(row["id"])] = date.fromisoformat(str(row["published"])[:10])
        except (ValueError, KeyError, TypeError):
            continue
    return out
