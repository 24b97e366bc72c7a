"""The force registry, match_force, the force/region mention finder and misconduct_forces."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

import misconduct_nlp
import misconduct_nlp.forces as forces_mod
from misconduct_nlp.forces import (
    PLACE_SCORE,
    Force,
    ForceRegistry,
    find_force_mentions,
    find_regions,
    match_force,
    registry,
)
from misconduct_nlp.model import REGIONS

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = Path("/work/shared/seeds")


def _data(name: str) -> str:
    return resources.files("misconduct_nlp").joinpath("data", name).read_text(encoding="utf-8")


FORCE_ROWS = [json.loads(line) for line in _data("forces.jsonl").splitlines() if line.strip()]
REGION_ROWS = [json.loads(line) for line in _data("regions.jsonl").splitlines() if line.strip()]
CONTEXT = json.loads(_data("force_context.json"))
CASES = [
    json.loads(line) for line in (FIXTURES / "forces_cases.jsonl").read_text().splitlines() if line.strip()
]

TERRITORIAL_43 = {
    "avon-and-somerset",
    "bedfordshire",
    "cambridgeshire",
    "cheshire",
    "city-of-london",
    "cleveland",
    "cumbria",
    "derbyshire",
    "devon-and-cornwall",
    "dorset",
    "durham",
    "dyfed-powys",
    "essex",
    "gloucestershire",
    "greater-manchester",
    "gwent",
    "hampshire",
    "hertfordshire",
    "humberside",
    "kent",
    "lancashire",
    "leicestershire",
    "lincolnshire",
    "merseyside",
    "metropolitan",
    "norfolk",
    "north-wales",
    "north-yorkshire",
    "northamptonshire",
    "northumbria",
    "nottinghamshire",
    "south-wales",
    "south-yorkshire",
    "staffordshire",
    "suffolk",
    "surrey",
    "sussex",
    "thames-valley",
    "warwickshire",
    "west-mercia",
    "west-midlands",
    "west-yorkshire",
    "wiltshire",
}
SCOTTISH_LEGACY = {
    "strathclyde",
    "lothian-and-borders",
    "fife",
    "grampian",
    "tayside",
    "northern-constabulary",
    "central-scotland",
    "dumfries-and-galloway",
}


def _mentions(text: str, **kw) -> list[tuple[str, str, bool]]:
    found = find_force_mentions(text, **kw)
    for m in found:
        assert text[m.start : m.end] == m.text
    return [(m.text, m.force.id, m.explicit) for m in found]


def _regions(text: str) -> list[tuple[str, str | None]]:
    found = find_regions(text)
    for r in found:
        assert text[r.start : r.end] == r.text
    return [(r.text, r.region) for r in found]


# --------------------------------------------------------------------------- registry


def test_registry_has_every_uk_force():
    ids = set(registry())
    assert TERRITORIAL_43 <= ids
    assert {"btp", "northern-ireland", "police-scotland", "ministry-of-defence", "civil-nuclear"} <= ids
    assert SCOTTISH_LEGACY <= ids
    assert (
        sum(1 for e in registry().values() if e.kind == "territorial" and e.country in ("England", "Wales"))
        == 43
    )
    assert all(
        registry()[f].kind == "scotland-legacy" and registry()[f].successor == "police-scotland"
        for f in SCOTTISH_LEGACY
    )


def test_registry_rows_are_well_formed():
    names = [r["name"] for r in FORCE_ROWS]
    assert len(names) == len(set(names))
    for row in FORCE_ROWS:
        assert row["examples"], row["id"]
        assert row["kind"] in {
            "territorial",
            "special",
            "national",
            "scotland-legacy",
            "ni-legacy",
            "service",
        }
        assert match_force(row["name"]) == registry()[row["id"]].force(100.0)


def _data_examples():
    for row in FORCE_ROWS:
        for phrase in row["examples"]:
            yield pytest.param("match", row["id"], phrase, id=f"{row['id']}:{phrase}")
        for phrase in row.get("not_examples", []):
            yield pytest.param("not", row["id"], phrase, id=f"{row['id']}:not:{phrase}")
        for sentence in row.get("in_text", []):
            yield pytest.param("text", row["id"], sentence, id=f"{row['id']}:text:{sentence[:30]}")


@pytest.mark.parametrize(("kind", "force_id", "text"), list(_data_examples()))
def test_forces_data_examples(kind, force_id, text):
    if kind == "match":
        got = match_force(text)
        assert got is not None and got.id == force_id
    elif kind == "not":
        got = match_force(text)
        assert got is None or got.id != force_id
    else:
        assert any(fid == force_id and explicit for _, fid, explicit in _mentions(text))


def _context_examples():
    for name, entry in CONTEXT.items():
        for ex in entry.get("examples", []):
            yield pytest.param(ex["text"], ex["force"], ex.get("explicit"), id=f"{name}:{ex['text'][:30]}")
        for text in entry.get("not_examples", []):
            yield pytest.param(text, None, None, id=f"{name}:not:{text[:30]}")


@pytest.mark.parametrize(("text", "force_id", "explicit"), list(_context_examples()))
def test_force_context_examples(text, force_id, explicit):
    found = _mentions(text)
    if force_id is None:
        assert found == []
    else:
        assert any(fid == force_id and (explicit is None or exp == explicit) for _, fid, exp in found), found


def _region_examples():
    for row in REGION_ROWS:
        if "define" in row:
            continue
        name = row.get("name") or row["region"]
        for ex in row.get("examples", []):
            text, region = ex if isinstance(ex, list) else (ex, row["region"])
            yield pytest.param(text, region, True, id=f"{name}:{text[:30]}")
        for text in row.get("not_examples", []):
            yield pytest.param(text, row["region"], False, id=f"{name}:not:{text[:30]}")


@pytest.mark.parametrize(("text", "region", "present"), list(_region_examples()))
def test_regions_data_examples(text, region, present):
    found = find_regions(text)
    if present:
        assert any(r.region == region for r in found), found
    elif region is None:
        assert not any(r.region is None for r in found), found
    else:
        assert not any(r.region == region for r in found), found


def test_region_vocabulary_is_the_schema_one():
    names = {r["region"] for r in REGION_ROWS if "patterns" in r}
    assert names == set(REGIONS)


# --------------------------------------------------------------------------- match_force


@pytest.mark.parametrize("case", CASES, ids=[c["text"] for c in CASES])
def test_match_force_own_cases(case):
    got = match_force(case["text"])
    assert (got.id if got else None) == case["id"]


def test_scores():
    assert match_force("Kent Police").score == 100.0
    assert match_force("the Met").score == 100.0
    fuzzy = match_force("Greater Manchster Police")
    assert fuzzy.id == "greater-manchester" and 85.0 < fuzzy.score < 100.0
    place = match_force("West Midlands")
    assert place.id == "west-midlands" and place.score == PLACE_SCORE
    assert match_force("West Midlands", places=False) is None
    assert match_force("Greater Manchster Police", fuzzy=False) is None
    assert match_force("Boston police") is None and match_force("Scotland Yrad").id == "metropolitan"


@pytest.mark.parametrize(
    "phrase",
    [
        "Met police",
        "the MET",
        "METROPOLITAN POLICE SERVICE",
        "the Metropolitan police's",
        "Scotland Yard",
        "MPS",
        "London's police force",
        "Britain's biggest police force",
    ],
)
def test_met_aliases(phrase):
    assert match_force(phrase).id == "metropolitan"


@pytest.mark.parametrize(
    ("phrase", "force_id"),
    [
        ("Devon & Cornwall police", "devon-and-cornwall"),
        ("Devon and Cornwall Police", "devon-and-cornwall"),
        ("Dyfed-Powys Police", "dyfed-powys"),
        ("Dyfed Powys force", "dyfed-powys"),
        ("Lothian & Borders Police", "lothian-and-borders"),
        ("the Kent force", "kent"),
        ("Kent Police Service", "kent"),
        ("Kent police force", "kent"),
        ("Notts Police", "nottinghamshire"),
        ("Northants police", "northamptonshire"),
        ("Northampton police", "northamptonshire"),
        ("Herts Police", "hertfordshire"),
        ("Staffs Police", "staffordshire"),
        ("TVP", "thames-valley"),
        ("GMP", "greater-manchester"),
        ("Manchester police", "greater-manchester"),
        ("BTP", "btp"),
        ("PSNI", "northern-ireland"),
        ("RUC", "royal-ulster-constabulary"),
    ],
)
def test_aliases_and_spelling_variants(phrase, force_id):
    assert match_force(phrase).id == force_id


def test_ruc_is_not_psni():
    # the RUC ended in 2001: figures about it are not PSNI figures, but the link is kept
    ruc = registry()["royal-ulster-constabulary"]
    assert ruc.successor == "northern-ireland" and match_force("RUC").id != "northern-ireland"


@pytest.mark.parametrize(
    ("phrase", "force_id"),
    [
        ("Greater Manchster Police", "greater-manchester"),
        ("Nottinghamshre Police", "nottinghamshire"),
        ("Northumbira Police", "northumbria"),
        ("Metropolitian Police", "metropolitan"),
        ("Hertfordshre Constabulary", "hertfordshire"),
        ("Staffordhsire Police", "staffordshire"),
        ("Kent Polcie", "kent"),
        ("West Yorkshire Polise", "west-yorkshire"),
    ],
)
def test_misspellings(phrase, force_id):
    got = match_force(phrase)
    assert got is not None and got.id == force_id and got.score < 100


@pytest.mark.parametrize(
    "phrase",
    [
        "West Midlands Ambulance Service",
        "Kent County Council",
        "Manchester City",
        "the Police Federation",
        "College of Policing",
        "South Yorkshire Fire and Rescue",
        "Scotland",
        "the force",
        "Crown Prosecution Service",
        "IOPC",
        "Home Office",
        "HM Inspectorate of Constabulary",
        "Met Office",
        "met",
        "MPs",
        "Notts County",
        "Kent Police Federation",
        "Association of Chief Police Officers",
        "Wessex Police",
        "Essex County",
        "",
        "   ",
        "police",
        "Police Service",
        "New York Police Department",
        "Manchester",
    ],
)
def test_not_forces(phrase):
    assert match_force(phrase) is None


def test_package_exports_match_force():
    assert misconduct_nlp.match_force("Kent Police") == Force("kent", "Kent Police", "territorial", 100.0)


# --------------------------------------------------------------------------- mentions in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Greater Manchester police reported 41 misconduct cases last year.",
            [("Greater Manchester police", "greater-manchester", True)],
        ),
        (
            "The numbers, obtained from Scotland Yard, cover five years.",
            [("Scotland Yard", "metropolitan", True)],
        ),
        (
            "Complaints were made about 75 Metropolitan Police officers.",
            [("Metropolitan Police", "metropolitan", True)],
        ),
        ("Two Kent Police staff members were sacked.", [("Kent Police", "kent", True)]),
        (
            "She spent a decade with Devon & Cornwall police.",
            [("Devon & Cornwall police", "devon-and-cornwall", True)],
        ),
        ("An employee with Dyfed Powys force was warned.", [("Dyfed Powys force", "dyfed-powys", True)]),
        ("A PC from Gwent police resigned.", [("Gwent police", "gwent", True)]),
        (
            "The Met revealed the totals; the Met's social media policy changed.",
            [("Met", "metropolitan", True), ("Met", "metropolitan", True)],
        ),
        (
            "London's police force and MPS personnel were named.",
            [("London's police force", "metropolitan", True), ("MPS", "metropolitan", True)],
        ),
        (
            "Kent Police Professional Standards Department looked at 30 cases.",
            [("Kent Police", "kent", True)],
        ),
        (
            "GMP topped the list (88) followed by West Midlands (74) and the Metropolitan police (69).",
            [
                ("GMP", "greater-manchester", True),
                ("West Midlands", "west-midlands", False),
                ("Metropolitan police", "metropolitan", True),
            ],
        ),
        (
            "Kent, Essex and Surrey Police share a unit.",
            [("Kent", "kent", False), ("Essex", "essex", False), ("Surrey Police", "surrey", True)],
        ),
        (
            "Police in Cumbria and Lancashire said 12 officers were investigated.",
            [("Cumbria", "cumbria", False), ("Lancashire", "lancashire", False)],
        ),
        ("The Kent Police Federation chair spoke.", [("Kent Police", "kent", True)]),
        ("KENT POLICE SACKS OFFICER", [("KENT POLICE", "kent", True)]),
        (
            "A Greater Manchster Police spokesman said 9 officers were sacked.",
            [("Greater Manchster Police", "greater-manchester", True)],
        ),
        (
            "Officers from the PSNI, Police Scotland and the British Transport Police met.",
            [
                ("PSNI", "northern-ireland", True),
                ("Police Scotland", "police-scotland", True),
                ("British Transport Police", "btp", True),
            ],
        ),
    ],
)
def test_mentions_in_sentences(text, expected):
    assert _mentions(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "West Midlands Ambulance Service sent three crews.",
        "Kent County Council approved 12 schemes.",
        "Manchester City won 3-1.",
        "The Police Federation said 40 members left.",
        "Guidance from the College of Policing.",
        "The Association of Chief Police Officers met in May.",
        "It snowed across Scotland.",
        "The force said 12 officers left.",
        "The Met Office issued a warning.",
        "Metropolitan Borough Council staff.",
        "Two officers met victims on Friday.",
        "Notts County lost again.",
        "He moved from Kent to Surrey.",
        "New York police arrested 3 men.",
        "Met by protesters, officers withdrew.",
        "Reading police reports takes time.",
        "The Yorkshire Police League ended.",
    ],
)
def test_no_mentions(text):
    assert _mentions(text) == []


def test_bare_places_can_be_switched_off():
    text = "GMP (88) was followed by West Midlands (74)."
    assert _mentions(text, places=False) == [("GMP", "greater-manchester", True)]


def test_mentions_sorted_and_non_overlapping():
    text = (
        "Greater Manchester Police, Kent Police and the Met gave figures; Scotland Yard and "
        "West Midlands (3) did too, as did Devon & Cornwall police and Police Scotland."
    )
    found = find_force_mentions(text)
    assert len(found) == 7
    for a, b in zip(found, found[1:], strict=False):
        assert a.end <= b.start


def test_fuzzy_runs_only_on_candidate_phrases(monkeypatch):
    calls = []
    real = forces_mod.process.extract

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(forces_mod.process, "extract", counting)
    plain = "Officers and staff were investigated over a long period, the figures showed. " * 200
    find_force_mentions(plain + " Kent Police said so. The force agreed.")
    assert calls == []
    find_force_mentions("Later Nottinghamshre Police said so.")
    assert calls and len(calls) <= 3


WORDS = [
    "Kent",
    "Police",
    "police",
    "the",
    "Met",
    "met",
    "Greater",
    "Manchester",
    "force",
    "Scotland",
    "Yard",
    "West",
    "Midlands",
    "(74)",
    ",",
    "and",
    "&",
    "Devon",
    "Cornwall",
    "County",
    "Council",
    "officers",
    "in",
    "England",
    "Wales",
    "UK",
    "Britain",
    "across",
    "39",
    "forces",
    "Notts",
    "'s",
    "Constabulary",
    "North",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=25), st.sampled_from([" ", "  ", "\n", "-"]))
def test_offsets_hold_for_any_text(words, sep):
    text = sep.join(words)
    found = find_force_mentions(text)
    for a, b in zip(found, found[1:], strict=False):
        assert a.end <= b.start
    for m in found:
        assert text[m.start : m.end] == m.text and m.force.id in registry()
    for r in find_regions(text, found):
        assert text[r.start : r.end] == r.text and (r.region is None or r.region in REGIONS)


# --------------------------------------------------------------------------- regions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Forces in England and Wales recorded 1,200 cases.",
            [("Forces in England and Wales", "England and Wales")],
        ),
        ("The total for England and Wales was 1,200.", [("England and Wales", "England and Wales")]),
        ("Figures for England & Wales rose.", [("England & Wales", "England and Wales")]),
        ("Across the UK, and in Great Britain too.", [("UK", "UK"), ("Great Britain", "UK")]),
        ("Police Scotland and Scotland Yard disagreed about Scotland.", [("Scotland", "Scotland")]),
        (
            "The Police Service of Northern Ireland said Northern Ireland saw 30 cases.",
            [("Northern Ireland", "Northern Ireland")],
        ),
        (
            "North Wales Police, South Wales Police and forces in England and Wales; not Wales? Wales.",
            [("forces in England and Wales", "England and Wales"), ("Wales", "Wales"), ("Wales", "Wales")],
        ),
        ("Data from 39 forces were compared.", [("from 39 forces", None)]),
        (
            "Police forces across the country and forces nationally.",
            [("Police forces across the country", None), ("forces nationally", None)],
        ),
        ("Britain's biggest police force said so.", []),
        ("The Bank of England and NHS England met England fans.", []),
        # multi-force phrases are looked for paragraph by paragraph: a hard-wrapped line is
        # still one paragraph, a blank line ends one, and any case of "force" counts
        ("Figures came\nfrom 39\nforces in all.", [("from 39\nforces", None)]),
        ("Figures came from 39\n\nforces in all.", []),
        ("Intro.\n\nOFFICERS IN ALL FORCES.\n\nEnd.", [("IN ALL FORCES", None)]),
        ("Kent.\n \nData from 12 forces.\n\nData from 9 forces.",
         [("from 12 forces", None), ("from 9 forces", None)]),
    ],
)
def test_regions_in_sentences(text, expected):
    assert _regions(text) == expected


# --------------------------------------------------------------------------- extension


def _registry_mentions(reg: ForceRegistry, text: str) -> list[tuple[str, str, bool]]:
    return [(m.text, m.force.id, m.explicit) for m in reg.find(text)]


def test_a_registry_adds_aliases_and_resets():
    reg = ForceRegistry()
    assert reg.match("Kent's finest") is None
    reg.add_aliases("kent", ["Kent's finest"])
    assert reg.match("Kent's finest").id == "kent"
    assert _registry_mentions(reg, "Kent's finest arrived.") == [("Kent's finest", "kent", True)]
    assert match_force("Kent's finest") is None  # the module's functions read the packaged registry
    assert ForceRegistry().match("Kent's finest") is None  # and so does every new registry
    reg.reset()
    assert reg.match("Kent's finest") is None


def test_a_registry_adds_forces_from_jsonl(tmp_path):
    path = tmp_path / "extra.jsonl"
    path.write_text(
        json.dumps(
            {
                "id": "isle-of-man",
                "name": "Isle of Man Constabulary",
                "kind": "crown-dependency",
                "country": "Isle of Man",
                "places": ["Isle of Man"],
                "examples": [],
            }
        )
        + "\n"
    )
    reg = ForceRegistry()
    reg.add_forces(path)
    assert reg.match("Isle of Man Constabulary").id == "isle-of-man"
    assert _registry_mentions(reg, "The Isle of Man police said so.") == [
        ("Isle of Man police", "isle-of-man", True)]
    with pytest.raises(ValueError):
        reg.add_forces(
            [
                {
                    "id": "other",
                    "name": "Other",
                    "kind": "special",
                    "country": "UK",
                    "aliases": ["Kent Police"],
                }
            ]
        )
    with pytest.raises(ValueError):
        reg.add_forces([{"id": "nameless"}])
    with pytest.raises(KeyError):
        reg.add_aliases("no-such-force", ["x"])
    assert "isle-of-man" in reg.entries and "other" not in reg.entries  # a failed row changes nothing
    assert "isle-of-man" not in registry() and match_force("Isle of Man Constabulary") is None


# --------------------------------------------------------------------------- component


@pytest.fixture(scope="module")
def nlp():
    import misconduct_nlp.components.forces  # noqa: F401

    pipeline = spacy.blank("en")
    pipeline.add_pipe("misconduct_forces")
    return pipeline


def test_component_fills_span_groups(nlp):
    doc = nlp(
        "GMP had 88 cases and West Midlands (74), while across 39 forces in England and Wales it was 900."
    )
    forces = [(sp.text, sp.label_, sp._.force.id) for sp in doc.spans["forces"]]
    assert forces == [
        ("GMP", "FORCE", "greater-manchester"),
        ("West Midlands", "FORCE_PLACE", "west-midlands"),
    ]
    assert isinstance(doc.spans["forces"][0]._.force, Force)
    regions = [(sp.text, sp.label_, sp._.region) for sp in doc.spans["regions"]]
    assert regions == [("across 39 forces in England and Wales", "REGION", "England and Wales")]


def test_component_region_none_and_empty_doc(nlp):
    doc = nlp("Police forces across the country reported 500 cases.")
    assert [(sp.text, sp._.region) for sp in doc.spans["regions"]] == [
        ("Police forces across the country", None)
    ]
    assert list(doc.spans["forces"]) == []
    empty = nlp("")
    assert list(empty.spans["forces"]) == [] and list(empty.spans["regions"]) == []


def test_component_expands_to_tokens(nlp):
    doc = nlp("the Met's figures")
    span = doc.spans["forces"][0]
    assert span.text == "Met" and span._.force.id == "metropolitan"


def test_component_config_and_serialisation():
    from spacy.tokens import Doc

    import misconduct_nlp.components.forces  # noqa: F401

    pipeline = spacy.blank("en")
    pipeline.add_pipe("misconduct_forces", config={"places": False, "forces_key": "f"})
    doc = pipeline("Kent Police and Essex (4).")
    assert [sp.text for sp in doc.spans["f"]] == ["Kent Police"]
    restored = Doc(pipeline.vocab).from_bytes(doc.to_bytes())
    assert restored.spans["f"][0]._.force == doc.spans["f"][0]._.force


# --------------------------------------------------------------------------- seeds


def test_seed_forces_and_regions_are_found():
    gold_path = SEEDS / "gold.jsonl"
    if not gold_path.exists():
        pytest.skip("no seed articles in /work/shared/seeds")
    wanted: dict[str, set] = {}
    for line in gold_path.read_text().splitlines():
        rec = json.loads(line)
        force = rec.get("force")
        fid = force.get("id") if isinstance(force, dict) else force
        wanted.setdefault(rec["article"], set()).add(("force", fid) if fid else ("region", rec.get("region")))
    for article, items in wanted.items():
        text = (SEEDS / f"{article}.txt").read_text(encoding="utf-8")
        mentions = find_force_mentions(text)
        found = {("force", m.force.id) for m in mentions} | {
            ("region", r.region) for r in find_regions(text, mentions)
        }
        assert items - {("region", None)} <= found, (article, items - found)
