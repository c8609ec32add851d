"""``karlo-fixtures``: the small Karlo fixture the Java tests read: a ``micro`` random-weight checkpoint
(checkpoints.MICRO, a few MB) exported to OUT/bundle, and parity cases recorded with diffusers' own pipelines in
OUT/cases (text to image, a batch of two, a variation of strength 1 and one of 0.5). The Java side commits the
output (src/test/resources/karlo/); this command is how it is remade. The checkpoints are tamed (checkpoints.py), so
libtorch's last-bit differences between CPUs stay near 1e-6 and the committed cases serve every machine;
--cases-only re-records them here should one ever not."""
from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from .cases import record_all
from .checkpoints import build
from .export import export

CASES = ["text-cat", "text-lighthouse-n2", "variation", "variation-strength0.5"]
STEPS = {"steps": 3, "prior_steps": 2, "super_res_steps": 2}


def write(out: Path, seed: int = 0, bundle: bool = True) -> None:
    """The bundle (unless bundle is False: then only the cases, from the same checkpoints) and the cases."""
    with tempfile.TemporaryDirectory(prefix="karlo-micro-") as tmp:
        folders = build(Path(tmp) / "checkpoints", "micro", seed)
        if bundle:
            shutil.rmtree(out / "bundle", ignore_errors=True)
            export(folders["pipeline"], folders["variations"], out / "bundle",
                   command=f"unclip-tools karlo-fixtures --seed {seed} (micro checkpoints, not kept)")
        shutil.rmtree(out / "cases", ignore_errors=True)
        record_all(folders["pipeline"], folders["variations"], out / "cases", seed=seed, only=CASES, **STEPS)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="unclip-tools karlo-fixtures", description=__doc__)
    ap.add_argument("--out", type=Path, required=True, help="e.g. src/test/resources/karlo")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cases-only", action="store_true",
                    help="re-record only OUT/cases on this machine (the bundle stays as committed)")
    args = ap.parse_args(argv)
    write(args.out, args.seed, not args.cases_only)
    print(f"fixture written to {args.out}")
