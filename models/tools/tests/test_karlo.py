"""Karlo: tiny random checkpoints of the real architecture (diffusers' save_pretrained), the export (traced files
against diffusers' eager calls), refusals of wrong folders, and verify end to end against the jar (UNCLIP_JAR)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch

from conftest import TOOLS
from unclip_tools.export import sha256
from unclip_tools.kandinsky22.sources import SourceError
from unclip_tools.karlo import checkpoints
from unclip_tools.karlo.export import check, export
from unclip_tools.karlo.verify import verify

SEED = 3
REPO = TOOLS.parents[1]


@pytest.fixture(scope="session")
def folders(tmp_path_factory) -> dict[str, Path]:
    return checkpoints.build(tmp_path_factory.mktemp("karlo") / "checkpoints", "micro", SEED)


@pytest.fixture(scope="session")
def bundle(folders, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("karlo-bundle") / "bundle"
    export(folders["pipeline"], folders["variations"], out, command="test")
    return out


def test_manifest_holds_every_component_the_configs_and_the_defaults(bundle, folders):
    m = json.loads((bundle / "unclip.json").read_text())
    assert m["kind"] == "karlo"
    assert set(m["components"]) == {"text_encoder", "image_encoder", "prior", "prior_post", "text_proj", "decoder",
                                    "super_res_upscale", "super_res_first", "super_res_last"}
    for comp in m["components"].values():
        assert sha256(bundle / comp["file"]) == comp["sha256"]
    assert m["stages"]["prior"]["config"] == json.loads(
        (folders["pipeline"] / "prior_scheduler/scheduler_config.json").read_text())
    assert m["stages"]["prior"]["config"]["clip_sample_range"] == 5.0
    assert (m["stages"]["prior"]["steps"], m["stages"]["decoder"]["steps"], m["stages"]["super_res"]["steps"]) == \
        (25, 25, 7)
    assert m["stages"]["decoder"]["guidance"] == 8.0 and m["stages"]["prior"]["guidance"] == 4.0
    assert m["license"]["name"] == "creativeml-openrail-m"
    assert all(not s["folder"].startswith("/") for s in m["provenance"]["sources"].values())


def test_traced_components_equal_diffusers_eager_calls(bundle, folders):
    from diffusers import UnCLIPPipeline
    import torch.nn.functional as F
    pipe = UnCLIPPipeline.from_pretrained(str(folders["pipeline"]))
    g = torch.Generator().manual_seed(7)
    d = pipe.prior.config.embedding_dim
    with torch.no_grad():
        small = torch.rand(3, 3, 8, 8, generator=g) * 2 - 1
        want = F.interpolate(small, size=[32, 32], mode="bicubic", align_corners=False, antialias=True)
        assert torch.equal(torch.jit.load(str(bundle / "super_res_upscale.pt"))(small), want)
        e, pe, h = torch.randn(3, d, generator=g), torch.randn(6, d, generator=g), torch.randn(6, 77, d, generator=g)
        got = torch.jit.load(str(bundle / "text_proj.pt"))(e, pe, h)
        ref = pipe.text_proj(image_embeddings=e, prompt_embeds=pe, text_encoder_hidden_states=h,
                             do_classifier_free_guidance=True)
        assert all(torch.equal(a, b) for a, b in zip(got, ref))
        x = torch.randn(3, d, generator=g)
        assert torch.equal(torch.jit.load(str(bundle / "prior_post.pt"))(x), pipe.prior.post_process_latents(x))


def test_folders_of_another_architecture_are_refused(folders):
    with pytest.raises(SourceError, match="holds a UnCLIPImageVariationPipeline, not a UnCLIPPipeline"):
        check("pipeline", folders["variations"])
    with pytest.raises(SourceError, match="no such folder"):
        check("pipeline", folders["pipeline"] / "nope")


def test_decoder_and_super_resolution_predict_the_sample(folders):
    """The tamed checkpoints (checkpoints module docstring): no epsilon step at t = 999 amplifies last bits."""
    for stage in ("decoder_scheduler", "super_res_scheduler"):
        config = json.loads((folders["pipeline"] / stage / "scheduler_config.json").read_text())
        assert config["prediction_type"] == "sample", stage


def test_verify_passes_for_every_case_against_the_jar(bundle, folders, capsys):
    jar = Path(os.environ.get("UNCLIP_JAR") or REPO / "target" / "unclip.jar")
    if not jar.is_file():
        pytest.fail(f"the end-to-end Karlo check needs the engine jar {jar}: run `mvn -B package -DskipTests`")
    ok = verify(bundle, folders["pipeline"], folders["variations"], jar=jar)
    out = capsys.readouterr().out
    assert ok, out
    assert out.count("max_abs_diff ") == 10


def test_full_scale_is_the_published_configuration_without_building_it():
    """The config dicts the full-size builders pass (no weights are made: CI stays fast); the class of each
    component is checked on the meta device, where modules take no memory."""
    full = checkpoints.FULL
    text = checkpoints.text_config(full)
    assert (text["vocab_size"], text["hidden_size"], text["intermediate_size"], text["num_hidden_layers"],
            text["num_attention_heads"], text["projection_dim"], text["hidden_act"]) == \
        (49408, 768, 3072, 12, 12, 768, "quick_gelu")
    vision = checkpoints.vision_config(full)
    assert (vision["hidden_size"], vision["intermediate_size"], vision["num_hidden_layers"],
            vision["num_attention_heads"], vision["image_size"], vision["patch_size"], vision["projection_dim"]) == \
        (1024, 4096, 24, 16, 224, 14, 768)
    prior = checkpoints.prior_config(full)
    assert (prior["embedding_dim"], prior["num_attention_heads"], prior["attention_head_dim"], prior["num_layers"],
            prior["num_embeddings"], prior["additional_embeddings"]) == (768, 32, 64, 20, 77, 4)
    assert checkpoints.text_proj_config(full) == dict(clip_extra_context_tokens=4, clip_embeddings_dim=768,
                                                      time_embed_dim=1280, cross_attention_dim=1536)
    decoder = checkpoints.decoder_config(full)
    assert decoder["block_out_channels"] == (320, 640, 960, 1280) and decoder["layers_per_block"] == 3
    assert (decoder["sample_size"], decoder["in_channels"], decoder["out_channels"], decoder["cross_attention_dim"],
            decoder["attention_head_dim"], decoder["class_embed_type"], decoder["resnet_time_scale_shift"]) == \
        (64, 3, 6, 1536, 64, "identity", "scale_shift")
    assert decoder["down_block_types"] == ("ResnetDownsampleBlock2D",) + ("SimpleCrossAttnDownBlock2D",) * 3
    assert decoder["up_block_types"] == ("SimpleCrossAttnUpBlock2D",) * 3 + ("ResnetUpsampleBlock2D",)
    sr = checkpoints.super_res_config(full)
    assert (sr["sample_size"], sr["layers_per_block"], sr["block_out_channels"], sr["in_channels"],
            sr["out_channels"], sr["add_attention"]) == (256, 3, (320, 640, 960, 1280), 6, 3, False)
    assert sr["down_block_types"] == ("ResnetDownsampleBlock2D",) * 4
    assert checkpoints.scheduler_configs(full) == {"prior_scheduler": ("fixed_small_log", "sample", 5.0),
                                                   "decoder_scheduler": ("learned_range", "epsilon", 1.0),
                                                   "super_res_scheduler": ("fixed_small_log", "epsilon", 1.0)}
    assert not full.tamed and full.pad_token == "!"
    assert checkpoints.FULL_UNCONFIRMED
    from diffusers import PriorTransformer, UNet2DConditionModel, UNet2DModel
    with torch.device("meta"):  # the classes accept the dicts (shapes only, no memory)
        assert sum(p.numel() for p in UNet2DConditionModel(**decoder).parameters()) > 8e8
        assert sum(p.numel() for p in UNet2DModel(**sr).parameters()) > 6e8
        assert sum(p.numel() for p in PriorTransformer(**prior).parameters()) > 1e9
