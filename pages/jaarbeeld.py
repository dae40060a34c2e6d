"""Jaarbeeld: per Jaarbeeld-thema the year's figures with generated captions, findings with sources, framework items,
and the year's visits and reports; the whole pack (PNG/SVG, XLSX, CSV, README, draft .docx) as one download."""

import streamlit as st

from charts import PRESETS
from jaarbeeld import build_pack, build_yearbook, image_export_available
from pages.auth import record_download
from metrics import jaarbeeld_studies, jaarbeeld_years
from pages.common import cached, cursor, demo_banner, download_buttons, showing_demo, viewer
from pages.text import md_escape
from reference.access import Viewer
from reference.dutch import dutch_date, dutch_percent
from reference.vocab import SMALL_N

ZIP_MIME = "application/zip"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@st.cache_data(ttl=60, show_spinner="Jaarbeeld wordt samengesteld…")
def yearbook(year: int, demo: bool, studies: tuple[str, ...], preset: str, who: Viewer):
    # Plain figures: the cache unpickles its result on every run, and a plotly Figure re-validates when unpickled.
    return build_yearbook(cursor(), year, demo, list(studies) or None, preset=preset, viewer=who).with_plain_figures()


def chart(spec) -> None:
    """A print figure with its copyable caption; the camera icon saves it as a 300-dpi PNG in the browser."""
    st.plotly_chart(spec.plotly_figure(), width="content", key=f"chart-{spec.stem}", theme=None,  # exactly the print figure
                    alt=f"Figuur {spec.number}. {spec.caption}", config={"displaylogo": False, "toImageButtonOptions": {
                        "format": "png", "filename": spec.stem, "scale": 300 / 96}})
    st.caption(f"**Figuur {spec.number}.** {md_escape(spec.caption)}")


def findings(frame, empty: str) -> None:
    if frame.empty:
        st.caption(empty)
    for row in frame.itertuples():
        st.markdown(f"**{md_escape(row.soort.capitalize())}** — {md_escape(row.tekst)}  \n"
                    f"*{md_escape(row.bronnen)}* · {md_escape(row.koppeling)}")


demo = showing_demo()
st.title("Jaarbeeld")
demo_banner()
available = cached(jaarbeeld_years, demo, viewer=viewer())
if not available:
    st.info("Er zijn nog geen bezoeken geladen. Importeer scoringswerkmappen op de pagina Importeren.")
    st.stop()
left, right, width = st.columns([1, 3, 1])
year = left.selectbox("Jaar", available, key="jaar", bind="query-params", help="Jaar van het veldwerk")
if year is None:
    year = available[0]
year = int(year)
studies_frame = cached(jaarbeeld_studies, year, demo, viewer=viewer())
chosen = right.multiselect(
    "Onderzoeken (leeg = alle)", studies_frame["onderzoek"].tolist(), key="jaarbeeld_onderzoeken", placeholder="Alle onderzoeken",
    format_func=lambda s: f"{s} — {dict(zip(studies_frame['onderzoek'], studies_frame['onderzoeksnaam'])).get(s, s)}",
)
preset = width.radio("Figuurbreedte", ["twee-kolommen", "een-kolom"], format_func=lambda k: PRESETS[k].label, key="jaarbeeld_breedte",
                     help="Voor een A4-pagina met twee kolommen: een figuur over beide kolommen of in één kolom.")
book = yearbook(year, demo, tuple(chosen), preset, viewer())
st.caption(
    "Naleving = k van n beoordeelde dossiers (nvt en onbekend tellen niet mee) met een 95%-Wilson-interval; "
    f"minder dan {SMALL_N} beoordelingen geldt als klein aantal. Een thema telt de indicatoren die in de toezichtkaders aan dat "
    "Jaarbeeld-thema zijn gekoppeld. " + ("Demodata." if demo else "Eigen gegevens.")
)

if book.overview is None:
    st.warning(f"Geen dossierbeoordelingen bij de Jaarbeeld-thema's in {year}.")
else:
    st.header(f"Jaarbeeld {year}")
    chart(book.overview)

tabs = st.tabs([s.name for s in book.sections])
for tab, section in zip(tabs, book.sections):
    with tab:
        st.subheader(section.name)
        if section.totals:
            t = section.totals
            cols = st.columns(4)
            cols[0].metric("Naleving", dutch_percent(t["percentage"], 0),
                           help=f"95%-interval {dutch_percent(t['ondergrens'], 0)} – {dutch_percent(t['bovengrens'], 0)}")
            cols[1].metric("k van n", t["oordeel"])
            cols[2].metric("Gemeenten", int(t["gemeenten"]))
            cols[3].metric("Dossiers", int(t["dossiers"]))
        else:
            st.info(f"Geen dossierbeoordelingen bij {section.name} in {year}.")
        for spec in section.figures:
            chart(spec)
        st.markdown("#### Risico's en knelpunten in de praktijk")
        findings(section.risks, f"Geen bevindingen 'kan beter' of 'zorgpunt' bij dit thema in {year}.")
        st.markdown("#### Wat goed gaat")
        findings(section.goes_well, f"Geen bevindingen 'gaat goed' bij dit thema in {year}.")
        with st.expander(f"Toezichtkader: {len(section.framework_items)} indicatoren bij {section.name}"):
            for kader, items in section.framework_items.groupby("kadernaam", sort=False):
                st.markdown(f"**{md_escape(kader)}**")
                st.markdown("\n".join(f"- **{md_escape(i.indicator)}** {md_escape(i.tekst or i.label)}" for i in items.itertuples()))

st.header(f"Bezoeken en rapporten {year}")
reports = book.reports
if reports.empty:
    st.caption(f"Geen rapporten met een publicatiedatum in {year} vastgelegd (sleutels Rapport en Publicatiedatum "
               "op het blad Onderzoek); de bezoeken staan hieronder.")
else:
    st.markdown("\n".join(f"{n}. {md_escape(r.rapport)} ({md_escape(r.publicatie)})" for n, r in enumerate(reports.itertuples(), 1)))
visits = book.visits.copy()
visits["rapport"] = visits["rapport"].fillna("")
for column in ("datum", "publicatiedatum"):  # NaT != NaT: a missing date stays empty
    visits[column] = visits[column].map(lambda v: dutch_date(v) if v == v and v is not None else "")
st.dataframe(visits[["onderzoeksnaam", "gemeente", "soort", "team", "datum", "rapport", "publicatiedatum"]],
             hide_index=True, width="stretch")
download_buttons(book.visits, f"jaarbeeld-{year}-bezoeken", "Download bezoeken en rapporten")

st.header("Downloads")
findings_columns = ["jaarbeeld_thema", "groep", "soort", "tekst", "koppeling", "onderzoek", "gemeente", "bezoekdatum",
                    "rapport", "publicatiedatum", "bron"]
download_buttons(book.findings[findings_columns], f"jaarbeeld-{year}-bevindingen", "Download bevindingen met bron")
can_render, reason = image_export_available()
if not can_render:
    st.warning(f"Afbeeldingen (PNG/SVG) kunnen op deze server niet worden gemaakt: {reason}. Het pakket bevat wel de "
               "cijfers, de README en het concept-document zonder afbeeldingen. Elke grafiek hierboven kunt u met het "
               "camera-icoon als PNG downloaden.", icon=":material/image_not_supported:")
pack_key = ("jaarbeeld-pakket", year, demo, tuple(chosen), preset, viewer())
if st.button("Maak het Jaarbeeld-pakket (ZIP met figuren, cijfers en concept-docx)", icon=":material/inventory_2:",
             type="primary"):
    bar = st.progress(0.0, text="Jaarbeeld-pakket wordt gemaakt…")
    try:
        pack = build_pack(book, progress=lambda share, text: bar.progress(share, text=text), images=can_render)
    except Exception:  # noqa: BLE001 — never a traceback in the UI
        st.error("Het pakket kon niet worden gemaakt. Probeer het opnieuw of gebruik `python -m metrics jaarbeeld`.")
    else:
        st.session_state[pack_key] = (pack, pack.zip_bytes())
        bar.progress(1.0, text=f"Klaar in {pack.seconds:.1f} s".replace(".", ","))
if pack_key in st.session_state:
    pack, archive = st.session_state[pack_key]
    if pack.message and can_render:
        st.warning(pack.message)
    cols = st.columns(2)
    cols[0].download_button("Download Jaarbeeld-pakket (ZIP)", archive, file_name=f"jaarbeeld-{year}.zip", mime=ZIP_MIME,
                            icon=":material/download:", key="pack-zip", on_click=record_download, args=(f"jaarbeeld-{year}.zip",))
    cols[1].download_button("Download concept-document (.docx)", pack.files[f"jaarbeeld-{year}-concept.docx"],
                            file_name=f"jaarbeeld-{year}-concept.docx", mime=DOCX_MIME, icon=":material/download:",
                            key="pack-docx", on_click=record_download, args=(f"jaarbeeld-{year}-concept.docx",))
    if pack.images:
        with st.expander("Afzonderlijke figuren (PNG 300 dpi en SVG)"):
            for spec in book.figures:
                c1, c2, c3 = st.columns([3, 1, 1])
                c1.markdown(f"Figuur {spec.number}. {md_escape(spec.title)}")
                c2.download_button("PNG", pack.files[f"figuren/{spec.stem}.png"], file_name=f"{spec.stem}.png",
                                   mime="image/png", key=f"png-{spec.stem}", on_click=record_download, args=(f"{spec.stem}.png",))
                c3.download_button("SVG", pack.files[f"figuren/{spec.stem}.svg"], file_name=f"{spec.stem}.svg",
                                   mime="image/svg+xml", key=f"svg-{spec.stem}", on_click=record_download, args=(f"{spec.stem}.svg",))
