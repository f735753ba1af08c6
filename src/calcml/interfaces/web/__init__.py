"""The local web app (`calcml serve`): a Starlette app that serves the page and one JSON
endpoint per report in `calcml.interfaces.reports`, computing each answer in a worker process
with a deadline.

Modules, lowest first; each imports only modules to its left: `settings` (limits and pool
sizes), `errors` (exception -> HTTP status) → `security` (Host allowlist, headers, cross-origin
and size checks), `workers` (the two pools) → `app` (routes).
"""
