"""The data-quality report as a compact terminal table: what `familycontext load` and `dq` print.

Rendering lives apart from quality.py so the report stays plain JSON for pages and the API.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

_SECTIONS = ("identity", "school", "housing", "adult_social_care", "police", "cms")


def _format(value: Any, key: str) -> str:
    if isinstance(value, float) and not key.startswith(("average", "offences_per", "cases_per", "change")) \
            and 0.0 <= value <= 1.0 and key not in ("enrolments_per_child",):
        return f"{value:.0%}" if value in (0.0, 1.0) else f"{value:.1%}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_format(v, k)}" for k, v in value.items()) or "-"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or "-"
    return str(value)


def quality_table(report: dict[str, Any]) -> Table:
    """Two columns (check, value), one row per checklist item; nested case types on one line each."""
    table = Table(title=f"Data quality: {report.get('source_name', '')} ({report.get('service', '')})",
                  show_header=True, header_style="bold", expand=False, title_justify="left")
    table.add_column("check")
    table.add_column("value", overflow="fold")
    for key in ("records", "rows_read", "rows_rejected", "rejected_share", "rejected_by_column",
                "warnings_by_column", "rows_skipped_by_mapping", "mapping", "files", "mapping_notes",
                "previous_records", "change_against_previous"):
        if key in report and report[key] not in ({}, [], "", None):
            table.add_row(key.replace("_", " "), _format(report[key], key))
    for section in _SECTIONS:
        values = report.get(section)
        if not isinstance(values, dict):
            continue
        table.add_section()
        for key, value in values.items():
            if section == "housing" and key == "cases" and isinstance(value, dict):
                for case_type, shares in value.items():
                    table.add_row(f"{section}: {case_type.replace('_', ' ')}", _format(shares, case_type))
                continue
            table.add_row(f"{section}: {key.replace('_', ' ')}", _format(value, key))
    return table
