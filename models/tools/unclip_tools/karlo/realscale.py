"""``karlo-realscale``: Karlo at its real size, measured (not in CI). Builds random-weight checkpoints from the
published configurations (checkpoints.FULL, or DECODER_FULL: the full decoder, text projection and
super-resolution behind a one-layer text tower and prior; FULL_UNCONFIRMED lists what could not be confirmed),
stored as float16 (half the disk; float16 values are exact in float32), exports them to a float32 bundle (freeing
each checkpoint component once traced, so that checkpoints and bundle never both lie whole on the disk), then runs
one text-to-image request with diffusers' ``UnCLIPPipeline`` (loaded as float32) and with the Java engine
(``parity``), each in its own process, twice with different decoder and super-resolution step counts, and prints
load time, peak RSS, seconds per decoder and super-resolution step and per image for both, plus their
max_abs_diff. The checkpoints are untamed (epsilon prediction at t = 999, README "Karlo"): the diffs measure
nothing about parity, which the tiny checkpoints check.

Needs (decoder-full) about 5 GB of checkpoints, then a 9.3 GB bundle, about 11 GB of memory and the whole CPU;
full: 7 + 13.6 GB and more than 14 GB of memory (diffusers holds every network). Run it alone. Each step keeps its
output in --work and is skipped when that output exists (the diffusers runs need the checkpoints, so they come
before the export).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from ..kandinsky22.realscale import (PROMPT, TOOLS, java_timing, measured_or_exit, print_bundle_sizes,
                                     require_jar, step)

# which checkpoint folder each exported component was the last to need
FREES = {"text_encoder": "text_encoder", "prior_post": "prior", "text_proj": "text_proj", "decoder": "decoder",
         "super_res_first": "super_res_first", "super_res_last": "super_res_last"}


def record_case(pipeline: Path, folder: Path, prior_steps: int, steps: int, super_res_steps: int,
                threads: int) -> dict:
    """diffusers' UnCLIPPipeline (float32) on the text case with every draw recorded; the parity case folder and
    the timings (load, each stage from its network's first call to its last return)."""
    import numpy as np
    import torch
    from diffusers import UnCLIPPipeline
    from ..kandinsky22.cases import write_f32
    from ..kandinsky22.export import quiet_libraries
    from .cases import StageNoiseRecorder
    quiet_libraries()
    torch.set_num_threads(threads)
    folder.mkdir(parents=True, exist_ok=True)
    t: dict = {}
    start = time.monotonic()
    pipe = UnCLIPPipeline.from_pretrained(str(pipeline), torch_dtype=torch.float32)
    pipe.set_progress_bar_config(disable=True)
    t["load_s"] = time.monotonic() - start
    spans: dict[str, list[float]] = {}
    embeds = {}

    def timed(module, stage):
        original = module.forward

        def forward(*args, **kwargs):
            begin = time.monotonic()
            out = original(*args, **kwargs)
            span = spans.setdefault(stage, [begin, 0.0])
            span[1] = time.monotonic()
            return out
        module.forward = forward
    for module, stage in ((pipe.prior, "prior"), (pipe.decoder, "decoder"), (pipe.super_res_first, "super_res"),
                          (pipe.super_res_last, "super_res")):
        timed(module, stage)
    original_proj = pipe.text_proj.forward

    def keep_embeddings(*args, **kwargs):
        embeds["image_embeds"] = kwargs["image_embeddings"].detach().clone()
        return original_proj(*args, **kwargs)
    pipe.text_proj.forward = keep_embeddings
    noise = StageNoiseRecorder()
    gen = torch.Generator().manual_seed(0)
    with noise.installed(), torch.no_grad():
        noise.begin_stages(["prior", "decoder", "super_res"])
        begin = time.monotonic()
        image = pipe(PROMPT, prior_num_inference_steps=prior_steps, decoder_num_inference_steps=steps,
                     super_res_num_inference_steps=super_res_steps, generator=gen, output_type="np").images
        t["image_s"] = time.monotonic() - begin
    for stage, (a, b) in spans.items():
        t[f"{stage}_s"] = b - a
    t.update(decoder_steps=steps, super_res_steps=super_res_steps)
    spec = {"mode": "text", "prompt": PROMPT, "n": 1, "prior_steps": prior_steps, "prior_guidance": 4.0,
            "steps": steps, "guidance": 8.0, "super_res_steps": super_res_steps, "strength": 1.0,
            "scheduler": "unclip",
            "noise": {n: write_f32(folder, f"noise/{n}.f32", v) for n, v in noise.drawn.items()},
            "expected": {"image_embeds": write_f32(folder, "expected/image_embeds.f32", embeds["image_embeds"]),
                         "image": write_f32(folder, "expected/image.f32", np.transpose(image, (0, 3, 1, 2)))},
            "timing": t}
    (folder / "case.json").write_text(json.dumps(spec, indent=2) + "\n")
    return t


def export_freeing(pipeline: Path, bundle: Path) -> None:
    """export-karlo float32, deleting each checkpoint component's weights once no later component needs them."""
    from .export import export

    def free(name: str) -> None:
        if name in FREES:
            for f in (pipeline / FREES[name]).glob("*.safetensors"):
                f.unlink()
    export(pipeline, None, bundle, "float32", "unclip-tools export-karlo (karlo-realscale)",
           lambda m: print(m, file=sys.stderr, flush=True), free)


def slope(runs: list[dict], key: str, steps: str) -> float:
    a, b = runs
    return (b[key] - a[key]) / (b[steps] - a[steps])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="unclip-tools karlo-realscale", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True, help="folder for checkpoints/, bundle/, cases/")
    ap.add_argument("--jar", type=Path, default=Path(os.environ.get("UNCLIP_JAR", TOOLS.parents[1] / "target/unclip.jar")))
    ap.add_argument("--scale", choices=["decoder-full", "full", "tiny"], default="decoder-full",
                    help="tiny: a smoke test of this command in a minute")
    ap.add_argument("--steps", default="2,4", help="two decoder step counts (s/step = their time difference)")
    ap.add_argument("--super-res-steps", default="2,3", help="two super-resolution step counts (the last step of "
                    "each runs super_res_last)")
    ap.add_argument("--prior-steps", type=int, default=25, help="prior steps per run (default: the pipeline's 25)")
    ap.add_argument("--threads", type=int, default=2, help="intra-op threads on both sides (-Dunclip.threads)")
    ap.add_argument("--record", nargs=5, metavar=("PIPELINE", "CASE", "PRIOR_STEPS", "STEPS", "SUPER_RES_STEPS"),
                    help=argparse.SUPPRESS)  # internal: the diffusers run in its own process
    ap.add_argument("--export", nargs=2, metavar=("PIPELINE", "BUNDLE"), help=argparse.SUPPRESS)  # internal
    args = ap.parse_args(argv)
    if args.record:
        p, c, ps, s, sr = args.record
        print(json.dumps(record_case(Path(p), Path(c), int(ps), int(s), int(sr), args.threads)))
        return
    if args.export:
        export_freeing(Path(args.export[0]), Path(args.export[1]))
        return
    from ..kandinsky22.verify import compare
    from .checkpoints import FULL_UNCONFIRMED
    work, py = args.work, [sys.executable, "-m", "unclip_tools"]
    ck, bundle = work / "checkpoints" / "karlo", work / "bundle"
    env = {**os.environ, "PYTHONPATH": str(TOOLS)}
    steps = [int(x) for x in args.steps.split(",")]
    sr_steps = [int(x) for x in args.super_res_steps.split(",")]
    if len(steps) != 2 or len(sr_steps) != 2 or steps[0] >= steps[1] or sr_steps[0] >= sr_steps[1] or sr_steps[0] < 2:
        raise SystemExit("error: --steps and --super-res-steps take two increasing counts (super-resolution >= 2)")
    require_jar(args.jar)
    print("full-size configuration values not confirmed against the published files:")
    for v in FULL_UNCONFIRMED:
        print(f"  - {v}")
    runs = list(zip(steps, sr_steps))
    cases = [work / "cases" / f"text-{k}-{m}steps" for k, m in runs]
    if not (bundle / "unclip.json").is_file() and not (ck / "model_index.json").is_file():
        step(f"building {args.scale} random checkpoints (float16 storage)")
        done, wall, rss = measured_or_exit(py + ["karlo-checkpoints", "--scale", args.scale, "--no-variations", "--dtype",
                                         "float16", "--out", str(work / "checkpoints")], env, "building the checkpoints")
        print(f"checkpoints: {wall:.0f} s, peak RSS {rss:.1f} GB")
    results = {"diffusers": [], "java": []}
    for (k, m), case in zip(runs, cases):
        if not (case / "case.json").is_file():
            step(f"diffusers, {k} decoder and {m} super-resolution steps")
            done, wall, rss = measured_or_exit(py + ["karlo-realscale", "--work", str(work), "--threads", str(args.threads),
                                             "--record", str(ck), str(case), str(args.prior_steps), str(k), str(m)],
                                       env, "the diffusers run")
            t = {**json.loads(done.stdout.strip().splitlines()[-1]), "total": wall, "rss": rss}
            (case / "measured.json").write_text(json.dumps(t) + "\n")
        results["diffusers"].append(json.loads((case / "measured.json").read_text()))
        print(json.dumps(results["diffusers"][-1]))
    if not (bundle / "unclip.json").is_file():
        step("exporting the float32 bundle (freeing each checkpoint component once traced)")
        done, wall, rss = measured_or_exit(py + ["karlo-realscale", "--work", str(work), "--export", str(ck), str(bundle)],
                                   env, "the export")
        print("\n".join(ln for ln in done.stderr.splitlines() if not ln.startswith("peak_rss_kb")))
        print(f"export: {wall:.0f} s, peak RSS {rss:.1f} GB")
    print_bundle_sizes(bundle)
    diffs = []
    for (k, m), case in zip(runs, cases):
        step(f"java, {k} decoder and {m} super-resolution steps")
        done, wall, rss = measured_or_exit(["java", f"-Dunclip.threads={args.threads}", "-jar", str(args.jar), "parity",
                                    "--case", str(case), "--model", str(bundle)], None, "the Java run")
        t = java_timing(done.stdout)
        results["java"].append({**t, "decoder_steps": k, "super_res_steps": m, "total": wall, "rss": rss})
        print(json.dumps(results["java"][-1]))
        for tensor, diff, _within, _note in compare(case):
            diffs.append(f"{case.name}/{tensor} {diff:.3g}")
    step(f"summary: {args.scale}, float32, {args.threads} threads, prior {args.prior_steps} steps per run")
    print(f"{'':10} {'load s':>7} {'peak RSS GB':>12} {'s/decoder step':>15} {'s/super-res step':>17} "
          f"{'s/image (' + '/'.join(map(str, runs[1])) + ')':>15} {'s/image at 25/25/7':>19}")
    for side, rs in results.items():
        dec = slope(rs, "decoder_s", "decoder_steps")
        sr = slope(rs, "super_res_s", "super_res_steps")
        last = rs[-1]
        if side == "diffusers":
            load, image = last["load_s"], last["image_s"]
        else:  # the engine loads each network inside the stage that first needs it: the stages' intercepts
            lazy = (last["decoder_s"] - last["decoder_steps"] * dec) + (last["super_res_s"] - last["super_res_steps"] * sr)
            load = last.get("load_s", 0.0) + lazy
            image = last["total_s"] - load
        defaults = image + (25 - last["decoder_steps"]) * dec + (7 - last["super_res_steps"]) * sr
        print(f"{side:10} {load:7.1f} {max(r['rss'] for r in rs):12.1f} {dec:15.2f} {sr:17.2f} {image:15.1f} "
              f"{defaults:19.0f}")
    print("max_abs_diff" + ("" if args.scale == "tiny" else " (untamed random weights: not a parity figure)") + ": "
          + "; ".join(diffs))
    print("s/image: without loading or process start; Java's load includes the networks it loads lazily (the "
          "decoder and super-resolution stages' intercepts); 'at 25/25/7' extrapolates decoder and super-resolution "
          f"steps (prior at {args.prior_steps} steps as run); peak RSS of the whole process.")
