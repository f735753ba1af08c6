"""`python -m calcml` is the `calcml` command."""

from calcml.interfaces.cli import main

main()
