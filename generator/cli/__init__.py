"""The command line: parses arguments, calls the stages, prints French messages, sets exit codes.

Takes the user's words; gives back nothing but output and an exit code. No logic lives here that a
test must reach through the command line.
"""

from generator.cli.main import main

__all__ = ["main"]
