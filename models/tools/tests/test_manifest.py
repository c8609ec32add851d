import json
import shutil

import pytest

from unclip_tools.reference import Bundle, BundleError, file_sha256
from unclip_tools.world import World


@pytest.fixture(scope="module")
def manifest(bundle_dir):
    return json.loads((bundle_dir / "unclip.json").read_text())


def test_every_file_matches_its_sha256(bundle_dir, manifest):
    files = {c["file"]: c["sha256"] for c in manifest["components"].values()}
    files[manifest["tokenizer"]["file"]] = manifest["tokenizer"]["sha256"]
    files.update(manifest["files"])
    assert set(files) >= {"text_encoder.pt", "image_encoder.pt", "prior.pt", "decoder.pt", "upsampler.pt",
                          "tokenizer.json", "world.json"}
    for name, sha in files.items():
        assert file_sha256(bundle_dir / name) == sha, name


def test_manifest_follows_the_contract(bundle_dir, manifest):
    assert manifest["format"] == 1 and manifest["kind"] == "tiny" and manifest["license"]["name"] == "Apache-2.0"
    assert manifest["embedding_dim"] == 64 and manifest["resolution"] == {"base": 16, "output": 32}
    assert manifest["tokenizer"]["context_length"] == 77 and manifest["tokenizer"]["pad_id"] == 49407
    assert {"command", "seed", "torch", "trained_on", "world", "held_out", "created"} <= set(manifest["provenance"])
    held_out = sorted(map(tuple, manifest["provenance"]["held_out"]))
    assert held_out == sorted(World(bundle_dir / "world.json").held_out)
    for stage in ("prior", "decoder", "upsampler"):
        s = manifest["stages"][stage]
        assert s["scheduler"] in ("ddim", "ddpm", "dpmsolver++", "unclip")
        assert s["config"]["num_train_timesteps"] == 1000 and s["config"]["beta_schedule"] == "squaredcos_cap_v2"
    assert manifest["stages"]["prior"]["latent_scale"] == 8.0
    size = sum(p.stat().st_size for p in bundle_dir.iterdir())
    assert size <= 40 * 1024 * 1024


def test_missing_file_is_named(bundle_dir, tmp_path):
    copy = tmp_path / "bundle"
    shutil.copytree(bundle_dir, copy)
    (copy / "decoder.pt").unlink()
    with pytest.raises(BundleError, match="decoder.pt is missing"):
        Bundle(copy)


def test_changed_file_is_refused(bundle_dir, tmp_path):
    copy = tmp_path / "bundle"
    shutil.copytree(bundle_dir, copy)
    with open(copy / "world.json", "a") as f:
        f.write(" ")
    with pytest.raises(BundleError, match="world.json does not match the sha256"):
        Bundle(copy)


def test_missing_manifest_is_explained(tmp_path):
    with pytest.raises(BundleError, match="unclip.json is missing"):
        Bundle(tmp_path)
