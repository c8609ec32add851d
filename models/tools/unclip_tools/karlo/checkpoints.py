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
"""
from __future__ import annotations

import argparse
import shutil
from dataclasses import dataclass
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
SCALES = {"tiny": TINY, "micro": MICRO}
LIBRARY.setdefault("UnCLIPTextProjModel", "unclip")  # model_index.json names it so in the published folders


def _seeded(seed: int, part: int) -> None:
    torch.manual_seed(seed * 1000 + 500 + part)


def text_encoder(scale: Scale, seed: int):
    from transformers import CLIPTextConfig, CLIPTextModelWithProjection
    _seeded(seed, 1)
    vocab = scale.vocabulary or 49408
    return CLIPTextModelWithProjection(CLIPTextConfig(
        vocab_size=vocab, max_position_embeddings=77, projection_dim=scale.embedding_dim, hidden_size=scale.embedding_dim,
        intermediate_size=2 * scale.embedding_dim, num_hidden_layers=scale.text_layers,
        num_attention_heads=scale.text_heads, hidden_act="quick_gelu", bos_token_id=vocab - 2, eos_token_id=vocab - 1,
        pad_token_id=vocab - 1)).eval()


def image_encoder(scale: Scale, seed: int):
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection
    _seeded(seed, 2)
    return CLIPVisionModelWithProjection(CLIPVisionConfig(projection_dim=scale.embedding_dim, hidden_act="quick_gelu",
                                                          **scale.vision)).eval()


def prior(scale: Scale, seed: int):
    from diffusers import PriorTransformer
    _seeded(seed, 3)
    model = PriorTransformer(embedding_dim=scale.embedding_dim, num_embeddings=77, additional_embeddings=4,
                             dropout=0.0, **scale.prior).eval()
    with torch.no_grad():  # diffusers initialises clip_std to zero: every embedding would be clip_mean (zero)
        model.positional_embedding.normal_(0.0, 0.5)
        model.prd_embedding.normal_(0.0, 0.5)
        model.clip_mean.normal_(0.0, 0.5)
        model.clip_std.uniform_(0.5, 1.5)
    return model


def time_embed_dim(scale: Scale) -> int:
    return 4 * scale.decoder_channels[0]


def text_proj(scale: Scale, seed: int):
    from diffusers.pipelines.unclip.text_proj import UnCLIPTextProjModel
    _seeded(seed, 4)
    model = UnCLIPTextProjModel(clip_extra_context_tokens=4, clip_embeddings_dim=scale.embedding_dim,
                                time_embed_dim=time_embed_dim(scale), cross_attention_dim=scale.cross_attention_dim)
    with torch.no_grad():  # zero at init; the learned unconditional image embedding of a trained Karlo is not
        model.learned_classifier_free_guidance_embeddings.normal_(0.0, 0.5)
    return model.eval()


def decoder(scale: Scale, seed: int):
    from diffusers import UNet2DConditionModel
    _seeded(seed, 5)
    model = UNet2DConditionModel(
        sample_size=scale.base, in_channels=3, out_channels=6, layers_per_block=1,
        down_block_types=("ResnetDownsampleBlock2D", "SimpleCrossAttnDownBlock2D"),
        up_block_types=("SimpleCrossAttnUpBlock2D", "ResnetUpsampleBlock2D"),
        mid_block_type="UNetMidBlock2DSimpleCrossAttn", block_out_channels=scale.decoder_channels,
        cross_attention_dim=scale.cross_attention_dim, attention_head_dim=8, resnet_time_scale_shift="scale_shift",
        class_embed_type="identity", norm_num_groups=scale.groups).eval()
    soften_attention(model)
    return within_clamp(model)


def within_clamp(model):
    """Scales the UNet's output convolution by OUTPUT_SCALE (the module docstring says why)."""
    with torch.no_grad():
        model.conv_out.weight.mul_(OUTPUT_SCALE)
        model.conv_out.bias.mul_(OUTPUT_SCALE)
    return model


def super_res(scale: Scale, seed: int, part: int):
    from diffusers import UNet2DModel
    _seeded(seed, part)
    return within_clamp(UNet2DModel(sample_size=scale.output, layers_per_block=1,
                       down_block_types=("ResnetDownsampleBlock2D", "ResnetDownsampleBlock2D"),
                       up_block_types=("ResnetUpsampleBlock2D", "ResnetUpsampleBlock2D"),
                       block_out_channels=scale.super_res_channels, in_channels=6, out_channels=3,
                       norm_num_groups=scale.groups).eval())


def scheduler(variance_type: str, prediction_type: str, clip_sample_range: float = 1.0):
    from diffusers import UnCLIPScheduler
    return UnCLIPScheduler(variance_type=variance_type, prediction_type=prediction_type, num_train_timesteps=1000,
                           clip_sample=True, clip_sample_range=clip_sample_range)


def build(out: Path, scale_name: str = "tiny", seed: int = 0, variations: bool = True) -> dict[str, Path]:
    """Writes out/karlo and (with variations) out/karlo-image-variations; returns the folders by role."""
    scale = SCALES[scale_name]
    out.mkdir(parents=True, exist_ok=True)
    work = out / ".work"
    shared = {
        "text_encoder": lambda: text_encoder(scale, seed),
        "tokenizer": lambda: tokenizer(work / "tokenizer-source", scale.vocabulary, pad_token="<|endoftext|>"),
        "text_proj": lambda: text_proj(scale, seed), "decoder": lambda: decoder(scale, seed),
        "super_res_first": lambda: super_res(scale, seed, 6), "super_res_last": lambda: super_res(scale, seed, 7),
        "decoder_scheduler": lambda: scheduler("learned_range", "sample"),
        "super_res_scheduler": lambda: scheduler("fixed_small_log", "sample"),
    }
    folders = {"pipeline": out / "karlo"}
    save_pipeline(folders["pipeline"], "UnCLIPPipeline", {
        **shared, "prior": lambda: prior(scale, seed),
        "prior_scheduler": lambda: scheduler("fixed_small_log", "sample", 5.0)})
    if variations:
        folders["variations"] = out / "karlo-image-variations"
        save_pipeline(folders["variations"], "UnCLIPImageVariationPipeline", {
            **shared, "image_encoder": lambda: image_encoder(scale, seed),
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
    args = ap.parse_args(argv)
    for role, folder in build(args.out, args.scale, args.seed, not args.no_variations).items():
        print(f"{role}: {folder}")
