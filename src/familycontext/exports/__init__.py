"""Files the product writes for people to open: CSV with every cell safe for spreadsheets."""
