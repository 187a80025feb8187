"""``familycontext demo-people`` names people of the loaded data for the README's journeys."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tests.web.family import build_family

pytestmark = pytest.mark.django_db


def test_demo_people_names_a_mother_with_her_children_and_services_and_someone_the_police_know():
    build_family()
    out = io.StringIO()
    call_command("demo_people", stdout=out)
    mother, police = out.getvalue().splitlines()
    assert mother.startswith("A mother to try: Jane Smith") and "a mother of 1" in mother
    assert "person ID P00000002" in mother and "CMS101" in mother
    assert "Police" in mother.split("known to")[-1]
    assert police.startswith("Known to the police: Jane Smith")
    assert "Rose" not in out.getvalue()  # never a restricted person


def test_demo_people_says_so_when_nothing_is_loaded():
    out = io.StringIO()
    call_command("demo_people", stdout=out)
    assert "No mother is recorded" in out.getvalue()
