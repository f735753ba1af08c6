"""The `calcml` command: one group whose commands load on demand (see `commands/__init__.py`)."""

from __future__ import annotations

import importlib

import click

from calcml.interfaces.commands import COMMANDS


class LazyGroup(click.Group):
    """A group that imports a command's module only when the command is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if self._load(name) is not None)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._load(name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(f"calcml.interfaces.commands.{module_name}")
        except ModuleNotFoundError as exc:  # a part not built yet: its commands are absent
            if exc.name == f"calcml.interfaces.commands.{module_name}":
                return None
            raise
        return getattr(module, attr, None)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"],
                                              "max_content_width": 100})  # fmt: skip
@click.version_option(package_name="calcml")
def main() -> None:
    """calcml: calculus for machine learning, computed and explained.

    \b
    Examples:
      calcml diff "x^3*sin(x)" --steps
      calcml integrate "x^2" --from 0 --to 3 --steps
      calcml tour
    """


if __name__ == "__main__":
    main()
