"""familycontext search: the batch JSON lines that benchmarks and operators script against."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


@pytest.fixture
def people(borough):
    borough("T-ADA", {"service": "cms", "record_id": "CMS7000001", "first_name": "Ada", "last_name": "Lovelace",
                      "date_of_birth": date(2014, 12, 10)})
    borough.publish()


def test_batch_prints_one_json_line_per_query_with_at_most_ten_results(people, tmp_path):
    queries = tmp_path / "queries.csv"
    queries.write_text("query_id,first_name,last_name,date_of_birth\n"
                       "q1,Ada,Lovelace,2014-12-10\n"
                       "q2,Lovelace,Ada,\n"
                       "q3,,,2014-12-10\n", encoding="utf-8")
    out = StringIO()
    call_command("search", batch=str(queries), json=True, stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["query_id"] for line in lines] == ["q1", "q2", "q3"]
    assert lines[0]["results"][0] == {"person_id": "T-ADA", "score": 1.0}
    assert lines[1]["results"][0]["person_id"] == "T-ADA"
    assert lines[2]["results"] == []
    assert all(len(line["results"]) <= 10 for line in lines)
    assert all(set(r) == {"person_id", "score"} for line in lines for r in line["results"])


def test_batch_refuses_a_file_without_the_columns(people, tmp_path):
    queries = tmp_path / "queries.csv"
    queries.write_text("id,name\n1,Ada\n", encoding="utf-8")
    with pytest.raises(CommandError, match="first_name"):
        call_command("search", batch=str(queries), json=True, stdout=StringIO())


def test_interactive_form_prints_a_table(people):
    out = StringIO()
    call_command("search", first_name="Ada", last_name="Lovelace", date_of_birth="2014-12-10", stdout=out)
    assert "CMS7000001" in out.getvalue() and "Strong match" in out.getvalue()


def test_identifier_form(people):
    out = StringIO()
    call_command("search", id="cms7000001", stdout=out)
    assert out.getvalue().strip() == "T-ADA"
