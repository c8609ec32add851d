"""Command line: python -m unclip_tools <install|world|tokenizer|train|export|evaluate|fixtures|reference> ..."""
from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "world": "world", "tokenizer": "tokenizer", "train": "train", "export": "export", "evaluate": "evaluate",
    "fixtures": "fixtures", "reference": "reference", "install": "install",
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(f"usage: python -m unclip_tools <{'|'.join(COMMANDS)}> [options]  (--help after a command)", file=sys.stderr)
        raise SystemExit(2)
    module = importlib.import_module(f"unclip_tools.{COMMANDS[sys.argv[1]]}")
    module.main(sys.argv[2:])


if __name__ == "__main__":
    main()
