"""Reading articles from disk: .txt, .md and .html files, manifests of publication dates.

Every failure is an :class:`ArticleError` with a one-line reason, so a batch can report it
and go on.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
NOT_ARTICLES = {"manifest.jsonl", "gold.jsonl"}
#: Stems of files that describe a folder rather than being articles (skipped when a folder is read).
FOLDER_DOCS = {"readme", "license", "licence", "changelog", "contributing", "notice"}
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
    sha256: str = ""


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


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # C0 controls but tab, newline, form feed, CR


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
    controls = len(_CONTROLS.findall(sample))
    if controls > max(8, len(sample) // 20):
        raise ArticleError("binary file (too many control characters)")
    return text, enc


def read_article(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read one article file; HTML is reduced to its visible text.

    ``Article.sha256`` is the hash of the file's bytes (what ``--resume`` compares).
    Raises ArticleError with a one-line reason when the file cannot be used.
    """
    p = Path(path)
    try:
        st = p.stat()
    except OSError as e:
        raise ArticleError(os_reason(e, p)) from e
    if not p.is_file():
        raise ArticleError("not a regular file")
    if max_bytes and st.st_size > max_bytes:
        raise ArticleError(f"too large ({st.st_size} bytes > --max-bytes {max_bytes})")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ArticleError(os_reason(e, p)) from e
    if max_bytes and len(data) > max_bytes:  # grew since stat
        raise ArticleError(f"too large ({len(data)} bytes > --max-bytes {max_bytes})")
    text, enc = decode_bytes(data)
    if p.suffix.lower() in (".html", ".htm") or _looks_like_html(text):
        text = html_to_text(text)
        if not text.strip():
            raise ArticleError("HTML page has no visible text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Article(id=p.stem, text=text, path=p, encoding=enc, sha256=hashlib.sha256(data).hexdigest())


def os_reason(err: OSError, path: Path | None = None) -> str:
    """A one-line reason for an OSError met while reading ``path``."""
    if err.errno == errno.ELOOP:
        return "symlink loop"
    if err.errno == errno.ENOENT and path is not None and path.is_symlink():
        return "broken symlink"
    if err.errno == errno.ENOENT:
        return "no such file or directory"
    return f"cannot read: {err.strerror or err}"


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in text)


def is_article_path(path: Path) -> bool:
    """True for files the batch command reads as articles when it reads a folder.

    Files with an article suffix, except manifests, gold files and a folder's own
    documentation (``README.md``, ``LICENSE.txt``, ...).
    """
    return (path.suffix.lower() in ARTICLE_SUFFIXES and path.name not in NOT_ARTICLES
            and path.stem.lower() not in FOLDER_DOCS)


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


@dataclass(frozen=True)
class ArticleFile:
    """An article file found by :func:`discover`: where it is, its id, size and manifest date."""

    path: Path
    id: str
    size: int
    published: date | None = None


@dataclass(frozen=True)
class PathError:
    """A path that could not be used (missing, symlink loop, unlistable folder), and why."""

    path: Path
    reason: str


class ManifestIndex:
    """Publication dates from ``manifest.jsonl`` files: the nearest one up to the folder given."""

    def __init__(self) -> None:
        self._cache: dict[Path, dict[str, date]] = {}

    def manifest(self, folder: Path) -> dict[str, date]:
        if folder not in self._cache:
            self._cache[folder] = load_manifest(folder)
        return self._cache[folder]

    def lookup(self, path: Path, root: Path | None = None) -> date | None:
        """The date listed for ``path.stem`` in its folder's manifest, else in a parent's up to ``root``."""
        folder = path.parent
        while True:
            found = self.manifest(folder).get(path.stem)
            if found is not None or root is None or folder == root or folder == folder.parent:
                return found
            if root not in folder.parents:
                return None
            folder = folder.parent


def discover(paths: Iterable[str | Path]) -> tuple[list[ArticleFile], list[PathError]]:
    """Article files under ``paths`` (files, or folders searched recursively), sorted by id then path.

    In folders, files with an article suffix are taken, except ``manifest.jsonl``,
    ``gold.jsonl``, ``README.md`` and the like, and hidden files or folders. A file named
    explicitly is taken whatever its suffix, unless it is a manifest or gold file. Symlinked
    folders are followed; a loop is reported, not followed. Each file is found once even when
    reached by two paths. Publication dates come from the nearest ``manifest.jsonl``. Paths
    that cannot be used come back as :class:`PathError`.
    """
    found: list[ArticleFile] = []
    errors: list[PathError] = []
    seen_files: set[tuple[int, int]] = set()
    seen_dirs: set[tuple[int, int]] = set()
    manifests = ManifestIndex()

    def add_file(p: Path, st: os.stat_result, root: Path | None) -> None:
        key = (st.st_dev, st.st_ino)
        if key in seen_files:
            return
        seen_files.add(key)
        found.append(ArticleFile(p, p.stem, st.st_size, manifests.lookup(p, root)))

    def walk(folder: Path, root: Path, ancestors: frozenset[tuple[int, int]]) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as e:
            errors.append(PathError(folder, f"cannot list folder: {e.strerror or e}"))
            return
        for entry in entries:
            p = Path(entry.path)
            if entry.name.startswith("."):
                continue
            try:
                st = entry.stat(follow_symlinks=True)
            except OSError as e:
                if entry.is_symlink() or p.suffix.lower() in ARTICLE_SUFFIXES:
                    errors.append(PathError(p, os_reason(e, p)))
                continue
            if entry.is_dir(follow_symlinks=True):
                key = (st.st_dev, st.st_ino)
                if key in ancestors:
                    errors.append(PathError(p, "symlink loop (links back to a folder above it)"))
                elif key not in seen_dirs:
                    seen_dirs.add(key)
                    walk(p, root, ancestors | {key})
            elif is_article_path(p):
                add_file(p, st, root)

    for given in paths:
        p = Path(given)
        try:
            st = p.stat()
        except OSError as e:
            errors.append(PathError(p, os_reason(e, p)))
            continue
        if p.is_dir():
            key = (st.st_dev, st.st_ino)
            if key not in seen_dirs:
                seen_dirs.add(key)
                walk(p, p, frozenset({key}))
        elif p.name not in NOT_ARTICLES:
            add_file(p, st, None)
    found.sort(key=lambda a: (a.id, str(a.path)))
    return found, errors
