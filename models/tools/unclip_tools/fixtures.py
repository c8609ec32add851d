"""Writes the parity fixtures the Java tests read (BUNDLE.md, "Fixtures"): for each case a case.json, the
injected noise and every intermediate in tensors.npz, and the PNG inputs/outputs, all from the committed bundle.
"""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .export import DEFAULT_OUT
from .reference import Bundle, NamedNoise, Request, file_sha256, from_uint8, one_thread, run, to_uint8
from .world import Scene, Shape, World

DEFAULT_FIXTURES = Path(__file__).resolve().parents[3] / "src" / "test" / "resources" / "fixtures"
PROMPT = "a large yellow triangle in the centre on a black background"
INPAINT_PROMPT = "a blue background with a small white circle in the top left"

# name -> (mode, prompt, n, steps, guidance, scheduler, strength, seed)
CASES = {
    "text_ddim": ("text", PROMPT, 1, 4, 3.0, "ddim", 1.0, 1),
    "text_ddpm": ("text", PROMPT, 1, 4, 3.0, "ddpm", 1.0, 2),
    "text_dpmsolver": ("text", PROMPT, 1, 4, 3.0, "dpmsolver++", 1.0, 3),
    "text_unclip": ("text", PROMPT, 1, 4, 3.0, "unclip", 1.0, 4),
    "text_batch2": ("text", "green square on a red background", 2, 3, 2.0, "ddim", 1.0, 5),
    "text_noguidance": ("text", PROMPT, 1, 3, 1.0, "ddim", 1.0, 6),
    "variation_full": ("variation", None, 1, 4, 3.0, "ddim", 1.0, 7),
    "variation_0.6": ("variation", None, 1, 5, 3.0, "ddim", 0.6, 8),
    "inpaint": ("inpaint", INPAINT_PROMPT, 1, 4, 3.0, "ddim", 1.0, 9),
    "text_defaults": ("text", PROMPT, 1, 25, 1.25, "ddim", 1.0, 10),
    "variation_ddpm": ("variation", None, 1, 4, 3.0, "ddpm", 1.0, 11),
    "variation_0.6_dpmsolver": ("variation", None, 1, 5, 3.0, "dpmsolver++", 0.6, 12),
    "variation_unclip": ("variation", None, 1, 4, 3.0, "unclip", 1.0, 13),
    "inpaint_ddpm": ("inpaint", INPAINT_PROMPT, 1, 4, 3.0, "ddpm", 1.0, 14),
    "inpaint_dpmsolver": ("inpaint", INPAINT_PROMPT, 2, 4, 3.0, "dpmsolver++", 1.0, 15),
    # several requests batched by the engine: one prompt per image (case.json "prompts")
    "text_prompts": ("text", ["a small red circle on a blue background", "a large white square",
                              "green triangle on a black background"], 3, 6, 1.25, "ddim", 1.0, 16),
}


def source_image(world: World) -> np.ndarray:
    scene = Scene("blue", (Shape("red", "square", "large", "bottom right"),), ((0.0, 0.0),))
    return world.render([scene])[0]


def mask_image(res: int) -> np.ndarray:
    m = np.zeros((res, res), np.uint8)
    m[2:res // 2 + 2, 2:res // 2 + 2] = 255
    return m


def write_case(bundle: Bundle, folder: Path, name: str, spec: tuple, world: World) -> int:
    mode, prompt, n, steps, guidance, scheduler, strength, seed = spec
    out = folder / name
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    m = bundle.manifest
    prompts = prompt if isinstance(prompt, list) else None
    prompt = prompts[0] if prompts else prompt
    case = {"mode": mode, "prompt": prompt, "prompts": prompts, "n": n, "steps": steps, "guidance": guidance, "scheduler": scheduler,
            "strength": strength, "image": None, "mask": None, "seed": seed,
            "prior_steps": m["stages"]["prior"]["steps"], "prior_guidance": m["stages"]["prior"]["guidance"],
            "upsampler_steps": m["stages"]["upsampler"]["steps"],
            "bundle": file_sha256(bundle.folder / "unclip.json"), "output": "output.png"}
    source = mask = None
    if mode in ("variation", "inpaint"):
        px = source_image(world)
        Image.fromarray(px).save(out / "source.png")
        case["image"] = "source.png"
        source = from_uint8(np.stack([px] * n))
    if mode == "inpaint":
        mk = mask_image(bundle.output)
        Image.fromarray(mk, mode="L").save(out / "mask.png")
        case["mask"] = "mask.png"
        mask = torch.from_numpy((mk > 0).astype(np.float32))[None, None].repeat(n, 1, 1, 1)
    with one_thread():  # as the engine runs libtorch
        trace = run(bundle, Request(mode, prompt, n, steps, guidance, scheduler, strength, source, mask, prompts),
                    NamedNoise(seed))
    arrays = {k: v.numpy() for k, v in trace.items()}
    np.savez_compressed(out / "tensors.npz", **arrays)
    Image.fromarray(np.concatenate(list(to_uint8(trace["image"])), axis=1)).save(out / "output.png")
    (out / "case.json").write_text(json.dumps(case, indent=2) + "\n")
    return sum(p.stat().st_size for p in out.iterdir())


TOKENIZER_TEXTS = [
    "a small red circle on a blue background",
    "Blue background with a LARGE green triangle in the top left!",
    "  spaces\tand\nnewlines   everywhere  ",
    "don't stop: it's 2024, isn't it? 3.14159",
    "café naïve façade über straße",
    "日本語のテキスト 中文 한국어",
    "emoji 🎨🖌️ and symbols © ® ™ — – …",
    "",
    "word " * 120,
]


def write_tokenizer_cases(bundle: Bundle, folder: Path) -> None:
    """Texts and the ids the bundle's tokenizer gives them (padded to 77 with 49407), for Java's tokenizer test."""
    out = folder / "tokenizer"
    out.mkdir(parents=True, exist_ok=True)
    ids = bundle.tokenize(TOKENIZER_TEXTS).tolist()
    cases = [{"text": t, "ids": i} for t, i in zip(TOKENIZER_TEXTS, ids)]
    (out / "cases.json").write_text(json.dumps(cases, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="unclip_tools fixtures", description=__doc__)
    ap.add_argument("--bundle", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--out", type=Path, default=DEFAULT_FIXTURES)
    args = ap.parse_args(argv)
    bundle, world = Bundle(args.bundle), World()
    write_tokenizer_cases(bundle, args.out)
    total = 0
    for name, spec in CASES.items():
        size = write_case(bundle, args.out, name, spec, world)
        total += size
        print(f"{name}: {size / 1024:.0f} KiB")
    print(f"fixtures in {args.out}: {total / 1024:.0f} KiB")
