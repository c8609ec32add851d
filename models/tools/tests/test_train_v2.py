"""World v2 from scratch: a few training steps per stage, export, and a 64 px text-to-image run of the result."""
import json

import pytest
import torch

from unclip_tools import evaluate, export, train
from unclip_tools.model import CONFIGS, TinyUnclip
from unclip_tools.reference import Bundle, NamedNoise, Request, run
from unclip_tools.world import world_file


def test_v2_training_exports_a_32_to_64_px_tiny_bundle_that_makes_64_px_images(tmp_path, monkeypatch):
    monkeypatch.setattr(train, "RUNS", tmp_path / "runs")
    steps = [f"--{s}-steps" for s in train.STAGES]
    train.main(["--run", "smoke", "--world", "v2", "--pool", "64", *[a for s in steps for a in (s, "1")]])
    checkpoint = tmp_path / "runs" / "smoke" / "checkpoint.pt"
    state = torch.load(checkpoint, weights_only=False)["state"]
    assert state["world"] == "v2" and state["architecture"] == "tiny-64" and state["decoder_weighting"] == "high-noise"
    assert state["clip_hard_negatives"] == "swapped-colours" and 0 <= state["stages"]["clip"]["colour_binding"] <= 1
    out = tmp_path / "bundle"
    export.main(["--checkpoint", str(checkpoint), "--out", str(out)])
    manifest = json.loads((out / "unclip.json").read_text())
    assert manifest["kind"] == "tiny" and manifest["resolution"] == {"base": 32, "output": 64}
    assert (out / "world.json").read_bytes() == world_file("v2").read_bytes()
    bundle = Bundle(out)
    trace = run(bundle, Request("text", "a red circle in the top left and a blue square in the bottom right on a "
                                        "white background", steps=2), NamedNoise(0))
    assert trace["low_res"].shape == (1, 3, 32, 32) and trace["image"].shape == (1, 3, 64, 64)
    assert torch.isfinite(trace["image"]).all()
    # evaluate reads the bundle's world (v2) and scores every named object; on the rendered truth all is right
    evaluate.main(["--bundle", str(out), "--n", "3", "--steps", "2", "--threads", "1"])
    table = (out / "EVAL.md").read_text()
    assert "both objects right" in table and "generated (64 px, final)" in table
    assert "| held-in, rendered ground truth | 3 |" in table and table.count("100.0%") >= 10
    assert "CLIP colour binding: " in table and "two-colour scenes (rendered)" in table


def test_a_v2_bundle_loads_back_with_its_architecture_read_from_the_weights(tmp_path):
    """export --from-bundle rebuilds the eager model from a bundle: the UNet channels come from the weights."""
    export.main(["--random", "--world", "v2", "--out", str(tmp_path)])
    model = export.load_bundle_model(tmp_path)
    assert model.cfg.decoder_channels == (32, 64, 96) and model.cfg.upsampler_channels == (16, 32, 48)
    assert model.cfg.decoder_spatial == 8
    saved = torch.jit.load(str(tmp_path / "decoder.pt")).state_dict()
    assert all(torch.equal(saved[k], v) for k, v in model.decoder.state_dict().items())


def test_the_v2_decoder_places_what_its_embedding_says_through_a_spatial_map_and_v1_keeps_its_weights():
    """tiny-64's decoder adds a projection of the image embedding, one value per bottleneck pixel, so that where a
    shape goes can depend on the embedding; tiny-32 (the v1 bundle's architecture) has no such weights."""
    v2 = TinyUnclip(CONFIGS["tiny-64"]).decoder
    assert v2.unet.spatial.out_features == 64 * 8 * 8
    torch.nn.init.normal_(v2.unet.spatial.weight)
    x, t = torch.zeros(2, 3, 32, 32), torch.tensor([500, 500])
    embeds = torch.nn.functional.normalize(torch.randn(2, 64), dim=-1)
    with torch.no_grad():
        h = v2.unet.spatial(embeds).reshape(2, 64, 8, 8)
    # two embeddings give maps that differ from place to place, not just by a per-channel constant
    assert (h[0] - h[1]).std(dim=(1, 2)).min() > 0
    out = v2(x, t, embeds, torch.zeros(2, 3, 64, 64), torch.ones(2, 1, 64, 64))
    assert out.shape == (2, 3, 32, 32)
    assert not any("spatial" in k for k in TinyUnclip(CONFIGS["tiny-32"]).state_dict())


def test_an_architecture_of_another_resolution_than_the_world_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(train, "RUNS", tmp_path / "runs")
    with pytest.raises(SystemExit, match="tiny-64 makes 64 px images, world v1 is 32 px"):
        train.main(["--run", "x", "--world", "v1", "--config", "tiny-64", "--pool", "8"])


def test_the_v2_decoder_trains_on_high_noise_more_and_v1_keeps_its_uniform_recipe(tmp_path, monkeypatch):
    """At 32 px x_t shows the colours up to high t, so v2 draws half the batch from the top 15 % of t and weights the
    loss by 1/SNR within [1, 20]; v1's default stays the one its bundle was trained with."""
    trainer = train.Trainer.__new__(train.Trainer)
    trainer.gen = torch.Generator().manual_seed(0)
    trainer.ac = train.alphas_cumprod()
    trainer.args = train.argparse.Namespace(decoder_weighting="high-noise")
    t, w = trainer.decoder_timesteps(1000)
    assert (t[:500] >= 850).all() and t[500:].float().mean() < 650
    assert w.min() >= 1.0 and w.max() <= 20.0 and w[:500].mean() > 15 and w[500:].mean() < w[:500].mean()
    trainer.args = train.argparse.Namespace(decoder_weighting="uniform")
    t, w = trainer.decoder_timesteps(1000)
    assert (w == 1).all() and t.float().mean() < 650
    monkeypatch.setattr(train, "RUNS", tmp_path / "runs")
    train.main(["--run", "v1", "--world", "v1", "--pool", "16", "--stages", "decoder", "--decoder-steps", "1"])
    state = torch.load(tmp_path / "runs" / "v1" / "checkpoint.pt", weights_only=False)["state"]
    assert state["decoder_weighting"] == "uniform"


def test_clip_hard_negatives_penalise_a_text_encoder_that_ignores_which_colour_goes_with_which_shape():
    """With the swapped caption as a hard negative, an image whose caption and swapped caption embed alike (a bag of
    words) loses about log 2 in the image-to-text term; one whose swapped caption embeds far away loses nothing;
    without negatives the loss is CLIP's plain symmetric cross-entropy."""
    b, scale = 4, torch.tensor(30.0)
    te = torch.eye(8)[:b]
    ids = torch.arange(b)[:, None].repeat(1, 3)
    neg_ids = ids + 100
    plain = train.contrastive_loss(te, te, ids, scale)
    assert torch.equal(plain, train.contrastive_loss(te, te, ids, scale, te[:0], ids[:0]))
    bag_of_words = train.contrastive_loss(te, te, ids, scale, te.clone(), neg_ids)
    binding = train.contrastive_loss(te, te, ids, scale, torch.eye(8)[b:2 * b], neg_ids)
    assert abs((bag_of_words - plain).item() - 0.5 * torch.log(torch.tensor(2.0)).item()) < 1e-3
    assert abs((binding - plain).item()) < 1e-3


def test_the_v2_pool_holds_each_two_colour_captions_swapped_tokens_and_v1_trains_without_them(tmp_path, monkeypatch):
    pool = train.Pool(train.World.named("v2"), 200, 0, hard_negatives=True)
    assert not train.Pool(train.World.named("v2"), 200, 0).has_negative.any()
    two = [i for i, c in enumerate(pool.captions) if pool.has_negative[i]]
    assert 60 < len(two) < 140
    for i in two:
        differ = (pool.ids[i] != pool.negative_ids[i]).nonzero().flatten().tolist()
        assert len(differ) == 2 and pool.ids[i][differ[0]] == pool.negative_ids[i][differ[1]], pool.captions[i]
    monkeypatch.setattr(train, "RUNS", tmp_path / "runs")
    train.main(["--run", "v1", "--world", "v1", "--pool", "64", "--stages", "clip", "--clip-steps", "1"])
    state = torch.load(tmp_path / "runs" / "v1" / "checkpoint.pt", weights_only=False)["state"]
    assert state["clip_hard_negatives"] == "none"
