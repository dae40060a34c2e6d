"""Methode: definitions of the metrics, data sources, where the framework texts come from, and what is demo data."""

import streamlit as st

from metrics import framework_provenance
from pages.common import cached
from reference.frameworks import DERIVED_NOTE, FRAMEWORK_NOTE
from reference.vocab import MIN_GROUP, SMALL_N

st.title("Methode")
st.markdown(
    f"""
### Naleving
Per indicator en groep (bezoek, gemeente, onderzoek, jaar): **k** = aantal dossiers met `ja`, **n** = `ja` + `nee`.
`nvt` en `onbekend` tellen niet mee in n en worden apart getoond. Wij tonen altijd "k van n" en een percentage;
bij n = 0 staat er "geen oordeel".

### Onzekerheid
Elk percentage krijgt een 95%-betrouwbaarheidsinterval volgens **Wilson**. Groepen met minder dan {SMALL_N} beoordeelde
dossiers worden getoond maar gemarkeerd als klein aantal.

### Benchmark: waarmee vergelijken we?
De benchmark is één percentage waarmee elke gemeente wordt vergeleken. U kiest hem op Vergelijken en Gemeente (en in
de link: `benchmark=` en `groep=`):
- **onderzoek** (standaard): de gepoolde naleving van het hele onderzoek — Σk / Σn over alle gemeenten, alleen de
  eerste onderzoeken (hertoetsen tellen niet mee, zodat een hertoets met hetzelfde wordt vergeleken).
- **provincie**: hetzelfde, maar alleen over de gemeenten van dezelfde provincie (volgens de CBS-lijst van het jaar van
  het bezoek). In een tabel met veel gemeenten krijgt elke gemeente de benchmark van haar eigen provincie.
- **groep**: hetzelfde over een eigen vergelijkingsgroep die u kiest (bijvoorbeeld gemeenten van vergelijkbare grootte).
- **norm**: de norm die het kader bij een indicator stelt (bijvoorbeeld 100%). Heeft een indicator geen norm, dan is
  er geen vergelijking en staat erbij waarom.

Een gepoolde benchmark over minder dan {MIN_GROUP} gemeenten, of zonder oordelen (n = 0), geeft geen vergelijking:
dan vergelijkt een gemeente zich vooral met zichzelf. Bij elke grafiek, tabel en download staat welke benchmark is
gebruikt en over hoeveel gemeenten.

### Vergelijking op twee niveaus
We leggen het interval van de gemeente naast het ene getal van de benchmark (de regel van de Engelse
public-health-profielen, Fingertips):
- **beter** / **slechter**: het 95%-Wilson-interval van de gemeente ligt helemaal boven / onder de benchmark;
- **vergelijkbaar**: het 95%-interval bevat de benchmark;
- **duidelijk beter** / **duidelijk slechter**: dat geldt ook voor het ruimere 99,8%-Wilson-interval.

Een uitkomst bij 95% kan één keer op de twintig toeval zijn, ook als de gemeente eigenlijk niet afwijkt; bij 99,8%
is dat één keer op de vijfhonderd. Vergelijkt u veel gemeenten en indicatoren tegelijk, kijk dan vooral naar
"duidelijk". In de grafieken is "duidelijk" de donkere tint van dezelfde kleur; in de downloads staat het in de
kolom `vergelijking_998` (beter, vergelijkbaar, slechter, of leeg zonder oordeel).

### Funnelplot
Per indicator zetten we de naleving van elke gemeente uit tegen haar n, met controlegrenzen rond de benchmark p₀.
De grenzen zijn exact binomiaal en geïnterpoleerd volgens Spiegelhalter (2005, *Statistics in Medicine* 24:1185–1202):
voor elke n zoeken we het kleinste aantal r waarvoor P(X ≤ r) ≥ p bij X ~ Binomiaal(n, p₀) en nemen
(r − α)/n met α = (F(r) − p)/(F(r) − F(r − 1)). De 95%-grenzen horen bij p = 0,025 en 0,975, de 99,8%-grenzen bij
p = 0,001 en 0,999. Een gemeente buiten de 99,8%-grenzen wijkt vrijwel zeker af; buiten de 95%-grenzen is een signaal.

### Trend
Voor bezoeken van dezelfde gemeente met hetzelfde kader (onderzoek → hertoets, of een later onderzoek) tonen we
het verschil in procentpunten met een 95%-interval volgens **Newcombe** (hybride score-methode, 1998). Een
verschil heet significant als het interval 0 niet bevat.

### Norm
Waar een kader een norm stelt (bijv. 100%), tonen we de norm en of de gemeente die haalt (percentage ≥ norm).

### Stoplichtschaal (checklists)
Voor zelfevaluaties met groen / oranje / rood tonen we per item, sectie, team en gemeente het aandeel van elke
kleur, van de items met een kleur; `nvt` en `onbekend` apart.

### Jaarbeeld
Per jaar en Jaarbeeld-thema (Vroegsignalering en preventie, Eigen kracht, Veiligheid): de gepoolde naleving over
alle onderzoeken met veldwerk in dat jaar, het aantal gemeenten en dossiers, en de zwakste indicatoren.

### Thema's
Naleving per thema is gepoold: Σk / Σn over de indicatoren van het thema die per dossier worden gescoord, met de
laagste en hoogste indicator erbij.

### Standaardweergave
Zonder keuze voor soort tonen de cijfers de eerste onderzoeken (soort *onderzoek*); hertoetsen zijn apart te kiezen
en verschijnen in trends.

### Bronnen
- Toezichtkaders: de bijlagen van de openbare rapporten van Toezicht Sociaal Domein / Samenwerkend Toezicht Jeugd
  (Signaleren van onveiligheid, 2016; Toezicht wijkteams Goeree-Overflakkee, 2017; Het lokale netwerk na Veilig
  Thuis Nijmegen, 2019) en de RIGG-checklist Toegang jeugdhulp (Groningen, 2016).
- Gemeenten: CBS-gemeentelijke indelingen 2015–2024.
"""
)

st.markdown(
    f"""
### Herkomst van de kaderteksten
Criteria en indicatorteksten staan letterlijk in de gepubliceerde kaders. Niet elk kader geeft ook een
operationalisering en een beslisregel per indicator: waar die ontbreken, hebben wij ze voor dit product geschreven.
Zo'n tekst heet op Kaders en in de opmerkingen van het scoringssjabloon
*{DERIVED_NOTE}*, met de reden; tekst uit het kader is gemarkeerd als *{FRAMEWORK_NOTE}*. Waar een tabel in de bron
niet eenduidig was (een cel over een paginagrens, een verschoven kolom), staat bij de indicator hoe wij hem hebben
gelezen, en waar het niveau (per dossier of per bezoek) een keuze was, waarom.
"""
)
counts = cached(framework_provenance, long=True)
if not counts.empty:
    st.dataframe(counts, hide_index=True, width="content",
                 column_config={"uit_kader": "uit het kader", "afgeleid": "afgeleid", "onbekend": "herkomst onbekend"})

st.markdown(
    """
### Demodata
De demo-omgeving is fictief. Alleen deze cijfers komen uit de rapporten: Goeree-Overflakkee (kg-2017, 14 dossiers)
TT3 *veiligheidsrisico's ingeschat* 2 van 14 en TT1 *hulpvraag in dialoog met het gezin* 4 van 14; Nijmegen
(vt-2019, 10 dossiers) indicator 1 5 van 10.
"""
)
