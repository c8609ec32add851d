"""Kandinsky 2.2: tiny random checkpoints of the real architecture (diffusers' save_pretrained), the real export
(traced files compared with diffusers' own calls), clear refusals of wrong folders, the noise recorder, and the
end-to-end ``verify`` against the Java engine's jar (target/unclip.jar, or UNCLIP_JAR)."""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from conftest import TOOLS
from unclip_tools.export import WrongTorchError, require_torch, sha256
from unclip_tools.reference import one_thread
from unclip_tools.kandinsky22 import cases as k22cases
from unclip_tools.kandinsky22 import checkpoints
from unclip_tools.kandinsky22.export import PriorPost, export, quiet_libraries
from unclip_tools.kandinsky22.sources import SourceError, check, check_all
from unclip_tools.kandinsky22.verify import read_f32, verify

SEED = 3  # the tests' checkpoints; verify's report uses another seed
REPO = TOOLS.parents[1]


@pytest.fixture(scope="session")
def folders(tmp_path_factory) -> dict[str, Path]:
    return checkpoints.build(tmp_path_factory.mktemp("k22") / "checkpoints", "tiny", SEED)


@pytest.fixture(scope="session")
def bundle(folders, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("k22-bundle") / "bundle"
    export(folders["prior"], folders["decoder"], folders["inpaint"], out, size=64, command="test")
    return out


@pytest.fixture(scope="session")
def manifest(bundle) -> dict:
    return json.loads((bundle / "unclip.json").read_text())


def jar() -> Path:
    path = Path(os.environ.get("UNCLIP_JAR") or REPO / "target" / "unclip.jar")
    if not path.is_file():
        pytest.fail(f"the end-to-end Kandinsky check needs the engine jar {path}: run `mvn -B package -DskipTests` "
                    f"first (./test.sh runs mvn verify before these tests) or set UNCLIP_JAR")
    return path


# ---- checkpoints: the published architecture, saved as diffusers saves it

def test_checkpoints_are_the_published_layout_and_architecture(folders):
    from diffusers import KandinskyV22InpaintPipeline, KandinskyV22Pipeline, KandinskyV22PriorPipeline
    quiet_libraries()
    prior = KandinskyV22PriorPipeline.from_pretrained(str(folders["prior"]))
    decoder = KandinskyV22Pipeline.from_pretrained(str(folders["decoder"]))
    inpaint = KandinskyV22InpaintPipeline.from_pretrained(str(folders["inpaint"]))
    assert type(prior.text_encoder).__name__ == "CLIPTextModelWithProjection"
    assert type(prior.image_encoder).__name__ == "CLIPVisionModelWithProjection"
    assert type(prior.scheduler).__name__ == "UnCLIPScheduler"
    assert decoder.unet.config.addition_embed_type == "image"
    assert decoder.unet.config.encoder_hid_dim_type == "image_proj"
    assert decoder.unet.config.out_channels == 8 and inpaint.unet.config.in_channels == 9
    assert decoder.movq.config.norm_type == "spatial" and decoder.movq_scale_factor == 8
    assert float(prior.prior.clip_std.std()) > 0.1 and float(prior.prior.clip_mean.abs().max()) > 0.1
    size = sum(f.stat().st_size for d in folders.values() for f in d.rglob("*") if f.is_file())
    assert size < 40e6


def test_checkpoints_are_seeded(folders, tmp_path):
    again = checkpoints.build(tmp_path / "again", "tiny", SEED, inpaint=False)
    other = checkpoints.build(tmp_path / "other", "tiny", SEED + 1, inpaint=False)
    assert sha256(again["decoder"] / "unet/diffusion_pytorch_model.safetensors") == \
        sha256(folders["decoder"] / "unet/diffusion_pytorch_model.safetensors")
    assert sha256(other["decoder"] / "unet/diffusion_pytorch_model.safetensors") != \
        sha256(folders["decoder"] / "unet/diffusion_pytorch_model.safetensors")


# ---- export: real traced files against diffusers' eager calls

def test_manifest_holds_every_component_with_its_hash(bundle, manifest, folders):
    assert manifest["kind"] == "kandinsky22"
    expected = {"text_encoder", "image_encoder", "prior", "prior_post", "decoder", "inpaint_decoder",
                "movq_encoder", "movq_decoder"}
    assert set(manifest["components"]) == expected  # the folders share one MoVQ: no inpaint_movq_*
    for comp in manifest["components"].values():
        assert sha256(bundle / comp["file"]) == comp["sha256"]
    assert sha256(bundle / "tokenizer.json") == manifest["tokenizer"]["sha256"]
    assert manifest["stages"]["prior"]["config"] == json.loads(
        (folders["prior"] / "scheduler/scheduler_config.json").read_text())
    assert manifest["stages"]["decoder"]["config"] == json.loads(
        (folders["decoder"] / "scheduler/scheduler_config.json").read_text())
    assert manifest["image_processor"] == json.loads(
        (folders["prior"] / "image_processor/preprocessor_config.json").read_text())
    assert manifest["stages"]["prior"]["steps"] == 25 and manifest["stages"]["decoder"]["steps"] == 100
    assert manifest["defaults"] == {"steps": 100, "guidance": 4.0, "scheduler": "ddpm", "width": 64, "height": 64}
    assert manifest["license"]["name"] == "apache-2.0"
    prov = manifest["provenance"]
    assert all(not s["folder"].startswith("/") for s in prov["sources"].values())
    assert prov["sources"]["prior"]["model_index_sha256"] == sha256(folders["prior"] / "model_index.json")
    assert prov["torch"] == "2.7.1" and prov["diffusers"] == "0.34.0" and prov["transformers"] == "4.57.6"


def test_traced_components_equal_diffusers_eager_calls(bundle, folders):
    """Fresh inputs at a batch (3) and latent size (16 x 8) the export check did not use."""
    from diffusers import KandinskyV22InpaintPipeline, KandinskyV22Pipeline, KandinskyV22PriorPipeline
    quiet_libraries()
    prior = KandinskyV22PriorPipeline.from_pretrained(str(folders["prior"]))
    decoder = KandinskyV22Pipeline.from_pretrained(str(folders["decoder"]))
    inpaint = KandinskyV22InpaintPipeline.from_pretrained(str(folders["inpaint"]))
    g = torch.Generator().manual_seed(99)
    tok = prior.tokenizer(["a cat", "", "two dogs!! on a hill"], padding="max_length", max_length=77,
                          truncation=True, return_tensors="pt")
    ids, mask = tok.input_ids, tok.attention_mask
    d = prior.prior.config.embedding_dim
    lat, t, emb = torch.randn(3, 4, 16, 8, generator=g), torch.tensor([999, 500, 1]), torch.randn(3, d, generator=g)

    def load(name):
        return torch.jit.load(str(bundle / f"{name}.pt"))
    with torch.no_grad():
        text = prior.text_encoder(ids)
        got = load("text_encoder")(ids, mask)
        assert torch.equal(got[0], text.text_embeds) and torch.equal(got[1], text.last_hidden_state)
        pixels = torch.randn(3, 3, 32, 32, generator=g)
        assert torch.equal(load("image_encoder")(pixels), prior.image_encoder(pixels).image_embeds)
        x = torch.randn(3, d, generator=g)
        want = prior.prior(x, timestep=t, proj_embedding=text.text_embeds,
                           encoder_hidden_states=text.last_hidden_state, attention_mask=mask.bool())
        assert torch.equal(load("prior")(x, t, text.text_embeds, text.last_hidden_state, mask.bool()),
                           want.predicted_image_embedding)
        assert torch.equal(load("prior_post")(x), prior.prior.post_process_latents(x))
        want = decoder.unet(lat, t, None, added_cond_kwargs={"image_embeds": emb}).sample
        assert float((load("decoder")(lat, t, emb) - want).abs().max()) < 1e-5
        lat9 = torch.randn(3, 9, 16, 8, generator=g)
        want = inpaint.unet(lat9, t, None, added_cond_kwargs={"image_embeds": emb}).sample
        assert float((load("inpaint_decoder")(lat9, t, emb) - want).abs().max()) < 1e-5
        image = torch.rand(3, 3, 128, 64, generator=g) * 2 - 1
        assert torch.equal(load("movq_encoder")(image), decoder.movq.encode(image).latents)
        assert torch.equal(load("movq_decoder")(lat), decoder.movq.decode(lat, force_not_quantize=True).sample)


def test_bundle_tokenizer_gives_the_pipelines_ids(bundle, manifest, folders):
    from tokenizers import Tokenizer
    from transformers import CLIPTokenizer
    slow = CLIPTokenizer.from_pretrained(str(folders["prior"] / "tokenizer"))
    fast = Tokenizer.from_file(str(bundle / "tokenizer.json"))
    texts = ["a red cat, 4k photo", "", "Hello!! World", "Café naïve 日本 😀", "word " * 100]
    for text in texts:
        want = slow(text, padding="max_length", max_length=77, truncation=True)
        got = fast.encode(text)
        assert got.ids == want.input_ids and got.attention_mask == want.attention_mask, text
    assert manifest["tokenizer"]["pad_id"] == slow.pad_token_id == 0
    assert manifest["tokenizer"]["eos_id"] == 49407


def test_float16_components_trace_with_half_weights(folders, tmp_path):
    """The float16 path of the export on the two prior components (a full float16 export traces the same way)."""
    from diffusers import PriorTransformer
    from unclip_tools.kandinsky22.export import Prior, TOLERANCE, example_inputs, trace_component
    model = PriorTransformer.from_pretrained(str(folders["prior"] / "prior")).half().eval()
    gen = torch.Generator().manual_seed(5)
    ids = torch.tensor([[[49406] + [49407] * 76, [1] * 2 + [0] * 75]])
    for name, wrapper in (("prior", Prior), ("prior_post", PriorPost)):
        path = tmp_path / f"{name}.pt"
        diff = trace_component(name, wrapper(model), path,
                               lambda b, sz: example_inputs(name, b, sz, 32, 32, 32, torch.float16, ids, gen),
                               [(8, 8)], TOLERANCE["float16"])
        assert diff <= TOLERANCE["float16"]
        weights = torch.jit.load(str(path)).state_dict()
        assert weights and all(v.dtype == torch.float16 for v in weights.values() if v.is_floating_point())


def test_a_different_inpaint_movq_is_detected(folders, tmp_path):
    """Published folders share one MoVQ; when the inpainting folder's differs, it gets its own files."""
    from unclip_tools.kandinsky22.export import movq_differs
    other = tmp_path / "decoder-inpaint"
    shutil.copytree(folders["inpaint"], other)
    assert not movq_differs(check("decoder", folders["decoder"]), check("inpaint", other))
    shutil.rmtree(other / "movq")
    checkpoints.movq(checkpoints.TINY, SEED, 7).save_pretrained(str(other / "movq"))
    assert movq_differs(check("decoder", folders["decoder"]), check("inpaint", other))


# ---- wrong input: one clear line, before anything heavy loads

def cli(capsys, *args: str) -> tuple[int, list[str]]:
    """Runs the command line in this process: (exit status, stderr lines)."""
    from unclip_tools.__main__ import main
    sys.argv = ["unclip_tools", *args]
    with pytest.raises(SystemExit) as stopped:
        main()
    code = stopped.value.code
    err = capsys.readouterr().err.strip().splitlines()
    if isinstance(code, str):  # SystemExit("error: ...") prints its message and exits with 1
        return 1, err + [code]
    return code, err


def test_export_refuses_swapped_folders_with_one_line(folders, tmp_path, capsys):
    code, lines = cli(capsys, "export-kandinsky22", "--prior", str(folders["decoder"]), "--decoder",
                      str(folders["prior"]), "--out", str(tmp_path / "b"))
    assert code != 0
    assert len(lines) == 1 and lines[0].startswith("error: --prior")
    assert "KandinskyV22Pipeline" in lines[0] and "pass it as --decoder" in lines[0]
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize("damage, role, message", [
    ("missing-folder", "prior", "no such folder"),
    ("no-model-index", "decoder", "no model_index.json"),
    ("missing-component", "decoder", "component 'movq' is missing"),
    ("no-weights", "prior", "component 'text_encoder' has no weights"),
    ("other-architecture", "decoder", "holds a StableDiffusionPipeline, not a KandinskyV22Pipeline"),
    ("kandinsky21", "prior", "Kandinsky 2.1 and 3 are other architectures"),
])
def test_bad_folders_get_a_message_naming_the_problem(folders, tmp_path, damage, role, message):
    folder = tmp_path / role
    shutil.copytree(folders[role], folder)
    index = folder / "model_index.json"
    if damage == "missing-folder":
        shutil.rmtree(folder)
    elif damage == "no-model-index":
        index.unlink()
    elif damage == "missing-component":
        shutil.rmtree(folder / "movq")
    elif damage == "no-weights":
        (folder / "text_encoder" / "model.safetensors").unlink()
    else:
        data = json.loads(index.read_text())
        data["_class_name"] = "StableDiffusionPipeline" if damage == "other-architecture" else "KandinskyPriorPipeline"
        index.write_text(json.dumps(data))
    with pytest.raises(SourceError, match=message):
        check(role, folder)


def test_sharded_weights_are_weights(folders, tmp_path):
    """save_pretrained splits a component above max_shard_size into model-0000k-of-000n files and an index (the
    full-size image encoder is saved so); such a folder is complete and loads as the single file does."""
    from transformers import CLIPVisionModelWithProjection
    folder = tmp_path / "prior"
    shutil.copytree(folders["prior"], folder)
    encoder = CLIPVisionModelWithProjection.from_pretrained(folder / "image_encoder")
    shutil.rmtree(folder / "image_encoder")
    encoder.save_pretrained(folder / "image_encoder", max_shard_size="20KB")
    names = sorted(p.name for p in (folder / "image_encoder").iterdir())
    assert "model.safetensors.index.json" in names and "model.safetensors" not in names, names
    check("prior", folder)
    (folder / "image_encoder" / "model.safetensors.index.json").unlink()
    with pytest.raises(SourceError, match="component 'image_encoder' has no weights"):
        check("prior", folder)


def test_inpaint_folder_must_hold_the_nine_channel_unet(folders):
    with pytest.raises(SourceError, match="holds a KandinskyV22Pipeline"):
        check("inpaint", folders["decoder"])
    with pytest.raises(SourceError, match="4 input channels, a inpaint UNet has 9"):
        check_all(folders["prior"], folders["decoder"], _relabelled(folders["decoder"]))


def _relabelled(decoder: Path) -> Path:
    folder = decoder.parent / "decoder-as-inpaint"
    if not folder.exists():
        shutil.copytree(decoder, folder)
        data = json.loads((folder / "model_index.json").read_text())
        data["_class_name"] = "KandinskyV22InpaintPipeline"
        (folder / "model_index.json").write_text(json.dumps(data))
    return folder


def test_wrong_torch_is_refused_with_the_version_it_needs():
    with pytest.raises(WrongTorchError, match=r"needs torch==2.7.1 .* has torch 2.5.0"):
        require_torch("2.5.0+cpu")


# ---- the reference recorder: names map to draws

def test_recorded_noise_replays_to_the_same_image(folders, tmp_path):
    """Injecting the recorded tensors by name (instead of drawing) gives diffusers' image bit for bit, and a
    changed prior.step.0 changes it: the names are the draws, in order."""
    ref = k22cases.Reference(folders["prior"], folders["decoder"], folders["inpaint"])
    case = next(c for c in k22cases.standard_cases(64, 64) if c.name == "text-negative")
    spec = ref.record(case, tmp_path / "case", steps=3, prior_steps=3)
    assert list(spec["noise"]) == ["prior.init", "prior.step.0", "prior.step.1", "decoder.init", "decoder.step.0",
                                   "decoder.step.1", "decoder.step.2"]
    assert spec["noise"]["prior.init"]["shape"] == [2, 32]  # prompt and negative prompt: one batch

    def replay(changed: str | None = None) -> np.ndarray:
        stored = {n: torch.from_numpy(read_f32(tmp_path / "case", e)) for n, e in spec["noise"].items()}
        if changed:
            stored[changed] = stored[changed] + 2.0
        recorder = k22cases.NoiseRecorder(replay=stored)
        with recorder.installed(), torch.no_grad(), one_thread():  # as the recording ran
            out = ref.prior(case.prompt, negative_prompt=case.negative_prompt, num_inference_steps=3,
                            **recorder.begin("prior"))
            return ref.decoder(image_embeds=out.image_embeds, negative_image_embeds=out.negative_image_embeds,
                               height=64, width=64, num_inference_steps=3, output_type="np",
                               **recorder.begin("decoder")).images
    expected = read_f32(tmp_path / "case", spec["expected"]["image"])
    assert np.array_equal(np.transpose(replay(), (0, 3, 1, 2)), expected)
    assert np.abs(np.transpose(replay("prior.step.0"), (0, 3, 1, 2)) - expected).max() > 1e-4


# ---- end to end: diffusers against the Java engine

def test_verify_passes_on_the_exported_bundle(bundle, folders, tmp_path, capsys):
    ok = verify(bundle, folders["prior"], folders["decoder"], folders["inpaint"], steps=4, prior_steps=3,
                jar=jar(), keep=tmp_path / "cases")
    lines = capsys.readouterr().out.strip().splitlines()
    diffs = [line for line in lines if line.startswith("max_abs_diff ")]
    assert ok, "\n".join(lines)
    assert len(diffs) == 7 * 3
    for case in ("text-cat", "text-lighthouse-n2", "text-negative", "variation-strength1", "variation-strength0.5",
                 "interpolate", "inpaint-border"):
        assert any(line.endswith(f" {case}/image") for line in diffs), case
    assert lines[-1].startswith("verify: all 7 cases within tolerance")


def test_verify_fails_when_the_bundle_differs_from_the_folders(bundle, folders, tmp_path, capsys):
    """A bundle whose prior_post shifts the embedding by 1e-3 (hash updated, so it loads) must fail."""
    broken = tmp_path / "broken"
    shutil.copytree(bundle, broken)
    from diffusers import PriorTransformer
    post = PriorPost(PriorTransformer.from_pretrained(str(folders["prior"] / "prior")))
    with torch.no_grad():
        post.clip_mean.add_(1e-3)
    torch.jit.save(torch.jit.trace(post, (torch.zeros(1, 32),)), str(broken / "prior_post.pt"))
    m = json.loads((broken / "unclip.json").read_text())
    m["components"]["prior_post"]["sha256"] = sha256(broken / "prior_post.pt")
    (broken / "unclip.json").write_text(json.dumps(m))
    ok = verify(broken, folders["prior"], folders["decoder"], None, steps=2, prior_steps=2, jar=jar(),
                only=["text-cat"])
    out = capsys.readouterr().out
    assert not ok
    assert "text-cat/image_embeds  FAIL" in out and "verify: FAILED" in out


def test_verify_names_a_missing_jar(bundle, folders, tmp_path, capsys):
    code, lines = cli(capsys, "verify", "--bundle", str(bundle), "--prior", str(folders["prior"]), "--decoder",
                      str(folders["decoder"]), "--jar", str(tmp_path / "nope.jar"))
    assert code == 2
    assert lines[-1].startswith(f"error: the unCLIP jar {tmp_path / 'nope.jar'} (from --jar) does not exist")
