"""The five networks of a ``tiny`` unCLIP bundle, with exactly the inputs and outputs of BUNDLE.md:
a CLIP pair (causal text transformer with end-of-text pooling; small CNN image encoder), a diffusion prior
(MLP predicting the clean image embedding in prior space), a decoder UNet at the base resolution (eps prediction,
image-embedding and inpainting inputs) and a diffusion upsampler UNet to the output resolution. CONFIGS names the
architectures: ``tiny-32`` (16 px decoder, 16 -> 32 px upsampler: the committed shapes-tiny) and ``tiny-64``
(32 px decoder, 32 -> 64 px upsampler, for world v2).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .tokenizer import CONTEXT_LENGTH, VOCAB_SIZE


@dataclass(frozen=True)
class TinyConfig:
    embedding_dim: int = 64
    text_width: int = 64
    text_layers: int = 3
    text_heads: int = 4
    base_resolution: int = 16
    output_resolution: int = 32
    prior_width: int = 256
    prior_blocks: int = 3
    decoder_channels: tuple[int, int, int] = (64, 96, 128)
    upsampler_channels: tuple[int, int, int] = (32, 48, 64)
    # side of the decoder's spatial conditioning map (0: none, the image embedding only scales and shifts channels)
    decoder_spatial: int = 0

    def to_json(self) -> dict:
        return asdict(self)


# tiny-64: the decoder works at 32 px, four times the pixels of tiny-32's 16, so its channels are narrower (and the
# 64 px upsampler's too) to keep a text-to-image run within twice tiny-32's time on a CPU (models/README.md)
CONFIGS = {
    "tiny-32": TinyConfig(),
    "tiny-64": TinyConfig(base_resolution=32, output_resolution=64, decoder_channels=(32, 64, 96),
                          upsampler_channels=(16, 32, 48), decoder_spatial=8),
}
# the architecture a world is trained with unless the train command names another
WORLD_CONFIGS = {"v1": "tiny-32", "v2": "tiny-64"}


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding of integer timesteps (as in DDPM / diffusers' get_timestep_embedding)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.to(torch.float32)[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


# ---- CLIP -----------------------------------------------------------------------------------------------
class CausalBlock(nn.Module):
    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.out = nn.Linear(width, width)
        self.ln2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, w = x.shape
        q, k, v = self.qkv(self.ln1(x)).reshape(b, n, 3, self.heads, w // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.out(a.transpose(1, 2).reshape(b, n, w))
        return x + self.mlp(self.ln2(x))


class TextEncoder(nn.Module):
    """input_ids [B,77] -> (text_embed [B,D] L2-normalised, text_hidden [B,77,W])."""

    def __init__(self, cfg: TinyConfig) -> None:
        super().__init__()
        w = cfg.text_width
        self.token = nn.Embedding(VOCAB_SIZE, w)
        self.position = nn.Parameter(torch.randn(CONTEXT_LENGTH, w) * 0.01)
        self.blocks = nn.ModuleList([CausalBlock(w, cfg.text_heads) for _ in range(cfg.text_layers)])
        self.ln = nn.LayerNorm(w)
        self.proj = nn.Linear(w, cfg.embedding_dim, bias=False)
        nn.init.normal_(self.token.weight, std=0.02)

    def forward(self, input_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = self.token(input_ids) + self.position
        for block in self.blocks:
            x = block(x)
        hidden = self.ln(x)
        # end-of-text pooling: the EOT id (49407) is the largest id, argmax finds its first occurrence
        eot = input_ids.argmax(dim=1)
        pooled = hidden[torch.arange(hidden.shape[0]), eot]
        return F.normalize(self.proj(pooled), dim=-1), hidden


class ImageEncoder(nn.Module):
    """image [B,3,R,R] in [-1,1] -> image_embed [B,D] L2-normalised (keeps a 4x4 spatial layout for position)."""

    def __init__(self, cfg: TinyConfig) -> None:
        super().__init__()
        r = cfg.output_resolution
        self.net = nn.Sequential(
            nn.Conv2d(3, 32, 3, padding=1), nn.SiLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.GroupNorm(8, 64), nn.SiLU(),
            nn.Conv2d(64, 64, 3, stride=2, padding=1), nn.GroupNorm(8, 64), nn.SiLU(),
            nn.Conv2d(64, 64, 3, stride=2, padding=1), nn.GroupNorm(8, 64), nn.SiLU(),
        )
        self.proj = nn.Linear(64 * (r // 8) ** 2, cfg.embedding_dim)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.proj(self.net(image).flatten(1)), dim=-1)


class Clip(nn.Module):
    def __init__(self, cfg: TinyConfig) -> None:
        super().__init__()
        self.text = TextEncoder(cfg)
        self.image = ImageEncoder(cfg)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))


# ---- prior ----------------------------------------------------------------------------------------------
class PriorBlock(nn.Module):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 2 * width), nn.SiLU(), nn.Linear(2 * width, width))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.mlp(self.norm(x))


class Prior(nn.Module):
    """(x_t [B,D], t [B], text_embed [B,D], text_hidden [B,77,W]) -> predicted x0 [B,D] in prior space."""

    def __init__(self, cfg: TinyConfig) -> None:
        super().__init__()
        w, d = cfg.prior_width, cfg.embedding_dim
        self.query = nn.Parameter(torch.randn(cfg.text_width) * 0.02)
        self.query_scale = 1.0 / math.sqrt(cfg.text_width)
        self.t_dim = 64
        self.inp = nn.Linear(d + d + cfg.text_width + self.t_dim, w)
        self.blocks = nn.Sequential(*[PriorBlock(w) for _ in range(cfg.prior_blocks)])
        self.out = nn.Sequential(nn.LayerNorm(w), nn.Linear(w, d))

    def forward(self, x_t: torch.Tensor, t: torch.Tensor, text_embed: torch.Tensor,
                text_hidden: torch.Tensor) -> torch.Tensor:
        weights = torch.softmax(text_hidden @ self.query * self.query_scale, dim=1)
        pooled = (weights[..., None] * text_hidden).sum(dim=1)
        h = self.inp(torch.cat([x_t, text_embed, pooled, timestep_embedding(t, self.t_dim)], dim=1))
        return self.out(self.blocks(h))


# ---- UNets ----------------------------------------------------------------------------------------------
class ResBlock(nn.Module):
    def __init__(self, cin: int, cout: int, emb: int) -> None:
        super().__init__()
        self.norm1 = nn.GroupNorm(8, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(emb, 2 * cout)
        self.norm2 = nn.GroupNorm(8, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()
        nn.init.zeros_(self.conv2.weight)
        nn.init.zeros_(self.conv2.bias)

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        scale, shift = self.emb(emb)[:, :, None, None].chunk(2, dim=1)
        h = self.norm2(h) * (1 + scale) + shift
        h = self.conv2(F.silu(h))
        return self.skip(x) + h


class UNet(nn.Module):
    """Three-level UNet conditioned on a timestep and an image embedding (eps prediction).

    With ``spatial`` > 0 the embedding is also projected to a [c2, spatial, spatial] map added at the bottleneck's
    input: scale and shift alone are the same at every pixel, so a UNet conditioned only by them has no direct way
    to put a shape where the embedding says (shapes-tiny v1 placed them at chance)."""

    def __init__(self, cin: int, channels: tuple[int, int, int], embedding_dim: int, spatial: int = 0) -> None:
        super().__init__()
        c1, c2, c3 = channels
        e = 4 * c1
        self.t_dim = c1
        self.emb = nn.Sequential(nn.Linear(c1 + embedding_dim, e), nn.SiLU(), nn.Linear(e, e))
        self.conv_in = nn.Conv2d(cin, c1, 3, padding=1)
        self.down1 = ResBlock(c1, c1, e)
        self.pool1 = nn.Conv2d(c1, c1, 3, stride=2, padding=1)
        self.down2 = ResBlock(c1, c2, e)
        self.pool2 = nn.Conv2d(c2, c2, 3, stride=2, padding=1)
        self.mid1 = ResBlock(c2, c3, e)
        self.mid2 = ResBlock(c3, c3, e)
        self.up2 = ResBlock(c3 + c2, c2, e)
        self.up1 = ResBlock(c2 + c1, c1, e)
        self.out = nn.Sequential(nn.GroupNorm(8, c1), nn.SiLU(), nn.Conv2d(c1, 3, 3, padding=1))
        self.spatial_shape = (c2, spatial, spatial)
        self.spatial = nn.Linear(embedding_dim, c2 * spatial * spatial) if spatial > 0 else None
        if self.spatial is not None:
            nn.init.zeros_(self.spatial.weight)
            nn.init.zeros_(self.spatial.bias)

    def forward(self, x: torch.Tensor, t: torch.Tensor, image_embed: torch.Tensor) -> torch.Tensor:
        emb = self.emb(torch.cat([timestep_embedding(t, self.t_dim), image_embed], dim=1))
        h1 = self.down1(self.conv_in(x), emb)
        h2 = self.down2(self.pool1(h1), emb)
        h = self.pool2(h2)
        if self.spatial is not None:
            h = h + self.spatial(image_embed).reshape(-1, *self.spatial_shape)
        h = self.mid2(self.mid1(h, emb), emb)
        h = F.interpolate(h, scale_factor=2.0, mode="nearest")
        h = self.up2(torch.cat([h, h2], dim=1), emb)
        h = F.interpolate(h, scale_factor=2.0, mode="nearest")
        h = self.up1(torch.cat([h, h1], dim=1), emb)
        return self.out(h)


class Decoder(nn.Module):
    """(x_t [B,3,r,r], t, image_embed, masked_image [B,3,R,R], mask [B,1,R,R]) -> eps [B,3,r,r]."""

    def __init__(self, cfg: TinyConfig) -> None:
        super().__init__()
        self.factor = cfg.output_resolution // cfg.base_resolution
        if cfg.decoder_spatial not in (0, cfg.base_resolution // 4):
            raise ValueError(f"decoder_spatial must be 0 or the bottleneck side {cfg.base_resolution // 4}")
        self.unet = UNet(7, cfg.decoder_channels, cfg.embedding_dim, cfg.decoder_spatial)

    def forward(self, x_t: torch.Tensor, t: torch.Tensor, image_embed: torch.Tensor, masked_image: torch.Tensor,
                mask: torch.Tensor) -> torch.Tensor:
        masked_small = F.avg_pool2d(masked_image, self.factor)
        mask_small = F.avg_pool2d(mask, self.factor)
        return self.unet(torch.cat([x_t, masked_small, mask_small], dim=1), t, image_embed)


class Upsampler(nn.Module):
    """(x_t [B,3,R,R], t, low_res [B,3,r,r], image_embed) -> eps [B,3,R,R]; low_res is bilinearly upsampled here."""

    def __init__(self, cfg: TinyConfig) -> None:
        super().__init__()
        self.size = cfg.output_resolution
        self.unet = UNet(6, cfg.upsampler_channels, cfg.embedding_dim)

    def forward(self, x_t: torch.Tensor, t: torch.Tensor, low_res: torch.Tensor, image_embed: torch.Tensor) -> torch.Tensor:
        up = F.interpolate(low_res, size=(self.size, self.size), mode="bilinear", align_corners=False)
        return self.unet(torch.cat([x_t, up], dim=1), t, image_embed)


class TinyUnclip(nn.Module):
    """All trainable parts together, so one state dict is one checkpoint."""

    def __init__(self, cfg: TinyConfig = TinyConfig()) -> None:
        super().__init__()
        self.cfg = cfg
        self.clip = Clip(cfg)
        self.prior = Prior(cfg)
        self.decoder = Decoder(cfg)
        self.upsampler = Upsampler(cfg)


def parameter_count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
