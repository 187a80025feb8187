"""Which source's value a person's details show first: the CMS, then school, adult social care,
housing, police (the read model and the search index order records alike)."""

SOURCE_PRIORITY = {"cms": 0, "school": 1, "adult_social_care": 2, "housing": 3, "police": 4}
