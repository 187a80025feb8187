"""``familycontext link-records``: a file in, record_id,person_id out, clear errors, no traceback."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from tests.linkage.messy import pairwise_scores, population


def test_links_a_file_and_writes_record_id_and_person_id(tmp_path: Path) -> None:
    records, truth = population(120, seed=3)
    src = tmp_path / "in.csv"
    records.to_csv(src, index=False)
    out = tmp_path / "out.csv"
    call_command("link_records", str(src), "--out", str(out), stdout=open(tmp_path / "log", "w"))
    written = pd.read_csv(out, dtype=str)
    assert list(written.columns) == [
        "record_id",
        "person_id",
    ]  # record ids are unique across this file
    assert len(written) == len(records) and written["person_id"].str.match(r"^P\d{9}$").all()
    clusters = records[["source", "record_id"]].merge(written, on="record_id")
    clusters["unique_id"] = clusters["source"] + ":" + clusters["record_id"]
    assert (
        pairwise_scores(clusters.rename(columns={"person_id": "cluster_id"}), truth)["precision"]
        >= 0.99
    )


def test_source_column_is_written_when_record_ids_repeat_across_sources(tmp_path: Path) -> None:
    records, _truth = population(60, seed=5)
    records["record_id"] = records.groupby("source").cumcount().astype(str)
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    records.to_csv(src, index=False)
    call_command("link_records", str(src), "--out", str(out), stdout=open(tmp_path / "log", "w"))
    assert list(pd.read_csv(out, nrows=0).columns) == ["source", "record_id", "person_id"]


def test_impossible_dates_are_blanked_counted_and_warned_not_the_file_refused(
    tmp_path: Path,
) -> None:
    records, _truth = population(40, seed=5)
    for row, value in ((2, "1906-02-29"), (5, "1938-11-31"), (7, "19O6-O2-11")):
        records.loc[row, "date_of_birth"] = value
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    records.to_csv(src, index=False)
    err = tmp_path / "err"
    with open(err, "w") as stderr:
        call_command(
            "link_records",
            str(src),
            "--out",
            str(out),
            stdout=open(tmp_path / "log", "w"),
            stderr=stderr,
        )
    written = pd.read_csv(out, dtype=str)
    assert len(written) == len(records)  # every record has a person, the bad-dated ones too
    warning = err.read_text()
    assert "3 impossible date(s) of birth blanked" in warning
    assert "row 4 '1906-02-29'" in warning and "row 7 '1938-11-31'" in warning


def test_review_pairs_carry_their_reason(tmp_path: Path) -> None:
    src, _truth = _small_synthetic_file(tmp_path, 600, optional=True)
    out, review = tmp_path / "out.csv", tmp_path / "review.csv"
    call_command(
        "link_records",
        str(src),
        "--out",
        str(out),
        "--review",
        str(review),
        "--lower",
        "0.2",
        stdout=open(tmp_path / "log", "w"),
    )
    pairs = pd.read_csv(review, dtype=str, keep_default_na=False)
    assert list(pairs.columns) == ["unique_id_l", "unique_id_r", "match_probability", "reason"]
    assert len(pairs) and set(pairs["reason"]) <= {
        "band",
        "first_name",
        "date_of_birth",
        "gender",
        "chain",
        "undated_housemates",
        "nhs_number",
    }
    probability = pairs["match_probability"].astype(float)
    assert ((pairs["reason"] == "band") == (probability < 0.99)).all()


def test_missing_file_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        call_command(
            "link_records", str(tmp_path / "absent.csv"), "--out", str(tmp_path / "out.csv")
        )


def _small_synthetic_file(
    tmp_path: Path, people: int, *, optional: bool
) -> tuple[Path, pd.DataFrame]:
    """A synthetic borough's records as one file; without ``optional``, no NHS numbers, other
    names or genders (columns absent or blank), as many council extracts are."""
    from datetime import date

    from familycontext.synth.generator import generate
    from tests.linkage.synthetic import read_synth

    generate(people, 5, tmp_path / "synth", as_of=date(2026, 1, 1))
    records, truth = read_synth(tmp_path / "synth")
    if not optional:
        records = records.drop(columns=["nhs_number", "other_names"]).assign(gender="")
    src = tmp_path / "in.csv"
    records.to_csv(src, index=False)
    return src, truth


def _check_small_file_links_sensibly(tmp_path: Path, src: Path, truth: pd.DataFrame) -> None:
    out = tmp_path / "out.csv"
    call_command("link_records", str(src), "--out", str(out), stdout=open(tmp_path / "log", "w"))
    written = pd.read_csv(out, dtype=str)
    records = pd.read_csv(src, dtype=str, usecols=["source", "record_id"])
    key = ["source", "record_id"] if "source" in written.columns else ["record_id"]
    clusters = records.merge(written, on=key).rename(columns={"person_id": "cluster_id"})
    scores = pairwise_scores(clusters, truth)
    true_sizes = truth.groupby("person_key").size()
    sizes = clusters.groupby("cluster_id").size()
    # Trained on a few hundred records it must neither link everything nor nothing.
    assert scores["precision"] >= 0.99 and scores["recall"] >= 0.85, scores
    assert sizes.max() <= true_sizes.max() + 1
    assert 0.9 * len(true_sizes) <= len(sizes) <= 1.1 * len(true_sizes)


@pytest.mark.parametrize("optional", [True, False], ids=["all columns", "no optional columns"])
def test_a_file_of_about_300_records_trains_on_itself_and_links_sensibly(
    tmp_path: Path, optional: bool
) -> None:
    src, truth = _small_synthetic_file(tmp_path, 600, optional=optional)
    assert 200 <= len(truth) <= 400
    _check_small_file_links_sensibly(tmp_path, src, truth)


@pytest.mark.slow
def test_a_file_of_about_3000_records_without_optional_columns_links_sensibly(
    tmp_path: Path,
) -> None:
    src, truth = _small_synthetic_file(tmp_path, 6000, optional=False)
    assert 2000 <= len(truth) <= 4000
    _check_small_file_links_sensibly(tmp_path, src, truth)


def test_decisions_are_obeyed_and_counted_per_reason(tmp_path: Path) -> None:
    src, _truth = _small_synthetic_file(tmp_path, 600, optional=True)
    out, review = tmp_path / "out.csv", tmp_path / "review.csv"
    log = open(tmp_path / "log", "w")
    call_command(
        "link_records",
        str(src),
        "--out",
        str(out),
        "--review",
        str(review),
        "--lower",
        "0.5",
        stdout=log,
    )
    pairs = pd.read_csv(review, dtype=str, keep_default_na=False)
    assert len(pairs) >= 2
    same, different = pairs.iloc[0], pairs.iloc[1]
    decisions = tmp_path / "decisions.csv"
    pd.DataFrame(
        {
            "unique_id_l": [same["unique_id_l"], different["unique_id_l"]],
            "unique_id_r": [same["unique_id_r"], different["unique_id_r"]],
            "decision": ["same", "different"],
        }
    ).to_csv(decisions, index=False)
    call_command(
        "link_records",
        str(src),
        "--out",
        str(out),
        "--review",
        str(review),
        "--lower",
        "0.5",
        "--decisions",
        str(decisions),
        stdout=log,
    )
    written = pd.read_csv(out, dtype=str)
    records = pd.read_csv(src, dtype=str, usecols=["source", "record_id"])
    person = dict(
        zip(
            records["source"] + ":" + records["record_id"],
            records.merge(
                written, on=["source", "record_id"] if "source" in written else ["record_id"]
            )["person_id"],
            strict=True,
        )
    )
    assert person[same["unique_id_l"]] == person[same["unique_id_r"]]
    assert person[different["unique_id_l"]] != person[different["unique_id_r"]]
    left = pd.read_csv(review, dtype=str, keep_default_na=False)
    decided = {
        (same["unique_id_l"], same["unique_id_r"]),
        (different["unique_id_l"], different["unique_id_r"]),
    }
    assert not decided & set(zip(left["unique_id_l"], left["unique_id_r"], strict=True))


def test_a_bad_decision_names_its_row(tmp_path: Path) -> None:
    records, _truth = population(10, seed=5)
    src, decisions = tmp_path / "in.csv", tmp_path / "decisions.csv"
    records.to_csv(src, index=False)
    decisions.write_text("unique_id_l,unique_id_r,decision\na:1,a:2,same\na:1,a:3,maybe\n")
    with pytest.raises(CommandError, match=r"decisions\.csv, row 3, column decision: 'maybe'"):
        call_command(
            "link_records",
            str(src),
            "--out",
            str(tmp_path / "out.csv"),
            "--decisions",
            str(decisions),
        )
