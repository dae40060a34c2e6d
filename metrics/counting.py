"""The counting rule (DESIGN §7) written once: k = ja, n = ja + nee over the loader's per visit × indicator counts
(nvt and onbekend are reported, never in n), and the columns every k/n figure carries (`with_rates`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.stats import rate_percent, wilson_interval
from reference.dutch import k_of_n
from reference.vocab import SMALL_N


def count_sql(alias: str = "c", reported: bool = False) -> str:
    """The k/n aggregate over visit_indicator_count (or v_count) rows under `alias`; with `reported` also nvt and
    onbekend. Every metric that counts k and n selects this fragment."""
    p = f"{alias}." if alias else ""
    sql = f"sum({p}ja)::BIGINT AS k, sum({p}ja + {p}nee)::BIGINT AS n"
    if reported:
        sql += f", sum({p}nvt)::BIGINT AS nvt, sum({p}onbekend)::BIGINT AS onbekend"
    return sql


def judgement_texts(k, n) -> list[str]:
    """k_of_n for whole columns ('k van n' / 'geen oordeel'), formatting each distinct (k, n) pair once."""
    pairs = list(zip(pd.Series(k).tolist(), pd.Series(n).tolist()))
    known: dict = {}
    return [known[p] if p in known else known.setdefault(p, k_of_n(*p)) for p in pairs]


def with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Add to a frame with k and n: percentage, Wilson bounds (ondergrens, bovengrens), klein_aantal (n < SMALL_N)
    and oordeel ('k van n' / 'geen oordeel'). Charts and pages read these columns and never recompute them."""
    k = frame["k"].to_numpy(dtype=float)
    n = frame["n"].to_numpy(dtype=float)
    low, high = wilson_interval(k, n)
    frame["percentage"] = rate_percent(k, n)
    frame["ondergrens"] = low * 100
    frame["bovengrens"] = high * 100
    frame["klein_aantal"] = n < SMALL_N
    texts = judgement_texts(frame["k"], frame["n"])
    whole = len(frame) and frame["k"].dtype == np.int64 and frame["n"].dtype == np.int64
    frame["oordeel"] = pd.Series(texts, index=frame.index, dtype="str") if whole else np.array(texts, dtype=object)
    return frame
