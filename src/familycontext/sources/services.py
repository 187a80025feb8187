"""The five services and the files each sends (SPEC 3). One table; the loader and docs read it."""

from __future__ import annotations

from dataclasses import dataclass

CMS = "cms"
SCHOOL = "school"
HOUSING = "housing"
ADULT_SOCIAL_CARE = "adult_social_care"
POLICE = "police"

SERVICES = (CMS, SCHOOL, HOUSING, ADULT_SOCIAL_CARE, POLICE)
SERVICE_LABELS = {
    CMS: "Children's social care",
    SCHOOL: "School",
    HOUSING: "Housing",
    ADULT_SOCIAL_CARE: "Adult Social Care",
    POLICE: "Police",
}

IDENTITY_COLUMNS = (
    "record_id",
    "first_name",
    "last_name",
    "other_names",
    "date_of_birth",
    "gender",
    "address",
    "postcode",
    "nhs_number",
)
# Identity columns a person-bearing file must have (the rest may be absent from the header).
REQUIRED_IDENTITY = ("record_id", "first_name", "last_name", "date_of_birth")
CONTACT_COLUMNS = ("contact_name", "contact_role", "contact_phone", "contact_email")
GENDERS = ("Female", "Male", "Other", "Unknown")


@dataclass(frozen=True)
class FileSpec:
    """One file of a bundle: its name, whether its rows carry identity, and its own columns."""

    service: str
    name: str  # file stem: people, relationships, enrolments, ...
    person_bearing: bool
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    must_be_present: bool = True

    @property
    def columns(self) -> tuple[str, ...]:
        identity = IDENTITY_COLUMNS if self.person_bearing else ("record_id",)
        return identity + self.required + self.optional


FILES: tuple[FileSpec, ...] = (
    FileSpec(CMS, "people", True, ()),
    FileSpec(CMS, "relationships", False, ("related_record_id", "relationship"), must_be_present=False),
    FileSpec(SCHOOL, "enrolments", True, ("school_name", "admission_type", "enrolment_start"),
             ("enrolment_end",) + CONTACT_COLUMNS),
    FileSpec(HOUSING, "tenancies", True, ("housing_association", "tenancy_start"),
             ("tenancy_end",) + CONTACT_COLUMNS),
    FileSpec(HOUSING, "cases", False, ("case_type", "opened"), ("closed", "arrears_weeks", "role"),
             must_be_present=False),
    FileSpec(ADULT_SOCIAL_CARE, "involvements", True, ("local_authority_organisation", "involvement_start"),
             ("involvement_end", "most_recent_interaction", "plan_status") + CONTACT_COLUMNS),
    FileSpec(POLICE, "people", True, (), ("police_area",) + CONTACT_COLUMNS),
    FileSpec(POLICE, "offences", False, ("offence_date", "offence_type", "nature_of_involvement"),
             must_be_present=False),
)


def files_for(service: str) -> tuple[FileSpec, ...]:
    return tuple(f for f in FILES if f.service == service)
