"""Exports a checkpoint (or freshly initialised weights) to a bundle folder: TorchScript components traced
under torch 2.7.1 (DJL's libtorch), tokenizer.json, world.json and the manifest unclip.json (BUNDLE.md).
Every component is reloaded with torch.jit.load and compared with the eager module before the manifest is written.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import shutil
import sys
from pathlib import Path

import torch
from torch import nn

from .provenance import command_line
from .diffusion import STEPS_OFFSET, TIMESTEP_SPACING, scheduler_config
from .model import CONFIGS, WORLD_CONFIGS, TinyConfig, TinyUnclip, parameter_count
from .tokenizer import BOS_ID, CONTEXT_LENGTH, EOS_ID, PAD_ID, write as write_tokenizer
from .world import WORLD_FILE, WORLDS, World, world_file

REQUIRED_TORCH = "2.7.1"
TOLERANCE = 1e-5
BUNDLE_NAME = "shapes-tiny"
DEFAULT_OUT = Path(__file__).resolve().parents[2] / BUNDLE_NAME
LICENSE_TEXT = ("Licensed under the Apache License, Version 2.0 (the \"License\"); you may not use these files except "
                "in compliance with the License. You may obtain a copy of the License at "
                "http://www.apache.org/licenses/LICENSE-2.0. Unless required by applicable law or agreed to in "
                "writing, software distributed under the License is distributed on an \"AS IS\" BASIS, WITHOUT "
                "WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.")


class WrongTorchError(RuntimeError):
    pass


def require_torch(version: str = torch.__version__) -> None:
    if version.split("+")[0] != REQUIRED_TORCH:
        raise WrongTorchError(
            f"TorchScript export needs torch=={REQUIRED_TORCH} (the libtorch DJL 0.36.0 runs), but this Python has "
            f"torch {version}. Run the tools from the environment that models/tools/install.sh prints.")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def io_spec(cfg: TinyConfig) -> dict[str, tuple[list[dict], list[dict]]]:
    d, w, r, big = cfg.embedding_dim, cfg.text_width, cfg.base_resolution, cfg.output_resolution

    def t(name: str, shape: list[int], dtype: str = "float32") -> dict:
        return {"name": name, "shape": shape, "dtype": dtype}
    return {
        "text_encoder": ([t("input_ids", [-1, CONTEXT_LENGTH], "int64")],
                         [t("text_embed", [-1, d]), t("text_hidden", [-1, CONTEXT_LENGTH, w])]),
        "image_encoder": ([t("image", [-1, 3, big, big])], [t("image_embed", [-1, d])]),
        "prior": ([t("x_t", [-1, d]), t("t", [-1], "int64"), t("text_embed", [-1, d]),
                   t("text_hidden", [-1, CONTEXT_LENGTH, w])], [t("x0", [-1, d])]),
        "decoder": ([t("x_t", [-1, 3, r, r]), t("t", [-1], "int64"), t("image_embed", [-1, d]),
                     t("masked_image", [-1, 3, big, big]), t("mask", [-1, 1, big, big])], [t("eps", [-1, 3, r, r])]),
        "upsampler": ([t("x_t", [-1, 3, big, big]), t("t", [-1], "int64"), t("low_res", [-1, 3, r, r]),
                       t("image_embed", [-1, d])], [t("eps", [-1, 3, big, big])]),
    }


def example_inputs(spec: list[dict], batch: int, gen: torch.Generator) -> tuple[torch.Tensor, ...]:
    out = []
    for s in spec:
        shape = [batch if n == -1 else n for n in s["shape"]]
        if s["name"] == "input_ids":
            ids = torch.randint(0, 49406, shape, generator=gen)
            ids[:, 0] = BOS_ID
            ids[:, 10:] = EOS_ID
            out.append(ids)
        elif s["name"] == "t":
            out.append(torch.randint(0, 1000, shape, generator=gen))
        elif s["name"] == "mask":
            out.append((torch.rand(shape, generator=gen) > 0.5).float())
        else:
            out.append(torch.randn(shape, generator=gen))
    return tuple(out)


def components(model: TinyUnclip) -> dict[str, nn.Module]:
    return {"text_encoder": model.clip.text, "image_encoder": model.clip.image, "prior": model.prior,
            "decoder": model.decoder, "upsampler": model.upsampler}


def max_difference(a, b) -> float:
    a = a if isinstance(a, (tuple, list)) else (a,)
    b = b if isinstance(b, (tuple, list)) else (b,)
    return max(float((x - y).abs().max()) for x, y in zip(a, b))


def same_weights(path: Path, module: nn.Module) -> bool:
    """Whether the TorchScript file at path already holds exactly this module's parameters and buffers."""
    if not path.is_file():
        return False
    saved, mine = torch.jit.load(str(path), map_location="cpu").state_dict(), module.state_dict()
    return saved.keys() == mine.keys() and all(torch.equal(saved[k], mine[k]) for k in mine)


def trace_and_verify(name: str, module: nn.Module, inputs_spec: list[dict], path: Path, reuse: bool = False) -> float:
    """Traces the module, saves it, reloads it and returns the largest |jit - eager| over batch sizes 1..3. With
    reuse, a file at path that already holds the same weights is kept byte for byte (a re-trace would differ only
    in its serialization id and debug records) and only verified."""
    module = module.eval()
    gen = torch.Generator().manual_seed(1234)
    with torch.no_grad():
        traced = torch.jit.trace(module, example_inputs(inputs_spec, 2, gen), check_trace=False)
        if not (reuse and same_weights(path, module)):
            torch.jit.save(traced, str(path))
        loaded = torch.jit.load(str(path))
        worst = 0.0
        for batch in (1, 2, 3):
            x = example_inputs(inputs_spec, batch, gen)
            worst = max(worst, max_difference(loaded(*x), module(*x)))
    if worst > TOLERANCE:
        raise RuntimeError(f"{name}: TorchScript differs from the eager module by {worst:g} (> {TOLERANCE:g})")
    return worst


DEFAULT_GUIDANCE = 1.25
DEFAULT_UPSAMPLER_INIT = "low_res"
DEFAULT_UPSAMPLER_STRENGTH = 0.5


def stage_settings(scheduler: str = "ddim", prior_guidance: float = 1.0, decoder_steps: int = 25,
                   decoder_guidance: float = DEFAULT_GUIDANCE, prior_steps: int = 25, upsampler_steps: int = 10,
                   latent_scale: float = 8.0, timestep_spacing: str = TIMESTEP_SPACING,
                   steps_offset: int = STEPS_OFFSET, upsampler_init: str = DEFAULT_UPSAMPLER_INIT,
                   upsampler_strength: float = DEFAULT_UPSAMPLER_STRENGTH) -> dict:
    def config(prediction_type: str, clip_sample: bool) -> dict:
        return scheduler_config(prediction_type, clip_sample, timestep_spacing, steps_offset)
    upsampler = {"scheduler": scheduler, "config": config("epsilon", True), "steps": upsampler_steps,
                 "prediction_type": "epsilon", "init": upsampler_init}
    if upsampler_init == "low_res":
        upsampler["strength"] = upsampler_strength
    return {
        "prior": {"scheduler": scheduler, "config": config("sample", False), "steps": prior_steps,
                  "guidance": prior_guidance, "prediction_type": "sample", "latent_scale": latent_scale},
        "decoder": {"scheduler": scheduler, "config": config("epsilon", True), "steps": decoder_steps,
                    "guidance": decoder_guidance, "prediction_type": "epsilon"},
        "upsampler": upsampler,
    }


def export_bundle(model: TinyUnclip, out: Path, provenance: dict, stages: dict | None = None,
                  description: str | None = None, reuse: bool = False, world_path: Path = WORLD_FILE) -> dict:
    """Writes the bundle; world_path is the world definition the model was trained on, copied as world.json."""
    require_torch()
    cfg = model.cfg
    world = World(world_path)
    if world.resolution != cfg.output_resolution:
        raise ValueError(f"world {world_path} is {world.resolution} px, the model makes {cfg.output_resolution} px")
    out.mkdir(parents=True, exist_ok=True)
    spec = io_spec(cfg)
    comps, diffs = {}, {}
    for name, module in components(model).items():
        path = out / f"{name}.pt"
        diffs[name] = trace_and_verify(name, module, spec[name][0], path, reuse)
        comps[name] = {"file": path.name, "sha256": sha256(path), "inputs": spec[name][0], "outputs": spec[name][1],
                       "parameters": parameter_count(module)}
    write_tokenizer(out / "tokenizer.json")
    if Path(world_path).resolve() != (out / "world.json").resolve():
        shutil.copyfile(world_path, out / "world.json")
    stages = stages or stage_settings(latent_scale=math.sqrt(cfg.embedding_dim))
    manifest = {
        "format": 1,
        "name": BUNDLE_NAME,
        "kind": "tiny",
        "version": "1.0.0",
        "description": description or (f"A miniature unCLIP (CLIP, diffusion prior, {cfg.base_resolution} px decoder, "
                                       f"{cfg.base_resolution}->{cfg.output_resolution} px upsampler) trained by the "
                                       f"project on the synthetic shapes world."),
        "license": {"name": "Apache-2.0", "text": LICENSE_TEXT},
        "provenance": {**provenance, "torch": torch.__version__.split("+")[0], "world": "world.json",
                       "held_out": [list(t) for t in sorted(world.held_out)],
                       "created": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")},
        "embedding_dim": cfg.embedding_dim,
        "text_width": cfg.text_width,
        "resolution": {"base": cfg.base_resolution, "output": cfg.output_resolution},
        "tokenizer": {"file": "tokenizer.json", "sha256": sha256(out / "tokenizer.json"),
                      "context_length": CONTEXT_LENGTH, "bos_id": BOS_ID, "eos_id": EOS_ID, "pad_id": PAD_ID},
        "files": {"world.json": sha256(out / "world.json")},
        "components": comps,
        "stages": stages,
        "defaults": {"steps": stages["decoder"]["steps"], "guidance": stages["decoder"]["guidance"],
                     "scheduler": stages["decoder"]["scheduler"]},
        "export_check": {"max_abs_difference": diffs, "tolerance": TOLERANCE},
    }
    (out / "unclip.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def load_checkpoint(path: Path) -> tuple[TinyUnclip, dict]:
    ck = torch.load(path, map_location="cpu", weights_only=False)
    cfg = TinyConfig(**{k: tuple(v) if isinstance(v, list) else v for k, v in ck["config"].items()})
    model = TinyUnclip(cfg)
    model.load_state_dict(ck["model"])
    return model, ck["state"]


def unet_weights(path: Path) -> dict[str, torch.Tensor]:
    if not path.is_file():
        raise SystemExit(f"error: bundle {path.parent} has no {path.name}")
    return torch.jit.load(str(path), map_location="cpu").state_dict()


def unet_channels(weights: dict[str, torch.Tensor]) -> tuple[int, int, int]:
    """A traced decoder's or upsampler's UNet channels, read from its weights (the manifest does not name them)."""
    return tuple(int(weights[f"unet.{name}.conv1.weight"].shape[0]) for name in ("down1", "down2", "mid1"))


def spatial_side(weights: dict[str, torch.Tensor]) -> int:
    """The side of a UNet's spatial conditioning map (0: none), from the size of its projection."""
    if "unet.spatial.bias" not in weights:
        return 0
    return math.isqrt(weights["unet.spatial.bias"].numel() // unet_channels(weights)[1])


def load_bundle_model(folder: Path) -> TinyUnclip:
    """The eager model with the weights of a bundle's TorchScript files: torch.jit.load(...).state_dict() keeps
    the eager modules' parameter names (CLIP's logit scale, used only in training, keeps its initial value)."""
    manifest = json.loads((folder / "unclip.json").read_text())
    decoder = unet_weights(folder / manifest["components"]["decoder"]["file"])
    cfg = TinyConfig(embedding_dim=manifest["embedding_dim"], text_width=manifest.get("text_width", 64),
                     base_resolution=manifest["resolution"]["base"], output_resolution=manifest["resolution"]["output"],
                     decoder_channels=unet_channels(decoder), decoder_spatial=spatial_side(decoder),
                     upsampler_channels=unet_channels(unet_weights(folder / manifest["components"]["upsampler"]["file"])))
    model = TinyUnclip(cfg)
    for name, module in components(model).items():
        path = folder / manifest["components"][name]["file"]
        if not path.is_file():
            raise SystemExit(f"error: bundle {folder} has no {path.name}")
        module.load_state_dict(torch.jit.load(str(path), map_location="cpu").state_dict(), strict=True)
    return model


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="unclip_tools export", description=__doc__)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", type=Path, help="models/runs/<run>/checkpoint.pt")
    src.add_argument("--random", action="store_true", help="export randomly initialised (untrained) weights")
    src.add_argument("--from-bundle", type=Path, metavar="DIR",
                     help="take the weights (and the training provenance) from an exported bundle's TorchScript files, "
                          "e.g. to change its sampling settings without the training checkpoint")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--world", choices=list(WORLDS), default="v1", help="with --random: the world of the bundle")
    ap.add_argument("--config", choices=list(CONFIGS), help="with --random: the architecture (default: the world's)")
    ap.add_argument("--trained-on", default=None, help="where training ran, for the provenance")
    ap.add_argument("--scheduler", default="ddim", choices=["ddim", "ddpm", "dpmsolver++", "unclip"])
    ap.add_argument("--steps", type=int, default=25, help="decoder steps (the default the user sees)")
    ap.add_argument("--guidance", type=float, default=DEFAULT_GUIDANCE,
                    help="decoder guidance (1.25 measured best; 2+ oversaturates this model)")
    ap.add_argument("--prior-steps", type=int, default=25)
    ap.add_argument("--prior-guidance", type=float, default=1.0)
    ap.add_argument("--upsampler-steps", type=int, default=10)
    ap.add_argument("--upsampler-init", choices=["noise", "low_res"], default=DEFAULT_UPSAMPLER_INIT,
                    help="upsampler start: pure noise, or the bilinearly resized decoder output noised to the "
                         "timestep that --upsampler-strength picks (SDEdit-style)")
    ap.add_argument("--upsampler-strength", type=float, default=DEFAULT_UPSAMPLER_STRENGTH,
                    help="with --upsampler-init low_res: the fraction of the upsampler steps that run (0, 1]")
    ap.add_argument("--timestep-spacing", choices=["leading", "trailing", "linspace"], default=TIMESTEP_SPACING,
                    help="diffusers timestep_spacing of every stage")
    ap.add_argument("--steps-offset", type=int, default=STEPS_OFFSET, help="diffusers steps_offset of every stage")
    args = ap.parse_args(argv)
    try:
        require_torch()
    except WrongTorchError as e:
        raise SystemExit(f"error: {e}")
    command = command_line(["export", *(argv if argv is not None else sys.argv[1:])])
    if args.random:
        torch.manual_seed(args.seed)
        model, training = TinyUnclip(CONFIGS[args.config or WORLD_CONFIGS[args.world]]), {}
        world_path = world_file(args.world)
        provenance = {"command": command, "seed": args.seed, "trained_on": "untrained (random initialisation)",
                      "training": None}
        description = "UNTRAINED placeholder: random weights with the tiny architecture, for engine development."
    elif args.from_bundle:
        source = json.loads((args.from_bundle / "unclip.json").read_text())
        model = load_bundle_model(args.from_bundle)
        world_path = args.from_bundle / "world.json"
        old = source.get("provenance", {})
        keep = {k: v for k, v in old.items() if k not in ("torch", "world", "held_out", "created", "export_command")}
        provenance = {**keep, "export_command": command,
                      "weights_from": f"TorchScript files of the bundle exported {old.get('created', '?')} "
                                      f"(export_command of that bundle: {old.get('export_command', '?')})"}
        if args.trained_on:
            provenance["trained_on"] = args.trained_on
        description = source.get("description")
    else:
        if not args.checkpoint.is_file():
            raise SystemExit(f"error: checkpoint {args.checkpoint} not found; train first (python -m unclip_tools train)")
        model, training = load_checkpoint(args.checkpoint)
        world_path = world_file(training.get("world", "v1"))
        provenance = {"command": training.get("command", ""), "export_command": command,
                      "seed": training.get("seed", args.seed),
                      "trained_on": args.trained_on or f"{training.get('device', 'cpu')}", "training": training}
        description = None
    stages = stage_settings(args.scheduler, args.prior_guidance, args.steps, args.guidance, args.prior_steps,
                            args.upsampler_steps, math.sqrt(model.cfg.embedding_dim), args.timestep_spacing,
                            args.steps_offset, args.upsampler_init, args.upsampler_strength)
    manifest = export_bundle(model, args.out, provenance, stages, description, reuse=args.from_bundle is not None,
                             world_path=world_path)
    print(json.dumps(manifest["export_check"]))
    print(f"bundle written to {args.out}")
