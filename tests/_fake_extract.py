"""A stand-in extractor for testing the batch machinery (workers, order, resume, failures)
without the spaCy pipeline: every run of digits is a claim. Imported by worker processes
by name (``_fake_extract:extract_many``), so it lives in its own module.

Text containing ``RAISE`` makes ``extract_many`` raise; text containing ``EXIT`` kills the
worker process that extracts it (only in a worker, never the test process); ``SLOW``
sleeps a little per article (for interrupting a run); ``HANG`` never finishes (a loop of
Python code, which a time budget can stop) and ``STALL`` never finishes inside one call that
holds the interpreter (a runaway regular expression, which only a kill can stop);
``SURROGATE`` puts a lone surrogate in its claims' sentence text (a record no output can
encode).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import time


def load(model=None):
    return {"model": model}


def claim(text, article_id, published, m):
    return {
        "article": article_id, "value": int(m.group()), "unit": "count", "approx": "exact",
        "measure": None, "measure_text": None, "subject": None, "subject_text": None, "rank": None,
        "force": None, "region": None, "period": None, "platforms": ["Facebook"] if "fb" in text else [],
        "sentence": {"text": text.strip(), "start": 0, "end": len(text.strip())},
        "span": {"text": m.group(), "start": m.start(), "end": m.end()},
        "confidence": 0.5, "published": published.to_dict() if published else None,
    }


def extract_many(items, *, nlp=None, batch_size=32):
    assert nlp == {"model": None}
    for text, article_id, published in items:
        if "RAISE" in text:
            raise ValueError("cannot cope")
        if "EXIT" in text and multiprocessing.parent_process() is not None:
            os._exit(3)
        if "HANG" in text:
            while True:
                time.sleep(0.01)
        if "STALL" in text:
            re.match(r"(a+)+$", "a" * 64 + "b")  # exponential backtracking, in C
        if "SLOW" in text and os.environ.get("FAKE_EXTRACT_SLOW") == "1":
            time.sleep(0.05)
        claims = [claim(text, article_id, published, m) for m in re.finditer(r"\d+", text)]
        if "SURROGATE" in text:
            for c in claims:
                c["sentence"]["text"] += "\udcff"
        yield claims
