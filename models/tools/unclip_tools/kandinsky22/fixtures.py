"""``kandinsky22-fixtures``: the small Kandinsky 2.2 fixture the Java tests read: a ``micro`` random-weight
checkpoint (checkpoints.MICRO, a few MB) exported to OUT/bundle, and five parity cases recorded with diffusers
in OUT/cases (text, a negative prompt, a variation of strength 0.5, an interpolation of two prompts and an image,
an inpainting at 128 x 64 with a mask touching the border).
The Java side commits the output (src/test/resources/kandinsky22/); this command is how it is remade."""
from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from .cases import record_all
from .checkpoints import build
from .export import export

CASES = ["text-cat", "text-negative", "variation-strength0.5", "interpolate", "inpaint-border"]


def write(out: Path, seed: int = 0, steps: int = 3, prior_steps: int = 2) -> None:
    with tempfile.TemporaryDirectory(prefix="k22-micro-") as tmp:
        folders = build(Path(tmp) / "checkpoints", "micro", seed)
        shutil.rmtree(out / "bundle", ignore_errors=True)
        shutil.rmtree(out / "cases", ignore_errors=True)
        export(folders["prior"], folders["decoder"], folders["inpaint"], out / "bundle", size=64,
               command=f"unclip-tools kandinsky22-fixtures --seed {seed} (micro checkpoints, not kept)")
        record_all(folders["prior"], folders["decoder"], folders["inpaint"], out / "cases", steps, prior_steps,
                   seed=seed, only=CASES)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="unclip-tools kandinsky22-fixtures", description=__doc__)
    ap.add_argument("--out", type=Path, required=True, help="e.g. src/test/resources/kandinsky22")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    write(args.out, args.seed)
    print(f"fixture written to {args.out}/bundle and {args.out}/cases")
