"""How a bundle was made, written so that someone else can run it again: the command as typed from
models/tools (`python -m unclip_tools ...`), with no path of the machine that ran it."""
import os
import shlex
from pathlib import Path


def command_line(args: list[str], cwd: Path = None) -> str:
    """`python -m unclip_tools ARGS`, every absolute path made relative to `cwd` (default: the current folder),
    so that the line reproduces the run from the same place in any clone."""
    here = Path(cwd or os.getcwd()).resolve()
    return "python -m unclip_tools " + " ".join(shlex.quote(relative(a, here)) for a in args)


def relative(arg: str, here: Path) -> str:
    """An absolute path (alone or as --flag=PATH) relative to `here`; anything else unchanged."""
    if "=" in arg and arg.startswith("--"):
        flag, value = arg.split("=", 1)
        return f"{flag}={relative(value, here)}"
    if not os.path.isabs(arg):
        return arg
    return os.path.relpath(arg, here)
