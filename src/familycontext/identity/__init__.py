"""What counts as the same identity detail, decided in one place (ARCHITECTURE: ``identity/``).

The loader, linkage, search, related people and the data-quality report all ask these modules,
so they cannot disagree about an NHS number, a folded name, a postcode, an address, a phone
number or a date. Django-free and at the bottom of the layers (only ``config`` sits beside it).
Where a rule also runs inside DuckDB (linkage standardises a million records in one query), its
SQL twin is built next to the Python here, and tests/identity/test_sql_twins.py checks the two
agree on generated input (Hypothesis).
"""
