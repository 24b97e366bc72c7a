"""The on-disk cache of compiled regular expressions (misconduct_nlp.regexcache)."""

from __future__ import annotations

import re

import pytest

from misconduct_nlp import regexcache
from misconduct_nlp.forces import _alternation

PATTERNS = [
    (r"(?<![\w&])(?:Kent|Essex)(?:\s+(?i:police|constabulary))?(?![\w])", 0),
    (r"(?P<n>\d+)\s+(?P<unit>officers?|staff)", re.IGNORECASE),
    (r"between\s+(\d{4})\s+and\s+(\d{4})", re.I | re.M),
]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(regexcache.ENV, str(folder))
    return folder


@pytest.mark.parametrize("pattern,flags", PATTERNS)
def test_same_pattern_as_re_compile_fresh_and_from_the_cache(cache, pattern, flags):
    fresh = regexcache.compile(pattern, flags)
    assert list(cache.rglob("*.sre")), "the compiled code was not kept"
    cached = regexcache.compile(pattern, flags)
    expected = re.compile(pattern, flags)
    for got in (fresh, cached):
        assert got == expected  # same pattern, flags and compiled code
        assert got.groupindex == expected.groupindex and got.groups == expected.groups


def test_a_second_compile_reads_the_file_and_does_not_parse(cache, monkeypatch):
    pattern = r"(?:West|East)\s+Midlands\s+(?:Police|police)"
    regexcache.compile(pattern)

    def no_parse(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(regexcache._parser, "parse", no_parse)
    found = regexcache.compile(pattern).search("the West Midlands Police said")
    assert found.group() == "West Midlands Police"


def test_damaged_file_is_compiled_again(cache):
    pattern = r"\b(\d+)\s+dismissals\b"
    regexcache.compile(pattern)
    (file,) = cache.rglob("*.sre")
    file.write_bytes(b"not a cache file")
    assert regexcache.compile(pattern) == re.compile(pattern)


def test_unwritable_cache_folder_compiles_anyway(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("the cache folder cannot be made under a file")
    monkeypatch.setenv(regexcache.ENV, str(blocker / "cache"))
    assert regexcache.compile(r"Kent\s+Police") == re.compile(r"Kent\s+Police")


def test_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv(regexcache.ENV, "off")
    assert regexcache.cache_dir() is None
    assert regexcache.compile(r"\d+ officers") == re.compile(r"\d+ officers")


def test_bad_pattern_raises_as_re_compile_does(cache):
    with pytest.raises(re.error):
        regexcache.compile(r"(unclosed")


def test_alternation_is_the_same_whatever_the_order_given():
    # a stable pattern text, so one process's cache file serves the next
    names = ["Kent", "Essex", "Dorset", "Avon"]
    assert _alternation(names) == _alternation(reversed(names))
