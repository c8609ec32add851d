"""``verify`` for Karlo bundles: records the parity cases with diffusers' own ``UnCLIPPipeline`` (and, with
--variations, ``UnCLIPImageVariationPipeline``) on the source folders, runs the Java engine on each with the same
noise (``java -jar JAR parity --case DIR --model BUNDLE``) and prints one ``max_abs_diff VALUE CASE/TENSOR`` line
per compared tensor (image embeddings, final images on [0, 1]). Exit status 0 iff every embedding is within 1e-4
and every image within 1e-3; 1 when a case differs or the engine failed; 2 for bad arguments."""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from ..export import WrongTorchError, require_torch
from ..kandinsky22.sources import SourceError
from ..kandinsky22.verify import VerifyError, find_jar, run_cases


def verify(bundle: Path, pipeline: Path, variations: Path | None, steps: int = 4, prior_steps: int = 3,
           super_res_steps: int = 3, jar: Path | None = None, java: str = "java", keep: Path | None = None,
           only: list[str] | None = None, seed: int = 0, timeout: float | None = None, out=None) -> bool:
    out = out or sys.stdout
    from .cases import record_all
    require_torch()
    jar = find_jar(jar)
    if not (bundle / "unclip.json").is_file():
        raise VerifyError(f"--bundle {bundle}: no unclip.json; convert first with unclip-tools export-karlo")
    work = keep or Path(tempfile.mkdtemp(prefix="unclip-verify-"))
    try:
        folders = record_all(pipeline, variations, work, steps, prior_steps, super_res_steps, seed, only)
        return run_cases(folders, bundle, jar, java, timeout, out)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="unclip-tools verify", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bundle", type=Path, required=True, help="the bundle export-karlo wrote")
    ap.add_argument("--pipeline", type=Path, required=True, help="the karlo-v1-alpha folder it was made from")
    ap.add_argument("--variations", type=Path, help="the image-variations folder (adds the variation cases)")
    ap.add_argument("--steps", type=int, default=4, help="decoder steps per case (default 4)")
    ap.add_argument("--prior-steps", type=int, default=3)
    ap.add_argument("--super-res-steps", type=int, default=3)
    ap.add_argument("--jar", type=Path, help="unclip.jar (default: $UNCLIP_JAR, else <repo>/target/unclip.jar)")
    ap.add_argument("--java", default="java")
    ap.add_argument("--keep", type=Path, help="keep the case folders here")
    ap.add_argument("--case", action="append", help="run only this case (repeatable)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, help="seconds the engine may take per case")
    args = ap.parse_args(argv)
    try:
        ok = verify(args.bundle, args.pipeline, args.variations, args.steps, args.prior_steps, args.super_res_steps,
                    args.jar, args.java, args.keep, args.case, args.seed, args.timeout)
    except (VerifyError, SourceError, WrongTorchError) as e:
        print(f"error: {e}", file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(0 if ok else 1)
