"""Running LibreOffice: command lines short enough for every system, one process group per run
(killed with every helper it started on a timeout or Ctrl+C), and its own error lines.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

# Keep the command line well under Windows' limit (32,767 characters).
MAX_COMMAND_CHARS = 24_000


def _batches(names: list[str]) -> list[list[str]]:
    """Split the file names so that no command line gets too long (in practice: one batch)."""
    batches: list[list[str]] = [[]]
    length = 0
    for name in names:
        if batches[-1] and length + len(name) + 1 > MAX_COMMAND_CHARS:
            batches.append([])
            length = 0
        batches[-1].append(name)
        length += len(name) + 1
    return batches


def _kill_group(process: subprocess.Popen) -> None:
    """Kill LibreOffice and every process it started."""
    try:
        if sys.platform == "win32":
            subprocess.run(
                ["taskkill", "/F", "/T", "/PID", str(process.pid)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        else:
            os.killpg(process.pid, signal.SIGKILL)
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        process.kill()
    except OSError:
        pass
    try:
        process.communicate(timeout=10)
    except (subprocess.TimeoutExpired, ValueError, OSError):
        pass


def _run(command: list[str], cwd: Path, timeout: float) -> tuple[int, str]:
    """Run LibreOffice in its own process group; return (exit status, its messages)."""
    options: dict = {}
    if sys.platform == "win32":
        options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
    else:
        options["start_new_session"] = True
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        **options,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise
    except BaseException:  # Ctrl+C: leave no LibreOffice behind
        _kill_group(process)
        raise
    if sys.platform != "win32":
        try:  # a helper left running by LibreOffice after a crash of soffice.bin
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            pass
    return process.returncode, output.decode("utf-8", errors="replace")


def _messages(output: str) -> str:
    """LibreOffice's own error lines (without its chatter about Java)."""
    lines = [
        line.strip()
        for line in output.splitlines()
        if line.strip() and not line.startswith("convert ") and "javaldx" not in line
    ]
    return " ; ".join(lines[-5:])
