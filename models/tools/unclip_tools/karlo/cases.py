"""The diffusers reference for Karlo parity: runs diffusers' own ``UnCLIPPipeline`` and
``UnCLIPImageVariationPipeline`` and records every random tensor they draw under the names of models/BUNDLE.md
("Kind karlo", Noise): each pipeline draw (prepare_latents) starts the next stage (prior, decoder, super_res) as
``<stage>.init``, each UnCLIPScheduler draw of that stage is ``<stage>.step.K`` (K = the loop index: the scheduler
draws at every step but the last, whose timestep is 0). The image embeddings the decoder is conditioned on are
taken where the pipelines hand them to the text projection. Each case is a folder the Java ``parity`` command reads.
"""
from __future__ import annotations

import argparse
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..kandinsky22.cases import NoiseRecorder, picture, write_f32
from ..kandinsky22.export import quiet_libraries
from ..reference import one_thread
from .export import check_all


class StageNoiseRecorder(NoiseRecorder):
    """NoiseRecorder for pipelines without step callbacks: the stages follow each other in a known order."""

    pipeline_modules = ["diffusers.pipelines.unclip.pipeline_unclip",
                        "diffusers.pipelines.unclip.pipeline_unclip_image_variation"]
    scheduler_modules = ["diffusers.schedulers.scheduling_unclip"]

    def begin_stages(self, stages: list[str]) -> None:
        self.stages, self.stage, self.step = list(stages), None, 0

    def record(self, kind: str, value: torch.Tensor) -> torch.Tensor:
        if kind == "pipeline":
            if not self.stages:
                raise RuntimeError("diffusers drew more initial latents than the pipeline has stages")
            self.stage, self.first_name, self.step = self.stages.pop(0), "init", 0
            return super().record(kind, value)
        value = super().record(kind, value)
        self.step += 1
        return value


@dataclass
class Case:
    """One parity case (case.json keys of the contract)."""
    name: str
    mode: str
    prompt: str = ""
    n: int = 1
    source_size: tuple[int, int] | None = None
    strength: float = 1.0


def standard_cases() -> list[Case]:
    """Text (one image and a batch of two), variations of a source of another size than the model's (the CLIP
    processor's resize and crop are exercised)."""
    return [
        Case("text-cat", "text", prompt="a red cat sitting on a blue sofa, 4k photo"),
        Case("text-lighthouse-n2", "text", prompt="an oil painting of a lighthouse at night", n=2),
        Case("variation", "variation", source_size=(53, 41)),
        Case("variation-n2", "variation", n=2, source_size=(40, 64)),
        # the engine's extension (models/BUNDLE.md "Kind karlo"): a source at the model's size, so that the
        # noised tensor needs no resize
        Case("variation-strength0.5", "variation", strength=0.5),
    ]


class Reference:
    """diffusers' Karlo pipelines on the folders, loaded once."""

    def __init__(self, pipeline: Path, variations: Path | None):
        quiet_libraries()
        from diffusers import UnCLIPImageVariationPipeline, UnCLIPPipeline
        check_all(pipeline, variations)
        self.text = UnCLIPPipeline.from_pretrained(str(pipeline))
        self.variations = UnCLIPImageVariationPipeline.from_pretrained(str(variations)) if variations else None
        for pipe in (self.text, self.variations):
            if pipe is not None:
                pipe.set_progress_bar_config(disable=True)

    def record(self, case: Case, folder: Path, steps: int, prior_steps: int, super_res_steps: int,
               guidance: float = 8.0, prior_guidance: float = 4.0, seed: int = 0) -> dict:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        gen = torch.Generator().manual_seed(seed)
        noise = StageNoiseRecorder()
        spec = {"mode": case.mode, "prompt": case.prompt, "n": case.n, "prior_steps": prior_steps,
                "prior_guidance": prior_guidance, "steps": steps, "guidance": guidance,
                "super_res_steps": super_res_steps, "strength": 1.0, "scheduler": "unclip"}
        pipe = self.text if case.mode == "text" else self.variations
        if pipe is None:
            raise ValueError("the variation cases need --variations")
        embeds = {}
        original = pipe.text_proj.forward

        def keep_embeddings(*args, **kwargs):
            embeds["image_embeds"] = kwargs["image_embeddings"].detach().clone()
            return original(*args, **kwargs)
        pipe.text_proj.forward = keep_embeddings
        try:
            with noise.installed(), torch.no_grad(), one_thread():
                common = dict(num_images_per_prompt=case.n, decoder_num_inference_steps=steps,
                              super_res_num_inference_steps=super_res_steps, decoder_guidance_scale=guidance,
                              generator=gen, output_type="np")
                if case.mode == "text":
                    noise.begin_stages(["prior", "decoder", "super_res"])
                    image = pipe(case.prompt, prior_num_inference_steps=prior_steps,
                                 prior_guidance_scale=prior_guidance, **common).images
                else:
                    size = pipe.super_res_first.config.sample_size
                    source = picture(case.source_size or (size, size), seed + 11)
                    source.save(folder / "source.png")
                    spec["source"], spec["strength"] = "source.png", case.strength
                    if case.strength < 1:
                        common["decoder_latents"] = partial_decoding(pipe, source, case.strength, steps, gen, noise)
                    else:
                        noise.begin_stages(["decoder", "super_res"])
                    image = pipe(source, **common).images
        finally:
            pipe.text_proj.forward = original
            pipe.decoder_scheduler.__dict__.pop("set_timesteps", None)
        spec["noise"] = {name: write_f32(folder, f"noise/{name}.f32", value) for name, value in noise.drawn.items()}
        spec["expected"] = {"image_embeds": write_f32(folder, "expected/image_embeds.f32", embeds["image_embeds"]),
                            "image": write_f32(folder, "expected/image.f32", np.transpose(image, (0, 3, 1, 2)))}
        (folder / "case.json").write_text(json.dumps(spec, indent=2) + "\n")
        return spec


def partial_decoding(pipe, source, strength: float, steps: int, gen: torch.Generator,
                     noise: StageNoiseRecorder) -> torch.Tensor:
    """Variations of strength < 1 as the engine defines them (diffusers' Karlo has none): the source at the
    model's size averaged down to the decoder's, noised with ``decoder.vary`` to the timestep at index
    int(steps * (1 - strength)); the pipeline then runs only the remaining decoder steps (its scheduler's timesteps
    are cut there) from those latents. ``decoder.init`` is recorded too, since the engine always draws it."""
    big, r = pipe.super_res_first.config.sample_size, pipe.decoder.config.sample_size
    pixels = torch.from_numpy(np.asarray(source.convert("RGB"))).permute(2, 0, 1)[None].float() / 127.5 - 1
    small = pixels.reshape(1, 3, r, big // r, r, big // r).mean(5).mean(3)  # the engine's order of means
    scheduler = pipe.decoder_scheduler
    scheduler.set_timesteps(steps)
    index = int(steps * (1 - strength))
    start_t = scheduler.timesteps[index]
    noise.drawn["decoder.init"] = torch.randn(small.shape, generator=gen)
    noise.drawn["decoder.vary"] = torch.randn(small.shape, generator=gen)
    latents = scheduler.add_noise(small, noise.drawn["decoder.vary"], start_t[None])
    cut = type(scheduler).set_timesteps

    def set_timesteps(*args, **kwargs):
        cut(scheduler, *args, **kwargs)
        scheduler.timesteps = scheduler.timesteps[index:]
    scheduler.set_timesteps = set_timesteps
    # the decoder's latents are given, so the pipeline's first draw starts the super-resolution
    noise.begin_stages(["super_res"])
    noise.stage, noise.step = "decoder", 0
    return latents


def record_all(pipeline: Path, variations: Path | None, out: Path, steps: int = 4, prior_steps: int = 3,
               super_res_steps: int = 3, seed: int = 0, only: list[str] | None = None) -> dict[str, Path]:
    ref = Reference(pipeline, variations)
    folders = {}
    for case in standard_cases():
        if (only and case.name not in only) or (case.mode == "variation" and variations is None):
            continue
        folders[case.name] = out / case.name
        ref.record(case, folders[case.name], steps, prior_steps, super_res_steps, seed=seed)
    return folders


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="unclip-tools karlo-cases", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pipeline", type=Path, required=True)
    ap.add_argument("--variations", type=Path)
    ap.add_argument("--out", type=Path, required=True, help="folder that receives one folder per case")
    ap.add_argument("--steps", type=int, default=4, help="decoder steps")
    ap.add_argument("--prior-steps", type=int, default=3)
    ap.add_argument("--super-res-steps", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--case", action="append", help="record only this case (repeatable)")
    args = ap.parse_args(argv)
    for name, folder in record_all(args.pipeline, args.variations, args.out, args.steps, args.prior_steps,
                                   args.super_res_steps, args.seed, args.case).items():
        print(f"{name}: {folder}")
