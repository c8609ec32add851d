"""``kandinsky22-realscale``: Kandinsky 2.2 at its real size, measured (not in CI). Builds FULL-SIZE random-weight
checkpoints from the published configurations (checkpoints.FULL; the values that could not be confirmed are in
checkpoints.FULL_UNCONFIRMED), exports them to a float32 bundle, then runs the same text-to-image request at
512 px with diffusers' own pipelines and with the Java engine (``parity``), each in its own process, twice with
different decoder step counts, and prints load time, peak RSS, seconds per decoder step and per image for both,
plus their max_abs_diff.

Needs about 40 GB of disk (checkpoints 19 GB, bundle 19 GB; +10 GB with --inpaint), up to about 16 GB of memory
(the export holds the largest component, the 1.8 B image encoder, twice) and the whole CPU for about 25 minutes on
2 cores. Run it alone. Every step keeps its output in --work and is skipped when that output exists.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[2]
PROMPT = "a red cat sitting on a blue sofa, 4k photo"


def measured(cmd: list[str], env: dict | None = None) -> tuple[subprocess.CompletedProcess, float, float]:
    """Runs cmd in a helper process that reports its child's peak RSS: (result, wall seconds, peak RSS GB)."""
    probe = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
             "print('peak_rss_kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
             "sys.exit(r.returncode)")
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True, env=env)
    wall = time.monotonic() - start
    found = re.search(r"peak_rss_kb (\d+)", done.stderr)
    return done, wall, (int(found.group(1)) / 1024 ** 2 if found else float("nan"))


def measured_or_exit(cmd: list[str], env: dict | None, what: str) -> tuple[subprocess.CompletedProcess, float, float]:
    """measured(cmd), stopping the measurement with the end of the process's output when it failed."""
    done, wall, rss = measured(cmd, env)
    if done.returncode:
        raise SystemExit(f"error: {what} failed:\n{(done.stderr or done.stdout)[-2000:]}")
    return done, wall, rss


def require_jar(jar: Path) -> None:
    if not jar.is_file():
        raise SystemExit(f"error: the unCLIP jar {jar} does not exist; build it (mvn -B package -DskipTests)")


def print_bundle_sizes(bundle: Path) -> None:
    sizes = {p.name: p.stat().st_size for p in bundle.glob("*.pt")}
    print("bundle files (GB): " + ", ".join(f"{k} {v / 1e9:.2f}" for k, v in sorted(sizes.items()))
          + f"; total {sum(sizes.values()) / 1e9:.1f}")


def step(title: str) -> None:
    print(f"== {title}", flush=True)


def record_case(prior: Path, decoder: Path, folder: Path, size: int, prior_steps: int, steps: int,
                threads: int) -> dict:
    """Runs diffusers' prior and decoder pipelines one after the other (the prior pipeline is released before
    the decoder loads, as a 24 GB machine needs) on the text case, writes the parity case folder and returns the
    timings."""
    import numpy as np
    import torch
    from diffusers import KandinskyV22Pipeline, KandinskyV22PriorPipeline
    from .cases import NoiseRecorder, write_f32
    from .export import quiet_libraries
    quiet_libraries()
    torch.set_num_threads(threads)
    folder.mkdir(parents=True, exist_ok=True)
    gen, noise, t = torch.Generator().manual_seed(0), NoiseRecorder(), {}
    with noise.installed(), torch.no_grad():
        start = time.monotonic()
        pipe = KandinskyV22PriorPipeline.from_pretrained(str(prior))
        pipe.set_progress_bar_config(disable=True)
        t["load_prior_s"] = time.monotonic() - start
        start = time.monotonic()
        out = pipe(PROMPT, num_inference_steps=prior_steps, generator=gen, **noise.begin("prior"))
        t["prior_s"] = time.monotonic() - start
        embeds, negative = out.image_embeds, out.negative_image_embeds
        del pipe, out
        start = time.monotonic()
        pipe = KandinskyV22Pipeline.from_pretrained(str(decoder))
        pipe.set_progress_bar_config(disable=True)
        t["load_decoder_s"] = time.monotonic() - start
        stamps = []
        counting = noise.begin("decoder")["callback_on_step_end"]

        def on_step_end(p, i, ts, kwargs):
            stamps.append(time.monotonic())
            return counting(p, i, ts, kwargs)
        start = time.monotonic()
        image = pipe(image_embeds=embeds, negative_image_embeds=negative, height=size, width=size,
                     num_inference_steps=steps, guidance_scale=4.0, generator=gen, output_type="np",
                     callback_on_step_end=on_step_end).images
        end = time.monotonic()
    t["decoder_s"] = stamps[-1] - start
    t["decoder_steps"] = steps
    t["movq_s"] = end - stamps[-1]
    t["load_s"] = t["load_prior_s"] + t["load_decoder_s"]
    spec = {"mode": "text", "prompt": PROMPT, "negative_prompt": None, "n": 1, "width": size, "height": size,
            "prior_steps": prior_steps, "prior_guidance": 4.0, "steps": steps, "guidance": 4.0, "strength": 1.0,
            "scheduler": "ddpm",
            "noise": {n: write_f32(folder, f"noise/{n}.f32", v) for n, v in noise.drawn.items()},
            "expected": {"image_embeds": write_f32(folder, "expected/image_embeds.f32", embeds),
                         "negative_image_embeds": write_f32(folder, "expected/negative_image_embeds.f32", negative),
                         "image": write_f32(folder, "expected/image.f32", np.transpose(image, (0, 3, 1, 2)))},
            "debug": {}, "timing": t}
    (folder / "case.json").write_text(json.dumps(spec, indent=2) + "\n")
    return t


def java_timing(stdout: str) -> dict:
    line = next((ln for ln in stdout.splitlines() if ln.startswith("timing ")), "")
    return {k: float(v) for k, v in re.findall(r"(\w+)=([-0-9.eE]+)", line)}


def per_step(runs: list[dict]) -> float:
    """Seconds per decoder step from two runs with different step counts: what the extra steps add to the
    decoder stage (its own timing; the wall time when a side does not report one)."""
    a, b = runs
    key = "decoder_s" if "decoder_s" in a and "decoder_s" in b else "total"
    return (b[key] - a[key]) / (b["decoder_steps"] - a["decoder_steps"])


def image_seconds(run: dict) -> float:
    """One image without loading: prior + decoder + MoVQ when the side reports them, else wall time - load."""
    if all(k in run for k in ("prior_s", "decoder_s", "movq_s")):
        return run["prior_s"] + run["decoder_s"] + run["movq_s"]
    return run["total"] - run.get("load_s", 0.0)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="unclip-tools kandinsky22-realscale", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True, help="folder for checkpoints/, bundle/, cases/ (~40 GB)")
    ap.add_argument("--jar", type=Path, default=Path(os.environ.get("UNCLIP_JAR", TOOLS.parents[1] / "target/unclip.jar")))
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--steps", default="2,4", help="two decoder step counts (s/step = their time difference)")
    ap.add_argument("--prior-steps", type=int, default=5, help="prior steps per run (the default 25 is extrapolated)")
    ap.add_argument("--threads", type=int, default=2, help="intra-op threads on both sides (-Dunclip.threads)")
    ap.add_argument("--inpaint", action="store_true", help="also build and export the inpainting decoder")
    ap.add_argument("--record", nargs=6, metavar=("PRIOR", "DECODER", "CASE", "SIZE", "PRIOR_STEPS", "STEPS"),
                    help=argparse.SUPPRESS)  # internal: the diffusers run in its own process
    args = ap.parse_args(argv)
    if args.record:
        p, d, c, size, ps, s = args.record
        print(json.dumps(record_case(Path(p), Path(d), Path(c), int(size), int(ps), int(s), args.threads)))
        return
    from .checkpoints import FULL_UNCONFIRMED
    from .verify import compare
    work = args.work
    ck, bundle = work / "checkpoints", work / "bundle"
    py = [sys.executable, "-m", "unclip_tools"]
    env = {**os.environ, "PYTHONPATH": str(TOOLS)}
    steps = [int(x) for x in args.steps.split(",")]
    if len(steps) != 2 or steps[0] >= steps[1]:
        raise SystemExit("error: --steps takes two increasing step counts, e.g. 2,4")
    require_jar(args.jar)
    print("full-size configuration values not confirmed against the published files:")
    for v in FULL_UNCONFIRMED:
        print(f"  - {v}")
    if not (ck / "decoder" / "model_index.json").is_file():
        step("building full-size random checkpoints")
        done, wall, rss = measured_or_exit(py + ["kandinsky22-checkpoints", "--scale", "full", "--out", str(ck)]
                                   + ([] if args.inpaint else ["--no-inpaint"]), env, "building the checkpoints")
        print(f"checkpoints: {wall:.0f} s, peak RSS {rss:.1f} GB")
    if not (bundle / "unclip.json").is_file():
        step("exporting the float32 bundle")
        cmd = py + ["export-kandinsky22", "--prior", str(ck / "prior"), "--decoder", str(ck / "decoder"),
                    "--out", str(bundle), "--size", str(args.size)]
        if (ck / "decoder-inpaint").is_dir():
            cmd += ["--inpaint", str(ck / "decoder-inpaint")]
        done, wall, rss = measured_or_exit(cmd, env, "the export")
        print("\n".join(ln for ln in done.stderr.splitlines() if not ln.startswith("peak_rss_kb")))
        print(f"export: {wall:.0f} s, peak RSS {rss:.1f} GB")
    print_bundle_sizes(bundle)
    results = {"diffusers": [], "java": []}
    for k in steps:
        case = work / "cases" / f"text-{args.size}px-{k}steps"
        step(f"diffusers, {k} decoder steps")
        done, wall, rss = measured_or_exit(py + ["kandinsky22-realscale", "--work", str(work), "--threads", str(args.threads),
                                         "--record", str(ck / "prior"), str(ck / "decoder"), str(case),
                                         str(args.size), str(args.prior_steps), str(k)], env, "the diffusers run")
        t = json.loads(done.stdout.strip().splitlines()[-1])
        results["diffusers"].append({**t, "total": wall, "rss": rss})
        print(json.dumps(results["diffusers"][-1]))
        step(f"java, {k} decoder steps")
        done, wall, rss = measured_or_exit(["java", f"-Dunclip.threads={args.threads}", "-jar", str(args.jar), "parity",
                                    "--case", str(case), "--model", str(bundle)], None, "the Java run")
        t = java_timing(done.stdout)
        results["java"].append({**t, "decoder_steps": k, "total": wall, "rss": rss})
        print(json.dumps(results["java"][-1]))
        for tensor, diff, within, note in compare(case):
            print(f"max_abs_diff {diff:.3g} {case.name}/{tensor}{'' if within else '  FAIL ' + note}")
    step(f"summary: {args.size} px, float32, {args.threads} threads, prior {args.prior_steps} steps per run")
    print(f"{'':10} {'load s':>8} {'peak RSS GB':>12} {'s/decoder step':>15} {'s/prior step':>13} "
          f"{'movq s':>7} {'s/image (' + str(steps[1]) + ' steps)':>18} {'s/image at defaults':>20}")
    for side, runs in results.items():
        s_step = per_step(runs)
        last = runs[-1]
        load = last.get("load_s", float("nan"))
        prior_step = last.get("prior_s", float("nan")) / args.prior_steps
        movq = last.get("movq_s", float("nan"))
        image = image_seconds(last)
        defaults = image + (100 - last["decoder_steps"]) * s_step + (25 - args.prior_steps) * prior_step
        print(f"{side:10} {load:8.1f} {max(r['rss'] for r in runs):12.1f} {s_step:15.2f} {prior_step:13.2f} "
              f"{movq:7.1f} {image:18.1f} {defaults:20.0f}")
    print("s/image = prior + decoder + MoVQ (no loading, no process start); 'at defaults' extrapolates to 25 prior "
          "and 100 decoder steps; peak RSS of the whole process.")
