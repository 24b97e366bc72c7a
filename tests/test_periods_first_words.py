"""The period scan tries at each word only the grammar patterns that can start with it
(``PeriodGrammar.at_word``, from each pattern's first words as ``first_words_of`` works them
out of its regex), and none where the next word cannot follow: the same mentions as trying
the whole combined regex at every word."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _articles import real_article_texts
from misconduct_nlp import periods
from misconduct_nlp.periods import PeriodGrammar, find_period_mentions_at, load_grammar

_WORD = re.compile(r"\w+")

# our own sentences: every pattern family, their near misses, odd case and spacing, tables
SENTENCES = [
    "In the five years to March 2014, 34 officers were dismissed from the force.",
    "Between April 2013 and March 2016 the force recorded 690 misconduct cases.",
    "During 2019/20 there were 12 complaints; in FY2020/21 there were 15, and in FY 2021/22 nine.",
    "Over the past three years, a total of 80 staff were investigated for misusing data.",
    "The figures, from 2010 onwards, show a rise, and since then the number has doubled.",
    "From January to June 2018, seven PCs resigned.\nBy 2021, the number had doubled again.",
    "Up to early 2013 the force had sacked nine officers in a year, and 14 until 2015.",
    "So far this year four officers have been suspended; last year it was 11, this month two.",
    "In the first half of 2017 and the second quarter of 2018 the complaints fell by a third.",
    "A year earlier the same year had seen 40 cases; that year, the previous year and the year before.",
    "Year | Dismissals\n2015 | 23\n2016 | 31\n\nMarch: 4 cases\n- April: 6 cases",
    "Over a four-year period between 2009 and 2012, 200 complaints were made against 60 officers.",
    "In the 1990s and the 2000s the end of 2015 looked far off; mid-2019 and late 2020 did not.",
    "The year to date shows 3 cases, within six months 5, across the three years 17.",
    "Throughout the 2018 calendar year, and from 3 March 2019 to 3/4/2020, the panel sat weekly.",
    "In the spring of 2016 and ever since 2001, through to 2020, officers were disciplined.",
    "Earlier this month the force said the financial year 2019-20 was its worst; FY 2020/21 was better.",
    "In each of the past five years, and in the same period, and in that time, the figure rose.",
    "IN THE PAST FIVE YEARS, SINCE 2009, OVER 300 OFFICERS LEFT.",
    "for 2019, of 2018, than 2017, to 2016, aged 20 years, in jail for six years, 12 years ago.",
    "The 23 officers, the 2,000 complaints and the 1,500 pounds were over five years old.",
    "A total of 12 officers faced 2019's hearings in 2019 alone and in 2016 and 2017 combined.",
    "An officer was sacked in May; another in Sept. 2019, a third on the 1st of June 2020.",
    "Between 2014-15 and 2018-19, from 2014 to the present day, up until 2019 inclusive.",
    "for the year ending March 2020, the 12 months to 31 March 2021, the year to March.",
    "Since2019 the fy2020 figures and the FY2021 numbers: 3rd March 2019, 03/03/2019, 3.3.2019.",
    "at the start of 2014 and by the middle of 2015, the beginning of 2016 to the autumn of 2017",
]


def _grammar_texts(g: PeriodGrammar) -> list[str]:
    """Every example text the grammar data carries."""
    data = g.data
    texts = [ex["text"] for p in g.patterns for ex in p.examples]
    texts += [ex["text"] for row in data["fuzzy"] for ex in row.get("examples", ())]
    texts += [ex["text"] for ex in data.get("fillers", {}).get("examples", ())]
    texts += list(data.get("not_periods", {}).get("examples", ()))
    texts += [ex["text"] for ex in data["dateline"].get("examples", ())]
    texts += [ex["text"] for row in data["dateline"].get("fallback_forms", ())
              for ex in row.get("examples", ())]
    return [t for t in texts if isinstance(t, str)]


def _article_texts() -> list[str]:
    return real_article_texts()


def _words(text: str) -> list[tuple[int, str]]:
    """Every place a ``\\w+`` run starts, with the run lower-cased."""
    return [(m.start(), m.group().lower()) for m in _WORD.finditer(text)]


def _with_combined(text: str, words: list[tuple[int, str]], g: PeriodGrammar) -> list[periods.PeriodMention]:
    """``find_period_mentions_at`` as it was: the whole combined regex at every trigger word."""
    found, end = [], 0
    for start, word in words:
        if start < end or not (word in g.first_words or word[:1].isdigit() or word[:2] == "fy"):
            continue
        m = g.combined.match(text, start)
        if m is not None and m.lastgroup is not None:
            found.append(periods._mention(m, g))
            end = m.end()
    return found


def _same_at_every_word(text: str, g: PeriodGrammar) -> None:
    """At every word start: the patterns tried there match exactly where, how far and as which
    pattern the combined regex does, the pattern that matched admits that first word (an ASCII
    one) and the word after it."""
    for start, word in _words(text):
        whole = g.combined.match(text, start)
        patterns, seconds = g.at_word(word)
        part = g.match_at(text, start, patterns)
        if whole is None or whole.lastgroup is None:
            assert part is None, (text[start:start + 60], part)
            continue
        assert part is not None, (text[start:start + 60], whole.lastgroup)
        assert (part[1].span(), part[0].name) == (whole.span(), whole.lastgroup), text[start:start + 60]
        firsts = g.first_words_of[whole.lastgroup]
        if word.isascii():  # "ſince" matches "since" case-blind: such words get every pattern
            assert firsts is None or periods._starts_with(firsts, word), (whole.lastgroup, word)
        assert seconds is None or seconds.admit(text, start + len(word)), (whole.lastgroup, text[start:])


def test_own_sentences_give_the_combined_regex_answer():
    g = periods.default_grammar()
    for text in SENTENCES:
        words = _words(text)
        assert find_period_mentions_at(text, words, grammar=g) == _with_combined(text, words, g)
        _same_at_every_word(text, g)
    found = {m.text.lower() for text in SENTENCES for m in find_period_mentions_at(text, _words(text))}
    # the sentences do reach the patterns (not a check that passes on no mentions)
    assert {"between april 2013 and march 2016", "since 2009", "during 2019/20", "in the 1990s"} <= found


def test_every_grammar_example_gives_the_combined_regex_answer():
    g = periods.default_grammar()
    texts = _grammar_texts(g)
    assert len(texts) > 100
    for text in texts:
        words = _words(text)
        got = find_period_mentions_at(text, words, grammar=g)
        assert got == _with_combined(text, words, g), text
        _same_at_every_word(text, g)

    # every mention pattern matches somewhere in these texts and the sentences above, so each
    # one's first words are put to the test
    matched = {m.lastgroup for text in texts + SENTENCES for s, _ in _words(text)
               if (m := g.combined.match(text, s)) and m.lastgroup}
    assert matched == {p.name for p in g.mention_patterns}


def test_articles_give_the_combined_regex_answer(nlp):
    from misconduct_nlp.components.periods import word_starts
    from misconduct_nlp.doccache import token_table

    g = periods.default_grammar()
    texts = _article_texts()
    assert len(texts) >= 10
    for text in texts:
        words = list(word_starts(text, token_table(nlp.make_doc(text))))
        assert find_period_mentions_at(text, words, grammar=g) == _with_combined(text, words, g)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([
    "in", "the", "since", "2019", "2019/20", "mid", "-", "March", "Sept.", "FY", "fy2020", "end", "of",
    "year", "years", "last", "past", "five", "12", "months", "to", "and", "between", "/", ".", ",",
    "early", "financial", "a", "an", "over", "each", "same", "that", "period", "by", "From", "\n",
    "|", ":", "1990s", "ago", "until", "up", "so", "far", "ſince", "İn", "２０１９",
]), max_size=20), st.sampled_from([" ", "", "\n"]))
def test_word_salad_gives_the_combined_regex_answer(words, sep):
    g = periods.default_grammar()
    text = sep.join(words)
    _same_at_every_word(text, g)
    ws = _words(text)
    assert find_period_mentions_at(text, ws, grammar=g) == _with_combined(text, ws, g)


# --- the first-word analysis itself ---------------------------------------------------------

def _leads(rx: str, macros: dict[str, str] | None = None):
    return periods._LeadingWords(macros or {}).of(rx)


def _firsts(rx: str, macros: dict[str, str] | None = None):
    leads = _leads(rx, macros)
    return None if leads is None else frozenset((lead[0], lead[1]) for lead in leads)


@pytest.mark.parametrize(("rx", "expected"), [
    (r"\b(?:in|during)\s+the\s+past", {("in", "word"), ("during", "word")}),
    (r"(?:(?:over|across)\s+)?the\s+year", {("over", "word"), ("across", "word"), ("the", "word")}),
    (r"\d{4}", {("", "digit")}),
    (r"fy\s?\d{4}", {("fy", "word"), ("fy", "digit")}),
    (r"(?-i:From)\s+\d", {("from", "word")}),
    (r"an?[-\s]+year", {("a", "word"), ("an", "word")}),
    (r"years?\b", {("year", "word"), ("years", "word")}),
    (r"the", {("the", "more")}),  # the match may stop inside a longer word ("there")
    (r"(?<![^\n])(?=x)the\b", {("the", "word")}),  # lookarounds are not read
    (r"ab\w+", {("ab", "more")}),
    (r"[a-c]x\b", {("ax", "word"), ("bx", "word"), ("cx", "word")}),
    (r".", {("", "more")}),
])
def test_first_words_of_small_regexes(rx, expected):
    assert _firsts(rx) == frozenset(expected)


def test_first_words_follow_macros_even_when_the_parser_makes_them_a_class():
    macros = {"A": r"since", "B": r"\d{4}", "C": r"{A}\s+{B}"}
    assert _firsts(r"(?:{A}|{B})\b", macros) == {("since", "word"), ("", "digit")}
    assert _firsts(r"{C}", macros) == {("since", "word")}
    with pytest.raises(KeyError, match="unknown macro"):
        _firsts(r"{NOPE}", macros)


@pytest.mark.parametrize("rx", [r"(a)\1", r"(?P<x>a)(?(x)b|c)", r"[a-z][a-z][a-z]x"])
def test_what_the_analysis_cannot_follow_is_tried_at_every_word(rx):
    assert _firsts(rx) is None  # a back-reference, a condition, too many first words


def test_any_word_character_leaves_the_rest_of_the_word_open():
    assert _firsts(r"\w{20}zzz") == {("", "more")}
    assert _firsts(r"ye[^x]") == {("ye", "more")}


@pytest.mark.parametrize(("rx", "expected"), [
    (r"\b(?:in|during)\s+the\s+past", {("in", "word", "the", "word"), ("during", "word", "the", "word")}),
    (r"the\s+\d", {("the", "word", "", "digit")}),
    (r"since\b", {("since", "word", None, None)}),  # anything may follow
    (r"so\s+far\s+in", {("so", "word", "far", "word")}),
    (r"up\s*to", {("upto", "more", None, None), ("up", "word", "to", "more")}),
    (r"a\s+fy\d", {("a", "word", "fy", "digit")}),
    (r"last(?:\s+calendar)?\s+years?\b",
     {("last", "word", "calendar", "word"), ("last", "word", "year", "word"),
      ("last", "word", "years", "word")}),
    (r"over\s+.", {("over", "word", None, None)}),
    (r"\d+\s+years", {("", "digit", None, None)}),  # a figure: the first word is not followed
])
def test_leading_two_words_of_small_regexes(rx, expected):
    assert _leads(rx) == frozenset(expected)


def test_leading_words_through_macros_from_any_state():
    macros = {"PREP": r"in|over", "NUM": r"two|\d+", "UNIT": r"years?", "P": r"{PREP}\s+the\s+{NUM}"}
    assert _leads(r"{P}", macros) == {("in", "word", "the", "word"), ("over", "word", "the", "word")}
    assert _leads(r"the\s+{NUM}[-\s]+{UNIT}", macros) == {("the", "word", "two", "word"),
                                                        ("the", "word", "", "digit")}
    assert _leads(r"(?:{PREP}\s+)?{NUM}", macros) == {
        ("in", "word", "two", "more"), ("over", "word", "two", "more"), ("in", "word", "", "digit"),
        ("over", "word", "", "digit"), ("two", "more", None, None), ("", "digit", None, None)}
    assert _leads(r"x{UNIT}", macros) == {("xyear", "more", None, None), ("xyears", "more", None, None)}


def test_the_next_word_decides_whether_the_regex_runs():
    g = periods.default_grammar()
    seconds = g.at_word("the")[1]
    text = "the officers, the past five years, the 1990s, the ſpring of 2019, the"
    starts = {m.group(): m.start() for m in re.finditer(r"the \w+|the$", text)}
    assert not seconds.admit(text, starts["the officers"] + 3)
    assert seconds.admit(text, starts["the past"] + 3)
    assert seconds.admit(text, starts["the 1990s"] + 3)
    assert seconds.admit(text, starts["the ſpring"] + 3)  # beyond ASCII: the regex decides
    assert not seconds.admit(text, len(text))  # nothing after it
    assert g.at_word("2019")[1] is None and g.at_word("since")[1] is not None
    assert g.at_word("march")[1] is None  # "March: 4 cases" -- a table row needs no next word


def test_starts_with_reads_each_kind():
    firsts = frozenset({("the", "word"), ("fy", "digit"), ("ab", "more")})
    assert periods._starts_with(firsts, "the")
    assert not periods._starts_with(firsts, "there")
    assert periods._starts_with(firsts, "fy2020") and not periods._starts_with(firsts, "fyx")
    assert not periods._starts_with(firsts, "fy")
    assert periods._starts_with(firsts, "ab") and periods._starts_with(firsts, "abc")
    assert not periods._starts_with(firsts, "a")


def test_patterns_at_words_no_pattern_starts_with_and_odd_words():
    g = periods.default_grammar()
    assert g.at_word("officers") == ((), None)
    assert g.at_word("ſince")[0] == g.mention_patterns  # beyond ASCII: case-blind matching not followed
    digits = g.at_word("2019")[0]
    assert digits and digits is g.at_word("34")[0] and len(digits) < len(g.mention_patterns)
    names = [p.name for p in g.at_word("in")[0]]
    assert names == [p.name for p in g.mention_patterns if p.name in names]  # in the grammar's order
    assert "since" in names and "between" not in names


def test_a_grammar_with_patterns_of_its_own():
    data = load_grammar().data
    rows = [
        {"name": "own_quarter", "kind": "absolute", "resolve": "point",
         "regex": r"\bquarter\s+(?P<a>{YEAR})", "examples": []},
        {"name": "own_wide", "kind": "absolute", "resolve": "point",
         "regex": r"\b[a-z][a-z][a-z]\s+half\s+(?P<a>{YEAR})", "examples": []},
    ]
    g = PeriodGrammar({**data, "patterns": rows + data["patterns"],
                       "trigger_words": [*data["trigger_words"], "quarter"]})
    assert g.first_words_of["own_quarter"] == {("quarter", "word")}
    assert g.first_words_of["own_wide"] is None  # too many first words: tried at every word
    after_for = [p.name for p in g.at_word("for")[0]]
    assert "own_wide" in after_for and "own_quarter" not in after_for
    for text in ["In quarter 2019 and for half 2018, the half 2017, the force sacked 3 officers.",
                 *SENTENCES]:
        words = _words(text)
        assert find_period_mentions_at(text, words, grammar=g) == _with_combined(text, words, g)
        _same_at_every_word(text, g)
    text = "quarter 2019 and for half 2018"
    assert [m.text for m in find_period_mentions_at(text, _words(text), grammar=g)] == [
        "quarter 2019", "for half 2018"]
