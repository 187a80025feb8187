"""Training without labels: how common matches are (the prior), u by random sampling, m by EM.

Splink's ``linker.training`` does each step; this module picks the samples and sizes, and makes
two corrections that keep training sound on small files (matches taken out of u; no level a
veto). What it needs of Splink's model beyond the public API goes through ``splink_internals``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from splink import Linker

from familycontext.linkage import model
from familycontext.linkage import splink_internals as internals

Progress = Callable[[str], None]

# Below this the prior is raised to it: tiny inputs give Splink nothing to estimate it from.
PRIOR_MATCH_RATE_FLOOR = 1e-7

# Training looks at samples, not at every pair: the parameters are then fixed for the full
# scoring. Measured on 1M records, more pairs than these change no weight by more than a few
# hundredths of a bit but cost tens of seconds.
U_SAMPLE_PAIRS = 1_000_000
EM_SAMPLE_PAIRS = 400_000

# No level is rarer than this among true matches. EM learns m = 0 for a level its sample never
# shows a match in (a first name unrelated to the other record's; a whole day or month wrong;
# on a 300-record file, almost anything), which would make that level a veto of 30 bits or
# more. Real extracts show every kind of disagreement now and then; one match in a thousand
# keeps such a level strong evidence against (about 10 bits for a different first name)
# without making it absolute.
M_FLOOR = 0.001

# Files up to this many records get the u correction below (and a second EM pass, cheap at
# this size). Above it, matches are too rare among random pairs for the correction to matter.
SMALL_FILE_RECORDS = 50_000
# The correction may make a level at most this many times rarer among non-matches than the
# random sample says (about 4.3 bits): a small sample's m is itself uncertain.
U_CORRECTION_LIMIT = 20.0


def train(linker: Linker, n_records: int, seed: int, progress: Progress) -> None:
    """Train ``linker``'s model in place on its own records."""
    progress("Estimating how common matches are")
    try:
        linker.training.estimate_probability_two_random_records_match(
            model.deterministic_rules(), recall=0.7
        )
    except ValueError:
        pass  # tiny inputs: keep Splink's default prior
    if internals.prior(linker) < PRIOR_MATCH_RATE_FLOOR:
        internals.set_prior(linker, PRIOR_MATCH_RATE_FLOOR)
    progress("Estimating u (how often non-matches agree) by random sampling")
    max_pairs = min(U_SAMPLE_PAIRS, max(1e4, n_records * (n_records - 1) / 2))
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    estimate_m(linker, n_records, progress)
    if n_records <= SMALL_FILE_RECORDS and remove_matches_from_u(linker):
        # The corrected u values change which pairs look like matches: learn m again.
        estimate_m(linker, n_records, progress)
    floor_m(linker)


def estimate_m(linker: Linker, n_records: int, progress: Progress) -> None:
    """One EM pass per training blocking rule; a pass that fails leaves the model as it was."""
    for rule in model.training_blocking_rules():
        progress("Estimating m (how often matches agree) by expectation maximisation")
        # A failed pass would otherwise leave a model without (say) date of birth at all.
        before = internals.snapshot_model(linker)
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule,
                max_pairs=EM_SAMPLE_PAIRS if n_records > 50_000 else None,
                estimate_without_term_frequencies=True,
            )
        except Exception as exc:  # noqa: BLE001 - EM on tiny or degenerate data: keep priors
            internals.restore_model(linker, before)
            logging.getLogger(__name__).warning("EM on %s skipped: %s", rule, exc)


def floor_m(linker: Linker) -> None:
    """Raise every learnt m below M_FLOOR to it (fixed values are left alone)."""
    for level in internals.levels(linker):
        if level.is_null or level.m_fixed or not level.m_trained:
            continue
        if level.m < M_FLOOR:
            level.set_m(M_FLOOR)


def remove_matches_from_u(linker: Linker) -> bool:
    """Take the true matches out of u, which random sampling estimates from *all* pairs.

    Random pairs include matches at the rate lambda (the prior). On a million records that is
    one pair in 300,000 and changes nothing; on a file of a few hundred records with many
    duplicates it is one pair in a thousand, as common as two strangers sharing a date of
    birth, and it makes every agreement look ordinary: a 300-record file lost 5 bits on an
    exact date of birth. Observed agreement = lambda * m + (1 - lambda) * u, so
    u = (observed - lambda * m) / (1 - lambda), with m from EM. Returns whether u changed.
    """
    prior = internals.prior(linker)
    if not 0 < prior < 1:
        return False
    changed = False
    for level in internals.levels(linker):
        if level.is_null or level.u_fixed or not (level.m_trained and level.u_trained):
            continue
        observed, m = level.u, level.m
        corrected = max((observed - prior * m) / (1 - prior), observed / U_CORRECTION_LIMIT)
        if corrected < observed:
            level.replace_u_estimates(corrected, "random sampling, expected matches removed")
            changed = True
    if changed:  # m is learnt afresh from the corrected u
        for level in internals.levels(linker):
            if not level.is_null and not level.m_fixed:
                level.clear_m_estimates()
    return changed
