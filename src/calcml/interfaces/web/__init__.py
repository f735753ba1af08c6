"""The local web app (`calcml serve`): a Starlette app that serves the page and one JSON
endpoint per report in `calcml.interfaces.reports`, computing each answer in a worker process
with a deadline.

Modules: `settings` (limits and pool sizes), `security` (Host allowlist, headers, cross-origin and
size checks), `errors` (exception -> HTTP status), `workers` (the two pools), `app` (routes).
"""
