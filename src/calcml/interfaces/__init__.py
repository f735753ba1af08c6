"""calcml.interfaces: the command line, the local web app and the reports both serve.

Modules, lowest first; each imports only modules to its left: plots, reports → output → web →
commands → cli. The reports are the one JSON source: the CLI's `--json` and the web API call them.
"""
