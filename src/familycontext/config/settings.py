"""Load and validate the council's configuration file.

Every policy a council may change (age bands, windows, offence lists, staleness, sessions,
thresholds, wording) lives here, not in code. A bad value stops start-up with a message that
names the key, because a silently ignored typo in a police window is a data-protection incident.
"""

from __future__ import annotations

import os
import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

SAFEGUARDING_OFFENCES = [
    "Homicide",
    "Other sexual offences",
    "Possession of weapons",
    "Rape",
    "Robbery",
    "Violence with injury",
    "Violence without injury",
]
NON_SAFEGUARDING_OFFENCES = [
    "Arson",
    "Burglary – business and community",
    "Burglary – residential",
    "Criminal damage",
    "Miscellaneous crimes against society",
    "Other theft",
    "Possession of drugs",
    "Public order offences",
    "Shoplifting",
    "Theft from a person",
    "Theft of a motor vehicle",
    "Trafficking in controlled drugs",
]

NonNegInt = Annotated[int, Field(ge=0)]
ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")
Share = Annotated[float, Field(ge=0.0, le=1.0)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Council(_Section):
    name: str = "Example Borough Council"
    service_name: str = "Family Context"
    feedback_email: str = "familycontext@example.gov.uk"
    help_signing_in: str = "Contact the IT service desk on 0161 000 0000 if you cannot sign in."
    phase: str = "Beta"


class Guidance(_Section):
    """Text a council shows on a screen, e.g. whether consent is needed for section 17 work."""

    search: str = ""
    results: str = ""
    person: str = ""
    reason: str = ""


class AgeBand(_Section):
    min_age: NonNegInt | None = None
    max_age: NonNegInt | None = None

    @model_validator(mode="after")
    def _ordered(self) -> AgeBand:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError("min_age must not be greater than max_age")
        return self


class AgeBands(_Section):
    school: AgeBand = AgeBand(min_age=4, max_age=20)
    adult_social_care: AgeBand = AgeBand(min_age=15)
    housing: AgeBand = AgeBand(min_age=16)
    police: AgeBand = AgeBand(min_age=18)


class Police(_Section):
    safeguarding_conviction_months: NonNegInt = 60
    safeguarding_suspect_months: NonNegInt = 12
    non_safeguarding_conviction_months: NonNegInt = 24
    non_safeguarding_suspect_months: NonNegInt = 12
    max_safeguarding_offences: Annotated[int, Field(ge=1, le=10)] = 3
    safeguarding_offence_types: list[str] = Field(default_factory=lambda: list(SAFEGUARDING_OFFENCES))
    non_safeguarding_offence_types: list[str] = Field(
        default_factory=lambda: list(NON_SAFEGUARDING_OFFENCES)
    )

    @model_validator(mode="after")
    def _lists_disjoint(self) -> Police:
        both = set(self.safeguarding_offence_types) & set(self.non_safeguarding_offence_types)
        if both:
            raise ValueError(f"offence types in both lists: {sorted(both)}")
        return self


class Housing(_Section):
    notice_seeking_possession_months: NonNegInt = 12
    eviction_months: NonNegInt = 12
    rent_arrears_min_weeks: NonNegInt = 6


class Freshness(_Section):
    stale_after_days: Annotated[int, Field(ge=1)] = 7


class Sessions(_Section):
    inactivity_timeout_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 15
    absolute_limit_hours: Annotated[int, Field(ge=1, le=24 * 7)] = 10


# The product's roles (SPEC 1); accounts.roles defines them, repeated here so that a role map in
# the configuration file is checked at start-up (the configuration layer imports nothing above it).
ROLE_NAMES = ("practitioner", "team_manager", "auditor", "data_manager", "administrator")


class SingleSignOn(_Section):
    """OpenID Connect single sign-on (Microsoft Entra ID or any provider with a discovery document)."""

    enabled: bool = False
    issuer: str = ""
    client_id: str = ""
    # The *name* of the environment variable holding the client secret, never the secret itself.
    client_secret_env: str = "FAMILYCONTEXT_SSO_CLIENT_SECRET"
    scopes: list[str] = Field(default_factory=lambda: ["openid", "profile", "email"])
    username_claim: str = "preferred_username"
    groups_claim: str = "groups"
    role_map: dict[str, list[str] | str] = Field(default_factory=dict)
    button_text: str = "Sign in with your council account"

    @model_validator(mode="after")
    def _complete(self) -> SingleSignOn:
        if self.enabled and not (self.issuer and self.client_id):
            raise ValueError("issuer and client_id are needed when single sign-on is enabled")
        local = ("http://127.0.0.1", "http://localhost")  # a provider on this machine, for tests
        if self.issuer and not self.issuer.startswith(("https://", *local)):
            raise ValueError("issuer must be an https:// address")
        if "openid" not in self.scopes:
            raise ValueError("scopes must include openid")
        for group, roles in self.role_map.items():
            unknown = set([roles] if isinstance(roles, str) else roles) - set(ROLE_NAMES)
            if unknown:
                raise ValueError(f"role_map[{group!r}] names unknown role(s) {sorted(unknown)}; "
                                 f"roles are {', '.join(ROLE_NAMES)}")
        return self

    def roles_for(self, groups: list[str]) -> set[str]:
        """The product roles that the provider's groups map to (groups not in the map give none)."""
        roles: set[str] = set()
        for group in groups:
            mapped = self.role_map.get(group, [])
            roles.update([mapped] if isinstance(mapped, str) else mapped)
        return roles


class LocalAccounts(_Section):
    """Accounts whose password Family Context keeps, for councils without single sign-on."""

    enabled: bool = True
    lockout_after_failures: Annotated[int, Field(ge=1, le=100)] = 5
    lockout_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 15
    second_factor: str = "optional"
    # Beside the per-account lockout: failed sign-ins from one client address (a whole office
    # behind one proxy shares it, hence a high default) before sign-in from it answers 429 for
    # the rest of the minute; and how many accounts failing from one address within ten minutes
    # raise an alert for auditors (password spraying).
    failed_sign_ins_per_address_per_minute: Annotated[int, Field(ge=1, le=100_000)] = 30
    spray_alert_accounts: Annotated[int, Field(ge=2, le=100_000)] = 10

    @model_validator(mode="after")
    def _known(self) -> LocalAccounts:
        if self.second_factor not in ("off", "optional", "required"):
            raise ValueError("second_factor must be 'off', 'optional' or 'required'")
        return self


class Loading(_Section):
    max_rejected_share: Share = 0.05
    max_record_drop_share: Share = 0.5


SparkMemory = Annotated[str, Field(pattern=r"^(\d+[kKmMgGtT]?)?$")]


class Linkage(_Section):
    upper_threshold: Share = 0.99
    lower_threshold: Share = 0.80
    engine: str = "duckdb"
    # Apache Spark, used when engine = "spark" (docs/scale.md). An empty master lets
    # spark-submit's --master (or spark-defaults.conf) decide.
    spark_master: str = "local[2]"
    spark_driver_memory: SparkMemory = "4g"
    spark_executor_memory: SparkMemory = ""
    spark_shuffle_partitions: Annotated[int, Field(ge=1, le=100_000)] = 16
    spark_checkpoint_dir: str = ""
    spark_conf: dict[str, str] = {}

    @model_validator(mode="after")
    def _ordered(self) -> Linkage:
        if self.lower_threshold > self.upper_threshold:
            raise ValueError("lower_threshold must not be greater than upper_threshold")
        if self.engine not in ("duckdb", "spark"):
            raise ValueError("engine must be 'duckdb' or 'spark'")
        master = self.spark_master
        if master and not master.startswith(("spark://", "k8s://", "yarn", "local")):
            raise ValueError(
                "spark_master must be empty, local[N], spark://HOST:PORT, yarn or k8s://URL"
            )
        bad = [k for k in self.spark_conf if not k.startswith("spark.")]
        if bad:
            raise ValueError(f"spark_conf keys must start with 'spark.': {', '.join(bad)}")
        return self


class Audit(_Section):
    retention_days: Annotated[int, Field(ge=30)] = 730
    alert_views_per_hour: Annotated[int, Field(ge=1)] = 60
    break_glass_min_length: Annotated[int, Field(ge=10, le=1000)] = 30


class Disclosure(_Section):
    """What is withheld about restricted people (docs/security.md#restricted-people)."""

    # Withhold every address where a restricted person lives, for everyone recorded at it
    # (relatives, lodgers): showing a relative's address would show the refuge's or adopters'.
    withhold_restricted_households: bool = True


class Reason(_Section):
    """The reason for access (SPEC 8): when it is asked and what a real one looks like."""

    # "search": before the first search of a session (results show dates of birth and
    # addresses); "person": before the first person view, as the SPEC's minimum.
    asked_before: Literal["search", "person"] = "search"
    other_min_length: Annotated[int, Field(ge=1, le=500)] = 15


class Api(_Section):
    """The JSON API (docs/api.md): a per-client request budget and bearer-token checks."""

    requests_per_minute: Annotated[int, Field(ge=1, le=100_000)] = 120
    max_token_days: Annotated[int, Field(ge=1, le=3660)] = 365
    # OIDC bearer tokens: audience expected in "aud" (default: the [sso] client id) and the
    # claim naming the user (default: the [sso] user claim, else preferred_username).
    bearer_audience: str = ""
    bearer_user_claim: str = ""
    # The 2021 reference UI's production build, served at /FamilyContext/ (docs/api.md); blank: not served.
    reference_ui_folder: str = ""
    # Other origins whose pages may call /api/ with the user's cookie (CORS); empty: none (default).
    cors_allowed_origins: list[str] = Field(default_factory=list)

    @field_validator("cors_allowed_origins")
    @classmethod
    def _origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            if not ORIGIN.fullmatch(origin):
                raise ValueError(f"{origin!r} is not an origin: give scheme and host (and port) only, "
                                 "like https://familycontext-ui.example.gov.uk; '*' is not allowed")
        return origins

    @field_validator("reference_ui_folder")
    @classmethod
    def _ui_folder_is_a_build(cls, folder: str) -> str:
        if folder and not (Path(folder).is_absolute() and (Path(folder) / "index.html").is_file()):
            raise ValueError(f"must be the absolute path of a folder holding the build's index.html; "
                             f"{folder!r} is not")
        return folder


class Configuration(_Section):
    council: Council = Council()
    guidance: Guidance = Guidance()
    age_bands: AgeBands = AgeBands()
    police: Police = Police()
    housing: Housing = Housing()
    freshness: Freshness = Freshness()
    sessions: Sessions = Sessions()
    loading: Loading = Loading()
    linkage: Linkage = Linkage()
    audit: Audit = Audit()
    api: Api = Api()
    disclosure: Disclosure = Disclosure()
    reason: Reason = Reason()
    sso: SingleSignOn = SingleSignOn()
    local_accounts: LocalAccounts = LocalAccounts()

    @model_validator(mode="after")
    def _some_way_in(self) -> Configuration:
        if not self.local_accounts.enabled and not self.sso.enabled:
            raise ValueError("local_accounts.enabled = false needs sso.enabled = true "
                             "(otherwise nobody could sign in)")
        return self


class ConfigError(Exception):
    """The configuration file is missing, unreadable or has a bad value; the message names the key."""


def _describe(error: ValidationError, path: Path | None) -> str:
    where = f" in {path}" if path else ""
    lines = [f"The configuration{where} is not valid:"]
    for item in error.errors():
        key = ".".join(str(p) for p in item["loc"]) or "(top level)"
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown key (check the spelling against docs/configuration.md)"
        lines.append(f"  - {key}: {message}")
    return "\n".join(lines)


def load_configuration(path: str | os.PathLike[str] | None) -> Configuration:
    """Read a TOML file (or the defaults when ``path`` is None) and validate every key."""
    if path is None:
        return Configuration()
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"The configuration file {file} does not exist.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"The configuration file {file} is not valid TOML: {exc}") from exc
    try:
        return Configuration.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, file)) from exc


def configuration_path() -> str | None:
    return os.environ.get("FAMILYCONTEXT_CONFIG") or None


@lru_cache(maxsize=1)
def current() -> Configuration:
    """The live configuration (read once per process; tests may call ``current.cache_clear()``)."""
    return load_configuration(configuration_path())
