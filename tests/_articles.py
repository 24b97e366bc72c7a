"""Synthetic news articles about police misconduct figures, for tests that run the real
extraction over many files (batch CLI, kill-and-resume, Dask). Sentences are written for
this project; forces, numbers and paragraph order vary with the seed.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

FORCES = [
    "Kent Police", "Greater Manchester Police", "West Midlands Police", "Avon and Somerset Police",
    "Thames Valley Police", "Merseyside Police", "South Yorkshire Police", "Essex Police",
    "Police Scotland", "the Metropolitan Police",
]

HEADLINES = [
    "{force} sacked {a} officers in {y} after misconduct hearings",
    "Misconduct figures: {b} complaints against {force} upheld",
    "Revealed: {c} {force} officers suspended while under investigation",
]

PARAGRAPHS = [
    "{a} officers from {force} were dismissed for gross misconduct in {y}, according to figures "
    "released under the Freedom of Information Act.",
    "A further {d} officers resigned or retired before their disciplinary hearings were held.",
    "The force recorded {b} complaints from members of the public over the same period, and "
    "{e} of them were upheld after investigation.",
    "{c} officers were suspended from duty and another {f} were placed on restricted duties "
    "while allegations against them were looked into.",
    "Nearly {p} per cent of the cases involved the misuse of social media, including Facebook "
    "and WhatsApp messages shared between colleagues.",
    "A spokesperson for {force} said: \"We expect the highest standards from everyone who works "
    "for us and we will act when those standards are not met.\"",
    "The figures were obtained by this newspaper and cover the five years to March {y}.",
    "The {age}-year-old constable at the centre of one case had joined the force in {join}.",
    "Campaigners said the numbers showed that more needed to be done to root out officers who "
    "abuse their position, and called for an independent review.",
]


def article_text(rng: random.Random) -> str:
    """One article: a headline and five to eight paragraphs in a random order."""
    values = {
        "force": rng.choice(FORCES), "y": rng.randint(2012, 2023), "a": rng.randint(2, 60),
        "b": rng.randint(100, 2500), "c": rng.randint(3, 90), "d": rng.randint(2, 40),
        "e": rng.randint(5, 99), "f": rng.randint(2, 50), "p": rng.randint(5, 40),
        "age": rng.randint(24, 58), "join": rng.randint(1995, 2011),
    }
    paras = rng.sample(PARAGRAPHS, rng.randint(5, 8))
    lines = [rng.choice(HEADLINES).format(**values), ""]
    for p in paras:
        lines += [p.format(**values), ""]
    return "\n".join(lines)


def write_articles(folder: Path, n: int, *, seed: int = 0, manifest: bool = True) -> list[Path]:
    """Write ``n`` articles (``.txt``, with a few ``.md`` and ``.html``) and a manifest to ``folder``."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths, rows = [], []
    for i in range(n):
        aid = f"{rng.randrange(16**8):08x}_{i:04d}"
        text = article_text(rng)
        if i % 7 == 3:
            body = "".join(f"<p>{line}</p>\n" for line in text.split("\n") if line)
            path = folder / f"{aid}.html"
            path.write_text(f"<html><head><script>var n = {i};</script></head><body>{body}</body></html>")
        else:
            path = folder / f"{aid}.{'md' if i % 5 == 1 else 'txt'}"
            path.write_text(text)
        paths.append(path)
        if i % 4:
            rows.append({"id": aid, "published": f"{rng.randint(2014, 2024)}-0{rng.randint(1, 9)}-1{i % 10}"})
    if manifest:
        (folder / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return paths


def real_article_texts() -> list[str]:
    """The texts of corpus/, the held-out fixtures and, when ../shared exists, the dev articles:
    real-looking prose for tests that compare a fast lookup with a full scan."""
    root = Path(__file__).resolve().parents[1]
    folders = [root / "corpus", root / "tests" / "fixtures" / "heldout_articles"]
    dev = root.parent / "shared" / "dev" / "articles"
    if dev.is_dir():
        folders.append(dev)
    return [f.read_text(encoding="utf-8") for folder in folders for f in sorted(folder.glob("*.txt"))]
