"""Sign-in and the current viewer (DESIGN §12), and the access log of what a viewer opens and downloads.

With `[auth]` in `.streamlit/secrets.toml` nobody sees data before signing in with Streamlit's OpenID Connect
(`st.login`), and the role comes from the users table by e-mail address. Without `[auth]` the app is one local user
with every right, but only while the server listens on the loopback address and the request comes from this machine
(not through a reverse proxy): otherwise it shows no data, only how to configure sign-in."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import streamlit as st

from loaders import log_access
from metrics import viewer_for
from reference.access import LOCAL_VIEWER, Viewer

LOCAL_NOTE = "lokaal, zonder aanmelding"
NO_ACCESS = "Geen toegang"
LOGGED_KEY = "_access_logged"  # per session: what has been logged already (a rerun is no second view)
SIGN_IN_HELP = """
Deze server is bereikbaar vanaf andere computers (of via een reverse proxy), maar aanmelden is niet ingesteld.
Daarom worden hier geen gegevens getoond.

Zet de aanmelding aan in `.streamlit/secrets.toml` (zie README, *Aanmelden*):

```toml
[auth]
redirect_uri = "https://dashboard.example.nl/oauth2callback"
cookie_secret = "een lange willekeurige tekst"
client_id = "…"
client_secret = "…"
server_metadata_url = "https://…/.well-known/openid-configuration"
```

Voeg daarna de eerste beheerder toe: `python -m loaders gebruiker toevoegen NAAM@DOMEIN.NL --rol beheerder`.
Of laat de server alleen op deze computer luisteren (`server.address = "127.0.0.1"` in `.streamlit/config.toml`).
"""


def sign_in_configured() -> bool:
    """Whether `[auth]` is in the secrets (no secrets file at all is not an error)."""
    try:
        return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)
    except Exception:  # a broken secrets file: treat as not configured, the loopback rule still protects the data
        return False


PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-Ip")


def is_loopback(name: str | None) -> bool:
    name = (name or "").strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def local_use_only(address: str | None, headers) -> bool:
    """Whether the app may run without sign-in: the server listens on the loopback address only (an empty address
    means every interface) and this request came straight from this machine, not through a reverse proxy (which
    would make the local user's rights everyone's)."""
    if not is_loopback(address):
        return False
    if any(headers.get(h) for h in PROXY_HEADERS):
        return False
    host = headers.get("Host")
    return host is None or is_loopback(urlsplit(f"//{host}").hostname)  # no Host header: AppTest, not a browser


def local_use_allowed() -> bool:
    return local_use_only(st.get_option("server.address"), st.context.headers)


def signed_in() -> bool:
    return bool(st.user.get("is_logged_in"))  # .get: a user mapping without the key (AppTest) is not signed in


def signed_in_email() -> str | None:
    """The signed-in person's e-mail address: the `email` claim, else an address-shaped `preferred_username`
    (Microsoft Entra ID sends the latter when the account has no mail attribute)."""
    if not signed_in():
        return None
    for claim in ("email", "preferred_username"):
        value = st.user.get(claim)
        if isinstance(value, str) and "@" in value:
            return value.strip().lower()
    return None


def current_viewer() -> Viewer | None:
    """The viewer of this session, without drawing anything: None when not signed in, without a role, or when the
    local mode is refused (server not on loopback)."""
    if not sign_in_configured():
        return LOCAL_VIEWER if local_use_allowed() else None
    from pages.common import cursor

    return viewer_for(cursor(), signed_in_email())


def gate() -> Viewer:
    """Before any data: sign in (when configured), find the role, and put who is signed in and the sign-out button
    in the sidebar. Stops the run when this person may see nothing."""
    if not sign_in_configured():
        if not local_use_allowed():
            st.title("Toezicht Dashboard")
            st.error("Aanmelden is niet ingesteld: er worden geen gegevens getoond.", icon=":material/lock:")
            st.markdown(SIGN_IN_HELP)
            st.stop()
        st.sidebar.markdown(f":material/person: **{LOCAL_NOTE}**")
        return LOCAL_VIEWER
    if not signed_in():
        st.title("Toezicht Dashboard")
        st.markdown("Meld u aan om de gegevens te zien.")
        st.button("Aanmelden", on_click=st.login, type="primary", icon=":material/login:")
        st.stop()
    viewer = current_viewer()
    with st.sidebar:
        st.markdown(f":material/person: {signed_in_email() or 'zonder e-mailadres'}"
                    + (f" · {viewer.role}" if viewer else ""))
        st.button("Afmelden", on_click=st.logout, icon=":material/logout:", key="afmelden")
    if viewer is None:
        st.title(NO_ACCESS)
        st.markdown("U bent aangemeld, maar u hebt geen rol in dit dashboard. Vraag een beheerder om toegang.")
        st.stop()
    return viewer


def viewer_may(right: str) -> bool:
    """Whether this session's viewer has `right` (a Viewer predicate such as "may_manage_users")."""
    viewer = current_viewer()
    return viewer is not None and bool(getattr(viewer, right))


def require(allowed: bool) -> None:
    """On a page only some viewers may open (also when a page is run on its own, without app.py)."""
    if not allowed:
        st.title(NO_ACCESS)
        st.markdown("Deze pagina hoort niet bij uw rol.")
        st.stop()


def who() -> str:
    """The name the import history and the access log record for this session."""
    viewer = current_viewer()
    if viewer is None:
        return "onbekend (app)"
    return f"{LOCAL_NOTE} (app)" if viewer == LOCAL_VIEWER else viewer.email


def record_once(action: str, what: str) -> None:
    """Log a view once per session (a rerun of the same dossier is not another view)."""
    seen = st.session_state.setdefault(LOGGED_KEY, set())
    if (action, what) in seen:
        return
    from pages.common import writing

    with writing() as con:
        log_access(con, who(), action, what)
    seen.add((action, what))


def record_dossier_view(study: str, dossier: str, visits) -> None:
    """An opened dossier: study, dossier id, and the visits (municipality, date) it was shown for."""
    from reference.dutch import dutch_date

    where = "; ".join(sorted({f"{gemeente} {dutch_date(datum)}" for gemeente, datum in visits.itertuples(index=False)}))
    record_once("dossier", f"{study}: dossier {dossier} ({where})")


def record_download(file_name: str) -> None:
    """Every download is logged (as a download button's on_click)."""
    from pages.common import writing

    with writing() as con:
        log_access(con, who(), "download", file_name)
