"""Random-weight Kandinsky 2.2 checkpoints of the real architecture, saved with diffusers' ``save_pretrained`` in
the layout of the published ``kandinsky-community/kandinsky-2-2-prior``, ``-decoder`` and ``-decoder-inpaint``
folders (``model_index.json``, one sub-folder per component with ``config.json`` and safetensors).

No weights can be downloaded here, so every Kandinsky test runs on these. ``tiny`` keeps every structural
feature (CLIP text and vision towers with projections, the PriorTransformer with clip_mean/clip_std, the
``image``/``image_proj`` UNet with 8 output channels, a 9-channel inpaint UNet, a spatial-norm MoVQ with scale
factor 8) at a few MB; ``full`` uses the published configurations (see FULL_UNCONFIRMED for what could not be
checked against the published files).
"""
from __future__ import annotations

import argparse
import gc
import json
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import torch

from ..tokenizer import BOS, EOS, vocabulary

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
LICENSE_FRONT_MATTER = "---\nlicense: apache-2.0\n---\n"
# Values of the full-size configuration that were reconstructed from the diffusers documentation, tests and
# conversion scripts but could not be compared with the published config files (no hub access here).
FULL_UNCONFIRMED = [
    "decoder scheduler: steps_offset=1, timestep_spacing='leading' (DDPMScheduler, linear betas 0.00085..0.012)",
    "tokenizer pad token '!' (id 0, as the ViT-bigG tokenizer of laion) rather than '<|endoftext|>'",
    "text/vision config eos_token_id/bos_token_id/pad_token_id values (transformers' CLIP defaults are used)",
    "MoVQ sample_size 32 and scaling_factor 0.18215 (neither is read by the Kandinsky 2.2 pipelines)",
    "UNet sample_size 64 and addition_embed_type_num_heads 64 (not read on this path)",
]


@dataclass(frozen=True)
class Scale:
    """Sizes of one checkpoint family; the tiny values keep each structural choice of the published models."""
    embedding_dim: int
    text: dict
    vision: dict
    prior: dict
    unet: dict
    movq: dict
    image_size: dict = field(default_factory=dict)  # image processor: shortest edge, crop
    unet_groups: int = 32
    vocabulary: int | None = None  # None: CLIP's 49408 tokens; n: the first n - 514 merges only (micro)


TINY = Scale(
    embedding_dim=32,
    text=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4),
    vision=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4, image_size=32,
                patch_size=8),
    prior=dict(num_attention_heads=2, attention_head_dim=16, num_layers=2),
    unet=dict(block_out_channels=(32, 64), layers_per_block=1, attention_head_dim=8, cross_attention_dim=32,
              down_block_types=("ResnetDownsampleBlock2D", "SimpleCrossAttnDownBlock2D"),
              up_block_types=("SimpleCrossAttnUpBlock2D", "ResnetUpsampleBlock2D"), sample_size=8),
    movq=dict(block_out_channels=(32, 32, 64, 64), layers_per_block=1, norm_num_groups=32, num_vq_embeddings=12),  # SpatialNorm: 32 groups
    # shortest edge larger than the crop, so that the centre crop is exercised (the published one: 224 / 224)
    image_size=dict(shortest_edge=36, crop=32),
)

FULL = Scale(
    embedding_dim=1280,
    # ViT-bigG-14 text and vision towers (laion/CLIP-ViT-bigG-14-laion2B-39B-b160k), projections to 1280
    text=dict(hidden_size=1280, intermediate_size=5120, num_hidden_layers=32, num_attention_heads=20),
    vision=dict(hidden_size=1664, intermediate_size=8192, num_hidden_layers=48, num_attention_heads=16, image_size=224,
                patch_size=14),
    prior=dict(num_attention_heads=32, attention_head_dim=64, num_layers=20),
    unet=dict(block_out_channels=(384, 768, 1152, 1536), layers_per_block=3, attention_head_dim=64,
              cross_attention_dim=768,
              down_block_types=("ResnetDownsampleBlock2D", "SimpleCrossAttnDownBlock2D", "SimpleCrossAttnDownBlock2D",
                                "SimpleCrossAttnDownBlock2D"),
              up_block_types=("SimpleCrossAttnUpBlock2D", "SimpleCrossAttnUpBlock2D", "SimpleCrossAttnUpBlock2D",
                              "ResnetUpsampleBlock2D"), sample_size=64),
    movq=dict(block_out_channels=(128, 256, 256, 512), layers_per_block=2, norm_num_groups=32, num_vq_embeddings=16384),
    image_size=dict(shortest_edge=224, crop=224),
)
# for the Java tests' committed fixture (a few MB): a CLIP BPE vocabulary of 1000 tokens (bytes, the first
# merges, start and end) keeps the text encoder's embedding table small; otherwise as tiny, narrower.
MICRO = Scale(
    embedding_dim=16,
    text=dict(hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2),
    vision=dict(hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2, image_size=32,
                patch_size=8),
    prior=dict(num_attention_heads=2, attention_head_dim=8, num_layers=1),
    unet=dict(block_out_channels=(16, 32), layers_per_block=1, attention_head_dim=8, cross_attention_dim=16,
              down_block_types=("ResnetDownsampleBlock2D", "SimpleCrossAttnDownBlock2D"),
              up_block_types=("SimpleCrossAttnUpBlock2D", "ResnetUpsampleBlock2D"), sample_size=8),
    movq=dict(block_out_channels=(32, 32, 32, 32), layers_per_block=1, norm_num_groups=32, num_vq_embeddings=12),
    image_size=dict(shortest_edge=36, crop=32),
    unet_groups=8,
    vocabulary=1000,
)
# the published decoder UNet and MoVQ at full size behind small CLIP towers and prior (same 1280-wide
# embedding): what the decoder's seconds per step and the MoVQ decode cost at 512 px, in far less time,
# disk and memory than the whole FULL family (EngineBenchmark's kandinsky22 path measures only those)
DECODER_FULL = replace(
    FULL,
    # the prior projects the text tower's hidden states from the embedding width: one full-width layer
    text=dict(hidden_size=1280, intermediate_size=1280, num_hidden_layers=1, num_attention_heads=20),
    vision=dict(hidden_size=64, intermediate_size=128, num_hidden_layers=1, num_attention_heads=2, image_size=224,
                patch_size=14),
    prior=dict(num_attention_heads=2, attention_head_dim=32, num_layers=1),
)
SCALES = {"tiny": TINY, "full": FULL, "micro": MICRO, "decoder-full": DECODER_FULL}


def tokenizer(folder: Path, size: int | None = None, pad_token: str = "!"):
    """A CLIPTokenizer (slow, as the published prior folder's) written from the CLIP BPE lists open_clip ships;
    with size, only the first size - 514 merges (start and end then get ids size - 2 and size - 1)."""
    from transformers import CLIPTokenizer
    vocab, merges = vocabulary()
    if size is not None:
        merges = merges[:size - 514]
        kept = [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1])][:512 + len(merges)] + [BOS, EOS]
        vocab = {t: i for i, t in enumerate(kept)}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(" ".join(m) for m in merges) + "\n",
                                       encoding="utf-8")
    return CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"), bos_token=BOS, eos_token=EOS,
                         unk_token=EOS, pad_token=pad_token, model_max_length=77)


def _seeded(seed: int, part: int) -> None:
    torch.manual_seed(seed * 1000 + part)


def text_encoder(scale: Scale, seed: int):
    from transformers import CLIPTextConfig, CLIPTextModelWithProjection
    _seeded(seed, 1)
    return CLIPTextModelWithProjection(CLIPTextConfig(
        vocab_size=scale.vocabulary or 49408, max_position_embeddings=77, projection_dim=scale.embedding_dim,
        hidden_act="gelu", bos_token_id=(scale.vocabulary or 49408) - 2, eos_token_id=(scale.vocabulary or 49408) - 1,
        pad_token_id=0, **scale.text)).eval()


def image_encoder(scale: Scale, seed: int):
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection
    _seeded(seed, 2)
    return CLIPVisionModelWithProjection(CLIPVisionConfig(projection_dim=scale.embedding_dim, hidden_act="gelu",
                                                          **scale.vision)).eval()


def prior(scale: Scale, seed: int):
    from diffusers import PriorTransformer
    _seeded(seed, 3)
    model = PriorTransformer(embedding_dim=scale.embedding_dim, num_embeddings=77, additional_embeddings=4,
                             dropout=0.0, time_embed_act_fn="silu", encoder_hid_proj_type="linear",
                             added_emb_type="prd", **scale.prior).eval()
    with torch.no_grad():  # diffusers initialises these to zero; random values make every term matter
        model.positional_embedding.normal_(0.0, 0.5)
        model.prd_embedding.normal_(0.0, 0.5)
        model.clip_mean.normal_(0.0, 0.5)
        model.clip_std.uniform_(0.5, 1.5)
    return model


def image_processor(scale: Scale):
    from transformers import CLIPImageProcessor
    size = scale.image_size
    return CLIPImageProcessor(do_resize=True, size={"shortest_edge": size["shortest_edge"]}, resample=3,
                              do_center_crop=True, crop_size={"height": size["crop"], "width": size["crop"]},
                              do_rescale=True, rescale_factor=1 / 255, do_normalize=True,
                              image_mean=CLIP_MEAN, image_std=CLIP_STD, do_convert_rgb=True)


def prior_scheduler():
    from diffusers import UnCLIPScheduler
    return UnCLIPScheduler(variance_type="fixed_small_log", clip_sample=True, clip_sample_range=10.0,
                           num_train_timesteps=1000, prediction_type="sample")


def soften_attention(model, factor: float = 0.25) -> None:
    """Scales every attention's query and key projections (logits by factor squared): random weights on the
    large latents a random decoder makes give near-one-hot softmaxes whose near-ties flip on last-bit
    differences, which a trained model does not have; softer attention keeps the tiny models usable for
    parity at 1e-3."""
    from diffusers.models.attention_processor import Attention
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, Attention):
                for proj in (module.to_q, module.to_k):
                    proj.weight.mul_(factor)
                    if proj.bias is not None:
                        proj.bias.mul_(factor)


def unet(scale: Scale, in_channels: int, seed: int, part: int):
    from diffusers import UNet2DConditionModel
    _seeded(seed, part)
    model = UNet2DConditionModel(
        in_channels=in_channels, out_channels=8, addition_embed_type="image", encoder_hid_dim=scale.embedding_dim,
        encoder_hid_dim_type="image_proj", mid_block_type="UNetMidBlock2DSimpleCrossAttn",
        resnet_time_scale_shift="scale_shift", class_embed_type=None, act_fn="silu",
        norm_num_groups=scale.unet_groups,
        norm_eps=1e-5, flip_sin_to_cos=True, freq_shift=0, **scale.unet).eval()
    if scale is not FULL:
        soften_attention(model)
    return model


def movq(scale: Scale, seed: int, part: int):
    from diffusers import VQModel
    _seeded(seed, part)
    n = len(scale.movq["block_out_channels"])
    model = VQModel(in_channels=3, out_channels=3, latent_channels=4, vq_embed_dim=4, norm_type="spatial",
                   down_block_types=("DownEncoderBlock2D",) * (n - 1) + ("AttnDownEncoderBlock2D",),
                   up_block_types=("AttnUpDecoderBlock2D",) + ("UpDecoderBlock2D",) * (n - 1),
                   act_fn="silu", sample_size=32, scaling_factor=0.18215, **scale.movq).eval()
    if scale is not FULL:
        soften_attention(model)
    calibrate_output(model)
    return model


def calibrate_output(model) -> None:
    """Scales the MoVQ decoder's last convolution so that latents as a random-weight decoder UNet leaves them
    (standard deviation about 16: its noise predictions do not match the noise) decode to values of standard
    deviation 0.5: unscaled, most pixels saturate at 0 or 1 after ``x*0.5+0.5`` and the clamp, and a saturated
    pixel cannot show a parity error."""
    probe = 16 * torch.randn(1, 4, 8, 8, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        std = float(model.decode(probe, force_not_quantize=True).sample.std())
        model.decoder.conv_out.weight.mul_(0.5 / std)
        model.decoder.conv_out.bias.mul_(0.5 / std)


def decoder_scheduler():
    from diffusers import DDPMScheduler
    return DDPMScheduler(num_train_timesteps=1000, beta_schedule="linear", beta_start=0.00085, beta_end=0.012,
                         clip_sample=False, variance_type="fixed_small", prediction_type="epsilon", steps_offset=1,
                         timestep_spacing="leading", thresholding=False)


LIBRARY = {"CLIPTextModelWithProjection": "transformers", "CLIPVisionModelWithProjection": "transformers",
           "CLIPTokenizer": "transformers", "CLIPImageProcessor": "transformers"}


def save_pipeline(folder: Path, pipeline: str, parts: dict[str, Callable[[], object]]) -> None:
    """What DiffusionPipeline.save_pretrained writes (each component's save_pretrained into its sub-folder, then
    model_index.json naming library and class), one component at a time so that a full-size prior (3.5 B
    parameters) never has to be in memory at once."""
    import diffusers
    index = {"_class_name": pipeline, "_diffusers_version": diffusers.__version__}
    for name, make in parts.items():
        part = make()
        part.save_pretrained(str(folder / name))
        cls = type(part).__name__
        index[name] = [LIBRARY.get(cls, "diffusers"), cls]
        del part
        gc.collect()
    (folder / "model_index.json").write_text(json.dumps(dict(sorted(index.items())), indent=2) + "\n")


def build(out: Path, scale_name: str = "tiny", seed: int = 0, inpaint: bool = True,
          separate_inpaint_movq: bool = False) -> dict[str, Path]:
    """Writes out/prior, out/decoder and (with inpaint) out/decoder-inpaint; returns the folders by role."""
    scale = SCALES[scale_name]
    out.mkdir(parents=True, exist_ok=True)
    folders = {"prior": out / "prior", "decoder": out / "decoder"}
    save_pipeline(folders["prior"], "KandinskyV22PriorPipeline", {
        "text_encoder": lambda: text_encoder(scale, seed), "image_encoder": lambda: image_encoder(scale, seed),
        "prior": lambda: prior(scale, seed), "tokenizer": lambda: tokenizer(out / ".work" / "tokenizer-source", scale.vocabulary),
        "scheduler": prior_scheduler, "image_processor": lambda: image_processor(scale)})
    save_pipeline(folders["decoder"], "KandinskyV22Pipeline", {
        "unet": lambda: unet(scale, 4, seed, 4), "scheduler": decoder_scheduler, "movq": lambda: movq(scale, seed, 5)})
    if inpaint:
        folders["inpaint"] = out / "decoder-inpaint"
        save_pipeline(folders["inpaint"], "KandinskyV22InpaintPipeline", {
            "unet": lambda: unet(scale, 9, seed, 6), "scheduler": decoder_scheduler,
            "movq": lambda: movq(scale, seed, 7 if separate_inpaint_movq else 5)})
    for role, folder in folders.items():
        (folder / "README.md").write_text(
            LICENSE_FRONT_MATTER + f"# Random-weight Kandinsky 2.2 {role} ({scale_name}, seed {seed})\n\n"
            "Untrained: made by unclip_tools.kandinsky22.checkpoints to test the exporter and the engine.\n")
    shutil.rmtree(out / ".work", ignore_errors=True)
    return folders


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="unclip-tools kandinsky22-checkpoints", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True, help="folder that receives prior/, decoder/, decoder-inpaint/")
    ap.add_argument("--scale", choices=sorted(SCALES), default="tiny")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-inpaint", action="store_true", help="skip the 9-channel inpainting decoder")
    ap.add_argument("--separate-inpaint-movq", action="store_true",
                    help="give the inpainting folder its own MoVQ weights (the published folders share one)")
    args = ap.parse_args(argv)
    for role, folder in build(args.out, args.scale, args.seed, not args.no_inpaint, args.separate_inpaint_movq).items():
        print(f"{role}: {folder}")
