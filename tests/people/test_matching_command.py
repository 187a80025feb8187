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


def run_batch(tmp_path, text: str | bytes) -> tuple[list[dict], str]:
    queries = tmp_path / "queries.csv"
    if isinstance(text, bytes):
        queries.write_bytes(text)
    else:
        queries.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("search", batch=str(queries), json=True, stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_batch_reads_dates_as_english_forms_and_spreadsheets_write_them(people, tmp_path):
    lines, err = run_batch(tmp_path, "query_id,first_name,last_name,date_of_birth\n"
                                     "a,Ada,Lovelace,10/12/2014\n"
                                     "b,Ada,Lovelace,2014-12-10 00:00:00\n"
                                     "c,Ada,Lovelace,10 Dec 2014\n"
                                     "d,Ada,Lovelace,2014-12-10\n")
    assert err == ""
    assert [line["results"][0] for line in lines] == [{"person_id": "T-ADA", "score": 1.0}] * 4


def test_batch_bad_row_is_named_by_row_and_field_and_the_others_still_answered(people, tmp_path):
    lines, err = run_batch(tmp_path, "query_id,first_name,last_name,date_of_birth\n"
                                     "good,Ada,Lovelace,2014-12-10\n"
                                     "bad-date,Ada,Lovelace,31/02/2014\n"
                                     "short-year,Ada,Lovelace,10/12/14\n"
                                     ",Ada,Lovelace,2014-12-10\n"
                                     "last,Lovelace,Ada,\n")
    assert [line["query_id"] for line in lines] == ["good", "bad-date", "short-year", "last"]
    assert lines[1]["results"][0]["person_id"] == "T-ADA"  # searched by name only
    assert lines[3]["results"][0]["person_id"] == "T-ADA"
    assert "row 3 (query_id 'bad-date'): date_of_birth '31/02/2014' is not a real date" in err
    assert "row 4 (query_id 'short-year'): date_of_birth '10/12/14' has a two-digit year" in err
    assert "row 5: query_id is empty; skipped" in err
    assert "Traceback" not in err


def test_batch_copes_with_bom_blank_rows_extra_columns_and_loose_headers(people, tmp_path):
    text = ("\ufeffQuery ID,First Name,Last Name,Date of Birth,Notes\r\n"
            "\r\n"
            ",,,,\r\n"
            "q1, Ada , LOVELACE ,2014-12-10,referral from school\r\n"
            "q2,Ada,Lovelace\r\n")
    lines, err = run_batch(tmp_path, text.encode("utf-8"))
    assert [line["query_id"] for line in lines] == ["q1", "q2"]
    assert lines[0]["results"][0] == {"person_id": "T-ADA", "score": 1.0}
    assert lines[1]["results"][0]["person_id"] == "T-ADA"
    assert err == ""


def test_batch_knows_the_usual_other_column_names(people, tmp_path):
    lines, err = run_batch(tmp_path, b"ID,Forename,Surname,DOB\nq1,Ada,Lovelace,10/12/2014\n")
    assert lines == [{"query_id": "q1", "results": lines[0]["results"]}]
    assert lines[0]["results"][0] == {"person_id": "T-ADA", "score": 1.0}
    assert err == ""


def test_batch_reads_a_windows_1252_file_and_odd_names(borough, tmp_path):
    borough("T-ZOE", {"first_name": "Zoë", "last_name": "O'Brien-Núñez", "date_of_birth": date(2013, 5, 1)})
    borough.publish()
    text = ("query_id,first_name,last_name,date_of_birth\n"
            "q1,Zoë,O'Brien-Núñez,01/05/2013\n"
            "q2,ZOE,obrien nunez,2013-5-1\n"
            "q3,Zoe,Nunez,1.5.2013\n")
    lines, err = run_batch(tmp_path, text.encode("cp1252"))
    assert [line["results"][0]["person_id"] for line in lines] == ["T-ZOE"] * 3
    assert err == ""


def test_batch_refuses_a_file_it_cannot_read(tmp_path, db):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("search", batch=str(tmp_path / "missing.csv"), json=True, stdout=StringIO())


def test_interactive_date_of_birth_in_another_format_or_wrong(people):
    out = StringIO()
    call_command("search", first_name="Ada", last_name="Lovelace", date_of_birth="10/12/2014", stdout=out)
    assert "CMS7000001" in out.getvalue()
    with pytest.raises(CommandError, match="two-digit year"):
        call_command("search", first_name="Ada", last_name="Lovelace", date_of_birth="10/12/14", stdout=StringIO())
