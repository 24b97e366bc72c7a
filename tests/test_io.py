"""Reading articles and finding them in folders: encodings, HTML, bad files, symlinks, manifests."""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path

import pytest

from misconduct_nlp.io import ArticleError, decode_bytes, discover, html_to_text, read_article


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- decoding


def test_utf8_bom_is_dropped():
    text, enc = decode_bytes("Seven officers were sacked.".encode("utf-8-sig"))
    assert text == "Seven officers were sacked."
    assert enc == "utf-8-sig"


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_single_byte_encodings_fall_back_to_windows_1252(encoding):
    original = "The force paid £12,000 to the café owner – a “settlement”."
    if encoding == "latin-1":
        original = "The force paid £12,000 to the café owner."
    text, enc = decode_bytes(original.encode(encoding))
    assert text == original
    assert enc == "cp1252"


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file"),
    (b"  \n\t\n", "empty file"),
    (b"PK\x03\x04\x00\x00binary", "binary file"),
    (bytes(range(1, 32)) * 40, "binary file"),
])
def test_unusable_bytes_raise_with_reason(data, reason):
    with pytest.raises(ArticleError, match=reason):
        decode_bytes(data)


# --------------------------------------------------------------------------- read_article


def test_read_article_gives_id_text_and_hash(tmp_path):
    p = write(tmp_path / "012_abc.txt", "Line one.\r\nLine two.\r\n")
    art = read_article(p)
    assert art.id == "012_abc"
    assert art.text == "Line one.\nLine two.\n"
    assert art.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()


def test_html_keeps_visible_text_only(tmp_path):
    html = """<!doctype html><html><head><title>T</title><style>p {color: red}</style>
    <script>var officers = 999;</script></head><body><nav>Menu</nav>
    <p>Twelve officers were dismissed.</p><script>track(123)</script>
    <p>Another&nbsp;paragraph &amp; more.</p><noscript>Enable JS 42</noscript></body></html>"""
    art = read_article(write(tmp_path / "a.html", html))
    assert "Twelve officers were dismissed." in art.text
    assert "Another paragraph & more." in art.text
    for hidden in ("999", "123", "color", "42"):
        assert hidden not in art.text


def test_html_with_only_scripts_fails(tmp_path):
    p = write(tmp_path / "s.html", "<html><body><script>var x = 1;</script></body></html>")
    with pytest.raises(ArticleError, match="no visible text"):
        read_article(p)


def test_html_to_text_breaks_blocks_into_lines():
    assert html_to_text("<div>a</div><div>b<br>c</div>").split() == ["a", "b", "c"]
    lines = html_to_text("<p>a</p><p>b</p>").splitlines()
    assert "a" in lines and "b" in lines


def test_too_large_file(tmp_path):
    p = write(tmp_path / "big.txt", "x " * 600)
    with pytest.raises(ArticleError, match="too large"):
        read_article(p, max_bytes=1000)
    assert read_article(p, max_bytes=0).text.startswith("x x")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ArticleError, match="no such file"):
        read_article(tmp_path / "nope.txt")
    with pytest.raises(ArticleError, match="not a regular file"):
        read_article(tmp_path)


def test_fifo_is_not_read(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(ArticleError, match="not a regular file"):
        read_article(fifo)


def test_unreadable_file_reason(tmp_path, monkeypatch):
    p = write(tmp_path / "locked.txt", "text")

    def deny(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(ArticleError, match="cannot read: Permission denied"):
        read_article(p)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_for_real(tmp_path):
    p = write(tmp_path / "locked.txt", "text")
    p.chmod(0)
    with pytest.raises(ArticleError, match="Permission denied"):
        read_article(p)


def test_symlink_to_itself_and_broken_symlink(tmp_path):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    with pytest.raises(ArticleError, match="symlink loop"):
        read_article(loop)
    broken = tmp_path / "broken.txt"
    broken.symlink_to(tmp_path / "gone.txt")
    with pytest.raises(ArticleError, match="broken symlink"):
        read_article(broken)


# --------------------------------------------------------------------------- discover


def test_discover_recursive_sorted_and_filtered(tmp_path):
    write(tmp_path / "b.txt", "b")
    write(tmp_path / "sub" / "a.md", "a")
    write(tmp_path / "sub" / "deeper" / "c.html", "<p>c</p>")
    write(tmp_path / "manifest.jsonl", "{}")
    write(tmp_path / "gold.jsonl", "{}")
    write(tmp_path / "notes.json", "{}")
    write(tmp_path / "photo.jpg", b"\xff\xd8")
    write(tmp_path / ".hidden.txt", "h")
    write(tmp_path / "README.md", "# About this folder")
    write(tmp_path / "sub" / "LICENSE.txt", "MIT")
    write(tmp_path / ".git" / "x.txt", "x")
    files, errors = discover([tmp_path])
    assert [f.id for f in files] == ["a", "b", "c"]
    assert errors == []
    assert files[0].size == 1


def test_discover_explicit_files_any_suffix_but_not_manifests(tmp_path):
    note = write(tmp_path / "story.article", "text")
    manifest = write(tmp_path / "manifest.jsonl", "{}")
    readme = write(tmp_path / "README.md", "# a readme named on purpose is read")
    files, errors = discover([note, manifest, readme])
    assert [f.id for f in files] == ["README", "story"]
    assert errors == []


def test_discover_reports_missing_paths_and_symlink_loops(tmp_path):
    write(tmp_path / "sub" / "a.txt", "a")
    (tmp_path / "sub" / "up").symlink_to(tmp_path)
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    files, errors = discover([tmp_path, tmp_path / "missing"])
    assert [f.id for f in files] == ["a"]
    reasons = {Path(e.path).name: e.reason for e in errors}
    assert reasons["missing"].startswith("[E109] no such file or directory: ")
    assert reasons["up"].startswith("[E111] symlink loop")
    assert reasons["self.txt"].startswith("[E107] symlink loop: ")
    assert reasons["dangling.txt"].startswith("[E108] broken symlink: ")


def test_discover_finds_each_file_once(tmp_path):
    a = write(tmp_path / "data" / "a.txt", "a")
    (tmp_path / "alias").symlink_to(tmp_path / "data")
    (tmp_path / "data" / "same.txt").symlink_to(a)
    files, _ = discover([tmp_path, a, tmp_path / "data"])
    assert len(files) == 1


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can list any folder")
def test_discover_reports_unlistable_folder(tmp_path):
    locked = tmp_path / "locked"
    write(locked / "a.txt", "a")
    locked.chmod(0)
    try:
        _, errors = discover([tmp_path])
    finally:
        locked.chmod(0o755)
    assert errors and errors[0].reason.startswith("cannot list folder")


def test_discover_dates_from_nearest_manifest(tmp_path):
    write(tmp_path / "manifest.jsonl", '{"id": "a", "published": "2020-01-02"}\n'
                                       '{"id": "b", "published": "2020-03-04"}\nnot json\n')
    write(tmp_path / "a.txt", "a")
    write(tmp_path / "sub" / "b.txt", "b")
    write(tmp_path / "sub" / "manifest.jsonl", '{"id": "c", "published": "2021-05-06"}\n')
    write(tmp_path / "sub" / "c.txt", "c")
    write(tmp_path / "sub" / "d.txt", "d")
    files, _ = discover([tmp_path])
    dates = {f.id: f.published for f in files}
    assert dates == {"a": date(2020, 1, 2), "b": date(2020, 3, 4), "c": date(2021, 5, 6), "d": None}
    # a file named on its own only uses the manifest beside it
    files, _ = discover([tmp_path / "sub" / "b.txt"])
    assert files[0].published is None


# --------------------------------------------------------------------------- scraped pages

#: A news page of our own: the article, and the site around it (menus, an advert, a "Most
#: read" list with figures of other stories, a cookie banner, share links, a copyright line).
PAGE = """<!doctype html><html><head><title>Force sacks officers | The Daily Example</title></head>
<body>
<div class="cookie-banner"><p>We value your privacy. We and our 731 partners use cookies.</p>
<button>Accept all</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<main><article>
<h1>Kent Police sacked 14 officers for misconduct last year</h1>
<p class="byline">By Sam Writer, Home Affairs Reporter | Published 3 March 2023</p>
<p>Kent Police dismissed 14 officers after gross misconduct hearings in 2022, figures obtained by
this newspaper show, compared with nine officers the year before.</p>
<div class="ad"><p>Advertisement</p></div>
<p>The force said a further 23 complaints against officers had been upheld over the same period,
and that it expected the number of hearings to fall once its new vetting rules took effect.</p>
<p>A spokesperson said the force would keep publishing the figures every year so that residents
could see how misconduct was being dealt with across the county.</p>
</article></main>
<aside><h2>Most read</h2><ul><li><a>Man, 31, charged after 40 cars damaged</a></li>
<li><a>Council to build 250 homes on old depot site</a></li></ul></aside>
<div class="share"><a>Share on Facebook</a> | <a>Share on Twitter</a></div>
<footer><p>© 2023 Daily Example Ltd. Registered in England and Wales No. 01234567.</p></footer>
</body></html>
"""
MENU = {"Home", "News", "Sport", "Weather", "Advertisement", "Most read", "Accept all"}  # whole lines
FURNITURE = ["731 partners", "40 cars", "250 homes", "Share on Facebook", "© 2023", "01234567"]


def test_a_page_is_read_as_its_article_not_the_site(tmp_path, nlp):
    pytest.importorskip("trafilatura")
    from misconduct_nlp import extract

    art = read_article(write(tmp_path / "page.html", PAGE))
    assert "Kent Police dismissed 14 officers" in art.text and "23 complaints" in art.text
    assert [w for w in FURNITURE if w in art.text] == [] and MENU.isdisjoint(art.text.splitlines())
    # its dateline, which the main content leaves out, is kept
    assert art.text.startswith("By Sam Writer, Home Affairs Reporter | Published 3 March 2023\n\n")
    claims = extract(art.text, nlp=nlp, article_id=art.id)
    plain = extract(html_to_text(PAGE), nlp=nlp)  # the same claims as from all the visible text
    assert sorted(c.value for c in claims) == sorted(c.value for c in plain)
    assert 23 in {c.value for c in claims}
    for c in claims:  # offsets into the text read, which is what the report shows
        assert art.text[c.sentence.start:c.sentence.end] == c.sentence.text
        assert art.text[c.span.start:c.span.end] == c.span.text
    assert {c.published.date.isoformat() for c in claims} == {"2023-03-03"}
    visible = html_to_text(PAGE)  # the plain reader keeps the furniture
    assert all(w in visible for w in ("Most read", "Advertisement", "© 2023", "40 cars"))


def test_the_visible_text_is_read_without_trafilatura_or_when_it_finds_nothing(tmp_path, monkeypatch):
    import sys

    tiny = "<html><body><p>Kent Police sacked 3 officers.</p></body></html>"
    path = write(tmp_path / "tiny.html", tiny)
    assert read_article(path).text == html_to_text(tiny)  # too little for a main content
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # as if not installed
    page = write(tmp_path / "page.html", PAGE)
    assert read_article(page).text == html_to_text(PAGE)
