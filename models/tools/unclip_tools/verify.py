"""``verify --bundle BUNDLE ...``: the check for the bundle's kind: Karlo (``--pipeline [--variations]``,
unclip_tools.karlo.verify) or Kandinsky 2.2 (``--prior --decoder [--inpaint]``, unclip_tools.kandinsky22.verify).
The kind is read from the bundle's manifest, else taken from the options given."""
from __future__ import annotations

import json
from pathlib import Path


def kind(argv: list[str]) -> str:
    if "--bundle" in argv[:-1]:
        manifest = Path(argv[argv.index("--bundle") + 1]) / "unclip.json"
        if manifest.is_file():
            try:
                found = json.loads(manifest.read_text()).get("kind")
                if found in ("karlo", "kandinsky22"):
                    return found
            except json.JSONDecodeError:
                pass
    return "karlo" if "--pipeline" in argv else "kandinsky22"


def main(argv: list[str]) -> None:
    if kind(argv) == "karlo":
        from .karlo.verify import main as run
    else:
        from .kandinsky22.verify import main as run
    run(argv)
