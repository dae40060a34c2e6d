"""`python -m loaders gebruiker …` and `python -m loaders publiceer …` (DESIGN §10, §12). The command line acts as
the local beheerder: whoever can write the database file may; every change is logged as "lokaal (opdrachtregel)"."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

from loaders.access import CLI_USER, AccessError, remove_user, set_publication, set_user
from reference.access import PUBLICATION_STATUSES, ROLES
from reference.vocab import safe_echo
from store.database import connect

WAIT_SECONDS = 300
DUTCH_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")


def add_parsers(sub) -> None:
    user = sub.add_parser("gebruiker", help="gebruikers en rollen: toevoegen, verwijderen, lijst")
    user.add_argument("actie", choices=("toevoegen", "verwijderen", "lijst"))
    user.add_argument("email", nargs="?", default=None, metavar="EMAIL")
    user.add_argument("--rol", default=None, help=", ".join(ROLES))
    user.add_argument("--gemeente", nargs="+", default=[], metavar="NAAM", help="alleen bij rol gemeente")
    user.add_argument("--db", type=Path, default=None)
    pub = sub.add_parser("publiceer", help="publicatiestatus van bezoeken zetten")
    pub.add_argument("--onderzoek", required=True)
    pub.add_argument("--gemeente", default=None, metavar="NAAM")
    pub.add_argument("--datum", default=None, metavar="dd-mm-jjjj", help="één bezoekdatum")
    pub.add_argument("--status", required=True, help=" | ".join(PUBLICATION_STATUSES))
    pub.add_argument("--publicatiedatum", default=None, metavar="dd-mm-jjjj",
                     help="bij gepubliceerd; zonder: de Publicatiedatum uit de werkmap, anders vandaag")
    pub.add_argument("--db", type=Path, default=None)


def parse_dutch_date(text: str | None, option: str) -> dt.date | None:
    """dd-mm-jjjj, or a usage error naming the option."""
    if text is None:
        return None
    match = DUTCH_DATE.match(text.strip())
    try:
        if not match:
            raise ValueError
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    except ValueError:
        raise UsageError(f"{option} '{safe_echo(text)}' is geen datum; schrijf dd-mm-jjjj, bijvoorbeeld 01-03-2019.") from None


class UsageError(Exception):
    pass


def run(args) -> int:
    try:
        return _user(args) if args.command == "gebruiker" else _publish(args)
    except UsageError as exc:
        print(f"FOUT: {exc}", file=sys.stderr)
        return 2
    except AccessError as exc:
        print(f"FOUT: {exc}", file=sys.stderr)
        return 1


def _connect(db):
    return connect(db, wait=WAIT_SECONDS, on_wait=lambda message: print(message, flush=True))


def _user(args) -> int:
    if args.actie != "lijst" and not args.email:
        raise UsageError(f"gebruiker {args.actie} vraagt om een e-mailadres.")
    if args.actie == "toevoegen" and not args.rol:
        raise UsageError(f"gebruiker toevoegen vraagt om --rol ({', '.join(ROLES)}).")
    if args.rol is not None and args.rol not in ROLES:
        raise UsageError(f"onbekende rol '{safe_echo(args.rol)}'; kies uit: {', '.join(ROLES)}.")
    if args.actie != "toevoegen" and (args.rol or args.gemeente):
        raise UsageError("--rol en --gemeente horen bij gebruiker toevoegen.")
    con = _connect(args.db)
    try:
        if args.actie == "lijst":
            from metrics.access import users

            table = users(con)
            if table.empty:
                print("Nog geen gebruikers. Voeg de eerste beheerder toe: "
                      "python -m loaders gebruiker toevoegen NAAM@DOMEIN.NL --rol beheerder")
            for row in table.itertuples():
                print(f"{row.email}\t{row.rol}" + (f"\t{row.gemeenten}" if row.gemeenten else ""))
            return 0
        if args.actie == "toevoegen":
            print(set_user(con, args.email, args.rol, args.gemeente, CLI_USER) + ".")
        else:
            print(remove_user(con, args.email, CLI_USER) + ".")
        return 0
    finally:
        con.close()


def _publish(args) -> int:
    if args.status not in PUBLICATION_STATUSES:
        raise UsageError(f"onbekende status '{safe_echo(args.status)}'; kies uit: {', '.join(PUBLICATION_STATUSES)}.")
    visit_date = parse_dutch_date(args.datum, "--datum")
    publication_date = parse_dutch_date(args.publicatiedatum, "--publicatiedatum")
    con = _connect(args.db)
    try:
        print(set_publication(con, args.onderzoek, args.status, CLI_USER, municipality=args.gemeente,
                              visit_date=visit_date, publication_date=publication_date) + ".")
        return 0
    finally:
        con.close()
