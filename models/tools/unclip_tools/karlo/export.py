"""``export-karlo``: converts a Karlo ``UnCLIPPipeline`` folder (kakaobrain/karlo-v1-alpha) and optionally its
``UnCLIPImageVariationPipeline`` folder (kakaobrain/karlo-v1-alpha-image-variations, which adds the CLIP image
encoder) into a bundle of kind ``karlo`` (models/BUNDLE.md, "Kind karlo"): TorchScript components traced under
torch 2.7.1 behind wrappers taking plain tensors, each reloaded and compared with diffusers' eager call; the
tokenizer as tokenizer.json; the three scheduler configs verbatim; the pipelines' defaults; the licence found in
the folders; provenance.
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import json
import sys
from pathlib import Path
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from ..export import WrongTorchError, require_torch, sha256
from ..kandinsky22.export import (DTYPES, TOLERANCE, ImageEncoder, Prior, PriorPost, TextEncoder, find_license,
                                  provenance, quiet_libraries, relative, spec, token_examples, tokenizer_json,
                                  trace_component)
from ..kandinsky22.sources import WEIGHTS, Source, SourceError

KIND = "karlo"
CONTEXT_LENGTH = 77
PUBLISHED = {"pipeline": "kakaobrain/karlo-v1-alpha", "variations": "kakaobrain/karlo-v1-alpha-image-variations"}
PIPELINE = {"pipeline": "UnCLIPPipeline", "variations": "UnCLIPImageVariationPipeline"}
OPTION = {"pipeline": "--pipeline", "variations": "--variations"}
SHARED = ["text_encoder", "tokenizer", "text_proj", "decoder", "super_res_first", "super_res_last",
          "decoder_scheduler", "super_res_scheduler"]
COMPONENTS = {"pipeline": SHARED + ["prior", "prior_scheduler"],
              "variations": SHARED + ["image_encoder", "feature_extractor"]}
# UnCLIPPipeline.__call__ / UnCLIPImageVariationPipeline.__call__ defaults (diffusers 0.34.0)
PRIOR_DEFAULTS = {"steps": 25, "guidance": 4.0}
DECODER_DEFAULTS = {"steps": 25, "guidance": 8.0}
SUPER_RES_DEFAULTS = {"steps": 7}


def config_file(name: str) -> str:
    if name.endswith("scheduler"):
        return "scheduler_config.json"
    return {"tokenizer": "vocab.json", "feature_extractor": "preprocessor_config.json"}.get(name, "config.json")


def check(role: str, folder: Path | str) -> Source:
    """The folder as a Source of this role, or a SourceError naming the first problem."""
    folder = Path(folder)
    where, expected = f"{OPTION[role]} {folder}", f"a {PIPELINE[role]} folder (the {PUBLISHED[role]} download)"
    if not folder.is_dir():
        raise SourceError(f"{where}: no such folder; give {expected}")
    if not (folder / "model_index.json").is_file():
        raise SourceError(f"{where}: no model_index.json, so not a diffusers pipeline folder; give {expected}")
    index = json.loads((folder / "model_index.json").read_text())
    found = index.get("_class_name")
    if found != PIPELINE[role]:
        other = [r for r, p in PIPELINE.items() if p == found]
        hint = f" (that is the {other[0]} folder: pass it as {OPTION[other[0]]})" if other else ""
        raise SourceError(f"{where}: holds a {found or 'pipeline without _class_name'}, not a {PIPELINE[role]}{hint}; "
                          f"give {expected}")
    for name in COMPONENTS[role]:
        sub = folder / name
        if name not in index or not (sub / config_file(name)).is_file():
            raise SourceError(f"{where}: component '{name}' is missing ({name}/{config_file(name)} not found); "
                              f"download {PUBLISHED[role]} again")
        if config_file(name) == "config.json" and not any((sub / w).is_file() for w in WEIGHTS):
            raise SourceError(f"{where}: component '{name}' has no weights; download {PUBLISHED[role]} again")
    return Source(role, folder, index)


def weights_digest(folder: Path) -> str:
    """One hash over a component's config and tensors (so a re-saved copy of the same weights matches)."""
    from safetensors.torch import load_file
    h = hashlib.sha256((folder / "config.json").read_bytes())
    files = sorted(folder.glob("*.safetensors"))
    if not files:  # .bin weights: compare the files themselves
        return h.hexdigest() + "".join(sha256(f) for f in sorted(folder.glob("*.bin")))
    for f in files:
        for key, value in sorted(load_file(str(f)).items()):
            h.update(key.encode())
            h.update(value.contiguous().view(torch.uint8).numpy().tobytes() if value.numel() else b"")
    return h.hexdigest()


def check_all(pipeline: Path | str, variations: Path | str | None = None) -> dict[str, Source]:
    sources = {"pipeline": check("pipeline", pipeline)}
    if variations is not None:
        v = sources["variations"] = check("variations", variations)
        for name in ("text_proj", "decoder", "super_res_first", "super_res_last"):
            if weights_digest(sources["pipeline"].folder / name) != weights_digest(v.folder / name):
                raise SourceError(f"--variations {v.folder}: its {name} differs from the one in --pipeline "
                                  f"{sources['pipeline'].folder}; the folders are not from one Karlo model")
        d = json.loads((v.folder / "image_encoder/config.json").read_text()).get("projection_dim")
        want = json.loads((sources["pipeline"].folder / "prior/config.json").read_text()).get("embedding_dim")
        if d != want:
            raise SourceError(f"--variations {v.folder}: its image encoder makes embeddings of size {d}, the prior "
                              f"{want}; the folders are not from one Karlo model")
    return sources


def config(src: Source, name: str) -> dict:
    return json.loads((src.folder / name / config_file(name)).read_text())


# ---- wrappers (torch.jit.trace takes plain tensors; text encoder, image encoder and prior as for Kandinsky 2.2)

class TextProj(nn.Module):
    """UnCLIPTextProjModel with classifier-free guidance baked in: image embeddings [B,D], prompt embeds and text
    hidden states of [uncond; cond] (2B) -> decoder hidden states [2B,K+77,C] and additive time embeddings
    [2B,T], the learned unconditional image embedding first."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, image_embeddings, prompt_embeds, text_encoder_hidden_states):
        return self.model(image_embeddings=image_embeddings, prompt_embeds=prompt_embeds,
                          text_encoder_hidden_states=text_encoder_hidden_states, do_classifier_free_guidance=True)


class Decoder(nn.Module):
    """The 64-px decoder: sample, t [N], encoder_hidden_states, class_labels, attention_mask bool -> [N,6,r,r]."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, sample, t, encoder_hidden_states, class_labels, attention_mask):
        return self.model(sample=sample, timestep=t, encoder_hidden_states=encoder_hidden_states,
                          class_labels=class_labels, attention_mask=attention_mask, return_dict=False)[0]


class SuperResUpscale(nn.Module):
    """The pipelines' F.interpolate(image_small, [R, R], bicubic, align_corners=False, antialias=True)."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def forward(self, image_small):
        return F.interpolate(image_small, size=[self.size, self.size], mode="bicubic", align_corners=False,
                             antialias=True)


class SuperRes(nn.Module):
    """super_res_first or super_res_last: unet(cat[latents, upscaled], t).sample."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, latents, t, upscaled):
        return self.model(torch.cat([latents, upscaled], dim=1), t, return_dict=False)[0]


def io_specs(d: int, w: int, c: int, k: int, t: int, r: int, big: int, s: int, f: str) -> dict:
    ctx = CONTEXT_LENGTH
    return {
        "text_encoder": ([spec("input_ids", [-1, ctx], "int64"), spec("attention_mask", [-1, ctx], "int64")],
                         [spec("text_embeds", [-1, d], f), spec("last_hidden_state", [-1, ctx, w], f)]),
        "image_encoder": ([spec("pixel_values", [-1, 3, s, s], f)], [spec("image_embeds", [-1, d], f)]),
        "prior": ([spec("latents", [-1, d], f), spec("t", [-1], "int64"), spec("proj_embedding", [-1, d], f),
                   spec("encoder_hidden_states", [-1, ctx, w], f), spec("attention_mask", [-1, ctx], "bool")],
                  [spec("predicted_image_embedding", [-1, d], f)]),
        "prior_post": ([spec("latents", [-1, d], f)], [spec("image_embeds", [-1, d], f)]),
        "text_proj": ([spec("image_embeddings", [-1, d], f), spec("prompt_embeds", [-2, d], f),
                       spec("text_encoder_hidden_states", [-2, ctx, w], f)],
                      [spec("encoder_hidden_states", [-2, k + ctx, c], f), spec("class_labels", [-2, t], f)]),
        "decoder": ([spec("sample", [-1, 3, r, r], f), spec("t", [-1], "int64"),
                     spec("encoder_hidden_states", [-1, k + ctx, c], f), spec("class_labels", [-1, t], f),
                     spec("attention_mask", [-1, k + ctx], "bool")], [spec("model_output", [-1, 6, r, r], f)]),
        "super_res_upscale": ([spec("image_small", [-1, 3, r, r], f)], [spec("upscaled", [-1, 3, big, big], f)]),
        "super_res_first": ([spec("latents", [-1, 3, big, big], f), spec("t", [-1], "int64"),
                             spec("upscaled", [-1, 3, big, big], f)], [spec("model_output", [-1, 3, big, big], f)]),
    }


def export(pipeline: Path, variations: Path | None, out: Path, dtype: str = "float32", command: str | None = None,
           log: Callable[[str], None] = lambda m: None, exported: Callable[[str], None] = lambda name: None) -> dict:
    """Writes the bundle and returns its manifest; SourceError/WrongTorchError for bad input. exported(name) is
    called after each component is written and checked (karlo-realscale frees the source's disk there)."""
    require_torch()
    quiet_libraries()
    from diffusers import PriorTransformer, UNet2DConditionModel, UNet2DModel
    from diffusers.pipelines.unclip.text_proj import UnCLIPTextProjModel
    from transformers import CLIPTextModelWithProjection, CLIPVisionModelWithProjection
    sources = check_all(pipeline, variations)
    p = sources["pipeline"]
    prior_cfg, proj_cfg, dec_cfg = config(p, "prior"), config(p, "text_proj"), config(p, "decoder")
    d, w = prior_cfg["embedding_dim"], config(p, "text_encoder")["hidden_size"]
    k, c = proj_cfg["clip_extra_context_tokens"], dec_cfg["cross_attention_dim"]
    t_dim = proj_cfg["time_embed_dim"]
    r, big = dec_cfg["sample_size"], config(p, "super_res_first")["sample_size"]
    s = config(sources["variations"], "image_encoder")["image_size"] if "variations" in sources else 0
    out.mkdir(parents=True, exist_ok=True)
    torch_dtype = DTYPES[dtype]
    specs = io_specs(d, w, c, k, t_dim, r, big, s, dtype)
    specs["super_res_last"] = specs["super_res_first"]
    tok = tokenizer_json(p, out)
    ids = token_examples(out)
    gen = torch.Generator().manual_seed(1234)

    def randn(*shape):
        return torch.randn(*shape, generator=gen).to(torch_dtype)

    def steps(b):
        return torch.randint(0, 1000, (b,), generator=gen)

    def mask(b, length):
        m = torch.zeros(b, length, dtype=torch.bool)
        for i in range(b):
            m[i, :3 + 5 * i + k] = True
        return m

    inputs: dict[str, Callable[[int], tuple]] = {
        "text_encoder": lambda b: tuple(ids[torch.arange(b) % ids.shape[0]].unbind(1)),
        "image_encoder": lambda b: (randn(b, 3, s, s),),
        "prior": lambda b: (randn(b, d), steps(b), randn(b, d), randn(b, CONTEXT_LENGTH, w), mask(b, CONTEXT_LENGTH)),
        "prior_post": lambda b: (randn(b, d),),
        "text_proj": lambda b: (randn(b, d), randn(2 * b, d), randn(2 * b, CONTEXT_LENGTH, w)),
        "decoder": lambda b: (randn(b, 3, r, r), steps(b), randn(b, k + CONTEXT_LENGTH, c), randn(b, t_dim),
                              mask(b, k + CONTEXT_LENGTH)),
        "super_res_upscale": lambda b: (randn(b, 3, r, r).clamp(-1, 1),),
        "super_res_first": lambda b: (randn(b, 3, big, big), steps(b), randn(b, 3, big, big)),
    }
    inputs["super_res_last"] = inputs["super_res_first"]

    def load(cls, src: Source, name: str):
        return lambda: cls.from_pretrained(str(src.folder / name))

    def upscale_reference(_m):
        return lambda x: F.interpolate(x, size=[big, big], mode="bicubic", align_corners=False, antialias=True)

    def text_proj_reference(m):
        return lambda e, pe, h: m(image_embeddings=e, prompt_embeds=pe, text_encoder_hidden_states=h,
                                  do_classifier_free_guidance=True)

    def super_res_reference(m):
        return lambda x, t, up: m(sample=torch.cat([x, up], dim=1), timestep=t).sample

    plan = [
        ("text_encoder", load(CLIPTextModelWithProjection, p, "text_encoder"), TextEncoder, None),
        ("prior", load(PriorTransformer, p, "prior"), Prior, None),
        ("prior_post", load(PriorTransformer, p, "prior"), PriorPost, lambda m: m.post_process_latents),
        ("text_proj", load(UnCLIPTextProjModel, p, "text_proj"), TextProj, text_proj_reference),
        ("decoder", load(UNet2DConditionModel, p, "decoder"), Decoder, None),
        ("super_res_upscale", lambda: nn.Identity(), lambda _m: SuperResUpscale(big), upscale_reference),
        ("super_res_first", load(UNet2DModel, p, "super_res_first"), SuperRes, super_res_reference),
        ("super_res_last", load(UNet2DModel, p, "super_res_last"), SuperRes, super_res_reference),
    ]
    if "variations" in sources:
        plan.insert(1, ("image_encoder", load(CLIPVisionModelWithProjection, sources["variations"], "image_encoder"),
                        ImageEncoder, None))
    components, diffs = {}, {}
    for name, make, wrapper, reference in plan:
        model = make().to(torch_dtype).eval()
        module = wrapper(model).eval()
        path = out / f"{name}.pt"
        diffs[name] = trace_component(name, module, path, lambda b, _size, name=name: inputs[name](b), [(r, r)],
                                      TOLERANCE[dtype], reference(model) if reference else None)
        spec_in, spec_out = specs[name]
        components[name] = {"file": path.name, "sha256": sha256(path), "inputs": spec_in, "outputs": spec_out,
                            "parameters": sum(x.numel() for x in module.parameters()), "dtype": dtype}
        log(f"{name}: {components[name]['parameters'] / 1e6:.2f} M parameters, traced and checked "
            f"(max relative difference {diffs[name]:.2g})")
        del model, module
        gc.collect()
        exported(name)
    stages = {
        "prior": {"scheduler": "unclip", "config": config(p, "prior_scheduler"), **PRIOR_DEFAULTS},
        "decoder": {"scheduler": "unclip", "config": config(p, "decoder_scheduler"), **DECODER_DEFAULTS},
        "super_res": {"scheduler": "unclip", "config": config(p, "super_res_scheduler"), **SUPER_RES_DEFAULTS},
    }
    manifest = {
        "format": 1, "name": out.resolve().name, "kind": KIND, "version": "1.0",
        "description": "Karlo unCLIP (CLIP prior, text projection, 64-px decoder, two super-resolution UNets to "
                       f"{big} px), converted from diffusers folders by unclip-tools export-karlo.",
        "dtype": dtype,
        "license": find_license(sources),
        "provenance": provenance(command, sources, out),
        "embedding_dim": d, "text_width": w, "clip_extra_context_tokens": k,
        "resolution": {"base": r, "output": big},
        "tokenizer": tok,
        "components": components,
        "stages": stages,
        "defaults": {"steps": DECODER_DEFAULTS["steps"], "guidance": DECODER_DEFAULTS["guidance"],
                     "scheduler": "unclip"},
        "export_check": {"max_relative_difference": diffs, "tolerance": TOLERANCE[dtype], "batches": [1, 2]},
    }
    if "variations" in sources:
        manifest["image_processor"] = config(sources["variations"], "feature_extractor")
    (out / "unclip.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def relative_command(argv: list[str], out: Path) -> list[str]:
    shown, folder_next = [], False
    for a in argv:
        shown.append(relative(Path(a), out) if folder_next else a)
        folder_next = a in ("--pipeline", "--variations", "--out")
    return shown


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="unclip-tools export-karlo", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pipeline", type=Path, required=True, help="karlo-v1-alpha folder (UnCLIPPipeline layout)")
    ap.add_argument("--variations", type=Path, help="karlo-v1-alpha-image-variations folder (adds variations)")
    ap.add_argument("--out", type=Path, required=True, help="bundle folder to write")
    ap.add_argument("--dtype", choices=sorted(DTYPES), default="float32",
                    help="float16 halves disk and memory; such bundles run only on a GPU")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    command = "unclip-tools export-karlo " + " ".join(relative_command(argv if argv is not None else sys.argv[1:],
                                                                      args.out))
    try:
        manifest = export(args.pipeline, args.variations, args.out, args.dtype, command,
                          (lambda m: None) if args.quiet else (lambda m: print(m, file=sys.stderr, flush=True)))
    except (SourceError, WrongTorchError) as e:
        raise SystemExit(f"error: {e}")
    print(json.dumps(manifest["export_check"]["max_relative_difference"]))
    print(f"bundle written to {args.out}")
