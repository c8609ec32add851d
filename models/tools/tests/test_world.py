import numpy as np
import pytest

from unclip_tools.world import CaptionError


def test_same_seed_gives_same_images_and_captions(world):
    a = world.batch(np.random.default_rng(3), 32)
    b = world.batch(np.random.default_rng(3), 32)
    assert np.array_equal(a[0], b[0]) and a[1] == b[1]
    c = world.batch(np.random.default_rng(4), 32)
    assert not np.array_equal(a[0], c[0])


def test_training_mode_never_renders_a_held_out_triple(world):
    rng = np.random.default_rng(0)
    seen = set()
    for _ in range(4000):
        triples = world.sample_scene(rng, "train").triples()
        seen.update(triples)
        assert not world.held_out.intersection(triples)
    assert len(seen) == len(world.held_in_triples())  # and every other triple does occur


def test_held_out_mode_renders_only_held_out_triples(world):
    rng = np.random.default_rng(1)
    for _ in range(200):
        assert set(world.sample_scene(rng, "held_out").triples()) <= world.held_out


def test_rendered_shape_and_background_have_their_colours(world):
    rng = np.random.default_rng(2)
    images, _, scenes = world.batch(rng, 64)
    assert images.shape == (64, 32, 32, 3) and images.dtype == np.uint8
    for image, scene in zip(images, scenes):
        assert tuple(image[0, 16]) == world.colours[scene.background] or tuple(image[31, 16]) == world.colours[scene.background]
        shape = scene.shapes[0]
        x, y = world.positions[shape.position]
        ox, oy = scene.offsets[0]
        assert tuple(image[int(y + oy), int(x + ox)]) == world.colours[shape.colour]


def test_captions_parse_back_to_their_scene(world):
    rng = np.random.default_rng(5)
    phrasings = set()
    for _ in range(500):
        scene = world.sample_scene(rng, "train")
        caption = world.caption(rng, scene)
        phrasings.add(caption.split()[0] + caption.split()[-1])
        meaning = world.parse_caption(caption)
        assert meaning.background == scene.background
        assert len(meaning.shapes) == len(scene.shapes)
        for want, shape in zip(meaning.shapes, scene.shapes):
            assert (want.colour, want.kind) == (shape.colour, shape.kind)
            assert want.size in (None, shape.size)
            assert want.position in (None, shape.position)
    assert len(phrasings) >= 4  # varied word orders


def test_example_captions_from_the_issue_parse(world):
    m = world.parse_caption("blue background with a large green triangle in the top left")
    assert m.background == "blue" and m.shapes[0].colour == "green" and m.shapes[0].position == "top left"
    m = world.parse_caption("On a black background, a yellow square")
    assert m.background == "black" and (m.shapes[0].colour, m.shapes[0].kind) == ("yellow", "square")


@pytest.mark.parametrize("caption, word", [("a purple circle on a blue background", "purple"),
                                           ("a red circle on a pink background", "pink")])
def test_unknown_colour_is_named_in_the_error(world, caption, word):
    with pytest.raises(CaptionError) as e:
        world.parse_caption(caption)
    assert word in str(e.value) and "known colours: red" in str(e.value)


def test_unknown_sampling_mode_is_refused(world):
    with pytest.raises(ValueError, match="unknown sampling mode"):
        world.sample_scene(np.random.default_rng(0), "test")
