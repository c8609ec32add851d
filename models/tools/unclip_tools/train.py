"""Trains the tiny unCLIP on the shapes world, stage by stage: CLIP (contrastive) -> prior -> decoder -> upsampler.

Each stage has a step budget and a wall-clock budget (whichever ends first). Checkpoints go to
``models/runs/<run>/checkpoint.pt`` after every stage (and every few hundred steps), holding the EMA weights of
the diffusion stages; ``export`` turns a checkpoint into a bundle.
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .provenance import command_line
from .diffusion import add_noise, alphas_cumprod, TRAIN_TIMESTEPS
from .binding import colour_binding
from .model import CONFIGS, WORLD_CONFIGS, TinyConfig, TinyUnclip, parameter_count
from .tokenizer import build as build_tokenizer, encode
from .world import WORLDS, World

RUNS = Path(__file__).resolve().parents[2] / "runs"
STAGES = ("clip", "prior", "decoder", "upsampler")


class Pool:
    """A pre-rendered training set (held-out triples excluded), so a step costs no rendering. Kept as uint8 and
    scaled to [-1, 1] per batch (the same float32 arithmetic as world.to_model_range): 60000 scenes of 64 px
    would take 2.9 GB as floats."""

    def __init__(self, world: World, size: int, seed: int, hard_negatives: bool = False) -> None:
        rng = np.random.default_rng(seed)
        images, captions, _ = world.batch(rng, size, "train")
        self.pixels = torch.from_numpy(images).permute(0, 3, 1, 2).contiguous()
        self.tokenizer = tok = build_tokenizer()
        self.ids = torch.tensor(encode(tok, captions), dtype=torch.int64)
        self.captions = captions
        # with hard_negatives, each caption's hard negative for CLIP (its two shapes' colours swapped), where it
        # has one; otherwise none (no swapped captions tokenised, no second table of ids)
        swapped = [world.swapped_colours(c) for c in captions] if hard_negatives else [None] * len(captions)
        self.has_negative = torch.tensor([w is not None for w in swapped], dtype=torch.bool)
        self.negative_ids = self.ids[:0]
        if self.has_negative.any():
            self.negative_ids = self.ids.clone()
            self.negative_ids[self.has_negative] = torch.tensor(encode(tok, [w for w in swapped if w is not None]),
                                                                dtype=torch.int64)

    def images(self, index: torch.Tensor | slice) -> torch.Tensor:
        return self.pixels[index].to(torch.float32) / 127.5 - 1.0

    def __len__(self) -> int:
        return len(self.captions)


def contrastive_loss(text: torch.Tensor, image: torch.Tensor, ids: torch.Tensor, scale: torch.Tensor,
                     negatives: torch.Tensor | None = None, negative_ids: torch.Tensor | None = None) -> torch.Tensor:
    """CLIP's symmetric cross-entropy over a batch of B captions and their B images (unit embeddings). Captions may
    match several images of the batch: every pair of equal token ids counts as positive. Hard negatives (H more
    caption embeddings with their ids) join the texts each image must tell apart, not the images each caption
    chooses from: a caption whose colours are swapped has no image in the batch, unless its ids equal one's."""
    texts, text_ids = text, ids
    if negatives is not None and len(negatives):
        texts, text_ids = torch.cat([text, negatives]), torch.cat([ids, negative_ids])
    b = len(ids)
    logits = scale * texts @ image.T  # [B + H, B]
    same = (text_ids[:, None, :] == ids[None, :, :]).all(-1).float()  # [B + H, B]: caption k describes image j
    to_image = same[:b] / same[:b].sum(1, keepdim=True)
    to_text = same.T / same.T.sum(1, keepdim=True)
    return 0.5 * (torch.sum(-to_image * F.log_softmax(logits[:b], 1), 1).mean()
                  + torch.sum(-to_text * F.log_softmax(logits.T, 1), 1).mean())


def random_masks(gen: torch.Generator, b: int, res: int) -> torch.Tensor:
    """Masks [B,1,R,R] (1 = regenerate): a rectangle, an ellipse or a blob of three discs, one per sample."""
    yy, xx = torch.meshgrid(torch.arange(res, dtype=torch.float32) + 0.5, torch.arange(res, dtype=torch.float32) + 0.5,
                            indexing="ij")
    u = torch.rand(b, 8, generator=gen)
    s = res / 32  # margins and blob offsets were chosen at 32 px; they scale with the image (1.0 there)
    cx, cy = 4 * s + u[:, 0:1, None] * (res - 8 * s), 4 * s + u[:, 1:2, None] * (res - 8 * s)
    rx, ry = 3 * s + u[:, 2:3, None] * res / 3, 3 * s + u[:, 3:4, None] * res / 3
    rect = ((xx - cx).abs() <= rx) & ((yy - cy).abs() <= ry)
    ellipse = ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 <= 1
    blob = ellipse.clone()
    for k in range(2):
        ox, oy = (u[:, 4 + 2 * k:5 + 2 * k, None] - 0.5) * 12 * s, (u[:, 5 + 2 * k:6 + 2 * k, None] - 0.5) * 12 * s
        blob |= ((xx - cx - ox) / (rx * 0.7)) ** 2 + ((yy - cy - oy) / (ry * 0.7)) ** 2 <= 1
    kind = torch.randint(0, 3, (b, 1, 1), generator=gen)
    m = torch.where(kind == 0, rect, torch.where(kind == 1, ellipse, blob))
    return m.float()[:, None]


class Ema:
    def __init__(self, module: torch.nn.Module, decay: float) -> None:
        self.decay, self.steps = decay, 0
        self.shadow = copy.deepcopy(module).eval().requires_grad_(False)

    @torch.no_grad()
    def update(self, module: torch.nn.Module) -> None:
        self.steps += 1
        d = min(self.decay, (1 + self.steps) / (10 + self.steps))
        for s, p in zip(self.shadow.parameters(), module.parameters()):
            s.lerp_(p.detach(), 1 - d)


class Trainer:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.device = torch.device(args.device)
        torch.manual_seed(args.seed)
        self.gen = torch.Generator().manual_seed(args.seed)
        self.world = World.named(args.world)
        config = args.config or WORLD_CONFIGS[args.world]
        cfg = CONFIGS[config]
        if cfg.output_resolution != self.world.resolution:
            raise SystemExit(f"error: architecture {config} makes {cfg.output_resolution} px images, world "
                             f"{args.world} is {self.world.resolution} px")
        self.factor = cfg.output_resolution // cfg.base_resolution
        self.run_dir = RUNS / args.run
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.model = TinyUnclip(cfg).to(self.device)
        self.state = {"stages": {}, "command": command_line(sys.argv[1:]), "seed": args.seed, "device": args.device,
                      "torch": torch.__version__, "world": args.world, "architecture": config,
                      "decoder_weighting": args.decoder_weighting,
                      "clip_hard_negatives": args.clip_hard_negatives}
        if args.resume:
            ck = torch.load(args.resume, map_location=self.device, weights_only=False)
            saved = TinyConfig(**{k: tuple(v) if isinstance(v, list) else v for k, v in ck["config"].items()})
            if saved != cfg:
                raise SystemExit(f"error: {args.resume} holds another architecture than {config}")
            self.model.load_state_dict(ck["model"])
            self.state["stages"] = ck["state"]["stages"]
            self.state["resumed_from"] = {"command": ck["state"].get("command"), "stages": copy.deepcopy(ck["state"]["stages"]),
                                          "total_seconds": ck["state"].get("total_seconds")}
        t0 = time.time()
        self.pool = Pool(self.world, args.pool, args.seed, args.clip_hard_negatives == "swapped-colours")
        self.log(f"pool of {len(self.pool)} scenes in {time.time() - t0:.1f}s")
        self.ac = alphas_cumprod().to(self.device)
        self.embeds: torch.Tensor | None = None

    def log(self, msg: str) -> None:
        line = f"[{time.strftime('%H:%M:%S')}] {msg}"
        print(line, flush=True)
        with open(self.run_dir / "train.log", "a") as f:
            f.write(line + "\n")

    def save(self) -> None:
        path = self.run_dir / "checkpoint.pt"
        torch.save({"model": self.model.state_dict(), "config": self.model.cfg.to_json(), "state": self.state},
                   str(path) + ".tmp")
        Path(str(path) + ".tmp").replace(path)

    def batch_index(self, b: int) -> torch.Tensor:
        return torch.randint(0, len(self.pool), (b,), generator=self.gen)

    def image_embeds(self) -> torch.Tensor:
        if self.embeds is None:
            enc = self.model.clip.image.eval()
            with torch.no_grad():
                self.embeds = torch.cat([enc(self.pool.images(slice(i, i + 1024)).to(self.device))
                                         for i in range(0, len(self.pool), 1024)])
        return self.embeds

    def loop(self, stage: str, module: torch.nn.Module, loss_fn, steps: int, minutes: float, lr: float,
             ema: Ema | None) -> None:
        opt = torch.optim.AdamW([p for p in module.parameters() if p.requires_grad], lr=lr, weight_decay=0.0)
        t0, step, avg = time.time(), 0, None
        module.train()
        while step < steps and time.time() - t0 < minutes * 60:
            warm = min(1.0, (step + 1) / 200)
            decay = 0.5 * (1 + math.cos(math.pi * min(1.0, (time.time() - t0) / (minutes * 60), step / steps)))
            for g in opt.param_groups:
                g["lr"] = lr * warm * (0.1 + 0.9 * decay)
            loss = loss_fn()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(module.parameters(), 1.0)
            opt.step()
            if ema is not None:
                ema.update(module)
            step += 1
            avg = loss.item() if avg is None else 0.98 * avg + 0.02 * loss.item()
            if step % 100 == 0:
                self.log(f"{stage} step {step} loss {avg:.4f} ({(time.time() - t0) / step:.3f}s/step)")
            if step % 1000 == 0 and ema is not None:
                self.finish(stage, module, ema, step, t0, final=False)
        self.finish(stage, module, ema, step, t0, final=True)

    def finish(self, stage: str, module: torch.nn.Module, ema: Ema | None, step: int, t0: float, final: bool) -> None:
        live = None
        if ema is not None:
            live = copy.deepcopy(module.state_dict())
            module.load_state_dict(ema.shadow.state_dict())
        before = self.state.get("resumed_from", {}).get("stages", {}).get(stage, {"steps": 0, "seconds": 0.0})
        self.state["stages"][stage] = {"steps": before["steps"] + step,
                                       "seconds": round(before["seconds"] + time.time() - t0, 1), "done": final,
                                       "parameters": parameter_count(module)}
        self.save()
        if live is not None and not final:
            module.load_state_dict(live)
        self.log(f"{stage}: checkpoint at step {step} ({'final' if final else 'partial'})")

    # ---- stages -------------------------------------------------------------------------------------
    def train_clip(self, steps: int, minutes: float) -> None:
        clip, b = self.model.clip, 128

        def loss_fn() -> torch.Tensor:
            i = self.batch_index(b)
            ids = self.pool.ids[i]
            neg_ids = self.pool.negative_ids[i[self.pool.has_negative[i]]]  # none without hard negatives
            te, _ = clip.text(torch.cat([ids, neg_ids]).to(self.device))
            ie = clip.image(self.pool.images(i).to(self.device))
            scale = clip.logit_scale.clamp(max=math.log(100)).exp()
            return contrastive_loss(te[:b], ie, ids.to(self.device), scale, te[b:], neg_ids.to(self.device))

        self.loop("clip", clip, loss_fn, steps, minutes, 1e-3, None)
        tok = self.pool.tokenizer
        clip.eval()
        with torch.no_grad():
            binding = colour_binding(lambda images: clip.image(images.to(self.device)),
                                     lambda texts: clip.text(torch.tensor(encode(tok, texts)).to(self.device))[0],
                                     self.world, 400, self.args.seed + 1)
        if binding is not None:
            self.state["stages"]["clip"]["colour_binding"] = round(binding, 4)
            self.save()
            self.log(f"clip: {100 * binding:.1f}% of 400 held-in two-colour scenes are nearer their caption than "
                     f"the one with the colours swapped (50% is chance)")
        self.embeds = None

    def train_prior(self, steps: int, minutes: float) -> None:
        prior, b, scale = self.model.prior, 128, math.sqrt(self.model.cfg.embedding_dim)
        text = self.model.clip.text.eval().requires_grad_(False)
        embeds = self.image_embeds()
        ema = Ema(prior, 0.995)

        def loss_fn() -> torch.Tensor:
            i = self.batch_index(b)
            with torch.no_grad():
                te, th = text(self.pool.ids[i].to(self.device))
            drop = (torch.rand(b, generator=self.gen) < 0.1).to(self.device)
            te = torch.where(drop[:, None], 0.0, te)
            th = torch.where(drop[:, None, None], 0.0, th)
            x0 = embeds[i.to(self.device)] * scale
            t = torch.randint(0, TRAIN_TIMESTEPS, (b,), generator=self.gen).to(self.device)
            noise = torch.randn(x0.shape, generator=self.gen).to(self.device)
            return F.mse_loss(prior(add_noise(x0, noise, t, self.ac), t, te, th), x0)

        self.loop("prior", prior, loss_fn, steps, minutes, 1e-3, ema)

    def decoder_timesteps(self, b: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Training timesteps and loss weights of the decoder. ``uniform``: every t alike, plain eps MSE (v1).
        ``high-noise``: half the batch from the top 15 % of t, and the eps MSE weighted by 1/SNR clamped to
        [1, 20] (an x0 error, bounded). Why: at 32 px a noisy image still shows its background colour (pooled over
        1024 pixels) up to t ~ 950, so under uniform eps loss a decoder learns to read colours from x_t and never
        from the embedding; sampling starts from pure noise, where only the embedding knows them (measured: after
        5000 steps, predictions with and without the embedding erred alike at every t)."""
        t = torch.randint(0, TRAIN_TIMESTEPS, (b,), generator=self.gen)
        if self.args.decoder_weighting == "uniform":
            return t, torch.ones(b)
        high = torch.randint(int(0.85 * TRAIN_TIMESTEPS), TRAIN_TIMESTEPS, (b,), generator=self.gen)
        t = torch.where(torch.arange(b) < b // 2, high, t)
        a = self.ac.cpu()[t]
        return t, ((1 - a) / a).clamp(1.0, 20.0)

    def train_decoder(self, steps: int, minutes: float) -> None:
        dec, b = self.model.decoder, 64
        embeds = self.image_embeds()
        ema = Ema(dec, 0.999)

        def loss_fn() -> torch.Tensor:
            i = self.batch_index(b)
            img = self.pool.images(i)
            mask = random_masks(self.gen, b, img.shape[-1])
            full = torch.rand(b, generator=self.gen) < 0.5
            mask = torch.where(full[:, None, None, None], 1.0, mask)
            ie = torch.where((torch.rand(b, generator=self.gen) < 0.1)[:, None], 0.0, embeds[i])
            x0 = F.avg_pool2d(img, self.factor)
            t, weight = self.decoder_timesteps(b)
            noise = torch.randn(x0.shape, generator=self.gen)
            d = self.device
            eps = dec(add_noise(x0, noise, t, self.ac.cpu()).to(d), t.to(d), ie.to(d), (img * (1 - mask)).to(d), mask.to(d))
            return (weight.to(d) * ((eps - noise.to(d)) ** 2).mean(dim=(1, 2, 3))).mean()

        self.loop("decoder", dec, loss_fn, steps, minutes, 5e-4, ema)

    def train_upsampler(self, steps: int, minutes: float) -> None:
        up, b = self.model.upsampler, 64
        embeds = self.image_embeds()
        ema = Ema(up, 0.999)

        def loss_fn() -> torch.Tensor:
            i = self.batch_index(b)
            x0 = self.pool.images(i)
            # the decoder's output is never exact: train on slightly noisy low-res inputs
            low = F.avg_pool2d(x0, self.factor)
            low = low + torch.randn(low.shape, generator=self.gen) * 0.05 * torch.rand(b, 1, 1, 1, generator=self.gen)
            t = torch.randint(0, TRAIN_TIMESTEPS, (b,), generator=self.gen)
            noise = torch.randn(x0.shape, generator=self.gen)
            d = self.device
            eps = up(add_noise(x0, noise, t, self.ac.cpu()).to(d), t.to(d), low.to(d), embeds[i.to(d)])
            return F.mse_loss(eps, noise.to(d))

        self.loop("upsampler", up, loss_fn, steps, minutes, 5e-4, ema)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="unclip_tools train", description=__doc__)
    ap.add_argument("--run", default="shapes-tiny", help="folder under models/runs/")
    ap.add_argument("--world", default="v1", choices=list(WORLDS), help="world definition (v2: 64 px, two shapes)")
    ap.add_argument("--config", choices=list(CONFIGS),
                    help="architecture (default: the world's, " + ", ".join(f"{w}: {c}" for w, c in WORLD_CONFIGS.items())
                         + ")")
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--pool", type=int, default=60000, help="pre-rendered training scenes")
    ap.add_argument("--stages", default=",".join(STAGES), help="comma-separated subset of " + ",".join(STAGES))
    ap.add_argument("--resume", type=Path, help="start from this checkpoint")
    ap.add_argument("--decoder-weighting", choices=["uniform", "high-noise"],
                    help="decoder timesteps and loss weights (default: uniform for world v1, as its bundle was "
                         "trained, high-noise for v2; see Trainer.decoder_timesteps)")
    ap.add_argument("--clip-hard-negatives", choices=["none", "swapped-colours"],
                    help="extra captions each CLIP image must tell apart from its own (default: none for world v1, "
                         "as its bundle was trained; swapped-colours for v2: each two-colour caption with its shapes' "
                         "colours swapped, so CLIP must bind each colour to its shape)")
    for stage, steps, minutes in (("clip", 2000, 4), ("prior", 4000, 4), ("decoder", 8000, 28), ("upsampler", 3000, 10)):
        ap.add_argument(f"--{stage}-steps", type=int, default=steps)
        ap.add_argument(f"--{stage}-minutes", type=float, default=minutes)
    args = ap.parse_args(argv)
    if args.decoder_weighting is None:
        args.decoder_weighting = "uniform" if args.world == "v1" else "high-noise"
    if args.clip_hard_negatives is None:
        args.clip_hard_negatives = "none" if args.world == "v1" else "swapped-colours"
    torch.set_num_threads(args.threads)
    trainer = Trainer(args)
    t0 = time.time()
    for stage in [s.strip() for s in args.stages.split(",") if s.strip()]:
        if stage not in STAGES:
            raise SystemExit(f"unknown stage {stage!r}; choose from {', '.join(STAGES)}")
        getattr(trainer, f"train_{stage}")(getattr(args, f"{stage}_steps"), getattr(args, f"{stage}_minutes"))
    trainer.state["total_seconds"] = round(time.time() - t0 + (trainer.state.get("resumed_from", {}).get("total_seconds") or 0), 1)
    trainer.save()
    trainer.log("done: " + json.dumps(trainer.state["stages"]))
