import numpy as np

from unclip_tools.evaluate import PixelAnalyser


def test_pixel_analyser_reads_rendered_scenes_exactly(world):
    analyser, rng = PixelAnalyser(world), np.random.default_rng(9)
    checked = 0
    for mode in ("train", "held_out"):
        for _ in range(300):
            scene = world.sample_scene(rng, mode)
            if len(scene.shapes) != 1:
                continue
            got = analyser.analyse(world.render([scene])[0])
            shape = scene.shapes[0]
            assert (got.background, got.colour, got.kind, got.position) == \
                (scene.background, shape.colour, shape.kind, shape.position), scene
            checked += 1
    assert checked > 500


def test_plain_background_has_no_shape(world):
    image = np.full((32, 32, 3), world.colours["green"], np.uint8)
    got = PixelAnalyser(world).analyse(image)
    assert got.background == "green" and got.colour is None and got.kind is None
