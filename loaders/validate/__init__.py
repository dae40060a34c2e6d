"""Validation of a read file into staged frames, every rule once (rules.py, visits.py) for both readers.

collector.py  problems of one file          model.py     Options, Staged, column lists
rules.py      ids, indicators, scores, dates, BSN       visits.py   study/framework/date/soort/team/municipality
sheets.py     header and data rows of a sheet           workbook.py the Onderzoek sheet and the order of sheets
scores.py     Dossiers and Netwerk                      notes.py    Toelichting, Bevindingen, Aanbevelingen
long_csv.py   the long CSV format                       entry.py    stage_file
"""

from loaders.problems import ImportRejected
from loaders.validate.entry import stage_file
from loaders.validate.model import Options, Staged
from loaders.validate.rules import match_indicator

__all__ = ["ImportRejected", "Options", "Staged", "match_indicator", "stage_file"]
