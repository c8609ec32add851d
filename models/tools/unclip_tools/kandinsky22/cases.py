"""The diffusers reference for Kandinsky 2.2 parity: runs diffusers' own pipelines (KandinskyV22PriorPipeline and
its ``interpolate``, KandinskyV22Pipeline, KandinskyV22Img2ImgPipeline, KandinskyV22InpaintPipeline) and records
every random tensor they draw, by wrapping ``randn_tensor`` where those pipelines and their schedulers imported
it, under the names of models/BUNDLE.md ("Kind kandinsky22", Noise). Each case is a folder the Java
``parity`` command reads (case.json, noise/*.f32, expected/*.f32, source/mask PNGs).
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
import torch
from PIL import Image, ImageDraw

from ..reference import one_thread
from .export import quiet_libraries
from .sources import check_all

PIPELINE_MODULES = ["diffusers.pipelines.kandinsky2_2.pipeline_kandinsky2_2_prior",
                    "diffusers.pipelines.kandinsky2_2.pipeline_kandinsky2_2",
                    "diffusers.pipelines.kandinsky2_2.pipeline_kandinsky2_2_img2img",
                    "diffusers.pipelines.kandinsky2_2.pipeline_kandinsky2_2_inpainting"]
SCHEDULER_MODULES = ["diffusers.schedulers.scheduling_unclip", "diffusers.schedulers.scheduling_ddpm"]


class NoiseRecorder:
    """Names every draw of diffusers' randn_tensor: the stage's first draw by a pipeline is ``<stage>.init``
    (``decoder.vary`` in img2img), a scheduler's draw during loop step K is ``<stage>.step.K``; K is counted with
    the pipelines' callback_on_step_end, which runs after the scheduler step of the same index."""

    pipeline_modules = PIPELINE_MODULES  # the modules whose randn_tensor is recorded (subclasses name theirs)
    scheduler_modules = SCHEDULER_MODULES

    def __init__(self, replay: dict[str, torch.Tensor] | None = None):
        self.replay = replay  # given: each draw is replaced by the tensor of its name (checks the naming)
        self.drawn: dict[str, torch.Tensor] = {}
        self.stage: str | None = None
        self.first_name = "init"
        self.step = 0

    @contextlib.contextmanager
    def installed(self) -> Iterator["NoiseRecorder"]:
        from diffusers.utils import torch_utils
        original = torch_utils.randn_tensor
        patched = []

        def wrap(kind: str):
            def randn_tensor(*args, **kwargs):
                return self.record(kind, original(*args, **kwargs))
            return randn_tensor
        for name in self.pipeline_modules + self.scheduler_modules:
            module = importlib.import_module(name)
            kind = "scheduler" if name in self.scheduler_modules else "pipeline"
            patched.append((module, module.randn_tensor))
            module.randn_tensor = wrap(kind)
        try:
            yield self
        finally:
            for module, fn in patched:
                module.randn_tensor = fn

    def begin(self, stage: str, first_name: str = "init") -> dict:
        """Starts a pipeline call of the named stage; returns the callback keyword arguments that count steps."""
        self.stage, self.first_name, self.step = stage, first_name, 0

        def on_step_end(pipe, i, t, kwargs):
            self.step = i + 1
            return {}
        return {"callback_on_step_end": on_step_end}

    def record(self, kind: str, value: torch.Tensor) -> torch.Tensor:
        """Names the draw, keeps it and returns the tensor diffusers goes on with (the replayed one if any)."""
        if self.stage is None:
            raise RuntimeError("diffusers drew noise outside a named stage")
        name = f"{self.stage}.{self.first_name}" if kind == "pipeline" else f"{self.stage}.step.{self.step}"
        if name in self.drawn:
            raise RuntimeError(f"noise {name} drawn twice; the naming no longer matches diffusers")
        if self.replay is not None:
            if name not in self.replay or self.replay[name].shape != value.shape:
                raise RuntimeError(f"noise {name} {list(value.shape)} is not among the replayed tensors")
            value = self.replay[name].to(value.dtype)
        self.drawn[name] = value.detach().clone()
        return value


@dataclass
class Case:
    """One parity case: a request as the Java engine receives it (case.json keys of the contract)."""
    name: str
    mode: str
    prompt: str = ""
    negative_prompt: str = ""
    n: int = 1
    width: int = 64
    height: int = 64
    strength: float = 1.0
    source_size: tuple[int, int] | None = None     # (w, h) of a generated source picture
    mask_box: tuple[int, int, int, int] | None = None  # white (repaint) rectangle x0, y0, x1, y1 (inclusive)
    interpolate: list = field(default_factory=list)  # [{"prompt": str} | {"image": (w, h)}]
    weights: list = field(default_factory=list)


def standard_cases(width: int, height: int) -> list[Case]:
    """The cases verify runs: text (two prompts, one of them a batch of two), a negative prompt, variations at
    strength 1 and 0.5, an interpolation of two prompts and an image, and an inpainting at another size than the
    default with a mask touching the border. Sources for img2img/inpainting are at the case's size; the CLIP
    images are at other sizes than the image encoder's, so its resize and crop are exercised."""
    w, h = width, height
    return [
        Case("text-cat", "text", prompt="a red cat sitting on a blue sofa, 4k photo", width=w, height=h),
        Case("text-lighthouse-n2", "text", prompt="an oil painting of a lighthouse at night", n=2, width=w, height=h),
        Case("text-negative", "text", prompt="a bowl of fruit", negative_prompt="blurry, low quality, watermark",
             width=w, height=h),
        Case("variation-strength1", "variation", strength=1.0, source_size=(w * 5 // 4 + 3, h * 3 // 4 + 1),
             width=w, height=h),
        Case("variation-strength0.5", "variation", strength=0.5, source_size=(w, h), width=w, height=h),
        Case("interpolate", "interpolate", interpolate=[{"prompt": "a cat"}, {"image": (w * 3 // 4 + 5, h)},
                                                        {"prompt": "a snowy mountain"}],
             weights=[0.3, 0.3, 0.4], width=w, height=h),
        Case("inpaint-border", "inpaint", prompt="a yellow flower", width=2 * w, height=h, source_size=(2 * w, h),
             mask_box=(2 * w - 2 * w // 3, 0, 2 * w - 1, h // 2)),
    ]


def picture(size: tuple[int, int], seed: int) -> Image.Image:
    """A deterministic RGB test picture: gradients, a few shapes, some noise (every resize weight matters)."""
    w, h = size
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([255 * x / max(1, w - 1), 255 * y / max(1, h - 1), 128 + 100 * np.sin((x + y) / 5.0)], -1)
    base += rng.normal(0, 12, base.shape)
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(3):
        x0, y0 = int(rng.integers(0, w - 4)), int(rng.integers(0, h - 4))
        x1, y1 = x0 + int(rng.integers(3, max(4, w // 2))), y0 + int(rng.integers(3, max(4, h // 2)))
        draw.ellipse([x0, y0, x1, y1], fill=tuple(int(v) for v in rng.integers(0, 256, 3)))
    return img


def write_f32(folder: Path, rel: str, value) -> dict:
    arr = np.ascontiguousarray(value.detach().cpu().float().numpy() if torch.is_tensor(value) else value,
                               dtype="<f4")
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    arr.tofile(path)
    return {"file": rel, "shape": list(arr.shape)}


class Reference:
    """diffusers' pipelines on the three folders, loaded once."""

    def __init__(self, prior: Path, decoder: Path, inpaint: Path | None):
        quiet_libraries()
        from diffusers import (KandinskyV22Img2ImgPipeline, KandinskyV22InpaintPipeline, KandinskyV22Pipeline,
                               KandinskyV22PriorPipeline)
        check_all(prior, decoder, inpaint)
        self.prior = KandinskyV22PriorPipeline.from_pretrained(str(prior))
        self.decoder = KandinskyV22Pipeline.from_pretrained(str(decoder))
        self.img2img = KandinskyV22Img2ImgPipeline(**self.decoder.components)
        self.inpaint = KandinskyV22InpaintPipeline.from_pretrained(str(inpaint)) if inpaint else None
        for pipe in (self.prior, self.decoder, self.img2img, self.inpaint):
            if pipe is not None:
                pipe.set_progress_bar_config(disable=True)

    def clip_embed(self, image: Image.Image) -> tuple[torch.Tensor, torch.Tensor]:
        """The image embedding exactly as KandinskyV22PriorPipeline.interpolate computes it for a PIL image."""
        pixels = self.prior.image_processor(image, return_tensors="pt").pixel_values[0].unsqueeze(0)
        return self.prior.image_encoder(pixels.to(self.prior.image_encoder.dtype))["image_embeds"], pixels

    def record(self, case: Case, folder: Path, steps: int, prior_steps: int, guidance: float = 4.0,
               prior_guidance: float = 4.0, seed: int = 0) -> dict:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        gen = torch.Generator().manual_seed(seed)
        noise = NoiseRecorder()
        expected, debug, spec = {}, {}, {
            "mode": case.mode, "prompt": case.prompt, "negative_prompt": case.negative_prompt or None, "n": case.n,
            "width": case.width, "height": case.height, "prior_steps": prior_steps, "prior_guidance": prior_guidance,
            "steps": steps, "guidance": guidance, "strength": case.strength, "scheduler": "ddpm"}
        with noise.installed(), torch.no_grad(), one_thread():
            source = None
            if case.source_size:
                source = picture(case.source_size, seed + 11)
                source.save(folder / "source.png")
                spec["source"] = "source.png"
            if case.mode in ("text", "inpaint"):
                out = self.prior(case.prompt, negative_prompt=case.negative_prompt or None,
                                 num_images_per_prompt=case.n, num_inference_steps=prior_steps, generator=gen,
                                 guidance_scale=prior_guidance, **noise.begin("prior"))
                embeds, negative = out.image_embeds, out.negative_image_embeds
            elif case.mode == "variation":
                embeds, pixels = self.clip_embed(source)
                embeds = embeds.repeat(case.n, 1)
                negative = self.prior.get_zero_embed(case.n)
                debug["pixel_values"] = write_f32(folder, "debug/pixel_values.f32", pixels)
            elif case.mode == "interpolate":
                items, spec["interpolate"], j = [], [], 0
                for k, item in enumerate(case.interpolate):
                    if "prompt" in item:
                        items.append(item["prompt"])
                        spec["interpolate"].append({"prompt": item["prompt"]})
                    else:
                        name = f"image{k}.png"
                        img = picture(item["image"], seed + 100 + k)
                        img.save(folder / name)
                        items.append(img)
                        spec["interpolate"].append({"image": name})
                spec["weights"] = case.weights
                embeds, negative = self.interpolate(items, case.weights, prior_steps, prior_guidance, gen, noise)
            else:
                raise ValueError(f"unknown mode {case.mode}")
            expected["image_embeds"] = write_f32(folder, "expected/image_embeds.f32", embeds)
            expected["negative_image_embeds"] = write_f32(folder, "expected/negative_image_embeds.f32", negative)
            common = dict(image_embeds=embeds, negative_image_embeds=negative, height=case.height, width=case.width,
                          num_inference_steps=steps, guidance_scale=guidance, generator=gen, output_type="np")
            if case.mode == "inpaint":
                if self.inpaint is None:
                    raise ValueError("the inpaint case needs --inpaint")
                mask = Image.new("L", source.size, 0)
                ImageDraw.Draw(mask).rectangle(case.mask_box, fill=255)
                mask.save(folder / "mask.png")
                spec["mask"] = "mask.png"
                image = self.inpaint(image=source, mask_image=mask, **common, **noise.begin("decoder")).images
            elif case.mode == "variation" and case.strength < 1:
                image = self.img2img(image=source, strength=case.strength, **common,
                                     **noise.begin("decoder", "vary")).images
            else:
                image = self.decoder(**common, **noise.begin("decoder")).images
            expected["image"] = write_f32(folder, "expected/image.f32", np.transpose(image, (0, 3, 1, 2)))
        spec["noise"] = {name: write_f32(folder, f"noise/{name}.f32", value) for name, value in noise.drawn.items()}
        spec["expected"] = expected
        spec["debug"] = debug
        (folder / "case.json").write_text(json.dumps(spec, indent=2) + "\n")
        return spec

    def interpolate(self, items: list, weights: list[float], steps: int, guidance: float, gen, noise: NoiseRecorder):
        """KandinskyV22PriorPipeline.interpolate, with each of its prior runs named (prior.<j>, prior.negative)."""
        prior = self.prior
        original = type(prior).__call__
        runs = iter([f"prior.{j}" for j in range(sum(isinstance(i, str) for i in items))] + ["prior.negative"])

        def named_call(pipe, *args, **kwargs):
            return original(pipe, *args, **kwargs, **noise.begin(next(runs)))
        type(prior).__call__ = named_call
        try:
            out = prior.interpolate(items, weights, num_inference_steps=steps, guidance_scale=guidance,
                                    generator=gen)
        finally:
            type(prior).__call__ = original
        return out.image_embeds, out.negative_image_embeds


def record_all(prior: Path, decoder: Path, inpaint: Path | None, out: Path, steps: int = 4, prior_steps: int = 3,
               width: int = 64, height: int = 64, seed: int = 0, only: list[str] | None = None) -> dict[str, Path]:
    ref = Reference(prior, decoder, inpaint)
    folders = {}
    for case in standard_cases(width, height):
        if (only and case.name not in only) or (case.mode == "inpaint" and inpaint is None):
            continue
        folders[case.name] = out / case.name
        ref.record(case, folders[case.name], steps, prior_steps, seed=seed)
    return folders


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="unclip-tools kandinsky22-cases", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--prior", type=Path, required=True)
    ap.add_argument("--decoder", type=Path, required=True)
    ap.add_argument("--inpaint", type=Path)
    ap.add_argument("--out", type=Path, required=True, help="folder that receives one folder per case")
    ap.add_argument("--steps", type=int, default=4, help="decoder steps")
    ap.add_argument("--prior-steps", type=int, default=3)
    ap.add_argument("--size", type=int, default=64, help="image width and height of the cases (multiple of 64)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--case", action="append", help="record only this case (repeatable)")
    args = ap.parse_args(argv)
    for name, folder in record_all(args.prior, args.decoder, args.inpaint, args.out, args.steps, args.prior_steps,
                                   args.size, args.size, args.seed, args.case).items():
        print(f"{name}: {folder}")
