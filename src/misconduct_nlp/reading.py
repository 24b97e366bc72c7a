"""Reading one sentence: which number goes with which outcome term, role, rank and platform.

The default pipeline has no parser, so the reading is positional, in the way British news
writes these figures:

* a sentence is cut into clauses at commas, semicolons, brackets, dashes, "while",
  "whereas", "although", "but", and at "and"/"or" before another figure
  ("three officers who were sacked, five who received management advice and 17 who ...");
* the measure of a figure is the outcome term after it in its clause ("38 of the claims
  were substantiated"), else before it ("sacked seven staff", "investigations (88)");
  specific outcomes beat "found", which beats counted nouns ("cases", "complaints");
  a list of exits ("resignation, dismissal or retirement") is ``left_force`` and a mix of
  lesser sanctions is ``sanctioned``;
* the subject is the role right after the figure ("75 Metropolitan Police officers",
  "548 were police officers"); a figure with no role of its own shares the one before it in
  the sentence ("five who received ...") or, after "of these"/"of them", the previous claim's;
* a figure with no measure of its own takes the one of the figure it is coordinated with
  ("three officers and four staff were sacked") or of the figure before it
  ("Of the 184 officers investigated, 160 were constables, 12 were sergeants ...").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from .doccache import doc_text, first_content, span_index, span_text, token_table, word_positions
from .extensions import span_value
from .lexicon import parse_key

CLAUSE_PUNCT = frozenset({",", ";", ":", "(", ")", "[", "]", "—", "–", "--"})
CLAUSE_WORDS = frozenset({"while", "whereas", "although", "though", "but", "whilst", "despite"})
NEGATION = frozenset({"no", "not", "none", "never", "nobody", "neither", "nor", "n't", "without"})
# a preposition may stand between "and" and the next figure: "and in the other four cases"
COORD_PREPS = frozenset({"in", "of", "for", "with", "among", "amongst", "at", "from"})
# nouns that break a total down by reason or kind: they count what the total counts
BREAKDOWN_NOUNS = frozenset({"instances", "instance", "reasons", "reason", "types", "categories", "entries",
                             "counts", "breaches", "grounds"})
COORD = frozenset({"and", "or", "ore", "&", "plus"})
COORD_FILLERS = frozenset({"a", "an", "the", "another", "further", "additional", "other", "just", "only"})
STOP_NP = frozenset({
    "were", "was", "are", "is", "had", "have", "has", "been", "be", "who", "which", "that", "would",
    "will", "could", "did", "received", "resulted", "ended", "led", "faced", "got", "in", "during",
    "since", "between", "from", "after", "before", "over", "for", "by", "with",
})
COPULA = frozenset({"were", "was", "are", "is"})
VERB_LINKS = COPULA | {"had", "have", "has", "then", "later"}
ANAPHORA = frozenset({"these", "them", "those", "the"})
EXIT_MEASURES = frozenset({"dismissed", "resigned", "retired", "left_force"})
SANCTION_MEASURES = frozenset({
    "final_written_warning", "written_warning", "management_advice", "reflective_practice",
    "reprimand", "sanctioned",
})
NOT_UPHELD_NOUNS = frozenset({"allegations", "allegation", "complaints", "complaint", "claims", "charges",
                              "cases", "case", "accusations"})




@dataclass(frozen=True)
class Term:
    """A lexicon match inside a sentence (token offsets into the Doc)."""

    start: int
    end: int
    label: str
    strength: int
    noun: bool
    text: str


@dataclass
class Reading:
    """What one sentence says about one figure, before force and period are attributed."""

    num: Span
    left: int
    right: int
    measure: str | None = None
    measure_text: str | None = None
    strength: int = -1
    subject: str | None = None
    subject_text: str | None = None
    rank: str | None = None
    platforms: list[str] = field(default_factory=list)
    counted_noun: bool = False
    copula: bool = False                 # "548 were police officers": a part of a figure before it
    inherit_subject: str | None = None   # "sentence" or "article"
    anaphoric: bool = False              # "of these", "of them": refers to earlier figures
    bracketed: bool = False


def _term(sp: Span) -> Term:
    key_id = sp.id_
    if key_id and key_id.count(":") in (3, 4):
        label, strength, noun = parse_key(key_id)
    else:
        label, strength, noun = sp.label_, 2, False
    return Term(sp.start, sp.end, label, strength, noun, doc_text(sp.doc)[sp.start_char:sp.end_char])


def counted_nouns(doc: Doc, key: str = "measures") -> frozenset[str]:
    """Single-word nouns for what is counted when no one is ("cases", "complaints", "hearings"):
    the words of the one-token ``noun`` terms found in ``doc.spans[key]``, lower-cased.

    They are read off the Doc, so they are the nouns of the measures lexicon of the pipeline
    that made it: terms added to that pipeline's ``misconduct_measures`` component
    (``add_terms(..., noun=True)``) count, another pipeline's do not. Every occurrence of a
    lexicon term is a span, so a word of the text is in this set exactly when it is one of
    the lexicon's single-word nouns.
    """
    low = token_table(doc).lower
    return frozenset(low[t.start] for t in span_index(doc).within_as(key, 0, len(doc), _term)
                     if t.noun and t.end - t.start == 1)


def terms(sent: Span, key: str) -> list[Term]:
    """Lexicon matches of one ``doc.spans`` group inside ``sent``, overlaps resolved longest-first.

    Kept per Doc (several readers of a sentence ask): the same list each time, not to be changed.
    """
    index = span_index(sent.doc)
    memo_key = ("terms", key, sent.start, sent.end)
    found = index.memo.get(memo_key)
    if found is None:
        found = index.memo[memo_key] = _terms(index, key, sent.start, sent.end)
    return found


def _terms(index, key: str, start: int, end: int) -> list[Term]:
    found = index.within_as(key, start, end, _term)  # by start, end
    if all(found[k].end <= found[k + 1].start for k in range(len(found) - 1)):
        return found  # no overlaps (the usual case)
    found.sort(key=lambda t: (-(t.end - t.start), -t.strength, t.start))
    taken: list[Term] = []
    occupied: set[int] = set()  # token positions already in a kept term
    for t in found:
        inside = range(t.start, t.end)
        if occupied.isdisjoint(inside):
            taken.append(t)
            occupied.update(inside)
    return sorted(taken, key=lambda t: t.start)


class _Terms(list):
    """A sentence's terms in text order (a list) with their starts, so that a figure's look at
    the terms near it is a bisection, not a scan of all the sentence's terms."""

    def __init__(self, found: list[Term]) -> None:
        super().__init__(found)
        self.starts = [t.start for t in found]
        self._by_start: dict[int, Term] | None = None

    def starting_in(self, lo: int, hi: int) -> list[Term]:
        """The terms starting at ``lo`` .. ``hi - 1``, in order."""
        return self[bisect_left(self.starts, lo):bisect_left(self.starts, hi)] if lo < hi else []

    def by_start(self) -> dict[int, Term]:
        """``{t.start: t}`` (the last term of a start, as a dict made from the list would have)."""
        if self._by_start is None:
            self._by_start = {t.start: t for t in self}
        return self._by_start


def _starting_in(found: list[Term], lo: int, hi: int) -> list[Term]:
    """The terms of ``found`` (in text order) starting at ``lo`` .. ``hi - 1``."""
    if isinstance(found, _Terms):
        return found.starting_in(lo, hi)
    return [t for t in found if lo <= t.start < hi]


# the tokens that can end a clause (lower-cased text: the punctuation is its own lower case)
_BOUNDARY_WORDS = CLAUSE_PUNCT | CLAUSE_WORDS | COORD | {"-"}


def _boundaries(sent: Span, nums: list[Span]) -> list[int]:
    tt = token_table(sent.doc)
    text, low, ws = tt.text, tt.lower, tt.ws
    starts = {n.start for n in nums}
    last_start = max(starts, default=-1)
    # "five were investigated and in 2018/19 there were seven": "and" before a period opens a clause
    period_starts = {sp.start for sp in span_index(sent.doc).within("periods", sent.start, sent.end)}
    out = []
    asides = _short_brackets(sent)
    # "84 officers, PCSOs and civilian staff were investigated": a comma between two roles lists
    # them in one noun phrase
    roles = span_index(sent.doc).within("subjects", sent.start, sent.end)
    role_ends, role_starts = {sp.end for sp in roles}, {sp.start for sp in roles}
    # only the tokens a test below can take (listed once per Doc): a bisection, not every token
    candidates = word_positions(sent.doc, _BOUNDARY_WORDS)
    lo = bisect_left(candidates, sent.start)
    for i in candidates[lo:bisect_left(candidates, sent.end, lo)]:
        if i in asides:
            continue
        if text[i] == "," and i in role_ends and i + 1 in role_starts:
            continue
        if text[i] in CLAUSE_PUNCT or low[i] in CLAUSE_WORDS:
            out.append(i)
        elif text[i] == "-" and ws[i] and i > 0 and ws[i - 1]:
            out.append(i)
        elif low[i] in COORD:
            j = i + 1
            while j < sent.end and (low[j] in COORD_FILLERS or (low[j] in COORD_PREPS and j < i + 3)):
                j += 1
            if j in starts or (any(k in period_starts for k in range(i + 1, j + 1))
                               and last_start > j):
                out.append(i)
    return out


def _short_brackets(sent: Span) -> set[int]:
    """Token positions of the brackets of short asides that follow a figure's noun phrase and do
    not end its clause: "181 complaints (2.3 per cent) resulted in formal action", "1,655
    employees (police officers and police staff) have convictions". A bracket that holds only a
    figure after a name ("investigations (88)", "GMP (88)") still does."""
    tt = token_table(sent.doc)
    text, like_num = tt.text, tt.like_num
    out: set[int] = set()
    i = sent.start
    while i < sent.end:
        if text[i] == "(":
            j = next((k for k in range(i + 1, min(sent.end, i + 10)) if text[k] == ")"), None)
            after_np = i > sent.start and tt.is_alpha[i - 1] \
                and any(like_num[k] for k in range(max(sent.start, i - 4), i))
            after_figure = i > sent.start and like_num[i - 1]  # "2,874 (11 per cent) were"
            if j is not None and j - i > 2 and (after_np or after_figure):
                out.update((i, j))
                i = j
        i += 1
    return out


def _clause(sent: Span, num: Span, bounds: list[int]) -> tuple[int, int, bool]:
    text = token_table(sent.doc).text
    bracketed = (num.start - 1 >= sent.start and text[num.start - 1] == "("
                 and num.end < sent.end and text[num.end] == ")")
    anchor = num.start - 1 if bracketed else num.start
    # ``bounds`` are ascending: the last one before the anchor, the first one from the figure's end
    k = bisect_left(bounds, anchor)
    left = bounds[k - 1] + 1 if k else sent.start
    if bracketed:
        return left, num.start - 1, True
    k = bisect_left(bounds, num.end)
    right = bounds[k] if k < len(bounds) else sent.end
    return left, right, False


def _chain(doc, first: Term, measures: list[Term], right: int) -> list[Term]:
    """The first term plus the terms coordinated with it ("resignation, dismissal or retirement")."""
    chain = [first]
    tt = token_table(doc)
    text, low = tt.text, tt.lower
    by_start = measures.by_start() if isinstance(measures, _Terms) else {t.start: t for t in measures}
    i = first.end
    while i < right:
        j = i
        seps = 0
        while j < right and (text[j] == "," or low[j] in COORD or text[j] == "/"):
            j += 1
            seps += 1
        fillers = 0
        # ("dismissed, and three others resigned": a figure between ends the chain)
        while j < right and j not in by_start and fillers < 2 and text[j].isalpha() and not tt.like_num[j]:
            j += 1
            fillers += 1
        if seps == 0 or j not in by_start:
            break
        nxt = by_start[j]
        if nxt.strength < 1 or nxt.noun:
            break
        chain.append(nxt)
        i = nxt.end
    return chain


def _resolve_chain(chain: list[Term]) -> tuple[str, str]:
    labels = {t.label for t in chain}
    text = " … ".join(t.text for t in chain) if len(chain) > 1 else chain[0].text
    if len(chain) > 1 and len(labels & EXIT_MEASURES) >= 2:
        return "left_force", text
    if len(chain) > 1 and len(labels & SANCTION_MEASURES) >= 2:
        return "sanctioned", text
    return chain[0].label, text


def _is_total_of_part(doc, r: Reading) -> bool:
    """True for the Y of "147 of the 2,537 allegations were upheld": the total, not the part."""
    i = r.num.start
    tt = token_table(doc)
    low = tt.lower
    if i >= 2 and low[i - 1] == "of" and (tt.like_num[i - 2] or low[i - 2] in ("%", "cent", "percent")):
        return True  # "just 1% of 7,963 complaints", "77 of 7,963 allegations"
    if i >= 2 and low[i - 2] == "out" and low[i - 1] == "of":
        return True  # "Out of 246 complaints, 11 were upheld", "12 cases out of 99"
    return i >= 3 and low[i - 1] in ("the", "these", "those") and low[i - 2] == "of" \
        and (low[i - 3] in ("half", "third", "quarter", "fifth", "tenth") or tt.like_num[i - 3])


def _nominal(t: Term) -> bool:
    """True for a term used as a noun ("arrest", "misconduct hearings"), not a verb form."""
    return t.noun or not t.text.lower().endswith(("ed", "ing"))


def _circumstance(low: list[str], t: Term, after: int) -> bool:
    """True for an outcome named after a preposition of circumstance ("during arrest", "after
    their arrest"), past token ``after``: when the thing counted happened, not what happened to it
    (the figure's own noun comes first: "complaints about force used during arrest")."""
    nominal = _nominal(t)  # not "after being arrested"
    k = t.start - 1
    if k > after and low[k] in DETERMINERS:
        k -= 1
    return nominal and k > after and low[k] in CIRCUMSTANCE


def _pick_measure(doc, r: Reading, measures: list[Term], sent_end: int, counted: frozenset[str],
                  starts: list[int] | None = None) -> None:
    tt = token_table(doc)
    if _is_total_of_part(doc, r):
        # the total is what its own noun counts ("2,537 allegations" → reported)
        own = [t for t in _starting_in(measures, r.num.end, r.num.end + 3) if t.noun]
        if own:
            r.measure, r.measure_text, r.strength = own[0].label, own[0].text, own[0].strength
        return
    starts = starts if starts is not None else [t.start for t in measures]
    in_clause = measures[bisect_left(starts, r.left):bisect_left(starts, r.right)]
    fwd = [t for t in in_clause if r.num.end <= t.start and not _negated(doc, t, r.left)] \
        if not r.bracketed else []
    # "the analysis found 547 allegations were logged": "found" before a figure whose clause has a
    # verb of its own reports the figure, it upholds nothing ("we found seven cases where ..." does)
    own_verb = any(not t.noun for t in fwd)
    bwd = [t for t in in_clause if t.end <= r.num.start and not _negated(doc, t, r.left)
           and not (own_verb and t.label == "upheld" and t.strength < 2)
           and not (t.label == "upheld" and t.strength < 2 and r.num.start - t.end <= 7
                    and any(w in RECORDING_VERBS for w in tt.lower[t.end:r.num.start]))]
    # ("an FOI request found that the force received 246 complaints", "found the force opened 137
    # investigations": found reports, upholds nothing)
    # "the number of police staff dismissed following misconduct proceedings rose to 164": an
    # outcome after a preposition is the occasion of the verb before it, here as after a figure
    bwd = [t2 for k, t2 in enumerate(bwd)
           if not any(not t1.noun and t1.strength >= 2 and tt.lower[t1.end - 1].endswith("ed")
                      and 0 < t2.start - t1.end <= 4
                      and any(w in PREPOSITIONS for w in tt.lower[t1.end:t2.start]) for t1 in bwd[:k])]
    bwd.reverse()
    own = next((t for t in fwd if t.noun and t.start == r.num.end), None)
    if own is not None:
        # "launched 214 investigations into officers and staff accused of ...": a participle on
        # the people the figure's own noun is about describes them; the noun is the measure
        about = [t for t in fwd if t.start > own.end and not t.noun
                 and _describes_people(tt.lower, t, counted)
                 and any(w in ABOUT_WORDS for w in tt.lower[own.end:t.start])]
        # "holding 583 hearings in the period and dismissing 247 officers": a verb after "and"
        # with a figure of its own governs that figure
        theirs = [t for t in fwd if t.start > own.end + 1 and not t.noun
                  and tt.lower[t.start - 1] in COORD and t.end < sent_end and tt.like_num[t.end]]
        # "1,102 allegations related to the use of force during arrest or detention": an outcome
        # noun after a preposition of circumstance says when the thing counted happened
        fwd = [t for t in fwd if t not in about and t not in theirs
               and not _circumstance(tt.lower, t, own.end)]
        if bwd and _in_cases(tt.lower, bwd[0], r.num.start):
            # "carried out its own investigation in just 17 cases", "misconduct was proven in 12
            # complaints": what happened in the cases is the term before "in"; the noun says only
            # what was counted
            fwd = [t for t in fwd if t is not own]
    elif r.num.end + 2 < sent_end and tt.lower[r.num.end] == "of" \
            and tt.lower[r.num.end + 1] in PARTITION_DETS:
        # "38 of those referrals involved allegations of assault during arrest"
        base = next((t for t in fwd if t.noun and t.start == r.num.end + 2), None)
        if base is not None:
            fwd = [t for t in fwd if not _circumstance(tt.lower, t, base.end)]
    # "61 of the officers who resigned before a hearing", "were sacked after misconduct
    # hearings": an outcome after a preposition is the occasion of the verb before it
    occasion = [t2 for k, t2 in enumerate(fwd) for t1 in fwd[:k]
                if not t1.noun and t1.strength >= 1 and 0 < t2.start - t1.end <= 4
                and any(w in PREPOSITIONS or (w == "since" and _nominal(t2))
                        for w in tt.lower[t1.end:t2.start])]
    # ("sacked since misconduct hearings opened to the public": since when, not how)
    fwd = [t for t in fwd if t not in occasion]
    rel = [t for t in fwd if _restricts_base(tt.lower, t, counted, r.num.end)]
    if rel and (len(fwd) > len(rel) or any(not t.noun and t.strength >= 1 for t in bwd)):
        # "upheld 6 per cent of the complaints it investigated", "12 per cent of the allegations
        # that were investigated were upheld": the relative clause says which cases the base
        # holds; the figure's outcome is the other verb
        fwd = [t for t in fwd if t not in rel]
    if bwd and bwd[0].strength >= 2 and not bwd[0].noun and _governs(doc, bwd[0], r, fwd):
        # "sacking almost 160 officers a year after misconduct hearings": the verb before the
        # figure governs it, not the outcome named after a preposition
        fwd = [t for t in fwd if t.strength > bwd[0].strength]
    best: Term | None = None
    for lo, hi in ((2, 99), (1, 1), (0, 0)):
        f = [t for t in fwd if lo <= t.strength <= hi]
        if len(f) > 1 and _modifies_noun(doc, f[0], counted) and _main_verb_after(tt.lower, f[0], f[1]):
            # "one in five of the officers investigated resigned", "nine officers convicted of
            # assault were still working", "18 employees accused of abuse kept their jobs": the
            # verb is the later term
            f = f[1:]
        if f:
            top = max(t.strength for t in f)
            best = next(t for t in f if t.strength == top)
            break
        b = [t for t in bwd if lo <= t.strength <= hi]
        if b:
            best = b[0]
            break
    if best is not None and best.strength == 0 and best.noun and r.right < sent_end \
            and tt.text[r.right] == ",":
        # "In about half of the cases, no further action was taken": the next clause's outcome
        nxt_bound = next((i for i in range(r.right + 1, sent_end)
                          if tt.text[i] in CLAUSE_PUNCT or tt.like_num[i]
                          or tt.lower[i] in CLAUSE_WORDS), sent_end)
        strong = [t for t in _starting_in(measures, r.right + 1, nxt_bound) if t.strength >= 2
                  and not _negated(doc, t, r.right)]
        if strong:
            best = strong[0]
    if best is None or (best.noun and best.strength <= 0):
        # "394 officers, excluding members of the Special Constabulary, were placed on the
        # list", "142 allegations – around 8 per cent – were upheld": the verb after the aside
        best = _after_aside(doc, r, measures, sent_end) or best
    if best is None:
        return
    chain = _chain(doc, best, measures, sent_end)
    r.measure, r.measure_text = _resolve_chain(chain)
    r.strength = best.strength
    if r.measure == "dismissed" and r.subject is None and _np_noun(doc, r) in NOT_UPHELD_NOUNS:
        r.measure = "not_upheld"


IN_CASES_FILLERS = frozenset({"just", "only", "a", "another", "further", "some", "about", "around", "nearly",
                              "almost", "over", "more", "than", "fewer", "less", "all", "the", "remaining"})


def _in_cases(low: list[str], before: Term, num_start: int) -> bool:
    """The figure stands in "in [just] N <noun>" and ``before`` ends at most three words before
    that "in" ("investigation in just 17 cases", "no action was taken in 60 cases")."""
    i = num_start - 1
    while i > before.end and num_start - i <= 3 and low[i] in IN_CASES_FILLERS:
        i -= 1
    return i >= before.end and low[i] == "in" and i - before.end <= 3


def _after_aside(doc, r: Reading, measures: list[Term], sent_end: int) -> Term | None:
    """The verb after an aside between commas that follows the figure's noun phrase: "394
    officers, excluding members of the Special Constabulary, were placed on the list"."""
    tt = token_table(doc)
    before = tt.lower[max(r.left, r.num.start - 3):r.num.start]
    opens = r.num.start - r.left <= 2 or any(w in REPORTING for w in before)
    if not opens or r.right >= sent_end or tt.text[r.right] not in ASIDE_MARKS:
        return None  # the figure must open its clause ("The watchdog said just 142 allegations ...")
    mark = tt.text[r.right]
    if mark != "," and r.left > 0 and tt.text[r.left - 1] == mark:
        nxt = r.right  # "Just 142 allegations – around 8 per cent – were upheld": the figure is the aside
    else:
        nxt = next((i for i in range(r.right + 1, min(sent_end, r.right + 14)) if tt.text[i] == mark), None)
    if nxt is None or nxt + 1 >= sent_end or tt.lower[nxt + 1] not in VERB_LINKS:
        return None
    return next((t for t in _starting_in(measures, nxt + 1, nxt + 5) if t.strength >= 1
                 and not _negated(doc, t, nxt + 1)), None)


def _negated(doc, t: Term, left: int) -> bool:
    """True for an outcome denied in its clause ("none have been upheld", "not a single officer
    lost their job", "no officer was sacked"); terms that carry their own negation ("not upheld",
    "no case to answer") are not."""
    low = token_table(doc).lower
    if low[t.start] in NEGATION:
        return False
    return any(w in NEGATION for w in low[max(left, t.start - 6):t.start])


INVOLVING = frozenset({"involving", "relating", "concerning", "against", "covering", "affecting"})
PREPOSITIONS = frozenset({"after", "following", "at", "before", "during", "from", "in", "over", "for", "as"})


def _governs(doc, verb: Term, r: Reading, fwd: list[Term]) -> bool:
    """True when ``verb`` stands right before the figure (only approximators and determiners
    between: "sacking almost 160 officers") and every outcome after the figure follows a
    preposition ("... after misconduct hearings")."""
    low = token_table(doc).lower
    between = low[verb.end:r.num.start]
    if len(between) > 3 or any(not w.isalpha() for w in between):
        return False
    return all(any(w in PREPOSITIONS for w in low[r.num.end:t.start]) for t in fwd)


def _describes_people(low: list[str], t: Term, counted: frozenset[str]) -> bool:
    """True for an outcome said of people named just before it: "officers accused of ...",
    "officers who were later dismissed"."""
    k = _back_over(low, t.start, PEOPLE_CLAUSE_WORDS, 4)
    return k > 0 and _names_people(low[k - 1], counted)


def _back_over(low: list[str], i: int, words: frozenset[str], most: int) -> int:
    """The position reached walking back from ``i`` over at most ``most`` of ``words``."""
    k = i
    while k > 0 and i - k < most and low[k - 1] in words:
        k -= 1
    return k


def _names_people(word: str, counted: frozenset[str]) -> bool:
    """True for a role noun ("officers") or a counted noun ("complaints")."""
    return word in ROLE_NOUNS or word in counted


PEOPLE_CLAUSE_WORDS = frozenset({"who", "that", "were", "was", "had", "have", "been", "later", "subsequently",
                                 "then", "also", "since"})
ASIDE_MARKS = frozenset({",", "–", "—"})
REPORTING = frozenset({"said", "says", "show", "shows", "showed", "found", "revealed", "reveal", "reveals"})
GAP_LINKS = frozenset({"while", "whereas", "whilst"})
GAPPED_AFTER = frozenset({".", ",", ";", ")", "and", "in", "while", "whereas", "respectively"})
#: The two words before a figure that give the earlier level a later one is set against
#: ("131, up from 87", "compared with 22 in 2015/16").
EARLIER_CUES = frozenset({("up", "from"), ("down", "from"), ("compared", "with"), ("compared", "to"),
                          ("rising", "from"), ("rose", "from"), ("fell", "from"), ("falling", "from"),
                          ("increase", "from"), ("decrease", "from"), ("rise", "from"), ("fall", "from"),
                          ("increase", "on"), ("rise", "on"), ("up", "on"), ("down", "on"), ("fall", "on"),
                          ("decrease", "on")})
ABOUT_WORDS = frozenset({"into", "against", "about", "involving", "concerning", "relating", "regarding"})
#: Verbs by which a clause reports a count ("found that the force received 246 complaints").
RECORDING_VERBS = frozenset({"received", "recorded", "logged", "registered", "handled", "opened", "made",
                             "held", "had", "has", "have"})
#: Determiners of a partition's base ("38 of those referrals", "12 of the complaints").
PARTITION_DETS = frozenset({"the", "those", "these", "its", "their"})
#: Prepositions after which an outcome noun is the circumstance of what is counted ("complaints
#: about force used during arrest", "injuries on arrest"), not what happened to it.
CIRCUMSTANCE = frozenset({"during", "upon", "after", "following"})
DETERMINERS = frozenset({"a", "an", "the", "their", "his", "her", "its"})
RELATIVE_WORDS = frozenset({"that", "which", "who", "it", "they", "we", "he", "she", "were", "was", "had",
                            "been", "has", "have", "being"})
RELATIVE_PRONOUNS = frozenset({"who", "that"})
RELATIVE_OPENERS = frozenset({"that", "which", "who", "it", "they", "we", "he", "she"})


def _restricts_base(low: list[str], t: Term, counted: frozenset[str], after: int) -> bool:
    """True for an outcome in a relative clause on the base after the figure: "6 per cent of
    the complaints it investigated", "12 per cent of the allegations that were investigated"
    (the base's noun after "of", then a relative pronoun or a subject pronoun; not "of the
    allegations was upheld", nor "the 31,333 allegations that were investigated", whose clause
    is the figure's own)."""
    k = _back_over(low, t.start, RELATIVE_WORDS, 3)
    if k == t.start or k < 2 or low[k] not in RELATIVE_OPENERS:
        return False
    return _names_people(low[k - 1], counted) and "of" in low[max(after, k - 4):k - 1]


def _main_verb_after(low: list[str], participle: Term, later: Term) -> bool:
    """True when ``later`` is the clause's verb after a participle that modifies the figure's
    noun: right after it, after a copula ("convicted of assault were still working"), or, as
    strong, after a short phrase with no conjunction, comma or preposition ("accused of abuse
    kept their jobs"; not "resigned before their misconduct hearings")."""
    between = low[participle.end:later.start]
    if not between:
        return True
    if len(between) > 5:
        return False
    if any(w in VERB_LINKS for w in between):
        return True
    return later.strength >= participle.strength and not any(
        w in COORD or w in CLAUSE_PUNCT or w in PREPOSITIONS for w in between)


SHARE_VERBS = frozenset({("accounted", "for"), ("account", "for"), ("accounting", "for"), ("making", "up"),
                         ("made", "up"), ("make", "up"), ("numbered", "just"), ("totalled", "just")})
ROLE_NOUNS = frozenset({"officers", "staff", "workers", "employees", "individuals", "people", "constables",
                        "pcsos", "those", "them"})


def _modifies_noun(doc, t: Term, counted: frozenset[str]) -> bool:
    """True for a participle right after a role or counted noun ("officers investigated") or
    right before one ("one in 10 accused officers lost their jobs")."""
    low = token_table(doc).lower
    # ("officers who were accused remain in the job": a relative clause on the noun too)
    k = _back_over(low, t.start, RELATIVE_PRONOUNS, 1)
    if k > 0 and _names_people(low[k - 1], counted):
        return True
    return t.end - t.start == 1 and t.end < len(low) and low[t.end] in ROLE_NOUNS


def _np_noun(doc, r: Reading) -> str | None:
    """The counted noun right after the figure, if any ("40 allegations", "38 of the claims")."""
    i = r.num.end
    low = token_table(doc).lower
    if i < r.right and low[i] == "of" and i + 1 < r.right and low[i + 1] in ANAPHORA:
        i += 2
    for k in range(i, min(i + 3, r.right)):
        if low[k] in NOT_UPHELD_NOUNS:
            return low[k]
    return None


def _subject_window(doc, r: Reading) -> tuple[int, int]:
    i = r.num.end
    low = token_table(doc).lower
    if i < r.right and low[i] in COPULA:
        r.copula = True
        i += 1
        while i < r.right and low[i] in ("all", "ranked", "also", "either"):
            i += 1
        return i, min(r.right, i + 6)
    end = i
    while end < r.right and end < i + 6 and low[end] not in STOP_NP:
        end += 1
    if end < r.right and low[end] == "of" or (i < r.right and low[i] == "of"):
        end = min(r.right, max(end, i + 5))
    return i, end


def _pick_subject(doc, r: Reading, subjects: list[Term], ranks: list[Term], counted: frozenset[str]) -> None:
    low = token_table(doc).lower
    # "Officers accounted for 1,310 of those accused", "with police staff making up 301": the
    # role named before the verb of share
    share = r.num.start >= 3 and tuple(low[r.num.start - 2:r.num.start]) in SHARE_VERBS
    # "..., sergeants for 97 and officers of inspector rank or above for 51": the share verb
    # left out after the first
    elided = not share and r.num.start >= 2 and low[r.num.start - 1] == "for" and any(
        tuple(low[k:k + 2]) in SHARE_VERBS for k in range(max(0, r.num.start - 40), r.num.start - 2))
    if share or elided:
        gap = 2 if share else 1
        rank = [t for t in ranks if t.end == r.num.start - gap]
        before = [t for t in subjects if t.end == r.num.start - gap]
        if rank:
            r.rank = rank[0].label
            r.subject, r.subject_text = "officer", rank[0].text
            return
        if before:
            r.subject, r.subject_text = before[0].label, before[0].text
            return
    a, b = _subject_window(doc, r)
    # a role that starts in the window may run past it ("34 officers from the Special Constabulary")
    found = _starting_in(subjects, a, b)
    # ranks may follow the role: "20 officers ranked at sergeant level or above"
    rank_hits = _starting_in(ranks, a, r.right if found or r.right - a < 10 else b)
    r.rank = rank_hits[0].label if rank_hits else None
    if found:
        labels = {t.label for t in found}
        if "workforce" in labels or {"officer", "staff"} <= labels:
            r.subject = "workforce"
        else:
            r.subject = found[0].label
        r.subject_text = span_text(doc[found[0].start:found[-1].end])
        return
    if r.rank:
        r.subject, r.subject_text = "officer", rank_hits[0].text
        return
    low = token_table(doc).lower
    after_of = (r.num.end < r.right and low[r.num.end] == "of" and r.num.end + 1 < r.right
                and low[r.num.end + 1] in ANAPHORA)
    counted = [] if r.copula else [
        k for k in range(r.num.end, min(r.num.end + 4, len(doc)))
        if low[k] in counted and (after_of or k < max(b, r.num.end + 1))]
    if after_of:
        r.anaphoric = True
    if counted and not after_of:
        r.counted_noun = True
        # "seven cases where a member of staff ...", "complaints made against officers",
        # "Officers were cleared in 15 per cent of cases": a role elsewhere in the clause;
        # a repeated total ("Of the 196 complaints" after "complaints
        # against officers") is about whoever the earlier figures were; else nobody says whose
        later = _starting_in(subjects, r.num.end, r.right) or \
            [t for t in _starting_in(subjects, r.left, r.num.start) if t.end <= r.num.start][-1:]
        if later:
            r.subject, r.subject_text = later[0].label, later[0].text
        elif r.num.start >= 2 and low[r.num.start - 1] == "the" and low[r.num.start - 2] == "of":
            r.inherit_subject = "article"  # "Of the 196 complaints, ...": the figures given before
        return
    if r.bracketed:
        # "West Midlands (24), Greater Manchester (21)": a league table shares the role before it
        r.inherit_subject = "sentence"
        return
    # "the number of officers facing hearings fell to 412": the role the figure is the number of
    number_of = [t for t in _starting_in(subjects, r.left, r.num.start) if t.start >= 2
                 and low[t.start - 2:t.start] == ["number", "of"]]
    if number_of and not after_of:
        r.subject, r.subject_text = number_of[-1].label, number_of[-1].text
        return
    r.inherit_subject = "article" if after_of else "sentence"


def _lead_measure(sent: Span, bounds: list[int], measures: list[Term]) -> Term | None:
    """The strongest term of a leading "Of those suspended," / "Of the 64 people investigated," clause."""
    return _lead_term(sent, bounds, measures, strongest=True)


def _lead_term(sent: Span, bounds: list[int], found: list[Term], strongest: bool = False) -> Term | None:
    """A term of the sentence's leading "Of the specials," / "Among PCSOs," clause (the first,
    or the strongest)."""
    tt = token_table(sent.doc)
    space, text = tt.space, tt.text
    first = next((i for i in range(sent.start, sent.end)
                  if not space[i] and text[i] not in ("•", "-", "*")), None)
    if first is None or tt.lower[first] not in ("of", "among", "amongst"):
        return None
    end = min([b for b in bounds if b > first], default=sent.end)
    inside = [t for t in found if first <= t.start and t.end <= end]
    if not inside:
        return None
    return max(inside, key=lambda t: t.strength) if strongest else inside[0]


ANAPHORIC_STARTS = frozenset({"they", "these", "those", "this", "that", "it", "such", "among", "amongst"})


def _is_sentence_anaphoric(sent: Span) -> bool:
    """ "Of these, ...", "All four of these cases ...", "Two of them ...": the sentence opens with
    a part of figures given before."""
    low = token_table(sent.doc).lower
    first = first_content(sent)
    if first is None:
        return False
    head = low[first:min(sent.end, first + 4)]
    return any(w == "of" and k + 1 < len(head) and head[k + 1] in ("these", "them", "those", "this")
               for k, w in enumerate(head))


#: Prepositions that open a sentence with its period ("In 2022 the number ...", "By 2018 ...").
TIME_OPENERS = frozenset({"in", "by", "during", "for"})
_YEAR_TOKEN = re.compile(r"^(?:19|20)\d\d(?:[/-]\d\d(?:\d\d)?)?$")
TOTAL_NOUNS = frozenset({"total", "figure", "tally", "number", "rise", "increase", "fall", "drop", "count"})


def refers_back(sent: Span) -> bool:
    """True when the sentence opens by pointing at figures before it ("They include 14 ...",
    "The total was up from 399", but not "The number of officers ...")."""
    first = first_content(sent)
    if first is None:
        return False
    low = token_table(sent.doc).lower
    first = _past_time_opener(sent, first)
    if low[first] == "the" and first + 2 < sent.end and low[first + 1] in TOTAL_NOUNS \
            and low[first + 2] != "of":
        return True
    return low[first] in ANAPHORIC_STARTS or _is_sentence_anaphoric(sent)


def _past_time_opener(sent: Span, first: int) -> int:
    """The token after a period phrase opening the sentence ("In 2022 the number climbed to
    52", "By 2018 the figure had risen to 178", "By the end of 2018 it held 312 names"), or
    ``first`` when the sentence opens otherwise."""
    low = token_table(sent.doc).lower
    if low[first] not in TIME_OPENERS:
        return first
    ends = [sp.end for sp in span_index(sent.doc).within("periods", first, min(sent.end, first + 6))
            if sp.start <= first + 4]
    # a year the period grammar leaves alone ("By 2018", a point in time)
    ends += [k + 1 for k in range(first + 1, min(sent.end, first + 5)) if _YEAR_TOKEN.match(low[k])]
    for end in sorted(ends)[:1]:
        k = end + (end < sent.end and low[end] == ",")
        if k < sent.end:
            return k
    return first


def read_sentence(sent: Span, nums: list[Span], context: tuple[str, str] | None = None,
                  counted: frozenset[str] | None = None) -> list[Reading]:
    """One Reading per claim-able figure of ``sent``, measures and subjects shared in the sentence.

    ``context`` is the (measure, text) a figure falls back on when its sentence has none: the
    lead-in of a bulleted list ("The forces that held the most hearings were:") or the previous
    claim for a sentence that refers back ("They include 14 officers ..."). ``counted`` is
    :func:`counted_nouns` of the Doc (found here when not given; a caller reading many
    sentences of one Doc finds it once).
    """
    doc = sent.doc
    if counted is None:
        counted = counted_nouns(doc)
    low = token_table(doc).lower
    measures = _Terms(terms(sent, "measures"))
    subjects = _Terms(terms(sent, "subjects"))
    ranks = _Terms(terms(sent, "ranks"))
    platforms = _Terms(terms(sent, "platforms"))
    bounds = _boundaries(sent, nums)
    measure_starts = measures.starts  # the terms of a figure's clause, by bisection
    readings = []
    for num in nums:
        left, right, bracketed = _clause(sent, num, bounds)
        r = Reading(num=num, left=left, right=right, bracketed=bracketed)
        _pick_subject(doc, r, subjects, ranks, counted)
        _pick_measure(doc, r, measures, sent.end, counted, measure_starts)
        r.platforms = sorted({t.label for t in platforms.starting_in(left, max(right, num.end))})
        readings.append(r)
    # "West Yorkshire recorded 512 allegations in 2023 and South Yorkshire 274": the verb and
    # its noun left out after the next force; its figure counts what the one before did
    force_ends = {sp.end for sp in span_index(doc).within("forces", sent.start, sent.end)
                  if span_value(sp, "force")}
    for k in range(1, len(readings)):
        r, prev = readings[k], readings[k - 1]
        if r.measure is None and prev.measure is not None and r.num.start in force_ends \
                and any(w in COORD or w in GAP_LINKS for w in low[prev.num.end:r.num.start]) \
                and (r.num.end >= sent.end or low[r.num.end] in GAPPED_AFTER):
            r.measure, r.measure_text, r.strength = prev.measure, prev.measure_text, 0
            if r.subject is None:
                r.subject, r.subject_text = prev.subject, prev.subject_text
    # figures coordinated with the next one share its measure: "three officers and four staff were sacked"
    for k in range(len(readings) - 2, -1, -1):
        r, nxt = readings[k], readings[k + 1]
        if r.measure is None and nxt.measure is not None and nxt.strength >= 1 and r.right < nxt.num.start \
                and low[r.right] in COORD and r.right >= r.num.end:
            r.measure, r.measure_text, r.strength = nxt.measure, nxt.measure_text, nxt.strength
            if not r.platforms:  # "Snapchat in 17 and Facebook in 12": each keeps its own
                r.platforms = list(nxt.platforms)
    # a part of the figure before ("160 were constables") or a figure with no role of its own
    # ("in 2018 the number was just 14") takes the measure of the figure before it
    # "12 hearings ..., relating to 10 officers and two police staff": the people a figure
    # involves share its measure, and so do the people listed with them ("suspended 140
    # officers, 11 PCSOs and eight police staff")
    for k in range(1, len(readings)):
        r, prev = readings[k], readings[k - 1]
        part = r.copula or r.rank is not None
        weak_own = part and r.strength <= 0
        involved = r.measure is None and r.subject is not None and (
            any(w in INVOLVING for w in low[max(r.left, r.num.start - 3):r.num.start])
            or (prev.subject is not None and (low[r.left - 1] in COORD or low[r.left - 1] == ",")
                and prev.right == r.left - 1))
        if (r.measure is None or weak_own) and prev.measure is not None and (
                part or r.subject is None or involved):
            r.measure, r.measure_text, r.strength = prev.measure, prev.measure_text, min(prev.strength, 1)
    # "Of those suspended, 29 were constables": the partition's lead clause gives the measure
    lead = _lead_measure(sent, bounds, measures)
    for r in readings:
        if r.measure is None and lead is not None and (r.copula or r.rank or r.subject is None) \
                and r.num.start > lead.end:
            r.measure, r.measure_text, r.strength = lead.label, lead.text, min(lead.strength, 1)
        elif lead is not None and r.measure == "reported" and lead.label != "reported" \
                and r.num.start > lead.end and lead.strength >= 1:
            # "Of the 47 suspended officers, 19 are accused of sexual misconduct": what they are
            # accused of breaks the total down; they are still the suspended
            r.measure, r.measure_text, r.strength = lead.label, lead.text, min(lead.strength, 1)
    # "The number of complaints rose ..., from 29 in 2017/18": nearest term earlier in the sentence
    for r in readings:
        if r.measure is None and r.subject is None and not r.bracketed:
            before = [t for t in measures if t.end <= r.num.start]
            if before:
                t = before[-1]
                r.measure, r.measure_text, r.strength = t.label, t.text, min(t.strength, 0)
    # "- Dismissed without notice: 38", "Final written warning: 27": a row's label before the
    # colon is what its figure counts, whatever the list's lead-in counted
    for r in readings:
        weak = r.measure is None or r.strength <= 0
        if weak and r.num.start > sent.start and low[r.num.start - 1] == ":":
            label = [t for t in measures if sent.start <= t.start and t.end < r.num.start]
            if label and r.num.start - sent.start <= 12:
                best = max(label, key=lambda t: t.strength)
                r.measure, r.measure_text, r.strength = best.label, best.text, max(best.strength, 1)
    if context is not None:
        series: set[int] = set()  # figures that named what they count, or follow one that did
        for k, r in enumerate(readings):
            if r.measure is None or (r.strength <= 0 and not r.counted_noun):
                sib = readings[k - 1] if k else None
                if sib is not None and sib.measure is not None \
                        and (sib.counted_noun or sib.strength >= 1 or k - 1 in series) \
                        and any(w in COORD or w == "," for w in low[sib.num.end:r.num.start]):
                    series.add(k)
                    # "Among the cases were 34 involving allegations of abuse, up from 27 the year
                    # before, and 19 in which ...": figures in a series with one that names what
                    # it counts count the same, whatever the sentence before was about
                    r.measure, r.measure_text, r.strength = sib.measure, sib.measure_text, 0
                else:
                    r.measure, r.measure_text, r.strength = context[0], context[1], 0
    # "1,102 allegations ..., an increase from 987 the previous year": the earlier level counts
    # what the level set against it counts
    for k in range(1, len(readings)):
        r = readings[k]
        i = r.num.start - (r.num.start >= 1 and low[r.num.start - 1] == "the")  # "on the 42"
        recorded = r.measure == "reported" and r.strength <= 1  # "the 42 recorded in 2023"
        if (r.strength <= 0 or recorded) and not r.counted_noun and i >= 2 \
                and (low[i - 2], low[i - 1]) in EARLIER_CUES:
            level = next((p for p in reversed(readings[:k])
                          if p.measure is not None and not span_value(p.num, "change")), None)
            if level is not None:
                r.measure, r.measure_text = level.measure, level.measure_text
                r.strength = min(level.strength, 0)
    if _is_sentence_anaphoric(sent):
        for r in readings:
            r.anaphoric = True
            if r.subject is None and not r.counted_noun and r.inherit_subject == "sentence" \
                    and r is readings[0]:
                r.inherit_subject = "article"
    # "181 complaints (2.3 per cent) resulted in ...": a bracketed figure restates the one before it
    tt = token_table(doc)
    for k in range(1, len(readings)):
        r, prev = readings[k], readings[k - 1]
        between = tt.text[prev.num.end:r.num.start - 1]
        if r.bracketed and prev.measure is not None and len(between) <= 4 \
                and not any(w in (")", ",", ";") or w.lower() in COORD for w in between):
            r.measure, r.measure_text, r.strength = prev.measure, prev.measure_text, prev.strength
            if r.subject is None:
                r.subject, r.subject_text = prev.subject, prev.subject_text
    # "followed by Snapchat in 17 and Facebook in 12": a figure with several platforms in its
    # clause keeps those nearer to it than to any other figure
    if len(readings) > 1 and platforms:
        def nearest(t: Term) -> Reading:  # the fewest tokens between; a tie goes to the figure after
            return min(readings, key=lambda q: (q.num.start - t.end, 0) if q.num.start >= t.end
                       else (t.start - q.num.end, 1))
        owner = {(t.start, t.label): nearest(t) for t in platforms}
        for r in readings:
            if len(r.platforms) > 1:
                own = sorted({lab for (start, lab), q in owner.items() if q is r and lab in r.platforms})
                r.platforms = own or r.platforms
    # "Of the specials, 11 resigned ... and six were dismissed", "Among PCSOs, four were
    # dismissed": the people the partition's lead clause names are whom its figures count
    lead_role = _lead_term(sent, bounds, subjects)
    if lead_role is not None:
        for r in readings:
            if r.subject is None and not r.counted_noun and r.num.start > lead_role.end:
                r.subject, r.subject_text, r.inherit_subject = lead_role.label, lead_role.text, None
    # roles shared along the sentence
    for k, r in enumerate(readings):
        if r.subject is None and r.inherit_subject == "sentence" and k > 0:
            prev = readings[k - 1]
            r.subject, r.subject_text = prev.subject, prev.subject_text
            if r.subject is not None:
                r.inherit_subject = None
        if r.subject is None and r.inherit_subject == "sentence" and k == 0:
            r.inherit_subject = "article"
    return readings
