"""The synthetic local authority generator (SPEC 10): families, service extracts, ground truth.

Plain Python, no Django imports, so benchmarks and tests can call ``generate`` directly.
"""

from familycontext.synth.extracts import InvolvementRates
from familycontext.synth.generator import Summary, generate
from familycontext.synth.noise import NoiseRates

__all__ = ["InvolvementRates", "NoiseRates", "Summary", "generate"]
