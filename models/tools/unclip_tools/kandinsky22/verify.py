"""``verify``: proves a Kandinsky 2.2 bundle gives what diffusers gives. Records the parity cases with diffusers'
own pipelines on the source folders (text to image, a negative prompt, variations at strength 1 and 0.5, an
interpolation, an inpainting), runs the Java engine on each with the same noise (``java -jar JAR parity --case
DIR --model BUNDLE``) and prints one ``max_abs_diff VALUE CASE/TENSOR`` line per compared tensor (final images on
[0, 1], image embeddings, negative image embeddings). Exit status 0 iff every embedding is within 1e-4 and
every image within 1e-3; 1 when a case differs or the engine failed; 2 for bad arguments.

After converting real weights, this is how a user knows the bundle is right. The networks work at any size that
is a multiple of 64; the default 64 px cases keep a full-size check to minutes (``--size 512`` checks the models'
own size, slowly on a CPU).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from ..export import WrongTorchError, require_torch
from .sources import SourceError

TOLERANCE = {"image_embeds": 1e-4, "negative_image_embeds": 1e-4, "image": 1e-3}
REPO = Path(__file__).resolve().parents[4]


class VerifyError(RuntimeError):
    """A problem with the arguments or the environment (missing jar, wrong bundle); message for the user."""


def find_jar(given: Path | None) -> Path:
    jar = given or (Path(os.environ["UNCLIP_JAR"]) if os.environ.get("UNCLIP_JAR") else REPO / "target" / "unclip.jar")
    if not jar.is_file():
        how = "--jar" if given else ("UNCLIP_JAR" if os.environ.get("UNCLIP_JAR") else "the default")
        raise VerifyError(f"the unCLIP jar {jar} (from {how}) does not exist; build it with `mvn -B package "
                          f"-DskipTests` in the repository, or pass --jar PATH/unclip.jar")
    return jar


def check_bundle(bundle: Path) -> dict:
    manifest_file = bundle / "unclip.json"
    if not manifest_file.is_file():
        raise VerifyError(f"--bundle {bundle}: no unclip.json; convert first with unclip-tools export-kandinsky22")
    manifest = json.loads(manifest_file.read_text())
    if manifest.get("kind") != "kandinsky22":
        raise VerifyError(f"--bundle {bundle}: a bundle of kind {manifest.get('kind')!r}; verify checks kandinsky22 "
                          "bundles")
    return manifest


def read_f32(folder: Path, entry: dict) -> np.ndarray:
    return np.fromfile(folder / entry["file"], dtype="<f4").reshape(entry["shape"])


def compare(case_dir: Path) -> list[tuple[str, float, bool, str]]:
    """(tensor, max_abs_diff, within tolerance, note) for each expected tensor of one case."""
    spec = json.loads((case_dir / "case.json").read_text())
    rows = []
    for name, entry in spec["expected"].items():
        java_file = case_dir / "java" / f"{name}.f32"
        if not java_file.is_file():
            rows.append((name, float("nan"), False, f"the engine wrote no java/{name}.f32"))
            continue
        got = np.fromfile(java_file, dtype="<f4")
        want = read_f32(case_dir, entry)
        if got.size != want.size:
            rows.append((name, float("nan"), False, f"java/{name}.f32 has {got.size} values, expected {want.size} "
                                                    f"(shape {entry['shape']})"))
            continue
        diff = float(np.abs(got.reshape(want.shape).astype(np.float64) - want).max())
        rows.append((name, diff, diff <= TOLERANCE[name], ""))
    return rows


def run_java(java: str, jar: Path, case_dir: Path, bundle: Path, timeout: float | None) -> tuple[bool, str]:
    out = case_dir / "java"
    if out.exists():
        shutil.rmtree(out)
    cmd = [java, "-jar", str(jar), "parity", "--case", str(case_dir), "--model", str(bundle)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"the engine did not finish within {timeout:g} s"
    except FileNotFoundError:
        raise VerifyError(f"java executable {java!r} not found; install a Java 17 runtime or pass --java") from None
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return False, f"the engine exited with {done.returncode}: " + " | ".join(tail)
    return True, ""


def run_cases(folders: dict[str, Path], bundle: Path, jar: Path, java: str, timeout: float | None, out) -> bool:
    """Runs the engine on each recorded case folder and prints its max_abs_diff lines and the summary line; True
    when every tensor is within tolerance (shared by every kind's verify)."""
    ok = True
    for name, folder in folders.items():
        ran, why = run_java(java, jar, folder, bundle, timeout)
        for tensor, diff, within, note in compare(folder):
            ok &= within
            print(f"max_abs_diff {diff:.3g} {name}/{tensor}" + ("" if within else
                  f"  FAIL (tolerance {TOLERANCE[tensor]:g}{'; ' + note if note else ''})"), file=out, flush=True)
        if not ran:
            ok = False
            print(f"error {name}: {why}", file=out, flush=True)
    print(f"verify: {'all ' + str(len(folders)) + ' cases within tolerance' if ok else 'FAILED'} "
          f"(embeddings <= {TOLERANCE['image_embeds']:g}, images <= {TOLERANCE['image']:g})", file=out)
    return ok


def verify(bundle: Path, prior: Path, decoder: Path, inpaint: Path | None, steps: int = 4, prior_steps: int = 3,
           size: int = 64, jar: Path | None = None, java: str = "java", keep: Path | None = None,
           only: list[str] | None = None, seed: int = 0, timeout: float | None = None,
           out=None) -> bool:
    """Prints the max_abs_diff lines (to out, default stdout); True when every tensor of every case is within
    tolerance."""
    out = out or sys.stdout
    from .cases import record_all
    require_torch()
    jar = find_jar(jar)
    manifest = check_bundle(bundle)
    if inpaint is None and "inpaint_decoder" in manifest.get("components", {}):
        print("note: the bundle has an inpainting decoder; pass --inpaint to check it too", file=sys.stderr)
    if size % 64:
        raise VerifyError(f"--size {size}: must be a multiple of 64")
    work = keep or Path(tempfile.mkdtemp(prefix="unclip-verify-"))
    try:
        folders = record_all(prior, decoder, inpaint, work, steps, prior_steps, size, size, seed, only)
        return run_cases(folders, bundle, jar, java, timeout, out)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="unclip-tools verify", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bundle", type=Path, required=True, help="the bundle export-kandinsky22 wrote")
    ap.add_argument("--prior", type=Path, required=True, help="the kandinsky-2-2-prior folder it was made from")
    ap.add_argument("--decoder", type=Path, required=True, help="the kandinsky-2-2-decoder folder")
    ap.add_argument("--inpaint", type=Path, help="the kandinsky-2-2-decoder-inpaint folder (adds the inpaint case)")
    ap.add_argument("--steps", type=int, default=4, help="decoder steps per case (default 4)")
    ap.add_argument("--prior-steps", type=int, default=3, help="prior steps per case (default 3)")
    ap.add_argument("--size", type=int, default=64, help="image width and height of the cases (default 64)")
    ap.add_argument("--jar", type=Path, help="unclip.jar (default: $UNCLIP_JAR, else <repo>/target/unclip.jar)")
    ap.add_argument("--java", default="java", help="java executable (default: java on the PATH)")
    ap.add_argument("--keep", type=Path, help="keep the case folders here (default: a temporary folder)")
    ap.add_argument("--case", action="append", help="run only this case (repeatable)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the noise diffusers draws")
    ap.add_argument("--timeout", type=float, help="seconds the engine may take per case")
    args = ap.parse_args(argv)
    try:
        ok = verify(args.bundle, args.prior, args.decoder, args.inpaint, args.steps, args.prior_steps, args.size,
                    args.jar, args.java, args.keep, args.case, args.seed, args.timeout)
    except (VerifyError, SourceError, WrongTorchError) as e:
        print(f"error: {e}", file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(0 if ok else 1)
