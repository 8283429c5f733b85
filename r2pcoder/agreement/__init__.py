"""Inter-coder agreement: pure statistics over reliability data, with numpy and no Qt.

This package knows numbers, not projects. Reliability data are one sequence per coder with one
value per unit (``None`` for missing), e.g. ``[[1, 2, None], [1, 2, 3]]``, or the weighted value
patterns of such data (:class:`Patterns`); segments on continua for unitizing. Every coefficient
returns a float, NaN where it is undefined (:func:`why_undefined` says why, in the words of
:mod:`~r2pcoder.agreement.reasons`), and raises :class:`~r2pcoder.errors.AgreementInputError`
for malformed data. The public functions check and encode their data and hand them to one
engine (:func:`outcome`, over weighted value patterns), the same one the reports use.

Where a master's codings become units, values and report rows (which statements, coders and
themes take part, what "not coded" means, strata, snapshots), that is
:mod:`r2pcoder.reliability`: it builds reliability data and patterns from a project and asks
this package for every figure. Must not import Qt or ``ui``.
"""

from r2pcoder.agreement._data import LEVELS, Level, Outcome, ReliabilityData
from r2pcoder.agreement.alpha import krippendorff_alpha
from r2pcoder.agreement.bootstrap import (
    BOOTSTRAP_METHODS,
    AlphaBootstrap,
    BootstrapMethod,
    BootstrapRequest,
    bootstrap_alpha,
    bootstrap_alphas,
    describe_method,
)
from r2pcoder.agreement.engine import TWO_CODER_MEASURES, outcome
from r2pcoder.agreement.pairwise import cohen_kappa, scott_pi
from r2pcoder.agreement.patterns import Patterns, from_counts, patterns_of
from r2pcoder.agreement.raters import (
    brennan_prediger,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    percent_agreement,
)
from r2pcoder.agreement.resample import draw_clusters
from r2pcoder.agreement.undefined import MEASURES, why_undefined
from r2pcoder.agreement.unitizing import unitizing_alpha, unitizing_outcome

__all__ = [
    "BOOTSTRAP_METHODS",
    "LEVELS",
    "MEASURES",
    "TWO_CODER_MEASURES",
    "AlphaBootstrap",
    "BootstrapMethod",
    "BootstrapRequest",
    "Level",
    "Outcome",
    "Patterns",
    "ReliabilityData",
    "bootstrap_alpha",
    "bootstrap_alphas",
    "brennan_prediger",
    "cohen_kappa",
    "conger_kappa",
    "describe_method",
    "draw_clusters",
    "fleiss_kappa",
    "from_counts",
    "gwet_ac1",
    "krippendorff_alpha",
    "outcome",
    "patterns_of",
    "percent_agreement",
    "scott_pi",
    "unitizing_alpha",
    "unitizing_outcome",
    "why_undefined",
]
