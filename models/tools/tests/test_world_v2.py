"""World v2 (world-v2.json): 64 px, half the scenes with two shapes that never touch, captions naming both."""
import numpy as np
import pytest

from unclip_tools.tokenizer import build as build_tokenizer, EOS_ID
from unclip_tools.world import World, world_file


def scenes(world, seed, n, mode="train"):
    rng = np.random.default_rng(seed)
    return [world.sample_scene(rng, mode) for _ in range(n)], rng


def test_about_half_the_scenes_have_two_shapes_of_different_colours_that_keep_their_gap(world_v2):
    drawn, _ = scenes(world_v2, 0, 4000)
    two = [s for s in drawn if len(s.shapes) == 2]
    assert 0.45 < len(two) / len(drawn) < 0.55
    for s in two:
        assert s.shapes[0].colour != s.shapes[1].colour
        assert s.shapes[0].position != s.shapes[1].position
        assert world_v2.gap(s) >= world_v2.min_gap
    assert {sh.size for s in two for sh in s.shapes} == set(world_v2.sizes)


def test_gap_is_negative_for_overlapping_shapes(world_v2):
    from unclip_tools.world import Scene, Shape
    a, b = Shape("red", "square", "large", "centre"), Shape("blue", "circle", "large", "top left")
    assert world_v2.gap(Scene("white", (a, b), ((0.0, 0.0), (0.0, 0.0)))) < 0


def test_captions_parse_back_exactly_to_their_scene(world_v2):
    """Every caption the generator writes, one or two shapes, train and held-out: the parser returns each shape's
    colour and kind in order, and its size and position exactly when the caption says them."""
    for mode in ("train", "held_out"):
        drawn, rng = scenes(world_v2, 5, 1500, mode)
        for scene in drawn:
            caption = world_v2.caption(rng, scene)
            meaning = world_v2.parse_caption(caption)
            assert meaning.background == scene.background, caption
            assert [(w.colour, w.kind) for w in meaning.shapes] == [(s.colour, s.kind) for s in scene.shapes], caption
            said_size, said_pos = " small " in f" {caption} " or " large " in f" {caption} ", " in the " in caption
            for want, shape in zip(meaning.shapes, scene.shapes):
                assert want.size == (shape.size if said_size else None), caption
                assert want.position == (shape.position if said_pos else None), caption


def test_the_issue_caption_parses(world_v2):
    m = world_v2.parse_caption("a red circle in the top left and a blue square in the bottom right on a white background")
    assert m.background == "white"
    assert [(w.colour, w.kind, w.position) for w in m.shapes] == [("red", "circle", "top left"),
                                                                   ("blue", "square", "bottom right")]


def test_every_caption_word_is_one_clip_token_and_no_caption_is_truncated(world_v2):
    tok = build_tokenizer()
    drawn, rng = scenes(world_v2, 6, 400)
    captions = [world_v2.caption(rng, s) for s in drawn]
    words = {w for c in captions for w in c.replace(",", " , ").split()}
    assert {"and", "in", "the"} <= words
    for w in words:
        assert len(tok.encode(w).ids) - tok.encode(w).ids.count(EOS_ID) == 2, w  # BOS + one token
    longest = max(captions, key=len)
    assert tok.encode(longest).ids[-1] == EOS_ID and EOS_ID in tok.encode(longest).ids[:-1]


def test_training_never_renders_a_held_out_triple_and_held_out_scenes_lead_with_one(world_v2):
    drawn, _ = scenes(world_v2, 0, 3000)
    seen = set()
    for s in drawn:
        assert not world_v2.held_out.intersection(s.triples())
        seen.update(s.triples())
    assert len(seen) == len(world_v2.held_in_triples())
    held, _ = scenes(world_v2, 1, 400, "held_out")
    assert any(len(s.shapes) == 2 for s in held)
    for s in held:
        assert s.triples()[0] in world_v2.held_out
        assert not world_v2.held_out.intersection(s.triples()[1:])


def test_rendered_images_are_64_px_with_each_shape_at_its_place(world_v2):
    images, _, drawn = world_v2.batch(np.random.default_rng(2), 64)
    assert images.shape == (64, 64, 64, 3) and images.dtype == np.uint8
    for image, scene in zip(images, drawn):
        assert tuple(image[0, 0]) == world_v2.colours[scene.background]
        for shape, (ox, oy) in zip(scene.shapes, scene.offsets):
            x, y = world_v2.positions[shape.position]
            assert tuple(image[int(y + oy), int(x + ox)]) == world_v2.colours[shape.colour]


def test_world_names_select_their_files():
    assert World.named("v1").resolution == 32 and World.named("v2").resolution == 64
    with pytest.raises(ValueError, match="unknown world 'v3'"):
        world_file("v3")


def test_swapped_colours_exchanges_only_the_two_shapes_colours(world_v2):
    """CLIP's hard negative: the parser reads the same shapes, sizes, positions and background, with the first
    two colours exchanged; one-shape captions (and two shapes of one colour) have none."""
    drawn, rng = scenes(world_v2, 9, 600)
    two = 0
    for scene in drawn:
        caption = world_v2.caption(rng, scene)
        swapped = world_v2.swapped_colours(caption)
        if len(scene.shapes) == 1:
            assert swapped is None, caption
            continue
        two += 1
        a, b = world_v2.parse_caption(caption), world_v2.parse_caption(swapped)
        assert b.background == a.background and len(b.shapes) == 2, swapped
        assert (b.shapes[0].colour, b.shapes[1].colour) == (a.shapes[1].colour, a.shapes[0].colour), swapped
        assert [(w.kind, w.size, w.position) for w in b.shapes] == [(w.kind, w.size, w.position) for w in a.shapes]
        assert swapped.split() != caption.split() and sorted(swapped.split()) == sorted(caption.split())
    assert two > 200
    assert world_v2.swapped_colours("a red circle and a red square on a white background") is None
    assert world_v2.swapped_colours("a blue square on a red background") is None
