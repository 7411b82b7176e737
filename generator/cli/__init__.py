"""The command line: parses arguments, calls the stages, prints French messages, sets exit codes.

Takes the user's words; gives back only output and an exit code. One module per command
(`validate`, `init`, `build`, `pdf`, `diff`, `templates`), the group and `main` in `main.py`,
shared options in `common.py`. No logic lives here that a test must reach through the command line.
"""


def main() -> None:
    """The `cdv` entry point (imported on call, so that importing a command module stays light)."""
    from generator.cli.main import main as run

    run()


__all__ = ["main"]
