"""``export-kandinsky22``: converts the diffusers folders of Kandinsky 2.2 (prior, decoder, optionally the
inpainting decoder) into a bundle of kind ``kandinsky22`` (models/BUNDLE.md, "Kind kandinsky22"): TorchScript
components traced under torch 2.7.1 behind small wrappers that take plain tensors, each reloaded and compared
with the eager module before the manifest is written; tokenizer.json; the scheduler configs verbatim; the image
processor's settings; the pipelines' defaults; the licence found in the folders; provenance.

Components are loaded, traced and released one at a time, so that a full-size fp32 conversion needs about twice
the largest component (the image encoder, 7.4 GB) in memory, not the whole model.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import re
import sys
import time
import warnings
from pathlib import Path
from typing import Callable

import torch
from torch import nn

from ..export import WrongTorchError, require_torch, sha256
from .sources import Source, SourceError, check_all

KIND = "kandinsky22"
CONTEXT_LENGTH = 77
LATENT_CHANNELS = 4
MOVQ_SCALE = 8
DTYPES = {"float32": torch.float32, "float16": torch.float16}
TOLERANCE = {"float32": 1e-5, "float16": 2e-2}  # traced vs eager, max abs (relative to max(1, |eager|))
UNKNOWN_LICENSE = "unknown: check the model card"
PRIOR_DEFAULTS = {"steps": 25, "guidance": 4.0}      # KandinskyV22PriorPipeline.__call__
DECODER_DEFAULTS = {"steps": 100, "guidance": 4.0}   # KandinskyV22(Inpaint)Pipeline.__call__


# ---- wrappers: plain tensors in, plain tensors out (torch.jit.trace cannot take keywords, dicts or ModelOutput)

class TextEncoder(nn.Module):
    """input_ids, attention_mask -> text_embeds, last_hidden_state. The mask is part of the interface but, as in
    KandinskyV22PriorPipeline._encode_prompt, the CLIP text model runs without it (causal attention: only the
    hidden states at padding positions would change, and the prior masks those out)."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        out = self.model(input_ids=input_ids, return_dict=False)
        return out[0], out[1]  # text_embeds, last_hidden_state


class ImageEncoder(nn.Module):
    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, pixel_values: torch.Tensor):
        return self.model(pixel_values=pixel_values, return_dict=False)[0]


class Prior(nn.Module):
    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, latents, t, proj_embedding, encoder_hidden_states, attention_mask):
        return self.model(latents, timestep=t, proj_embedding=proj_embedding,
                          encoder_hidden_states=encoder_hidden_states, attention_mask=attention_mask,
                          return_dict=False)[0]


class PriorPost(nn.Module):
    """prior.post_process_latents: latents * clip_std + clip_mean (the pipeline does not L2-normalise)."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.clip_std = nn.Parameter(model.clip_std.detach().clone(), requires_grad=False)
        self.clip_mean = nn.Parameter(model.clip_mean.detach().clone(), requires_grad=False)

    def forward(self, latents):
        return latents * self.clip_std + self.clip_mean


class Decoder(nn.Module):
    """The decoder UNet (4 or 9 input channels): sample, t [B], image_embeds -> [B, 8, h, w] (eps and variance)."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, sample, t, image_embeds):
        return self.model(sample, t, encoder_hidden_states=None, added_cond_kwargs={"image_embeds": image_embeds},
                          return_dict=False)[0]


class MovqEncoder(nn.Module):
    """VQModel.encode(image).latents with only the encoder's weights (its own small file)."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.encoder, self.quant_conv = model.encoder, model.quant_conv

    def forward(self, image):
        return self.quant_conv(self.encoder(image))


class MovqDecoder(nn.Module):
    """VQModel.decode(latents, force_not_quantize=True).sample with only the decoder's weights; the spatial norm
    is conditioned on the unquantised latents, as VQModel.decode does for norm_type "spatial"."""

    def __init__(self, model: nn.Module):
        super().__init__()
        if model.config.lookup_from_codebook:
            raise SourceError("movq: lookup_from_codebook=true is not the Kandinsky 2.2 MoVQ")
        self.post_quant_conv, self.decoder = model.post_quant_conv, model.decoder
        self.spatial = model.config.norm_type == "spatial"

    def forward(self, latents):
        return self.decoder(self.post_quant_conv(latents), latents if self.spatial else None)


# ---- specification of each component's tensors (BUNDLE.md); -1 = any size

def spec(name: str, shape: list[int], dtype: str) -> dict:
    return {"name": name, "shape": shape, "dtype": dtype}


def io_specs(d: int, w: int, s: int, dtype: str) -> dict[str, tuple[list[dict], list[dict]]]:
    f, c = dtype, LATENT_CHANNELS
    decoder = ([spec("sample", [-1, c, -1, -1], f), spec("t", [-1], "int64"), spec("image_embeds", [-1, d], f)],
               [spec("noise_pred", [-1, 2 * c, -1, -1], f)])
    inpaint = ([spec("sample", [-1, 2 * c + 1, -1, -1], f)] + decoder[0][1:], decoder[1])
    return {
        "text_encoder": ([spec("input_ids", [-1, CONTEXT_LENGTH], "int64"),
                          spec("attention_mask", [-1, CONTEXT_LENGTH], "int64")],
                         [spec("text_embeds", [-1, d], f), spec("last_hidden_state", [-1, CONTEXT_LENGTH, w], f)]),
        "image_encoder": ([spec("pixel_values", [-1, 3, s, s], f)], [spec("image_embeds", [-1, d], f)]),
        "prior": ([spec("latents", [-1, d], f), spec("t", [-1], "int64"), spec("proj_embedding", [-1, d], f),
                   spec("encoder_hidden_states", [-1, CONTEXT_LENGTH, w], f),
                   spec("attention_mask", [-1, CONTEXT_LENGTH], "bool")],
                  [spec("predicted_image_embedding", [-1, d], f)]),
        "prior_post": ([spec("latents", [-1, d], f)], [spec("image_embeds", [-1, d], f)]),
        "decoder": decoder,
        "inpaint_decoder": inpaint,
        "movq_encoder": ([spec("image", [-1, 3, -1, -1], f)], [spec("latents", [-1, c, -1, -1], f)]),
        "movq_decoder": ([spec("latents", [-1, c, -1, -1], f)], [spec("image", [-1, 3, -1, -1], f)]),
    }


def example_inputs(name: str, batch: int, size: tuple[int, int], d: int, w: int, s: int, dtype: torch.dtype,
                   ids: torch.Tensor, gen: torch.Generator) -> tuple[torch.Tensor, ...]:
    """Inputs of the shapes the engine passes; size = latent (h, w). Token ids are real tokenizations."""
    h, wd = size

    def randn(*shape):
        return torch.randn(*shape, generator=gen).to(dtype)

    def timesteps():
        return torch.randint(0, 1000, (batch,), generator=gen)
    if name == "text_encoder":
        rows = ids[torch.arange(batch) % ids.shape[0]]
        return rows[:, 0], rows[:, 1]
    if name == "image_encoder":
        return (randn(batch, 3, s, s),)
    if name == "prior":
        mask = torch.zeros(batch, CONTEXT_LENGTH, dtype=torch.bool)
        for i in range(batch):
            mask[i, :3 + 5 * i] = True
        return randn(batch, d), timesteps(), randn(batch, d), randn(batch, CONTEXT_LENGTH, w), mask
    if name == "prior_post":
        return (randn(batch, d),)
    if name in ("decoder", "inpaint_decoder"):
        channels = LATENT_CHANNELS if name == "decoder" else 2 * LATENT_CHANNELS + 1
        return randn(batch, channels, h, wd), timesteps(), randn(batch, d)
    if name.endswith("movq_encoder"):
        return (torch.rand(batch, 3, h * MOVQ_SCALE, wd * MOVQ_SCALE, generator=gen).mul(2).sub(1).to(dtype),)
    if name.endswith("movq_decoder"):
        return (randn(batch, LATENT_CHANNELS, h, wd),)
    raise KeyError(name)


def max_difference(a, b) -> float:
    a = a if isinstance(a, (tuple, list)) else (a,)
    b = b if isinstance(b, (tuple, list)) else (b,)
    return max(float((x.float() - y.float()).abs().max() / max(1.0, float(y.float().abs().max())))
               for x, y in zip(a, b))


def trace_component(name: str, module: nn.Module, path: Path, make_inputs: Callable[[int, tuple[int, int]], tuple],
                    sizes: list[tuple[int, int]], tolerance: float, reference: Callable | None = None) -> float:
    """Traces module at batch 2 on the first size, saves it, reloads it and returns the largest relative
    |traced - reference| over batches 1 and 2 and every size (reference: the diffusers/transformers call the
    wrapper stands for; default the eager wrapper); raises when it exceeds the tolerance."""
    module = module.eval()
    reference = reference or module
    with torch.no_grad():
        traced = torch.jit.trace(module, make_inputs(2, sizes[0]), check_trace=False)
        torch.jit.save(traced, str(path))
        del traced
        loaded = torch.jit.load(str(path), map_location="cpu")
        worst = 0.0
        for size in sizes:
            for batch in (1, 2):
                x = make_inputs(batch, size)
                worst = max(worst, max_difference(loaded(*x), reference(*x)))
        del loaded
    if worst > tolerance:
        raise RuntimeError(f"{name}: the traced TorchScript differs from the eager module by {worst:g} "
                           f"(> {tolerance:g}); this torch/diffusers combination cannot export it")
    return worst


def tokenizer_json(source: Source, out: Path) -> dict:
    """tokenizer.json (HF tokenizers) converted from the prior folder's CLIPTokenizer, padding and truncating
    to 77 as the pipeline calls it (padding="max_length", truncation=True)."""
    from transformers import CLIPTokenizer, CLIPTokenizerFast
    slow = CLIPTokenizer.from_pretrained(str(source.component("tokenizer")))
    fast = CLIPTokenizerFast.from_pretrained(str(source.component("tokenizer")), from_slow=True)
    length = slow.model_max_length if slow.model_max_length <= 1024 else CONTEXT_LENGTH
    if length != CONTEXT_LENGTH:
        raise SourceError(f"--prior {source.folder}: tokenizer model_max_length is {length}, the prior needs "
                          f"{CONTEXT_LENGTH}")
    backend = fast.backend_tokenizer
    backend.enable_truncation(max_length=CONTEXT_LENGTH)
    backend.enable_padding(length=CONTEXT_LENGTH, pad_id=slow.pad_token_id, pad_token=slow.pad_token)
    path = out / "tokenizer.json"
    backend.save(str(path))
    for text in ("a photo of a cat, 4k", "", "don't stop!! Café 日本"):  # the conversion must not change ids
        if fast(text, padding="max_length", max_length=77, truncation=True).input_ids != \
                slow(text, padding="max_length", max_length=77, truncation=True).input_ids:
            raise RuntimeError(f"tokenizer conversion changed the ids of {text!r}; report this with the folder")
    return {"file": path.name, "sha256": sha256(path), "context_length": CONTEXT_LENGTH,
            "bos_id": slow.bos_token_id, "eos_id": slow.eos_token_id, "pad_id": slow.pad_token_id,
            "attention_mask": "1 for every token up to and including the end token, 0 for padding"}


def token_examples(out: Path) -> torch.Tensor:
    """[n, 2, 77] (ids, mask) of a few prompts, tokenised with the bundle's tokenizer.json."""
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(out / "tokenizer.json"))
    enc = tok.encode_batch(["a red cat, 4k photo", "", "an oil painting of a lighthouse at night"])
    return torch.tensor([[e.ids, e.attention_mask] for e in enc], dtype=torch.int64)


def find_license(sources: dict[str, Source]) -> dict:
    """The licence named in the folders: a LICENSE file, else the model card's front-matter ``license:``."""
    for role, src in sources.items():
        for candidate in sorted(src.folder.glob("LICEN[CS]E*")):
            if candidate.is_file():
                return {"name": "see text", "text": candidate.read_text(errors="replace"),
                        "source": f"{role}/{candidate.name}"}
    for role, src in sources.items():
        card = src.folder / "README.md"
        if card.is_file():
            m = re.match(r"---\s*\n(.*?)\n---", card.read_text(errors="replace"), re.S)
            found = m and re.search(r"^license:\s*(\S+)", m.group(1), re.M)
            if found:
                name = found.group(1).strip("'\"")
                return {"name": name, "text": f"{name} (model card front matter of the {role} folder; read the "
                                              f"model card for the full terms)", "source": f"{role}/README.md"}
    return {"name": "unknown", "text": UNKNOWN_LICENSE}


def movq_differs(a: Source, b: Source) -> bool:
    if a.config("movq") != b.config("movq"):
        return True
    fa = sorted(p.name for p in a.component("movq").iterdir() if p.name != "config.json")
    fb = sorted(p.name for p in b.component("movq").iterdir() if p.name != "config.json")
    return fa != fb or any(sha256(a.component("movq") / n) != sha256(b.component("movq") / n) for n in fa)


def relative(path: Path, out: Path) -> str:
    return os.path.relpath(Path(path).resolve(), Path(out).resolve())


def provenance(command: str | None, sources: dict[str, Source], out: Path) -> dict:
    """The manifest's provenance of a bundle converted from diffusers folders: the command, each source folder
    (relative to the bundle) with its pipeline class and model_index.json hash, the library versions and when."""
    import diffusers
    import transformers
    return {
        "command": command or "",
        "sources": {role: {"folder": relative(src.folder, out), "pipeline": src.model_index.get("_class_name"),
                           "model_index_sha256": src.model_index_sha256(),
                           "diffusers_version": src.model_index.get("_diffusers_version")}
                    for role, src in sources.items()},
        "torch": torch.__version__.split("+")[0], "diffusers": diffusers.__version__,
        "transformers": transformers.__version__,
        "created": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def quiet_libraries() -> None:
    """Keeps the tracer's and the loaders' advice (shape asserts, 'install accelerate') off the user's screen."""
    import diffusers
    import transformers
    warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
    warnings.filterwarnings("ignore", message=".*accelerate.*")
    diffusers.utils.logging.set_verbosity_error()
    transformers.utils.logging.set_verbosity_error()
    diffusers.utils.logging.disable_progress_bar()


def relative_command(argv: list[str], out: Path) -> list[str]:
    """The arguments with every folder argument relative to the bundle (provenance never records a home path)."""
    shown, folder_next = [], False
    for a in argv:
        shown.append(relative(Path(a), out) if folder_next else a)
        folder_next = a in ("--prior", "--decoder", "--inpaint", "--out")
    return shown


def export(prior: Path, decoder: Path, inpaint: Path | None, out: Path, dtype: str = "float32", size: int = 512,
           command: str | None = None, log: Callable[[str], None] = lambda m: None) -> dict:
    """Writes the bundle and returns its manifest; SourceError/WrongTorchError for bad input."""
    require_torch()
    quiet_libraries()
    from diffusers import PriorTransformer, UNet2DConditionModel, VQModel
    from transformers import CLIPTextModelWithProjection, CLIPVisionModelWithProjection
    if size % 64 or size <= 0:
        raise SourceError(f"--size {size}: must be a positive multiple of 64 (the MoVQ works on 8x8 latent blocks)")
    sources = check_all(prior, decoder, inpaint)
    out.mkdir(parents=True, exist_ok=True)
    torch_dtype = DTYPES[dtype]
    p = sources["prior"]
    prior_cfg = p.config("prior")
    d = prior_cfg["embedding_dim"]
    w = p.config("text_encoder")["hidden_size"]
    s = p.config("image_encoder")["image_size"]
    specs = io_specs(d, w, s, dtype)
    tok = tokenizer_json(p, out)
    ids = token_examples(out)
    gen = torch.Generator().manual_seed(1234)
    sizes = [(8, 8), (8, 16)]

    dec = sources["decoder"]

    def text_model():
        return CLIPTextModelWithProjection.from_pretrained(str(p.component("text_encoder")), torch_dtype=torch.float32)

    def vision_model():
        return CLIPVisionModelWithProjection.from_pretrained(str(p.component("image_encoder")), torch_dtype=torch.float32)

    def prior_model():
        return PriorTransformer.from_pretrained(str(p.component("prior")))

    def unet(src: Source):
        return lambda: UNet2DConditionModel.from_pretrained(str(src.component("unet")))

    def vq(src: Source):
        return lambda: VQModel.from_pretrained(str(src.component("movq")))

    def encode(m):
        return lambda x: m.encode(x).latents

    def decode(m):
        return lambda x: m.decode(x, force_not_quantize=True).sample

    # (component, diffusers/transformers model loader, wrapper, the call the wrapper stands for)
    plan: list[tuple[str, Callable[[], nn.Module], type, Callable | None]] = [
        ("text_encoder", text_model, TextEncoder, None),
        ("image_encoder", vision_model, ImageEncoder, None),
        ("prior", prior_model, Prior, None),
        ("prior_post", prior_model, PriorPost, lambda m: m.post_process_latents),
        ("decoder", unet(dec), Decoder, None),
        ("movq_encoder", vq(dec), MovqEncoder, encode),
        ("movq_decoder", vq(dec), MovqDecoder, decode),
    ]
    if "inpaint" in sources:
        q = sources["inpaint"]
        plan.append(("inpaint_decoder", unet(q), Decoder, None))
        if movq_differs(dec, q):
            plan += [("inpaint_movq_encoder", vq(q), MovqEncoder, encode),
                     ("inpaint_movq_decoder", vq(q), MovqDecoder, decode)]

    components, diffs = {}, {}
    for name, load, wrapper, reference in plan:
        started = time.monotonic()
        model = load().to(torch_dtype).eval()
        module = wrapper(model).eval()
        params = sum(t.numel() for t in module.parameters())
        key = name.replace("inpaint_movq", "movq")
        path = out / f"{name}.pt"
        diffs[name] = trace_component(name, module, path,
                                      lambda b, sz: example_inputs(key, b, sz, d, w, s, torch_dtype, ids, gen),
                                      sizes, TOLERANCE[dtype], reference(model) if reference else None)
        inputs, outputs = specs[key]
        components[name] = {"file": path.name, "sha256": sha256(path), "inputs": inputs, "outputs": outputs,
                            "parameters": params, "dtype": dtype}
        log(f"{name}: {params / 1e6:.2f} M parameters, traced and checked in {time.monotonic() - started:.1f} s "
            f"(max relative difference {diffs[name]:.2g})")
        del model, module
        gc.collect()

    image_processor = json.loads((p.component("image_processor") / "preprocessor_config.json").read_text())
    stages = {
        "prior": {"scheduler": "unclip", "config": p.config("scheduler"), **PRIOR_DEFAULTS},
        "decoder": {"scheduler": "ddpm", "config": sources["decoder"].config("scheduler"), **DECODER_DEFAULTS},
    }
    if "inpaint" in sources:
        stages["inpaint_decoder"] = {"scheduler": "ddpm", "config": sources["inpaint"].config("scheduler"),
                                     **DECODER_DEFAULTS}
    manifest = {
        "format": 1,
        "name": out.resolve().name,
        "kind": KIND,
        "version": "2.2",
        "description": "Kandinsky 2.2 (CLIP prior, latent UNet decoder, MoVQ), converted from diffusers folders by "
                       "unclip-tools export-kandinsky22.",
        "dtype": dtype,
        "license": find_license(sources),
        "provenance": provenance(command, sources, out),
        "embedding_dim": d,
        "text_width": w,
        "latent_channels": LATENT_CHANNELS,
        "movq_scale_factor": MOVQ_SCALE,
        "resolution": {"default": [size, size], "multiple": 64},
        "tokenizer": tok,
        "image_processor": image_processor,
        "components": components,
        "stages": stages,
        "defaults": {"steps": DECODER_DEFAULTS["steps"], "guidance": DECODER_DEFAULTS["guidance"], "scheduler": "ddpm",
                     "width": size, "height": size},
        "export_check": {"max_relative_difference": diffs, "tolerance": TOLERANCE[dtype],
                         "latent_sizes": [list(x) for x in sizes], "batches": [1, 2]},
    }
    (out / "unclip.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="unclip-tools export-kandinsky22", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--prior", type=Path, required=True, help="kandinsky-2-2-prior folder (diffusers layout)")
    ap.add_argument("--decoder", type=Path, required=True, help="kandinsky-2-2-decoder folder")
    ap.add_argument("--inpaint", type=Path, help="kandinsky-2-2-decoder-inpaint folder (enables inpainting)")
    ap.add_argument("--out", type=Path, required=True, help="bundle folder to write")
    ap.add_argument("--dtype", choices=sorted(DTYPES), default="float32",
                    help="float16 halves disk and memory; such bundles run only on a GPU")
    ap.add_argument("--size", type=int, default=512, help="default image width and height (multiple of 64)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    command = "unclip-tools export-kandinsky22 " + " ".join(relative_command(argv if argv is not None else sys.argv[1:],
                                                                             args.out))
    try:
        manifest = export(args.prior, args.decoder, args.inpaint, args.out, args.dtype, args.size, command,
                          (lambda m: None) if args.quiet else (lambda m: print(m, file=sys.stderr, flush=True)))
    except (SourceError, WrongTorchError) as e:
        raise SystemExit(f"error: {e}")
    print(json.dumps(manifest["export_check"]["max_relative_difference"]))
    print(f"bundle written to {args.out}")
