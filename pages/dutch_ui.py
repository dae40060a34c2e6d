"""Streamlit's own English (uploader, select lists, data grid, status, toolbar, plotly's mode bar) in Dutch.

Streamlit has no locale setting and writes these texts in its frontend. A small script in the page translates them
where they appear: text nodes and the attributes a screen reader or tooltip reads (aria-label, title, placeholder,
plotly's data-title). It changes text and attributes only, never the elements React owns, so a re-render simply
writes the English again and the script translates it again. Texts from workbooks and pages (markdown, whole-text
tables, chart text, grid cells, list options) are never touched: only whole strings from the lists below match.
"""

from __future__ import annotations

import json

# Whole strings (after trimming) as Streamlit or plotly write them → Dutch.
EXACT = {
    # file uploader (the button's text depends on single/multiple: see the script)
    "Drag and drop files here": "Sleep bestanden hierheen",
    "Drag and drop a file here": "Sleep een bestand hierheen",
    "Drag and drop directories here": "Sleep mappen hierheen",
    "Upload directories": "Mappen kiezen",
    "Add files": "Bestanden toevoegen",
    # select lists
    "No results": "Geen keuze gevonden",
    "Choose an option": "Kies een waarde",
    "Choose options": "Kies een of meer waarden",
    "No options": "Geen keuzes",
    "Select all": "Alles kiezen",
    "Clear value": "Keuze wissen",
    "Clear all": "Alle keuzes wissen",
    "Open": "Keuzelijst openen",
    "Selectbox options": "Keuzes",
    "Multiselect options": "Keuzes",
    "Selected values": "Gekozen waarden",
    # text and number inputs
    "Press Enter to apply": "Druk op Enter om toe te passen",
    "Press Enter to submit form": "Druk op Enter om het formulier te versturen",
    "Clear entry": "Invoer wissen",
    "Show password": "Wachtwoord tonen",
    "Hide password": "Wachtwoord verbergen",
    "Increment": "Verhogen",
    "Decrement": "Verlagen",
    "Invalid input.": "Ongeldige invoer.",
    # the page frame
    "Skip to main content": "Naar de inhoud",
    "Main menu": "Hoofdmenu",
    "Sidebar": "Zijbalk",
    "Collapse sidebar": "Zijbalk inklappen",
    "Expand sidebar": "Zijbalk uitklappen",
    "App pages": "Pagina's",
    "Navigate to home page": "Naar de startpagina",
    "Link to heading": "Link naar deze kop",
    "Notifications": "Meldingen",
    "Close": "Sluiten",
    "Dismiss": "Sluiten",
    "Scroll tabs left": "Tabbladen naar links",
    "Scroll tabs right": "Tabbladen naar rechts",
    "Copy to clipboard": "Kopiëren",
    "Copied": "Gekopieerd",
    "Copy version to clipboard": "Versie kopiëren",
    "Print": "Afdrukken",
    "Record screen": "Scherm opnemen",
    "Settings": "Instellingen",
    "Theme": "Thema",
    # a run in progress, the connection
    "Running...": "Bezig…",
    "Stop": "Stoppen",
    "Stop script": "Berekening stoppen",
    "Rerun": "Opnieuw uitvoeren",
    "Always rerun": "Altijd opnieuw uitvoeren",
    "Please wait...": "Even geduld…",
    "Loading...": "Laden…",
    "Connecting": "Verbinden",
    "Connecting to Streamlit server": "Verbinden met de server",
    "Unable to connect to Streamlit server": "Geen verbinding met de server",
    "Connection error": "Verbinding verbroken",
    "Error": "Fout",
    "Streamlit server is not responding. Are you connected to the internet?":
        "De server antwoordt niet. Is er een netwerkverbinding?",
    "Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in your terminal:":
        "Draait de server nog? Start hem opnieuw, bijvoorbeeld met:",
    "Connection lost. Please wait for the app to reconnect, then try again.":
        "Verbinding verbroken. Wacht tot de verbinding terug is en probeer het dan opnieuw.",
    # element toolbar, data grid
    "Fullscreen": "Volledig scherm",
    "Close fullscreen": "Volledig scherm sluiten",
    "Toggle fullscreen": "Volledig scherm aan/uit",
    "Show/hide columns": "Kolommen tonen of verbergen",
    "Download as CSV": "Downloaden als CSV",
    "Download as PNG": "Downloaden als PNG",
    "Search": "Zoeken",
    "Close Search": "Zoeken sluiten",
    "Next Result": "Volgende treffer",
    "Previous Result": "Vorige treffer",
    "Clear selection": "Selectie wissen",
    "Dataframe column menu": "Kolommenu",
    "Sort ascending": "Oplopend sorteren",
    "Sort descending": "Aflopend sorteren",
    "Format": "Notatie",
    "Autosize": "Breedte passend maken",
    "Pin column": "Kolom vastzetten",
    "Unpin column": "Kolom losmaken",
    "Hide column": "Kolom verbergen",
    "Copy column name": "Kolomnaam kopiëren",
    "Automatic": "Automatisch",
    "Localized": "Nederlandse notatie",
    "Plain": "Zonder opmaak",
    "Percent": "Procent",
    "Scientific": "Wetenschappelijk",
    "Accounting": "Boekhoudkundig",
    "Compact": "Compact",
    "Engineering": "Technisch",
    "Relative": "Relatief",
    "Count": "Aantal",
    "Distinct": "Verschillend",
    "Empty": "Leeg",
    "Minimum": "Minimum",
    "Maximum": "Maximum",
    "Average": "Gemiddelde",
    "Median": "Mediaan",
    "Sum": "Som",
    "Range": "Bereik",
    "Standard deviation": "Standaardafwijking",
    "Values": "Waarden",
    "No data": "Geen gegevens",
    "empty": "geen rijen",
    "Show data": "Gegevens tonen",
    "Show chart": "Grafiek tonen",
    # plotly's mode bar (tooltips are its data-title)
    "Download plot as a PNG": "Grafiek downloaden als PNG",
    "Download plot as a png": "Grafiek downloaden als PNG",
    "Download plot": "Grafiek downloaden",
    "Zoom": "Zoomen met een kader",
    "Zoom in": "Inzoomen",
    "Zoom out": "Uitzoomen",
    "Pan": "Verschuiven",
    "Autoscale": "Automatisch schalen",
    "Reset axes": "Assen herstellen",
    "Reset": "Herstellen",
    "Reset view": "Weergave herstellen",
    "Reset camera to default": "Weergave herstellen",
    "Box Select": "Selecteren met een kader",
    "Lasso Select": "Selecteren met een lasso",
    "Toggle Spike Lines": "Hulplijnen aan/uit",
    "Show closest data on hover": "Dichtstbijzijnde waarde tonen",
    "Compare data on hover": "Waarden vergelijken",
    "Double-click to zoom back out": "Dubbelklik om terug te zoomen",
}

# Strings with a variable part: (JavaScript regular expression, replacement with $1…).
PATTERNS = [
    (r"^Help for (.+)$", "Uitleg bij $1"),
    (r"^([\d.,]+)\s?(B|KB|MB|GB) per file$", "ten hoogste $1 $2 per bestand"),
    (r"^Press (Ctrl|⌘)\+Enter to apply$", "Druk op $1+Enter om toe te passen"),
    (r"^Press (Ctrl|⌘)\+Enter to submit form$", "Druk op $1+Enter om het formulier te versturen"),
    (r"^Remove (.+)$", "$1 verwijderen"),
    (r"^Add: (.+)$", "Toevoegen: $1"),
    (r"^Select (\d+) matches$", "De $1 treffers kiezen"),
    (r"^Made with Streamlit v(.*)$", "Gemaakt met Streamlit v$1"),
    (r"^Upload (.+)$", "$1 kiezen"),
    (r"^File is too large\. Maximum size is (\d+) bytes\.$", "Het bestand is te groot (ten hoogste $1 bytes)."),
    (r"^(\d+) of (\d+)$", "$1 van $2"),
    (r"^Page (\d+)$", "Pagina $1"),
    (r"^(\d+)\.(\d+)(B|KB|MB|GB)$", "$1,$2 $3"),  # an uploaded file's size
    (r"^Download plot as an? (\w+)$", "Grafiek downloaden als $1"),
]

# Where the texts are workbook or page content: never translated there.
CONTENT = ("[data-testid=stMarkdownContainer], [data-testid=stHtml], [data-testid=stCode], [data-testid=stJson], "
           "[data-testid=stDataFrame] table, [role=option]:not([aria-disabled=true]), .js-plotly-plot svg text, "
           "[data-testid=stTable], textarea")

SCRIPT = """<span id="nl-ui-vertaling" hidden></span><script>
(() => {
  if (window.__nlUi) return;
  window.__nlUi = true;
  const EXACT = new Map(Object.entries(%(exact)s));
  const PATTERNS = %(patterns)s.map(([p, r]) => [new RegExp(p), r]);
  const CONTENT = %(content)s;
  const ATTRS = ['aria-label', 'title', 'placeholder', 'data-title', 'aria-description', 'aria-valuetext', 'alt'];
  const UPLOADER = '[data-testid=stFileUploaderDropzone]';
  // Streamlit's own text inside content markup: the uploader's button label and the toolbar's tooltips (markdown),
  // an empty list's message.
  const OWN = UPLOADER + ', [role=listbox][data-empty=true], [data-testid=stTooltipContent]';
  const many = (el) => !!el.closest('[data-testid=stFileUploader]')?.querySelector('input[type=file][multiple]');
  function dutch(text, el) {
    const core = text.trim();
    if (!core || !/[A-Za-z]/.test(core)) return null;
    const inUploader = el && el.closest(UPLOADER);
    if (inUploader && (core === 'Upload' || core === 'file upload')) return many(el) ? 'Bestanden kiezen' : 'Bestand kiezen';
    let out = EXACT.get(core);
    if (out === undefined) {
      for (const [p, r] of PATTERNS) if (p.test(core)) { out = core.replace(p, r); break; }
    }
    if (out === undefined) return null;
    if (inUploader && /per bestand$/.test(out)) out = (many(el) ? 'of sleep ze hierheen · ' : 'of sleep het hierheen · ') + out;
    return text.replace(core, out);
  }
  function fixText(node) {
    const el = node.parentElement;
    if (!el || el.closest('script, style')) return;
    if (el.closest(CONTENT) && !el.closest(OWN)) return;
    const out = dutch(node.nodeValue, el);
    if (out !== null && out !== node.nodeValue) node.nodeValue = out;
  }
  function fixAttrs(el) {
    // A material icon beside its text is named after the icon ("folder_open icon"): decorative, so hidden.
    const name = el.getAttribute('aria-label');
    if (name && /^[a-z0-9_]+ icon$/.test(name) && el.getAttribute('aria-hidden') !== 'true') el.setAttribute('aria-hidden', 'true');
    for (const a of ATTRS) {
      const v = el.getAttribute(a);
      if (!v) continue;
      const out = dutch(v, el);
      if (out !== null && out !== v) el.setAttribute(a, out);
    }
  }
  function fixTree(root) {
    if (root.nodeType === Node.TEXT_NODE) { fixText(root); return; }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    fixAttrs(root);
    for (const el of root.querySelectorAll('*')) fixAttrs(el);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) fixText(walker.currentNode);
  }
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === 'characterData') fixText(m.target);
      else if (m.type === 'attributes') fixAttrs(m.target);
      else m.addedNodes.forEach(fixTree);
    }
  }).observe(document.documentElement, {subtree: true, childList: true, characterData: true, attributes: true,
                                        attributeFilter: ATTRS});
  fixTree(document.documentElement);
  document.documentElement.lang = 'nl';
})();
</script>"""


def translator_html() -> str:
    """The script (with a hidden marker that lets the CSS hide its empty element) for st.html."""
    return SCRIPT % {"exact": json.dumps(EXACT, ensure_ascii=False), "patterns": json.dumps(PATTERNS, ensure_ascii=False),
                     "content": json.dumps(CONTENT)}
