"""Jaarbeeld sources like Jaarbeeld 2016 (seed 001): one entry per report series with its number of municipalities,
never a wall of one entry per municipality."""

from __future__ import annotations

import duckdb

from demo_db import demo_database
from jaarbeeld.content import build_yearbook


def test_a_report_series_is_one_source_with_its_number_of_municipalities(tmp_path_factory):
    con = duckdb.connect(str(demo_database(tmp_path_factory)), read_only=True)
    try:
        yearbook = build_yearbook(con, 2016, True)
        # Independently: per RIGG finding text, the municipalities whose visit carries the RIGG report title.
        counted = dict(con.execute("""
            SELECT f.text, count(DISTINCT v.municipality_name) FROM finding f JOIN visit v USING (visit_id)
            JOIN study s USING (study_id)
            WHERE s.is_demo AND v.study_id = 'rigg-2016' AND v.report_title LIKE 'Rapportage Toegang jeugdhulp%'
              AND year(v.visit_date) = 2016
            GROUP BY ALL""").fetchall())
    finally:
        con.close()
    rows = [r for s in yearbook.sections for frame in (s.risks, s.goes_well) for r in frame.itertuples()
            if r.onderzoek == "rigg-2016"]
    assert rows
    for r in rows:
        n = counted[r.tekst]
        assert f"Rapportage Toegang jeugdhulp Groninger gemeenten (RIGG), {n} gemeenten, februari 2016" in r.bronnen
        assert r.bronnen.count("(RIGG)") == 1, r.bronnen
    # so-2016's workbooks name the study's summarising report (key `Samenvattend rapport`): the source is that title.
    so = [r.bronnen for s in yearbook.sections for r in s.risks.itertuples() if r.onderzoek == "so-2016"]
    assert so and all(b == "Zie: Samenvattend rapport Signaleren van onveiligheid" for b in so)
