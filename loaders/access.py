"""Writes for access (DESIGN §12): users and roles, the publication status of visits, and the access log.

Each change runs in one transaction together with its access-log row, so the log never misses a change that
happened and never records one that did not."""

from __future__ import annotations

import datetime as dt
import re

import duckdb

from reference.access import MUNICIPALITY_ROLE, PUBLICATION_STATUSES, PUBLISHED_STATUS, ROLES
from reference.errors import ToezichtError
from reference.municipalities import FIRST_YEAR, LAST_YEAR, resolve
from reference.vocab import mask_bsn, safe_echo
from store.database import transaction

ACTIONS = ("dossier", "download", "import", "publicatie", "gebruiker")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CLI_USER = "lokaal (opdrachtregel)"


class AccessError(ToezichtError):
    """A user or publication change that cannot be made; the Dutch message says why."""


def record(con: duckdb.DuckDBPyConnection, who: str, action: str, what: str) -> None:
    """One access-log row, inside the caller's transaction. `what` never holds remark text; BSNs are masked."""
    if action not in ACTIONS:
        raise ValueError(f"unknown access-log action {action!r}")
    con.execute("INSERT INTO access_log (logged_at, who, action, what) VALUES (?, ?, ?, ?)",
                [dt.datetime.now(), mask_bsn(who), action, mask_bsn(what)])


def log_access(con: duckdb.DuckDBPyConnection, who: str, action: str, what: str) -> None:
    """One access-log row in its own transaction (dossier views, downloads)."""
    with transaction(con):
        record(con, who, action, what)


# --- Users -------------------------------------------------------------------------------------------------

def normalise_email(email: str) -> str:
    text = (email or "").strip().lower()
    if not EMAIL.match(text):
        raise AccessError(f"'{safe_echo(email)}' is geen e-mailadres (verwacht naam@domein.nl).")
    return text


def municipality_codes(names: list[str]) -> list[tuple[str, str]]:
    """(CBS code, name) per municipality name, in any year of the reference list (the newest that knows it)."""
    found, unknown = [], []
    for name in names:
        match = next((m for year in range(LAST_YEAR, FIRST_YEAR - 1, -1) if (m := resolve(name, year))), None)
        if match is None:
            unknown.append(safe_echo(name))
        elif match.code not in {code for code, _ in found}:
            found.append((match.code, match.name))
    if unknown:
        raise AccessError("onbekende gemeente(n): " + ", ".join(f"'{n}'" for n in unknown)
                          + f" (niet in de CBS-lijst {FIRST_YEAR}–{LAST_YEAR}).")
    return found


def _keep_a_beheerder(con: duckdb.DuckDBPyConnection, email: str) -> None:
    """Refuse a change that leaves no beheerder while there was one: nobody could then manage access in the app."""
    others = con.execute("SELECT count(*) FILTER (WHERE email <> ?), count(*) FROM app_user WHERE role = 'beheerder'",
                         [email]).fetchall()[0]
    if others[1] > 0 and others[0] == 0:
        raise AccessError(f"{email} is de laatste beheerder; voeg eerst een andere beheerder toe.")


def set_user(con: duckdb.DuckDBPyConnection, email: str, role: str, municipalities: list[str] | None, by: str) -> str:
    """Add a user or change their role and municipalities (names). Returns the Dutch line for the log and the UI."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AccessError(f"onbekende rol '{safe_echo(role)}'; kies uit: {', '.join(ROLES)}.")
    municipalities = municipalities or []
    if role == MUNICIPALITY_ROLE and not municipalities:
        raise AccessError("rol gemeente vraagt om minstens één gemeente (--gemeente NAAM).")
    if role != MUNICIPALITY_ROLE and municipalities:
        raise AccessError(f"alleen de rol gemeente heeft gemeenten; rol {role} ziet alle gemeenten.")
    codes = municipality_codes(municipalities)
    with transaction(con):
        existed = con.execute("SELECT count(*) FROM app_user WHERE email = ?", [email]).fetchall()[0][0] > 0
        if role != "beheerder":
            _keep_a_beheerder(con, email)
        con.execute("DELETE FROM app_user WHERE email = ?", [email])
        con.execute("INSERT INTO app_user VALUES (?, ?, ?, ?, ?)",
                    [email, role, [c for c, _ in codes], dt.datetime.now(), by])
        where = f" ({', '.join(name for _, name in codes)})" if codes else ""
        line = f"{email} {'gewijzigd' if existed else 'toegevoegd'}: rol {role}{where}"
        record(con, by, "gebruiker", line)
    return line


def remove_user(con: duckdb.DuckDBPyConnection, email: str, by: str) -> str:
    email = normalise_email(email)
    with transaction(con):
        if con.execute("SELECT count(*) FROM app_user WHERE email = ?", [email]).fetchall()[0][0] == 0:
            raise AccessError(f"gebruiker {email} bestaat niet.")
        _keep_a_beheerder(con, email)
        con.execute("DELETE FROM app_user WHERE email = ?", [email])
        line = f"{email} verwijderd"
        record(con, by, "gebruiker", line)
    return line


# --- Publication status ------------------------------------------------------------------------------------

def set_publication(con: duckdb.DuckDBPyConnection, study_id: str, status: str, by: str,
                    municipality: str | None = None, visit_date: dt.date | None = None,
                    publication_date: dt.date | None = None) -> str:
    """Set the status of a study's visits (optionally one municipality, one visit date). `gepubliceerd` takes
    `publication_date`, else the report's own Publicatiedatum from the workbook, else today; the other statuses
    clear it. Returns the Dutch line for the log and the UI."""
    if status not in PUBLICATION_STATUSES:
        raise AccessError(f"onbekende status '{safe_echo(status)}'; kies uit: {', '.join(PUBLICATION_STATUSES)}.")
    if publication_date is not None and status != PUBLISHED_STATUS:
        raise AccessError("een publicatiedatum hoort alleen bij status gepubliceerd.")
    with transaction(con):
        study = con.execute("SELECT is_demo FROM study WHERE study_id = ?", [study_id]).fetchall()
        if not study:
            raise AccessError(f"onderzoek '{safe_echo(study_id)}' bestaat niet in de database.")
        if study[0][0]:
            raise AccessError(f"onderzoek '{study_id}' is demodata; demobezoeken tellen altijd als gepubliceerd.")
        conditions, params = ["study_id = ?"], [study_id]
        label = study_id
        if municipality:
            conditions.append("lower(municipality_name) = lower(?)")
            params.append(municipality.strip())
            label += f", {municipality.strip()}"
        if visit_date:
            conditions.append("visit_date = ?")
            params.append(visit_date)
            label += f", {visit_date:%d-%m-%Y}"
        where = " AND ".join(conditions)
        count = con.execute(f"SELECT count(*) FROM visit WHERE {where}", params).fetchall()[0][0]
        if count == 0:
            raise AccessError(f"geen bezoeken gevonden voor {safe_echo(label, 80)}.")
        if status == PUBLISHED_STATUS:
            con.execute(f"UPDATE visit SET publication_status = ?, publication_date = coalesce(?, published_on, current_date) "
                        f"WHERE {where}", [status, publication_date, *params])
        else:
            con.execute(f"UPDATE visit SET publication_status = ?, publication_date = NULL WHERE {where}", [status, *params])
        line = f"{label}: {count} bezoek(en) {status}"
        if publication_date:
            line += f" per {publication_date:%d-%m-%Y}"
        record(con, by, "publicatie", line)
    return line
