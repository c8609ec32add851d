"""Command line: python -m unclip_tools <command> ... (also ``models/tools/unclip-tools <command>``)."""
from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "world": "world", "tokenizer": "tokenizer", "train": "train", "export": "export", "evaluate": "evaluate",
    "fixtures": "fixtures", "reference": "reference", "install": "install", "timing": "timing",
    "export-kandinsky22": "kandinsky22.export", "kandinsky22-checkpoints": "kandinsky22.checkpoints",
    "kandinsky22-cases": "kandinsky22.cases", "verify": "verify",
    "kandinsky22-realscale": "kandinsky22.realscale", "kandinsky22-fixtures": "kandinsky22.fixtures",
    "export-karlo": "karlo.export", "karlo-checkpoints": "karlo.checkpoints", "karlo-cases": "karlo.cases",
    "karlo-fixtures": "karlo.fixtures", "karlo-realscale": "karlo.realscale",
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(f"usage: python -m unclip_tools <{'|'.join(COMMANDS)}> [options]  (--help after a command)", file=sys.stderr)
        raise SystemExit(2)
    module = importlib.import_module(f"unclip_tools.{COMMANDS[sys.argv[1]]}")
    module.main(sys.argv[2:])


if __name__ == "__main__":
    main()
