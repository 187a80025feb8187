"""Housing (Northmoor Homes and partner landlords): social tenancies and the cases on them."""

from __future__ import annotations

from datetime import date, timedelta

from familycontext.sources.services import HOUSING
from familycontext.synth.extracts import Context, Extract, random_day, years_before
from familycontext.synth.names import origin_pools
from familycontext.synth.organisations import HOUSING_ROLES, Organisation, make_organisations
from familycontext.synth.places import BOROUGH
from familycontext.synth.population import Cluster, Person

LANDLORD = f"{BOROUGH} Homes"


class HousingExtract(Extract):
    service = HOUSING
    source_name = LANDLORD
    coverage_years = 5
    nhs_share = 0.02
    coverage_explanation = (f"Social housing tenancies with {LANDLORD} and its partner housing "
                            "associations, current or ended in the last five years, and their cases. "
                            "Private renters and owner-occupiers are not included.")

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        last = origin_pools()[0].last
        partners = [f"{last.pick(self.rng)} Housing Trust", f"{context.borough.towns[0]} Housing Association"]
        self.landlords: list[Organisation] = make_organisations(
            self.rng, [LANDLORD, *partners], HOUSING_ROLES, contacts_each=6)

    def format_id(self, number: int) -> str:
        return f"NH{number:07d}"

    def _landlord(self) -> Organisation:
        return self.landlords[0] if self.rng.random() < 0.75 else self.rng.choice(self.landlords[1:])

    def _tenancy(self, landlord: Organisation, start: date, end: date | None) -> list[str]:
        contact = self.rng.choice(landlord.contacts).columns() if self.rng.random() < 0.92 else [""] * 4
        return [landlord.name, start.isoformat(), end.isoformat() if end else "", *contact]

    def _chance(self, adults: list[Person], household: list[Person], vulnerable: bool) -> float:
        chance = self.rates.social_housing
        if len(adults) == 1 and len(household) > 1:
            chance *= 2  # lone parents
        elif len(adults) == 1 and adults[0].age(self.as_of) >= 65:
            chance *= 1.4
        return min(0.9, chance * (self.rates.vulnerable_multiplier / 1.5 if vulnerable else 1))

    def _cases(self, record_id: str, since: date, vulnerable: bool) -> None:
        rng, rates = self.rng, self.rates
        boost = self.rates.vulnerable_multiplier if vulnerable else 1.0
        since = max(since, self.coverage_start)

        def case(case_type: str, arrears: str = "", role: str = "") -> None:
            opened = random_day(rng, since, self.as_of)
            closed: date | None = opened + timedelta(days=rng.randint(14, 400))
            if closed > self.as_of or rng.random() < 0.25:
                closed = None
            self.files["cases"].add([record_id, case_type, opened.isoformat(),
                                     closed.isoformat() if closed else "", arrears, role])

        if rng.random() < min(0.9, rates.anti_social_behaviour * boost):
            for _ in range(1 + (rng.random() < 0.3)):
                case("anti_social_behaviour", role="perpetrator" if rng.random() < 0.6 else "victim")
        if rng.random() < min(0.9, rates.rent_arrears * boost):
            case("rent_arrears", arrears=f"{round(rng.gammavariate(2, 3) * 2) / 2:.1f}")
            if rng.random() < rates.notice_given_arrears:
                case("notice_seeking_possession")
                if rng.random() < rates.eviction_given_notice:
                    case("eviction")

    def take(self, cluster: Cluster) -> None:
        rng = self.rng
        for household in cluster.households:
            adults = [p for p in household if p.age(self.as_of) >= 18 and p.role != "lodger"]
            if not adults:
                continue
            social = rng.random() < self._chance(adults, household, cluster.vulnerable)
            historic_only = not social and rng.random() < 0.03
            if not (social or historic_only):
                continue
            partners = cluster.kind == "couple" or (len(adults) > 1 and adults[1].role != "adult")
            joint = len(adults) > 1 and partners and rng.random() < 0.5
            tenants = adults[:2] if joint else adults[:1]
            youngest_adult = max(years_before(t.dob, -18) for t in tenants)
            earliest = max(youngest_adult, years_before(self.as_of, 25))
            landlord = self._landlord()
            start = random_day(rng, earliest, self.as_of - timedelta(days=30))
            rows: list[list[str]] = []
            if historic_only:
                end = random_day(rng, max(start, self.coverage_start), self.as_of)
                rows.append(self._tenancy(landlord, start, end))
            else:
                if rng.random() < self.rates.historic_tenancy and start > self.coverage_start:
                    before = random_day(rng, max(earliest, years_before(start, 10)), start)
                    rows.append(self._tenancy(self._landlord(), before, start))
                rows.append(self._tenancy(landlord, start, None))
            lead: str | None = None
            for tenant in tenants:
                for identity in self.records(tenant):
                    lead = lead or identity[0]
                    for row in rows:
                        self.files["tenancies"].add([*identity, *row])
            if lead is not None:
                self._cases(lead, start, cluster.vulnerable)
