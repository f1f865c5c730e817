"""The public face of data loading: what notebooks and the runner import.

`load_catalogue` reads the indicator catalogue (and areas), `load_observations` the tidy
observations files, `read_fingertips` an OHID Fingertips "all data" CSV export, and
`read_table` any CSV or .xlsx file as raw text cells. Every loader checks its whole input and
raises one `phlib.errors.InputError` subclass listing every problem with where it is and how
to fix it.

>>> sorted(SERVICES)[:2], callable(load_observations)
(['adult_social_care', 'better_care_fund'], True)
"""

from phlib.catalogue import DEFAULT_AREAS, SERVICES, Catalogue, Indicator, load_catalogue
from phlib.fingertips import read_fingertips
from phlib.observations import load_observations
from phlib.tabular import RawTable, read_table

__all__ = [
    "DEFAULT_AREAS",
    "SERVICES",
    "Catalogue",
    "Indicator",
    "RawTable",
    "load_catalogue",
    "load_observations",
    "read_fingertips",
    "read_table",
]
