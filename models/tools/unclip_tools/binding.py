"""Whether a CLIP binds each colour to its shape: a caption and the same caption with its two shapes' colours
swapped have the same words, so only a CLIP that reads which colour goes with which shape tells them apart."""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from .world import World


def colour_binding(encode_images: Callable[[torch.Tensor], torch.Tensor],
                   encode_texts: Callable[[list[str]], torch.Tensor], world: World, n: int, seed: int) -> float | None:
    """Share of n held-in scenes with two shapes of different colours whose image embedding (encode_images of
    [N, 3, R, R] in [-1, 1]) is nearer their caption's (encode_texts) than the caption with the colours swapped;
    None when the world draws no such scenes. 0.5 is chance: a CLIP that reads a caption as a bag of words cannot
    tell the two apart."""
    rng = np.random.default_rng(seed)
    scenes, captions, swapped = [], [], []
    for _ in range(100 * n):
        if len(scenes) == n:
            break
        scene = world.sample_scene(rng, "train")
        caption = world.caption(rng, scene)
        other = world.swapped_colours(caption)
        if other is not None:
            scenes.append(scene)
            captions.append(caption)
            swapped.append(other)
    if not scenes:
        return None
    with torch.no_grad():
        images = torch.from_numpy(world.render(scenes)).permute(0, 3, 1, 2).to(torch.float32) / 127.5 - 1.0
        ie = encode_images(images)
        right, wrong = encode_texts(captions), encode_texts(swapped)
    return ((ie * right).sum(1) > (ie * wrong).sum(1)).float().mean().item()
