"""colour_binding: does a CLIP tell a two-colour caption from the same caption with its colours swapped?"""
import numpy as np
import torch

from unclip_tools.binding import colour_binding
from unclip_tools.evaluate import ObjectAnalyser
from unclip_tools.world import World


def pairs(world):
    """Toy encoders with one axis per (colour, kind) pair: a caption's named shapes, an image's found objects."""
    axes = {(c, k): i for i, (c, k) in enumerate((c, k) for c in world.colour_names for k in world.kinds)}
    analyser = ObjectAnalyser(world)

    def texts(captions):
        out = torch.zeros(len(captions), len(axes))
        for row, caption in enumerate(captions):
            for w in world.parse_caption(caption).shapes:
                out[row, axes[(w.colour, w.kind)]] += 1
        return out

    def images(batch):
        u8 = ((batch.permute(0, 2, 3, 1).numpy() + 1) * 127.5).round().astype(np.uint8)
        out = torch.zeros(len(batch), len(axes))
        for row, image in enumerate(u8):
            for found in analyser.analyse(image).objects:
                out[row, axes[(found.colour, found.kind)]] += 1
        return out

    return images, texts


def test_a_bag_of_words_never_binds_and_colour_kind_pairs_bind_wherever_the_kinds_differ():
    """Swapping the colours of two shapes of one kind keeps the same (colour, kind) pairs, so the pair encoder ties
    there (not nearer) and wins on every other scene; a bag of colour words always ties."""
    world = World.named("v2")
    images, texts = pairs(world)
    rng = np.random.default_rng(0)
    kinds_differ = []
    while len(kinds_differ) < 60:
        scene = world.sample_scene(rng, "train")
        caption = world.caption(rng, scene)
        if world.swapped_colours(caption) is not None:
            kinds_differ.append(scene.shapes[0].kind != scene.shapes[1].kind)
    assert abs(colour_binding(images, texts, world, 60, 0) - sum(kinds_differ) / 60) < 1e-6 and 0 < sum(kinds_differ) < 60

    def bag(captions):
        return torch.stack([torch.tensor([float(c.split().count(name)) for name in world.colour_names])
                            for c in captions])

    assert colour_binding(lambda b: torch.ones(len(b), len(world.colour_names)), bag, world, 60, 0) == 0.0
    world.two_shape_probability = 0.0
    assert colour_binding(images, texts, world, 10, 0) is None
