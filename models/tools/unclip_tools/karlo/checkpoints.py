"""Random-weight Karlo checkpoints of the real architecture (kakaobrain/karlo-v1-alpha and its image-variations
folder), saved with diffusers' ``save_pretrained`` in the published layout: an ``UnCLIPPipeline`` folder (CLIP text
encoder with projection, PriorTransformer, UnCLIPTextProjModel, the 64-px decoder UNet2DConditionModel with learned
variance, super_res_first/super_res_last UNet2DModels, three UnCLIPSchedulers) and an
``UnCLIPImageVariationPipeline`` folder sharing those networks plus a CLIP image encoder and feature extractor.

No weights can be downloaded here, so every Karlo test runs on these. diffusers' own fast-test prior keeps
clip_std = 0 (every image embedding is then zero); here clip_mean/clip_std, the positional and prd embeddings and
the text projection's learned unconditional embedding are random, so each term of the pipelines matters.

Tamed for parity (measured, README "Karlo"): the UnCLIPScheduler's spacing always starts at t = 999, where
alpha_bar = 2.4e-9, so an epsilon-predicting stage computes x0 = (x - sqrt(1 - alpha_bar) eps) / 4.9e-5: a random
network's x0 is clamped to [-1, 1] almost everywhere, but the rare pixel whose x0 lands inside the clamp range
carries eps differences times 2e4 into the image (a 1e-6 change of the image embedding moved diffusers' own images
by up to 0.04, always through such a pixel of the super-resolution's first step). A trained model does not rely on
random near-cancellations there; a random one must not either. So the decoder and super-resolution schedulers
predict the sample (x0 is the network's output, gain 1; the published folders predict epsilon, whose step the
scheduler fixtures check against diffusers instead), and their output convolutions are scaled by OUTPUT_SCALE so
that the predicted x0 stays inside [-1, 1] rather than saturating at the clamp.

``full`` is the published configuration (reconstructed from diffusers' conversion script
scripts/convert_kakao_brain_unclip_to_diffusers.py, which diffusers 0.34.0 ships unchanged since January 2024, and
the CLIP ViT-L/14 configuration; FULL_UNCONFIRMED lists what could not be checked against the published files):
untamed, with the published epsilon / learned_range schedulers and random initialisation as the libraries make it,
for speed and memory measurements (``karlo-realscale``), not for parity. ``decoder-full`` keeps the full decoder,
text projection and super-resolution UNets behind a one-layer text tower and prior of the published widths: what
the 64-px decoder and the 256-px super-resolution cost, in less disk and memory than the whole model.
"""
from __future__ import annotations

import argparse
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import torch

from ..kandinsky22.checkpoints import LIBRARY, image_processor, save_pipeline, soften_attention, tokenizer

LICENSE_FRONT_MATTER = "---\nlicense: creativeml-openrail-m\n---\n"
# the decoder's and super-resolution's predicted x0 (and the decoder's variance value) within about [-0.8, 0.8]
OUTPUT_SCALE = 0.3


@dataclass(frozen=True)
class Scale:
    """Sizes of one checkpoint family; each keeps the structure of the published Karlo (decoder 4x below output)."""
    embedding_dim: int       # D: CLIP embedding = text width (the text projection reads hidden states of width D)
    text_layers: int
    text_heads: int
    prior: dict
    decoder_channels: tuple
    cross_attention_dim: int
    super_res_channels: tuple
    base: int                # decoder sample size
    output: int              # super-resolution sample size
    groups: int
    vision: dict
    image_size: dict
    vocabulary: int | None = None
    # the published sizes: text tower MLP width (None: 2 x embedding_dim), decoder / super-resolution depth and
    # block types; tamed: the parity taming of the module docstring (schedulers predicting the sample, output
    # convolutions scaled, softened attention)
    text_intermediate: int | None = None
    decoder_layers: int = 1
    decoder_head_dim: int = 8
    super_res_layers: int = 1
    super_res_attention: bool = True
    tamed: bool = True
    pad_token: str = "<|endoftext|>"
    text_act: str = "quick_gelu"
    prior_extra: dict = field(default_factory=dict)


TINY = Scale(embedding_dim=32, text_layers=2, text_heads=4, prior=dict(num_attention_heads=2, attention_head_dim=16,
             num_layers=2), decoder_channels=(32, 64), cross_attention_dim=32, super_res_channels=(32, 64), base=16,
             output=64, groups=32, vision=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                                num_attention_heads=4, image_size=32, patch_size=8),
             image_size=dict(shortest_edge=36, crop=32))
# the Java tests' committed fixture (a few MB): a 1000-token vocabulary, narrower networks, 8 -> 32 px
MICRO = Scale(embedding_dim=16, text_layers=1, text_heads=2, prior=dict(num_attention_heads=2, attention_head_dim=8,
              num_layers=1), decoder_channels=(16, 32), cross_attention_dim=16, super_res_channels=(16, 32), base=8,
              output=32, groups=8, vision=dict(hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                                                num_attention_heads=2, image_size=32, patch_size=8),
              image_size=dict(shortest_edge=36, crop=32), vocabulary=1000)
# kakaobrain/karlo-v1-alpha as diffusers' conversion script builds it: CLIP ViT-L/14 text tower (768 wide, 12
# layers, 12 heads, MLP 3072) and vision tower (1024 wide, 24 layers, 16 heads, 14-px patches at 224 px), the
# PriorTransformer's defaults (32 heads of 64, 20 layers, embedding 768), the 64-px decoder (320/640/960/1280,
# 3 layers per block, cross-attention 1536, heads of 64) and the 256-px super-resolution UNets (320/640/960/1280,
# 3 layers per block, no attention)
FULL = Scale(embedding_dim=768, text_layers=12, text_heads=12, text_intermediate=3072,
             prior=dict(num_attention_heads=32, attention_head_dim=64, num_layers=20),
             decoder_channels=(320, 640, 960, 1280), cross_attention_dim=1536, decoder_layers=3, decoder_head_dim=64,
             super_res_channels=(320, 640, 960, 1280), super_res_layers=3, super_res_attention=False, base=64,
             output=256, groups=32, vision=dict(hidden_size=1024, intermediate_size=4096, num_hidden_layers=24,
                                                num_attention_heads=16, image_size=224, patch_size=14),
             image_size=dict(shortest_edge=224, crop=224), tamed=False, pad_token="!")
# the full decoder, text projection and super-resolution behind a one-layer text tower and prior of the published
# widths (the prior reads the text tower's 768-wide states): 2.3 B of the 3.4 B parameters, the 64-px decoder's and
# 256-px super-resolution's cost, in 9 GB instead of 14 GB (what karlo-realscale runs on a 24 GB machine)
DECODER_FULL = replace(FULL, text_layers=1, text_intermediate=768,
                       prior=dict(num_attention_heads=2, attention_head_dim=32, num_layers=1),
                       vision=dict(hidden_size=64, intermediate_size=128, num_hidden_layers=1, num_attention_heads=2,
                                   image_size=224, patch_size=14))
SCALES = {"tiny": TINY, "micro": MICRO, "full": FULL, "decoder-full": DECODER_FULL}
# Values of the full-size configuration that could not be compared with the published config files (no hub
# access here): the conversion script fixes the networks' shapes; these come from elsewhere or are library defaults.
FULL_UNCONFIRMED = [
    "text encoder: openai/clip-vit-large-patch14's text config from memory (vocab 49408, 768 wide, MLP 3072, 12 "
    "layers, 12 heads, projection 768, quick_gelu; bos/eos/pad ids 49406/49407/49407 here, the published config's "
    "ids are not reproduced); the script loads it from that repository",
    "image encoder (variations): openai/clip-vit-large-patch14's vision config from memory (1024 wide, MLP 4096, "
    "24 layers, 16 heads, patch 14, 224 px, projection 768); feature extractor: CLIP's 224 resize and centre crop",
    "tokenizer: CLIP's BPE with pad token '!' (id 0, as the script sets it); model_max_length 77",
    "prior: PriorTransformer() defaults of diffusers 0.34.0 (the script passes an empty config); clip_mean, "
    "clip_std, positional and prd embeddings random here (the published ones are trained)",
    "decoder: UNet2DConditionModel defaults for what the script does not set (norm_num_groups 32, norm_eps 1e-5, "
    "act_fn silu, flip_sin_to_cos True, freq_shift 0, no addition embedding, encoder_hid_dim None)",
    "super-resolution: UNet2DModel defaults for what the script does not set (resnet_time_scale_shift 'default', "
    "time_embedding_type 'positional', norm_num_groups 32, act_fn silu, flip_sin_to_cos True, freq_shift 0)",
    "text projection: UnCLIPTextProjModel(clip_extra_context_tokens=4, clip_embeddings_dim=768) defaults, "
    "time_embed_dim 1280, cross_attention_dim 1536; its learned unconditional embedding random here",
    "schedulers: UnCLIPScheduler defaults (clip_sample True, clip_sample_range 1.0 for decoder and super-resolution, "
    "beta_schedule squaredcos_cap_v2) besides what the script sets (prior: fixed_small_log, sample, range 5.0; "
    "decoder: learned_range, epsilon; super-resolution: fixed_small_log, epsilon; 1000 training steps)",
]
LIBRARY.setdefault("UnCLIPTextProjModel", "unclip")  # model_index.json names it so in the published folders


def _seeded(seed: int, part: int) -> None:
    torch.manual_seed(seed * 1000 + 500 + part)


def text_encoder(scale: Scale, seed: int):
    from transformers import CLIPTextConfig, CLIPTextModelWithProjection
    _seeded(seed, 1)
    return CLIPTextModelWithProjection(CLIPTextConfig(**text_config(scale))).eval()


def text_config(scale: Scale) -> dict:
    vocab = scale.vocabulary or 49408
    return dict(vocab_size=vocab, max_position_embeddings=77, projection_dim=scale.embedding_dim,
                hidden_size=scale.embedding_dim, intermediate_size=scale.text_intermediate or 2 * scale.embedding_dim,
                num_hidden_layers=scale.text_layers, num_attention_heads=scale.text_heads, hidden_act=scale.text_act,
                bos_token_id=vocab - 2, eos_token_id=vocab - 1, pad_token_id=vocab - 1)


def vision_config(scale: Scale) -> dict:
    return dict(projection_dim=scale.embedding_dim, hidden_act=scale.text_act, **scale.vision)


def image_encoder(scale: Scale, seed: int):
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection
    _seeded(seed, 2)
    return CLIPVisionModelWithProjection(CLIPVisionConfig(**vision_config(scale))).eval()


def prior(scale: Scale, seed: int):
    from diffusers import PriorTransformer
    _seeded(seed, 3)
    model = PriorTransformer(**prior_config(scale)).eval()
    with torch.no_grad():  # diffusers initialises clip_std to zero: every embedding would be clip_mean (zero)
        model.positional_embedding.normal_(0.0, 0.5)
        model.prd_embedding.normal_(0.0, 0.5)
        model.clip_mean.normal_(0.0, 0.5)
        model.clip_std.uniform_(0.5, 1.5)
    return model


def prior_config(scale: Scale) -> dict:
    return dict(embedding_dim=scale.embedding_dim, num_embeddings=77, additional_embeddings=4, dropout=0.0,
                **scale.prior)


def time_embed_dim(scale: Scale) -> int:
    return 4 * scale.decoder_channels[0]


def text_proj(scale: Scale, seed: int):
    from diffusers.pipelines.unclip.text_proj import UnCLIPTextProjModel
    _seeded(seed, 4)
    model = UnCLIPTextProjModel(**text_proj_config(scale))
    with torch.no_grad():  # zero at init; the learned unconditional image embedding of a trained Karlo is not
        model.learned_classifier_free_guidance_embeddings.normal_(0.0, 0.5)
    return model.eval()


def text_proj_config(scale: Scale) -> dict:
    return dict(clip_extra_context_tokens=4, clip_embeddings_dim=scale.embedding_dim,
                time_embed_dim=time_embed_dim(scale), cross_attention_dim=scale.cross_attention_dim)


def decoder_config(scale: Scale) -> dict:
    n = len(scale.decoder_channels)
    return dict(sample_size=scale.base, in_channels=3, out_channels=6, layers_per_block=scale.decoder_layers,
                down_block_types=("ResnetDownsampleBlock2D",) + ("SimpleCrossAttnDownBlock2D",) * (n - 1),
                up_block_types=("SimpleCrossAttnUpBlock2D",) * (n - 1) + ("ResnetUpsampleBlock2D",),
                mid_block_type="UNetMidBlock2DSimpleCrossAttn", block_out_channels=scale.decoder_channels,
                cross_attention_dim=scale.cross_attention_dim, attention_head_dim=scale.decoder_head_dim,
                resnet_time_scale_shift="scale_shift", class_embed_type="identity", norm_num_groups=scale.groups)


def decoder(scale: Scale, seed: int):
    from diffusers import UNet2DConditionModel
    _seeded(seed, 5)
    model = UNet2DConditionModel(**decoder_config(scale)).eval()
    if not scale.tamed:
        return model
    soften_attention(model)
    return within_clamp(model)


def within_clamp(model):
    """Scales the UNet's output convolution by OUTPUT_SCALE (the module docstring says why)."""
    with torch.no_grad():
        model.conv_out.weight.mul_(OUTPUT_SCALE)
        model.conv_out.bias.mul_(OUTPUT_SCALE)
    return model


def super_res_config(scale: Scale) -> dict:
    n = len(scale.super_res_channels)
    config = dict(sample_size=scale.output, layers_per_block=scale.super_res_layers,
                  down_block_types=("ResnetDownsampleBlock2D",) * n, up_block_types=("ResnetUpsampleBlock2D",) * n,
                  block_out_channels=scale.super_res_channels, in_channels=6, out_channels=3,
                  norm_num_groups=scale.groups)
    if not scale.super_res_attention:
        config["add_attention"] = False
    return config


def super_res(scale: Scale, seed: int, part: int):
    from diffusers import UNet2DModel
    _seeded(seed, part)
    model = UNet2DModel(**super_res_config(scale)).eval()
    return within_clamp(model) if scale.tamed else model


def scheduler(variance_type: str, prediction_type: str, clip_sample_range: float = 1.0):
    from diffusers import UnCLIPScheduler
    return UnCLIPScheduler(variance_type=variance_type, prediction_type=prediction_type, num_train_timesteps=1000,
                           clip_sample=True, clip_sample_range=clip_sample_range)


def scheduler_configs(scale: Scale) -> dict[str, tuple]:
    """(variance_type, prediction_type, clip_sample_range) of the three UnCLIPSchedulers: the published
    prediction types at full size, the sample everywhere when tamed (the module docstring says why)."""
    predicted = "sample" if scale.tamed else "epsilon"
    return {"prior_scheduler": ("fixed_small_log", "sample", 5.0),
            "decoder_scheduler": ("learned_range", predicted, 1.0),
            "super_res_scheduler": ("fixed_small_log", predicted, 1.0)}


def build(out: Path, scale_name: str = "tiny", seed: int = 0, variations: bool = True,
          dtype: str = "float32") -> dict[str, Path]:
    """Writes out/karlo and (with variations) out/karlo-image-variations; returns the folders by role. dtype
    float16 stores the weights in half precision (half the disk: float16 random weights are exact in float32,
    so a float32 load or export reads the same numbers)."""
    scale = SCALES[scale_name]
    cast = {"float32": None, "float16": torch.float16}[dtype]

    def stored(make):
        return (lambda: make().to(cast)) if cast is not None else make
    out.mkdir(parents=True, exist_ok=True)
    work = out / ".work"
    schedulers = scheduler_configs(scale)
    shared = {
        "text_encoder": stored(lambda: text_encoder(scale, seed)),
        "tokenizer": lambda: tokenizer(work / "tokenizer-source", scale.vocabulary, pad_token=scale.pad_token),
        "text_proj": stored(lambda: text_proj(scale, seed)), "decoder": stored(lambda: decoder(scale, seed)),
        "super_res_first": stored(lambda: super_res(scale, seed, 6)),
        "super_res_last": stored(lambda: super_res(scale, seed, 7)),
        "decoder_scheduler": lambda: scheduler(*schedulers["decoder_scheduler"]),
        "super_res_scheduler": lambda: scheduler(*schedulers["super_res_scheduler"]),
    }
    folders = {"pipeline": out / "karlo"}
    save_pipeline(folders["pipeline"], "UnCLIPPipeline", {
        **shared, "prior": stored(lambda: prior(scale, seed)),
        "prior_scheduler": lambda: scheduler(*schedulers["prior_scheduler"])})
    if variations:
        folders["variations"] = out / "karlo-image-variations"
        save_pipeline(folders["variations"], "UnCLIPImageVariationPipeline", {
            **shared, "image_encoder": stored(lambda: image_encoder(scale, seed)),
            "feature_extractor": lambda: image_processor(scale)})
    for role, folder in folders.items():
        (folder / "README.md").write_text(
            LICENSE_FRONT_MATTER + f"# Random-weight Karlo {role} ({scale_name}, seed {seed})\n\n"
            "Untrained: made by unclip_tools.karlo.checkpoints to test the exporter and the engine.\n")
    shutil.rmtree(work, ignore_errors=True)
    return folders


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="unclip-tools karlo-checkpoints", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True, help="folder that receives karlo/ and karlo-image-variations/")
    ap.add_argument("--scale", choices=sorted(SCALES), default="tiny")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-variations", action="store_true", help="skip the image-variations folder")
    ap.add_argument("--dtype", choices=["float32", "float16"], default="float32",
                    help="weights as stored (float16: half the disk; load or export them as float32)")
    args = ap.parse_args(argv)
    if args.scale in ("full", "decoder-full"):
        print("full-size configuration values not confirmed against the published files:")
        for v in FULL_UNCONFIRMED:
            print(f"  - {v}")
    for role, folder in build(args.out, args.scale, args.seed, not args.no_variations, args.dtype).items():
        print(f"{role}: {folder}")
