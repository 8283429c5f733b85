"""Inter-coder agreement: pure statistics over reliability data, with numpy and no Qt.

Reliability data are one sequence per coder with one value per unit (``None`` for missing),
e.g. ``[[1, 2, None], [1, 2, 3]]``. Every coefficient returns a float, NaN where it is
undefined (:func:`why_undefined` says why), and raises
:class:`~r2pcoder.errors.AgreementInputError` for malformed data. Must not import Qt or ``ui``.
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
from r2pcoder.agreement.pairwise import cohen_kappa, scott_pi
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
    "AlphaBootstrap",
    "BootstrapMethod",
    "BootstrapRequest",
    "Level",
    "Outcome",
    "ReliabilityData",
    "bootstrap_alpha",
    "bootstrap_alphas",
    "brennan_prediger",
    "cohen_kappa",
    "conger_kappa",
    "describe_method",
    "draw_clusters",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "percent_agreement",
    "scott_pi",
    "unitizing_alpha",
    "unitizing_outcome",
    "why_undefined",
]
