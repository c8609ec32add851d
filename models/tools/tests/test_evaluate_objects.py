"""The object analyser of world v2: exact on rendered ground truth, and wrong where the rendering is wrong."""
import dataclasses

import numpy as np
import pytest

from unclip_tools.evaluate import ObjectAnalyser, components, score_objects
from unclip_tools.world import Scene


def seeded(world, seed, n, mode="train", two_only=False):
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < n:
        s = world.sample_scene(rng, mode)
        if not two_only or len(s.shapes) == 2:
            out.append(s)
    return out, rng


@pytest.mark.parametrize("mode", ["train", "held_out"])
def test_rendered_ground_truth_scores_everything_right(world_v2, mode):
    """Captions as the generator writes them, and the same scenes captioned with size and position always said."""
    analyser = ObjectAnalyser(world_v2)
    scenes, rng = seeded(world_v2, 11, 600, mode)
    images = world_v2.render(scenes)
    for captions in ([world_v2.caption(rng, s) for s in scenes],
                     [world_v2.describe(s, True, True, i % len(world_v2.TEMPLATES)) for i, s in enumerate(scenes)]):
        r = score_objects(world_v2, analyser, captions, images)
        assert r["pairs"] > 200 and r["positioned"] > 300
        for key in ("colour", "kind", "position", "background", "count", "both objects right"):
            assert r[key] == 1.0, (key, r)


def test_mild_pixel_noise_does_not_change_the_reading(world_v2):
    analyser = ObjectAnalyser(world_v2)
    scenes, _ = seeded(world_v2, 12, 200)
    images = world_v2.render(scenes).astype(np.float32)
    noisy = np.clip(images + np.random.default_rng(0).normal(0, 10, images.shape), 0, 255).astype(np.uint8)
    captions = [world_v2.describe(s, False, True) for s in scenes]
    r = score_objects(world_v2, analyser, captions, noisy)
    assert r["both objects right"] == 1.0 and r["colour"] == 1.0 and r["kind"] > 0.97


def swap(scene: Scene, field: str) -> Scene:
    a, b = scene.shapes
    a2, b2 = dataclasses.replace(a, **{field: getattr(b, field)}), dataclasses.replace(b, **{field: getattr(a, field)})
    offsets = scene.offsets[::-1] if field == "position" else scene.offsets
    return Scene(scene.background, (a2, b2), offsets)


def test_swapped_positions_score_every_position_wrong(world_v2):
    scenes, _ = seeded(world_v2, 13, 150, two_only=True)
    captions = [world_v2.describe(s, True, True) for s in scenes]
    r = score_objects(world_v2, ObjectAnalyser(world_v2), captions, world_v2.render([swap(s, "position") for s in scenes]))
    assert r["colour"] == 1.0 and r["kind"] == 1.0
    assert r["position"] == 0.0 and r["both objects right"] == 0.0


def test_swapped_colours_score_the_objects_wrong(world_v2):
    """A red circle and a blue square drawn as a blue circle and a red square: the colours are all there, but
    bound to the wrong shapes and places."""
    scenes, _ = seeded(world_v2, 14, 150, two_only=True)
    captions = [world_v2.describe(s, False, True) for s in scenes]
    r = score_objects(world_v2, ObjectAnalyser(world_v2), captions, world_v2.render([swap(s, "colour") for s in scenes]))
    assert r["colour"] == 1.0 and r["position"] == 0.0 and r["both objects right"] == 0.0


def test_a_missing_object_scores_its_colour_kind_count_and_pair_wrong(world_v2):
    scenes, _ = seeded(world_v2, 15, 150, two_only=True)
    captions = [world_v2.describe(s, False, True) for s in scenes]
    alone = [Scene(s.background, s.shapes[:1], s.offsets[:1]) for s in scenes]
    r = score_objects(world_v2, ObjectAnalyser(world_v2), captions, world_v2.render(alone))
    assert r["colour"] == 0.5 and r["kind"] == 0.5 and r["position"] == 0.5
    assert r["count"] == 0.0 and r["both objects right"] == 0.0


def test_an_extra_object_breaks_the_count_and_the_pair(world_v2):
    scenes, _ = seeded(world_v2, 16, 100)
    one = [s for s in scenes if len(s.shapes) == 1]
    two = [s for s in scenes if len(s.shapes) == 2]
    captions = [world_v2.describe(Scene(s.background, s.shapes[:1], s.offsets[:1]), False, True) for s in two]
    r = score_objects(world_v2, ObjectAnalyser(world_v2), captions, world_v2.render(two))
    assert r["count"] == 0.0 and r["colour"] == 1.0
    assert len(one) > 20  # and a plain one-shape scene still counts right
    r = score_objects(world_v2, ObjectAnalyser(world_v2), [world_v2.describe(s, False, True) for s in one],
                      world_v2.render(one))
    assert r["count"] == 1.0


def test_wrong_kind_and_background_are_scored_wrong(world_v2):
    scenes, _ = seeded(world_v2, 17, 100)
    other_kind = {"circle": "square", "square": "triangle", "triangle": "circle"}
    wrong = [Scene(s.background, tuple(dataclasses.replace(x, kind=other_kind[x.kind]) for x in s.shapes), s.offsets)
             for s in scenes]
    captions = [world_v2.describe(s, False, False) for s in scenes]
    r = score_objects(world_v2, ObjectAnalyser(world_v2), captions, world_v2.render(wrong))
    assert r["kind"] == 0.0 and r["colour"] == 1.0 and r["background"] == 1.0
    used = [{s.background, *(x.colour for x in s.shapes)} for s in scenes]
    repainted = [Scene(next(c for c in world_v2.colour_names if c not in u), s.shapes, s.offsets)
                 for s, u in zip(scenes, used)]
    r = score_objects(world_v2, ObjectAnalyser(world_v2), captions, world_v2.render(repainted))
    assert r["background"] == 0.0 and r["both objects right"] == 0.0


def test_components_split_touching_diagonals_and_join_4_neighbours():
    mask = np.array([[1, 1, 0, 0],
                     [0, 1, 0, 1],
                     [0, 0, 1, 1],
                     [1, 0, 0, 0]], bool)
    labels, count = components(mask)
    assert count == 3
    assert labels[0, 0] == labels[1, 1] != labels[2, 2] == labels[1, 3]
    assert labels[3, 0] not in (0, labels[0, 0], labels[2, 2]) and labels[0, 2] == 0


def test_plain_background_has_no_objects(world_v2):
    got = ObjectAnalyser(world_v2).analyse(np.full((64, 64, 3), world_v2.colours["blue"], np.uint8))
    assert got.background == "blue" and got.objects == ()
