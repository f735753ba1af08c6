"""The CLI's commands, each in its own module, imported only when that command runs.

Importing lazily keeps `calcml diff` fast from a cold start: training code, SciPy and matplotlib
load only for the commands that need them.

The command modules import one another in one place only: `scores` reuses the option parsing of
`stats`. Everything else comes from the packages below (output, reports, plots, web).
"""

from __future__ import annotations

#: command name -> "module:attribute" under calcml.interfaces.commands
COMMANDS: dict[str, str] = {
    "diff": "derivatives:diff_command",
    "grad": "derivatives:grad_command",
    "tangent": "derivatives:tangent_command",
    "integrate": "integrals:integrate_command",
    "extrema": "extrema:extrema_command",
    "critical": "extrema:critical_command",
    "minimize": "learning:minimize_command",
    "train": "learning:train_command",
    "serve": "serve:serve_command",
    "auc": "stats:auc_command",
    "dist": "stats:dist_command",
    "crps": "scores:crps_command",
    "kl": "scores:kl_command",
    "tour": "tour:tour_command",
    "check": "check:check_command",
}
