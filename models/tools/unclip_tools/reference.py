"""The Python reference pipeline over a bundle's TorchScript files: exactly the sampling the Java engine does
(BUNDLE.md, "Sampling algorithm (reference)"). Every random tensor is drawn by name from a NamedNoise, and
every intermediate is recorded, so fixtures can replay it number for number.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from diffusers import DDIMScheduler, DDPMScheduler, DPMSolverMultistepScheduler, UnCLIPScheduler
from tokenizers import Tokenizer

logging.getLogger("diffusers").setLevel(logging.ERROR)
SCHEDULERS = ("ddim", "ddpm", "dpmsolver++", "unclip")
NOISY_SCHEDULERS = ("ddpm", "unclip")  # they add fresh noise in step() when t > 0


class BundleError(RuntimeError):
    """A bundle that cannot be used: missing file, wrong checksum, unreadable manifest."""


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Bundle:
    """A bundle folder, checked against its manifest's sha256 sums before anything loads."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        manifest = self.folder / "unclip.json"
        if not manifest.is_file():
            raise BundleError(f"no bundle at {self.folder}: unclip.json is missing (export one with "
                              f"'python -m unclip_tools export')")
        self.manifest = json.loads(manifest.read_text())
        m = self.manifest
        expected = {c["file"]: c["sha256"] for c in m["components"].values()}
        expected[m["tokenizer"]["file"]] = m["tokenizer"]["sha256"]
        expected.update(m.get("files", {}))
        for name, sha in expected.items():
            path = self.folder / name
            if not path.is_file():
                raise BundleError(f"bundle {self.folder} is incomplete: {name} is missing (re-export the bundle or "
                                  f"restore the file from git)")
            if file_sha256(path) != sha:
                raise BundleError(f"bundle {self.folder}: {name} does not match the sha256 in unclip.json "
                                  f"(file changed or corrupted; re-export the bundle)")
        self.components = {n: torch.jit.load(str(self.folder / c["file"])).eval() for n, c in m["components"].items()}
        self.tokenizer = Tokenizer.from_file(str(self.folder / m["tokenizer"]["file"]))
        self.base = int(m["resolution"]["base"])
        self.output = int(m["resolution"]["output"])
        self.dim = int(m["embedding_dim"])

    def tokenize(self, prompts: list[str]) -> torch.Tensor:
        return torch.tensor([e.ids for e in self.tokenizer.encode_batch(prompts)], dtype=torch.int64)


def make_scheduler(name: str, config: dict, steps: int):
    """The diffusers scheduler of that name from the stage config, with set_timesteps(steps) done."""
    if name == "ddim":
        s = DDIMScheduler.from_config(config)
    elif name == "ddpm":
        s = DDPMScheduler.from_config(config)
    elif name == "dpmsolver++":
        s = DPMSolverMultistepScheduler.from_config(config, algorithm_type="dpmsolver++", solver_order=2)
    elif name == "unclip":
        keys = ("num_train_timesteps", "clip_sample", "clip_sample_range", "prediction_type", "beta_schedule")
        s = UnCLIPScheduler(variance_type="fixed_small_log", **{k: config[k] for k in keys})
    else:
        raise ValueError(f"unknown scheduler {name!r}; choose one of {', '.join(SCHEDULERS)}")
    s.set_timesteps(steps)
    return s


@contextlib.contextmanager
def one_thread():
    """libtorch with one intra-op thread, as the Java engine runs it: the thread count changes how reductions
    are split and so the last bits of every network output (BUNDLE.md, "Sampling algorithm")."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class NamedNoise:
    """Standard normal tensors drawn by name, each from its own torch.Generator seeded from (seed, name), so a
    scheduler's own draw can be reproduced by handing it a generator with the same seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.drawn: dict[str, torch.Tensor] = {}

    def _seed(self, name: str) -> int:
        return int.from_bytes(hashlib.sha256(f"{self.seed}:{name}".encode()).digest()[:7], "little")

    def generator(self, name: str) -> torch.Generator:
        return torch.Generator().manual_seed(self._seed(name))

    def draw(self, name: str, shape: tuple[int, ...]) -> torch.Tensor:
        x = torch.randn(shape, generator=self.generator(name), dtype=torch.float32)
        self.drawn[name] = x
        return x


@dataclass
class Request:
    mode: str  # "text", "variation" or "inpaint"
    prompt: str | None = None
    n: int = 1
    steps: int | None = None
    guidance: float | None = None
    scheduler: str | None = None
    strength: float = 1.0
    source: torch.Tensor | None = None  # [n,3,R,R] in [-1,1]
    mask: torch.Tensor | None = None  # [n,1,R,R], 1 = regenerate
    prompts: list[str] | None = None  # one prompt per image (the engine's cross-request batches), else prompt


def guided(model, guidance: float, x: torch.Tensor, t: torch.Tensor, cond: tuple, uncond: tuple) -> torch.Tensor:
    """One network call; with guidance != 1 the batch is [cond; uncond] and out = u + g (c - u)."""
    b = x.shape[0]
    if guidance == 1.0:
        return model(x, t.expand(b), *cond)
    args = [torch.cat([c, u]) for c, u in zip(cond, uncond)]
    out = model(torch.cat([x, x]), t.expand(2 * b), *args)
    c, u = out[:b], out[b:]
    return u + guidance * (c - u)


def denoise(stage: str, model, scheduler, scheduler_name: str, x: torch.Tensor, guidance: float, cond: tuple,
            uncond: tuple, noise: NamedNoise, trace: dict, start: int = 0) -> torch.Tensor:
    """The sampling loop of one stage over scheduler.timesteps[start:]; K counts the steps taken."""
    timesteps = scheduler.timesteps[start:]
    for k, t in enumerate(timesteps):
        t = t.to(torch.int64).reshape(1)
        out = guided(model, guidance, x, t, cond, uncond)
        kwargs = {}
        if scheduler_name in NOISY_SCHEDULERS and int(t) > 0:
            name = f"{stage}.step.{k}"
            noise.draw(name, tuple(x.shape))
            kwargs["generator"] = noise.generator(name)
        if scheduler_name == "unclip":
            kwargs["prev_timestep"] = int(timesteps[k + 1]) if k + 1 < len(timesteps) else None
        x = scheduler.step(out, int(t), x, **kwargs).prev_sample
        trace[f"{stage}.x.{k}"] = x
    return x


def upsampler_start(stage: dict) -> tuple[str, int]:
    """The upsampler stage's start (BUNDLE.md): ("noise", 0), or ("low_res", int(steps * (1 - strength))) when it
    starts from the bilinearly resized decoder output noised to that timestep (SDEdit-style super-resolution)."""
    init = stage.get("init", "noise")
    if init not in ("noise", "low_res"):
        raise ValueError(f"upsampler init {init!r} is not 'noise' or 'low_res'")
    if init == "noise":
        return init, 0
    steps, strength = int(stage["steps"]), float(stage.get("strength", 1.0))
    if not 0.0 < strength <= 1.0:
        raise ValueError(f"upsampler strength {strength} is outside (0, 1]")
    start = int(steps * (1.0 - strength))
    if start >= steps:
        raise ValueError(f"upsampler strength {strength} leaves none of its {steps} steps to run")
    return init, start


@torch.no_grad()
def run(bundle: Bundle, req: Request, noise: NamedNoise) -> dict[str, torch.Tensor]:
    """Runs a request and returns every intermediate by its BUNDLE.md name (the last one is 'image')."""
    m, c = bundle.manifest, bundle.components
    stages, n, big, small, d = m["stages"], req.n, bundle.output, bundle.base, bundle.dim
    chosen = req.scheduler or m["defaults"]["scheduler"]
    steps = req.steps or m["defaults"]["steps"]
    guidance = m["defaults"]["guidance"] if req.guidance is None else req.guidance
    trace: dict[str, torch.Tensor] = {}
    if req.mode in ("variation", "inpaint"):
        if req.source is None or tuple(req.source.shape) != (n, 3, big, big):
            raise ValueError(f"{req.mode} needs a source image of shape {(n, 3, big, big)}")
        trace["source"] = req.source
    # 1. image embedding: from the text through the prior, or from the source image
    if req.mode in ("text", "inpaint"):
        prompts = req.prompts if req.prompts is not None else [req.prompt] * n
        if len(prompts) != n or not all(prompts):
            raise ValueError(f"{req.mode} needs a prompt for each of its {n} images")
        ids = bundle.tokenize(prompts)
        text_embed, text_hidden = c["text_encoder"](ids)
        trace.update(input_ids=ids, text_embed=text_embed, text_hidden=text_hidden)
        ps = stages["prior"]
        sched = make_scheduler(chosen, ps["config"], ps["steps"])
        x = noise.draw("prior.init", (n, d)) * sched.init_noise_sigma
        x = denoise("prior", c["prior"], sched, chosen, x, float(ps["guidance"]), (text_embed, text_hidden),
                    (torch.zeros_like(text_embed), torch.zeros_like(text_hidden)), noise, trace)
        image_embed = F.normalize(x / float(ps["latent_scale"]), dim=-1)
    elif req.mode == "variation":
        image_embed = c["image_encoder"](req.source)
    else:
        raise ValueError(f"unknown mode {req.mode!r}")
    trace["image_embed"] = image_embed
    # 2. decoder at the base resolution
    if req.mode == "inpaint":
        if req.mask is None or tuple(req.mask.shape) != (n, 1, big, big):
            raise ValueError(f"inpaint needs a mask of shape {(n, 1, big, big)}")
        mask = req.mask
        masked = req.source * (1 - mask)
        trace["mask"] = mask
    else:
        mask = torch.ones(n, 1, big, big)
        masked = torch.zeros(n, 3, big, big)
    ds = stages["decoder"]
    sched = make_scheduler(chosen, ds["config"], steps)
    start = 0
    if req.mode == "variation" and req.strength < 1.0:
        start = int(steps * (1.0 - req.strength))
        t_start = sched.timesteps[start:start + 1].to(torch.int64)
        x = sched.add_noise(F.avg_pool2d(req.source, big // small), noise.draw("decoder.vary", (n, 3, small, small)),
                            t_start)
    else:
        x = noise.draw("decoder.init", (n, 3, small, small)) * sched.init_noise_sigma
    x = denoise("decoder", c["decoder"], sched, chosen, x, guidance, (image_embed, masked, mask),
                (torch.zeros_like(image_embed), masked, mask), noise, trace, start)
    low_res = x.clamp(-1.0, 1.0)
    trace["low_res"] = low_res
    # 3. upsampler to the output resolution (no guidance), from noise or from the resized low_res (SDEdit)
    us = stages["upsampler"]
    sched = make_scheduler(chosen, us["config"], us["steps"])
    init, start = upsampler_start(us)
    if init == "low_res":
        up = F.interpolate(low_res, size=(big, big), mode="bilinear", align_corners=False)
        trace["upsampler.start"] = up
        t_start = sched.timesteps[start:start + 1].to(torch.int64)
        x = sched.add_noise(up, noise.draw("upsampler.init", (n, 3, big, big)), t_start)
    else:
        x = noise.draw("upsampler.init", (n, 3, big, big)) * sched.init_noise_sigma
    x = denoise("upsampler", c["upsampler"], sched, chosen, x, 1.0, (low_res, image_embed), (), noise, trace, start)
    image = x.clamp(-1.0, 1.0)
    # 4. inpainting keeps the unmasked source pixels
    if req.mode == "inpaint":
        image = mask * image + (1 - mask) * req.source
    trace["image"] = image
    for name, value in noise.drawn.items():
        trace[name] = value
    return trace


def to_uint8(image: torch.Tensor) -> np.ndarray:
    """[B,3,R,R] in [-1,1] -> uint8 [B,R,R,3]: round(clamp((x + 1) / 2, 0, 1) * 255)."""
    return torch.round(((image + 1) / 2).clamp(0, 1) * 255).to(torch.uint8).permute(0, 2, 3, 1).numpy()


def from_uint8(pixels: np.ndarray) -> torch.Tensor:
    """uint8 [B,R,R,3] -> [B,3,R,R] in [-1,1]: u8 / 127.5 - 1."""
    return torch.from_numpy(pixels.astype(np.float32) / 127.5 - 1.0).permute(0, 3, 1, 2).contiguous()


def main(argv: list[str] | None = None) -> None:
    from PIL import Image
    from .export import DEFAULT_OUT
    ap = argparse.ArgumentParser(prog="unclip_tools reference", description=__doc__)
    ap.add_argument("--bundle", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--prompt", default="a large red square on a white background")
    ap.add_argument("--image", type=Path, help="source image (variations / inpainting), R x R RGB")
    ap.add_argument("--mask", type=Path, help="mask image (inpainting); non-zero = regenerate")
    ap.add_argument("--n", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--steps", type=int)
    ap.add_argument("--guidance", type=float)
    ap.add_argument("--scheduler", choices=SCHEDULERS)
    ap.add_argument("--strength", type=float, default=1.0)
    ap.add_argument("--out", type=Path, default=Path("reference.png"))
    args = ap.parse_args(argv)
    bundle = Bundle(args.bundle)
    source = mask = None
    mode = "text"
    if args.image:
        px = np.asarray(Image.open(args.image).convert("RGB"))
        source = from_uint8(np.stack([px] * args.n))
        mode = "variation"
        if args.mask:
            mask = torch.from_numpy((np.asarray(Image.open(args.mask).convert("L")) > 0).astype(np.float32))
            mask = mask[None, None].repeat(args.n, 1, 1, 1)
            mode = "inpaint"
    req = Request(mode, args.prompt, args.n, args.steps, args.guidance, args.scheduler, args.strength, source, mask)
    with one_thread():
        trace = run(bundle, req, NamedNoise(args.seed))
    Image.fromarray(np.concatenate(list(to_uint8(trace["image"])), axis=1)).save(args.out)
    print(f"wrote {args.out}")
