"""One function per request: the JSON that `calcml CMD --json` prints and the web API returns.

Each report takes the request's parameters as text, exactly as a person typed them on the command
line or in the page (`{"expr": "x^2", "at": "3"}`), and returns one JSON-ready dict. The CLI's
`--json` and the web endpoint `/api/NAME` call the same function, so the two cannot drift apart.
Errors are calcml's own exceptions (`ParseError` with its column, `NoClosedFormError`, ...);
each interface turns them into its own form (an exit code, an HTTP status).

`lane` says how costly a report may be: "cheap" ones (derivatives, parsing) never queue behind
"slow" ones (integrals, training) in the web server's worker pools.

The reports live in one module per view (calculus, plots, learning, probability, check); the
registry and the helpers they share are in `base`. This package imports them all, so
`from calcml.interfaces.reports import REPORTS` gives every report.

Modules, lowest first: base → calculus, check, learning, plots, probability (which import only
base) → this package.
"""

from calcml.interfaces.reports import calculus, check, learning, plots, probability  # noqa: F401
from calcml.interfaces.reports.base import REPORTS as REPORTS
from calcml.interfaces.reports.base import Params as Params
from calcml.interfaces.reports.base import Report as Report
from calcml.interfaces.reports.base import report as report
