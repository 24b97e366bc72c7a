"""Reading articles from disk: .txt, .md and .html files, manifests of publication dates.

Every failure is an :class:`~misconduct_nlp.errors.ArticleError` with a one-line reason, so a
batch can report it and go on. A ``manifest.jsonl`` line that cannot be used is a
:class:`~misconduct_nlp.errors.ManifestWarning` naming the file, the line and the value.

File names are whatever bytes the file system holds: Python decodes the bytes that are not
UTF-8 as lone surrogates (``os.fsdecode``'s ``surrogateescape``), which no output can
encode, so article ids and names shown to people go through :func:`printable`
(``caf\\xe9`` for the Latin-1 byte of "café"), while the paths used to open files keep them.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from .errors import ArticleError, Errors, ManifestWarning, PathWarning, Warnings

__all__ = [
    "Article", "ArticleError", "ArticleFile", "ManifestIndex", "PathError", "decode_bytes", "discover",
    "html_to_text", "is_article_path", "page_text", "load_manifest", "os_reason", "read_article",
]

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
NOT_ARTICLES = {"manifest.jsonl", "gold.jsonl"}
#: Stems of files that describe a folder rather than being articles (skipped when a folder is read).
FOLDER_DOCS = {"readme", "license", "licence", "changelog", "contributing", "notice"}
DEFAULT_MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class Article:
    """One article as read: its id (file stem), the text claims point into, and its source."""

    id: str
    text: str
    path: Path | None = None
    encoding: str = "utf-8"
    sha256: str = ""


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` valid in any UTF-8 output: the undecodable bytes of a file name (surrogate
    escapes) are written ``\\xNN``, any other lone surrogate ``\\udNNN``. Unchanged when clean."""
    if not _SURROGATE.search(text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate surrogateescape did not make
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def article_id(path: str | Path) -> str:
    """The id of the article in ``path``: its file stem, :func:`printable`."""
    return printable(Path(path).stem)


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


_BLANKS = re.compile(r"[ \t\r\f\v\u00a0]+")


def page_text(html: str) -> str:
    """The article of an HTML page, without the site around it: what claims are read from.

    The page's main content as trafilatura finds it (made for news pages: navigation menus,
    "Most read" and "Related stories" lists, cookie banners, share buttons and copyright
    lines are left out), one block a paragraph, as :func:`html_to_text` lays text out, less
    any whole line of page furniture left in it ("Advertisement", "Read more: ...", the
    sentencizer's ``data/furniture.json``). When trafilatura is not installed, fails on the
    page or finds no main content, the page's visible text (:func:`html_to_text`) is read
    instead. A dateline that the main content leaves out ("By A Reporter | Published 22 July
    2013") is kept as its first line, so relative periods are still resolved against the
    page's date.
    """
    visible = html_to_text(html)
    main = _main_content(html)
    if main is None:
        return visible
    from .periods import find_dateline

    try:
        if find_dateline(main) is None and find_dateline(visible) is not None:
            head = visible.splitlines()[:40]
            line = next((ln for ln in head if ln and find_dateline(ln) is not None), None)
            if line is not None:
                main = f"{line}\n\n{main}"
    except Exception:  # noqa: BLE001, S110 - a dateline is a bonus: never let it stop reading
        pass
    return main


def _main_content(html: str) -> str | None:
    """trafilatura's main content of ``html`` as text, one paragraph a block; None without it."""
    try:
        import trafilatura
    except ImportError:
        return None
    try:
        from lxml import html as lxml_html

        tree = lxml_html.fromstring(html)
        for hidden in tree.xpath("|".join(f"//{tag}" for tag in sorted(_HIDDEN_TAGS - {"head"}))):
            hidden.drop_tree()  # never shown (trafilatura would read a short page's <noscript>)
        out = trafilatura.extract(tree, output_format="txt", include_comments=False, include_tables=True,
                                  include_images=False, include_links=False, deduplicate=False)
    except Exception:  # noqa: BLE001 - a page it cannot parse is read as visible text
        return None
    if not out or not out.strip():
        return None
    from .components.sentencizer import is_furniture

    # (a line of page furniture inside the article, "Advertisement", "Read more: ...", goes too)
    lines = [_BLANKS.sub(" ", line).strip() for line in out.splitlines()]
    lines = [line for line in lines if line and not is_furniture(line)]
    return "\n\n".join(lines) + "\n" if lines else None


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # C0 controls but tab, newline, form feed, CR


#: Byte order marks of the UTF-16 and UTF-32 encodings (UTF-32 first: its LE mark starts like UTF-16's).
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
              (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode article bytes: UTF-16 or UTF-32 with a byte order mark, UTF-8 (with or without
    BOM), else Windows-1252.

    Raises ArticleError for binary data (NUL bytes or mostly control characters).
    """
    if not data.strip():
        raise ArticleError(Errors.E101)
    wide = next(((bom, enc) for bom, enc in _WIDE_BOMS if data.startswith(bom)), None)
    if wide is not None:
        text, enc = data[len(wide[0]):].decode(wide[1], errors="replace"), wide[1]
        if not text.strip():
            raise ArticleError(Errors.E101)
        head = text[:8192]
        if "\x00" in head or head.count("\ufffd") > len(head) // 10:
            raise ArticleError(Errors.E114.format(encoding=enc))
    elif b"\x00" in data[:8192]:
        raise ArticleError(Errors.E102)
    elif data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    else:
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, enc = data.decode("cp1252", errors="replace"), "cp1252"
    sample = text[:8192]
    controls = len(_CONTROLS.findall(sample))
    if controls > max(8, len(sample) // 20):
        raise ArticleError(Errors.E103)
    return text, enc


def read_article(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read one article file; an HTML page is reduced to its article (:func:`page_text`).

    ``Article.sha256`` is the hash of the file's bytes (what ``--resume`` compares).
    Raises ArticleError with a one-line reason when the file cannot be used.
    """
    p = Path(path)
    try:
        st = p.stat()
    except OSError as e:
        raise ArticleError(os_reason(e, p)) from e
    if not p.is_file():
        raise ArticleError(Errors.E104)
    if max_bytes and st.st_size > max_bytes:
        raise ArticleError(Errors.E105.format(size=st.st_size, max_bytes=max_bytes))
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ArticleError(os_reason(e, p)) from e
    if max_bytes and len(data) > max_bytes:  # grew since stat
        raise ArticleError(Errors.E105.format(size=len(data), max_bytes=max_bytes))
    text, enc = decode_bytes(data)
    if p.suffix.lower() in (".html", ".htm") or _looks_like_html(text):
        text = page_text(text)
        if not text.strip():
            raise ArticleError(Errors.E106)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Article(id=article_id(p), text=text, path=p, encoding=enc, sha256=hashlib.sha256(data).hexdigest())


def os_reason(err: OSError, path: Path | None = None) -> str:
    """A one-line reason for an OSError met while reading ``path``."""
    if err.errno == errno.ELOOP:
        return Errors.E107
    if err.errno == errno.ENOENT and path is not None and path.is_symlink():
        return Errors.E108
    if err.errno == errno.ENOENT:
        return Errors.E109
    return Errors.E110.format(reason=err.strerror or err)


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


#: An ISO 8601 date, optionally with a time (which is ignored): 2021-03-01, 2021-03-01T09:30:00Z.
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})"
                       r"(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")


def _cut(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def _json(value: object) -> str:
    """A manifest value as the file writes it (JSON), cut short."""
    return _cut(json.dumps(value, ensure_ascii=False))


def load_manifest(folder: str | Path) -> dict[str, date]:
    """Publication dates from ``folder/manifest.jsonl`` rows ``{"id": ..., "published": "YYYY-MM-DD"}``.

    A missing manifest gives an empty mapping. Dates are ISO 8601 only (``YYYY-MM-DD``,
    optionally followed by a time, which is ignored); a row without ``published`` (or with
    ``null``) dates nothing. Each line that cannot be used — not a JSON object, no id,
    another date format (``"01/03/2021"``), an impossible date (``2021-02-30``), an id listed
    again — gives a :class:`~misconduct_nlp.errors.ManifestWarning` naming the manifest, the
    line number and the value, and is left out: its article is processed without that date.
    """
    p = Path(folder) / "manifest.jsonl"
    out: dict[str, date] = {}
    if not p.is_file():
        return out
    try:
        text = p.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as e:
        warnings.warn(Warnings.W015.format(path=p, reason=e.strerror or e), ManifestWarning, stacklevel=2)
        return out
    first_line: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        problem = None
        try:
            row = json.loads(line)
        except ValueError:
            row = None
        if not isinstance(row, dict):
            problem = Warnings.W010.format(path=p, line=n, value=_cut(line))
        elif not isinstance(row.get("id"), (str, int)) or isinstance(row.get("id"), bool) \
                or not str(row.get("id")).strip():
            problem = Warnings.W011.format(path=p, line=n, value=_cut(line))
        else:
            article = str(row["id"])
            value = row.get("published")
            m = _ISO_DATE.fullmatch(value.strip()) if isinstance(value, str) else None
            if article in first_line:
                problem = Warnings.W014.format(path=p, line=n, value=_json(article),
                                               first=first_line[article])
            elif value is None:
                first_line[article] = n
            elif m is None:
                first_line[article] = n
                problem = Warnings.W012.format(path=p, line=n, value=_json(value), id=article)
            else:
                first_line[article] = n
                try:
                    out[article] = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError as e:
                    problem = Warnings.W013.format(path=p, line=n, value=_json(value), id=article, reason=e)
        if problem is not None:
            warnings.warn(problem, ManifestWarning, stacklevel=2)
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
            found = self.manifest(folder).get(article_id(path))
            if found is not None or root is None or folder == root or folder == folder.parent:
                return found
            if root not in folder.parents:
                return None
            folder = folder.parent


def discover(paths: Iterable[str | Path], *,
             follow_links: bool = False) -> tuple[list[ArticleFile], list[PathError]]:
    """Article files under ``paths`` (files, or folders searched recursively), sorted by id then path.

    In folders, files with an article suffix are taken, except ``manifest.jsonl``,
    ``gold.jsonl``, ``README.md`` and the like. A file named explicitly is taken whatever its
    suffix, unless it is a manifest or gold file. Each file is found once even when reached by
    two paths. Publication dates come from the nearest ``manifest.jsonl``. Paths that cannot
    be used (missing, broken links, symlink loops, unlistable folders) come back as
    :class:`PathError`.

    Left out on purpose, each with a :class:`~misconduct_nlp.errors.PathWarning`: hidden files
    and folders (names starting with a dot, ``..x`` included: one warning per folder given,
    naming them), and, unless ``follow_links``, symlinks in a folder that lead outside the
    folder given (a link to ``/etc/passwd`` is not an article). Symlinks that stay inside it
    are followed; a loop is reported, not followed. A folder given that holds no articles (and
    no unusable paths) gives a PathWarning too; manifest lines that cannot be used give
    :class:`~misconduct_nlp.errors.ManifestWarning` (see :func:`load_manifest`).
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
        found.append(ArticleFile(p, article_id(p), st.st_size, manifests.lookup(p, root)))

    def leaves(p: Path, inside: str) -> str | None:
        """Where the symlink ``p`` leads when that is outside the folder ``inside``."""
        target = os.path.realpath(p)
        return None if target == inside or target.startswith(inside.rstrip(os.sep) + os.sep) else target

    def walk(folder: Path, root: Path, inside: str, ancestors: frozenset[tuple[int, int]],
             hidden: list[Path]) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as e:
            errors.append(PathError(folder, Errors.E112.format(reason=e.strerror or e)))
            return
        for entry in entries:
            p = Path(entry.path)
            if entry.name.startswith("."):
                hidden.append(p)
                continue
            try:
                st = entry.stat(follow_symlinks=True)
            except OSError as e:
                if entry.is_symlink() or p.suffix.lower() in ARTICLE_SUFFIXES:
                    errors.append(PathError(p, os_reason(e, p)))
                continue
            is_dir = entry.is_dir(follow_symlinks=True)
            if not follow_links and entry.is_symlink() and (is_dir or is_article_path(p)):
                target = leaves(p, inside)
                if target is not None:
                    warnings.warn(Warnings.W003.format(path=printable(str(p)), target=printable(target),
                                                       root=printable(str(root))), PathWarning, stacklevel=3)
                    continue
            if is_dir:
                key = (st.st_dev, st.st_ino)
                if key in ancestors:
                    errors.append(PathError(p, Errors.E111))
                elif key not in seen_dirs:
                    seen_dirs.add(key)
                    walk(p, root, inside, ancestors | {key}, hidden)
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
                before = len(found) + len(errors)
                hidden: list[Path] = []
                walk(p, p, os.path.realpath(p), frozenset({key}), hidden)
                if hidden:
                    names = ", ".join(printable(str(h.relative_to(p))) for h in hidden[:5])
                    more = f" and {len(hidden) - 5} more" if len(hidden) > 5 else ""
                    warnings.warn(Warnings.W004.format(path=printable(str(p)), count=len(hidden),
                                                       names=names + more), PathWarning, stacklevel=2)
                if len(found) + len(errors) == before:
                    warnings.warn(Warnings.W001.format(path=p), PathWarning, stacklevel=2)
        elif p.name not in NOT_ARTICLES:
            add_file(p, st, None)
    found.sort(key=lambda a: (a.id, str(a.path)))
    return found, errors
