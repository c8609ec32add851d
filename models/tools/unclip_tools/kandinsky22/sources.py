"""The three diffusers folders a Kandinsky 2.2 bundle is made from, checked before anything heavy loads: each must
be the pipeline it is given as (``--prior``: KandinskyV22PriorPipeline, ``--decoder``: KandinskyV22Pipeline,
``--inpaint``: KandinskyV22InpaintPipeline) with every component folder present. A problem is a SourceError whose
message names the folder, what is wrong and what to download instead."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

PUBLISHED = {"prior": "kandinsky-community/kandinsky-2-2-prior", "decoder": "kandinsky-community/kandinsky-2-2-decoder",
             "inpaint": "kandinsky-community/kandinsky-2-2-decoder-inpaint"}
PIPELINE = {"prior": "KandinskyV22PriorPipeline", "decoder": "KandinskyV22Pipeline",
            "inpaint": "KandinskyV22InpaintPipeline"}
# pipelines of the same components that users may have saved instead (same folder layout)
ALSO_ACCEPTED = {"decoder": {"KandinskyV22Img2ImgPipeline"}, "inpaint": set(), "prior": set()}
COMPONENTS = {
    "prior": {"prior": "config.json", "text_encoder": "config.json", "image_encoder": "config.json",
              "tokenizer": "vocab.json", "scheduler": "scheduler_config.json",
              "image_processor": "preprocessor_config.json"},
    "decoder": {"unet": "config.json", "movq": "config.json", "scheduler": "scheduler_config.json"},
    "inpaint": {"unet": "config.json", "movq": "config.json", "scheduler": "scheduler_config.json"},
}
WEIGHTS = ("diffusion_pytorch_model.safetensors", "model.safetensors", "diffusion_pytorch_model.bin",
           "pytorch_model.bin", "diffusion_pytorch_model.fp16.safetensors", "model.fp16.safetensors",
           # save_pretrained shards weights above its max_shard_size (the 7.4 GB image encoder in two files)
           "diffusion_pytorch_model.safetensors.index.json", "model.safetensors.index.json",
           "diffusion_pytorch_model.bin.index.json", "pytorch_model.bin.index.json")
UNET_IN_CHANNELS = {"decoder": 4, "inpaint": 9}
OPTION = {"prior": "--prior", "decoder": "--decoder", "inpaint": "--inpaint"}


class SourceError(ValueError):
    """A source folder that cannot be converted; the message is meant for the user as it is."""


@dataclass(frozen=True)
class Source:
    role: str
    folder: Path
    model_index: dict

    def component(self, name: str) -> Path:
        return self.folder / name

    def config(self, name: str) -> dict:
        return json.loads((self.folder / name / COMPONENTS[self.role][name]).read_text())

    def model_index_sha256(self) -> str:
        return hashlib.sha256((self.folder / "model_index.json").read_bytes()).hexdigest()


def check(role: str, folder: Path | str) -> Source:
    """The folder as a Source of this role, or a SourceError naming the first problem."""
    folder = Path(folder)
    where = f"{OPTION[role]} {folder}"
    expected = f"a KandinskyV22 {role} folder (the {PUBLISHED[role]} download)"
    if not folder.is_dir():
        raise SourceError(f"{where}: no such folder; give {expected}")
    index_file = folder / "model_index.json"
    if not index_file.is_file():
        raise SourceError(f"{where}: no model_index.json, so not a diffusers pipeline folder; give {expected}")
    try:
        index = json.loads(index_file.read_text())
    except json.JSONDecodeError as e:
        raise SourceError(f"{where}: model_index.json is not valid JSON ({e.msg} at line {e.lineno})") from None
    found = index.get("_class_name")
    if found != PIPELINE[role] and found not in ALSO_ACCEPTED[role]:
        hint = ""
        if found in PIPELINE.values():
            other = next(r for r, p in PIPELINE.items() if p == found)
            hint = f" (that is the {other} folder: pass it as {OPTION[other]})"
        elif isinstance(found, str) and found.startswith("Kandinsky") and "V22" not in found:
            hint = " (Kandinsky 2.1 and 3 are other architectures; only Kandinsky 2.2 is supported)"
        raise SourceError(f"{where}: holds a {found or 'pipeline without _class_name'}, not a {PIPELINE[role]}{hint}; "
                          f"give {expected}")
    for name, config_file in COMPONENTS[role].items():
        sub = folder / name
        if name not in index:
            raise SourceError(f"{where}: model_index.json lists no '{name}' component; the folder is incomplete, "
                              f"download {PUBLISHED[role]} again")
        if not (sub / config_file).is_file():
            raise SourceError(f"{where}: component '{name}' is missing ({name}/{config_file} not found); "
                              f"download {PUBLISHED[role]} again")
        if config_file == "config.json" and not any((sub / w).is_file() for w in WEIGHTS):
            raise SourceError(f"{where}: component '{name}' has no weights ({name}/ holds none of "
                              f"{', '.join(WEIGHTS[:2])}); download {PUBLISHED[role]} again")
    source = Source(role, folder, index)
    if role in UNET_IN_CHANNELS:
        unet = source.config("unet")
        if unet.get("addition_embed_type") != "image" or unet.get("encoder_hid_dim_type") != "image_proj":
            raise SourceError(f"{where}: unet is not a Kandinsky 2.2 decoder UNet (addition_embed_type "
                              f"{unet.get('addition_embed_type')!r}, encoder_hid_dim_type "
                              f"{unet.get('encoder_hid_dim_type')!r}; expected 'image' and 'image_proj')")
        if unet.get("in_channels") != UNET_IN_CHANNELS[role]:
            raise SourceError(f"{where}: unet has {unet.get('in_channels')} input channels, a {role} UNet has "
                              f"{UNET_IN_CHANNELS[role]}; give {expected}")
    return source


def check_all(prior: Path | str, decoder: Path | str, inpaint: Path | str | None = None) -> dict[str, Source]:
    sources = {"prior": check("prior", prior), "decoder": check("decoder", decoder)}
    if inpaint is not None:
        sources["inpaint"] = check("inpaint", inpaint)
    d_prior = sources["prior"].config("prior").get("embedding_dim")
    for role in ("decoder", "inpaint"):
        if role in sources:
            d_unet = sources[role].config("unet").get("encoder_hid_dim")
            if d_unet != d_prior:
                raise SourceError(f"{OPTION[role]} {sources[role].folder}: its UNet takes image embeddings of size "
                                  f"{d_unet} but the prior makes {d_prior}; the folders are not from one model")
    return sources
