"""The JSON shapes of /api/v1 (pydantic models; the OpenAPI document is generated from them)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field, field_validator

EARLIEST_BIRTH = date(1900, 1, 1)


def plausible_birth_date(value: date | None) -> date | None:
    """The web form's range: a date of birth from 1900 to today."""
    if value is not None and not EARLIEST_BIRTH <= value <= date.today():
        raise ValueError("date_of_birth must be between 1900-01-01 and today")
    return value


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str = Field(description="A URI identifying the kind of problem")
    title: str
    status: int
    detail: str = Field(description="What went wrong and what to do about it, in plain words")
    instance: str | None = None
    errors: list[dict] | None = Field(None, description="For invalid requests: each field's problem")


class Links(Schema):
    self: str
    next: str | None = None
    previous: str | None = None


class NameQuery(Schema):
    first_name: str = Field(min_length=1, max_length=200, description="First name (either order works)")
    last_name: str = Field(min_length=1, max_length=200, description="Family name")
    date_of_birth: date | None = Field(None, description="Optional; ISO 8601 date, 1900 to today")

    _plausible = field_validator("date_of_birth")(plausible_birth_date)


class IdentifierQuery(Schema):
    identifier: str = Field(min_length=1, max_length=100,
                            description="A case management system (CMS) id or an NHS number")


class PersonLinks(Schema):
    person: str
    services: str
    related: str


class PersonSummary(Schema):
    """A person as a search result shows them. A restricted person's address is never given."""

    id: str
    cms_id: str | None
    first_name: str
    last_name: str
    date_of_birth: date | None
    age: int | None
    address_first_line: str | None
    address_withheld: str | None = Field(
        None, description='"Not shown: restricted" when the address is withheld: the person is restricted, '
        "or a restricted person lives there; otherwise null")
    restricted: bool
    match_strength: str | None = None
    match_score: float | None = None
    links: PersonLinks


class SearchResults(Schema):
    total: int
    limit: int
    offset: int
    results: list[PersonSummary]
    links: Links


class SourcedAddress(Schema):
    address: str | None = Field(description="The address as the source writes it, without the postcode; never an "
                                            "empty string: null when the sources hold only a postcode",
                                min_length=1)
    postcode: str | None = Field(description="Never an empty string: null when no source gives one", min_length=1)
    sources: list[str] = Field(description="The sources that hold this address", min_length=1)


class PersonDetails(Schema):
    id: str
    cms_id: str | None
    first_name: str
    last_name: str
    other_names: list[str]
    date_of_birth: date | None
    age: int | None
    gender: str
    restricted: bool
    addresses: list[SourcedAddress] = Field(
        description="The addresses that may be shown, each with an address or a postcode (never an empty "
                    "string); an empty list for a restricted person")
    addresses_withheld: str | None = Field(
        None, description='"Not shown: restricted" when some address is withheld (the person is restricted, '
        "or a restricted person lives there); otherwise null")
    links: PersonLinks


class Freshness(Schema):
    date_current_as_of: datetime
    coverage_start: date | None
    coverage_end: date | None
    coverage_area: str
    coverage_explanation: str
    stale: bool
    stale_note: str | None
    days_old: int


class ServiceSummary(Schema):
    """A closed card: the flag and how far to trust it, never the details."""

    service: str = Field(description="school, housing, adult-social-care or police")
    title: str
    source_name: str | None
    loaded: bool
    shown_for_age: bool
    age_note: str | None
    age_unknown: bool
    records_found: bool
    known: bool = Field(False, description=(
        "The source holds a record of the person, even when nothing passes the display rules (then "
        "flag_text says so in the rules' words and the details give the contact); false with "
        "records_found false means the source holds no record of the person"))
    flag_text: str
    freshness: Freshness | None
    details_url: str | None = Field(description="Where to open the card; null when there is nothing to open")


class Contact(Schema):
    name: str
    role: str
    phone: str
    email: str
    tel_href: str | None
    mailto_href: str | None


class SchoolDetails(Schema):
    involvement: str
    school_name: str
    admission_type: str
    contact: Contact | None


class HousingDetails(Schema):
    involvement: str | None
    housing_association: str
    tenancy_start: date | None
    contact: Contact | None
    anti_social_behaviour: str
    rent_arrears: str
    notice_seeking_possession: str
    eviction: str


class AdultSocialCareDetails(Schema):
    involvement: str
    local_authority_organisation: str
    contact: Contact | None
    start_of_last_involvement: date | None
    most_recent_interaction: date | None


class Offence(Schema):
    offence_date: date
    offence_type: str
    nature_of_involvement: str


class PoliceDetails(Schema):
    police_area: str
    contact: Contact | None
    safeguarding_offences: list[Offence]
    safeguarding_limit: int
    safeguarding_note: str
    non_safeguarding_records_found: bool


class ServiceDetails(ServiceSummary):
    """An opened card: the same facts as the web page's, shaped per service."""

    contact: Contact | None = Field(None, description="Whom to call at the source, whenever it knows the person")
    school: SchoolDetails | None = None
    housing: HousingDetails | None = None
    adult_social_care: AdultSocialCareDetails | None = None
    police: PoliceDetails | None = None


class RelatedPerson(Schema):
    relationship: str = Field(description=(
        "What this person is to the person asked about, with the case management system's own word "
        "in brackets when it was recorded the other way round: 'Mother', 'Daughter (this person is her "
        "mother)', 'Sister (recorded as sibling)'. For people to read, not to parse."))
    cms_id: str
    person: PersonSummary | None = Field(description="Null when the CMS record is linked to no person")


class RelatedIndividuals(Schema):
    linked_in_cms: list[RelatedPerson]
    same_address: list[PersonSummary] = Field(description="Empty for a restricted person")


class DataSource(Schema):
    service: str
    title: str
    source_key: str
    source_name: str
    records: int
    freshness: Freshness


class Me(Schema):
    username: str
    name: str
    roles: list[str]
    scopes: list[str]
    authentication: str = Field(description="token, oidc or session")
