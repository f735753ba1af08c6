"""Test-wide collection rules."""

# tests/data/make_*.py regenerate reference values with peers (scikit-learn, scoringrules) that
# the test environment does not install; they are scripts, not tests.
collect_ignore_glob = ["data/*.py"]
