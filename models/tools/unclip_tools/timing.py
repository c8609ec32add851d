"""Per-image time of text to image in the Python reference pipeline, for several bundles measured in turns (one
image of each per round), so a shared or throttled CPU slows every bundle alike and the ratio stays fair.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import torch

from .reference import Bundle, NamedNoise, Request, run

PROMPT = "a red circle in the top left and a blue square in the bottom right on a white background"


def measure(bundles: list[Bundle], rounds: int, prompt: str = PROMPT, warmup: int = 3) -> list[list[float]]:
    """Seconds per image for each bundle and round, default steps and guidance, batch 1. The first calls of a
    TorchScript graph optimise it: warmup images per bundle are made first and not counted."""
    for bundle in bundles:
        for i in range(warmup):
            run(bundle, Request("text", prompt), NamedNoise(i))
    times: list[list[float]] = [[] for _ in bundles]
    for r in range(rounds):
        for k, bundle in enumerate(bundles):
            t0 = time.perf_counter()
            run(bundle, Request("text", prompt), NamedNoise(100 + r))
            times[k].append(time.perf_counter() - t0)
    return times


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="unclip_tools timing", description=__doc__)
    ap.add_argument("--bundle", type=Path, action="append", required=True, help="a bundle folder (repeat to compare)")
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--prompt", default=PROMPT)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    bundles = [Bundle(b) for b in args.bundle]
    for path, bundle, t in zip(args.bundle, bundles, measure(bundles, args.rounds, args.prompt)):
        r = bundle.manifest["resolution"]
        print(f"{path}: {r['base']}->{r['output']} px, median {statistics.median(t):.3f} s, mean "
              f"{statistics.mean(t):.3f} s, min {min(t):.3f} s per image ({len(t)} images, {args.threads} threads)")
