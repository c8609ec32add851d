import json

import pytest
import torch

from unclip_tools.export import (TOLERANCE, WrongTorchError, export_bundle, example_inputs, io_spec,
                                 require_torch)
from unclip_tools.model import TinyConfig, TinyUnclip


def test_fresh_export_matches_eager_modules(tmp_path):
    torch.manual_seed(7)
    model = TinyUnclip(TinyConfig())
    manifest = export_bundle(model, tmp_path, {"command": "test", "seed": 7, "trained_on": "untrained"})
    assert all(d <= TOLERANCE for d in manifest["export_check"]["max_abs_difference"].values())
    # independent check at another batch size, on the saved file
    gen = torch.Generator().manual_seed(3)
    spec = io_spec(model.cfg)["decoder"][0]
    x = example_inputs(spec, 4, gen)
    with torch.no_grad():
        diff = (torch.jit.load(str(tmp_path / "decoder.pt"))(*x) - model.decoder.eval()(*x)).abs().max()
    assert float(diff) <= TOLERANCE


def test_committed_components_load_and_give_manifest_shapes(bundle_dir):
    manifest = json.loads((bundle_dir / "unclip.json").read_text())
    gen = torch.Generator().manual_seed(0)
    for name, comp in manifest["components"].items():
        module = torch.jit.load(str(bundle_dir / comp["file"]))
        with torch.no_grad():
            out = module(*example_inputs(comp["inputs"], 2, gen))
        out = out if isinstance(out, tuple) else (out,)
        assert len(out) == len(comp["outputs"]), name
        for tensor, spec in zip(out, comp["outputs"]):
            assert list(tensor.shape) == [2 if n == -1 else n for n in spec["shape"]], (name, spec["name"])
            assert torch.isfinite(tensor).all()


def test_wrong_torch_version_is_refused_with_the_needed_version():
    with pytest.raises(WrongTorchError, match=r"torch==2\.7\.1.*torch 2\.6\.0"):
        require_torch("2.6.0+cpu")
    require_torch("2.7.1+cu126")  # the CUDA build of the same version is fine


def test_export_from_bundle_keeps_the_weights_and_rewrites_the_sampling_settings(bundle_dir, tmp_path):
    """export --from-bundle: weights from the TorchScript files (no checkpoint needed); unchanged weights keep their
    files byte for byte, so only the manifest changes."""
    import json
    import shutil
    from unclip_tools.export import main
    copy = tmp_path / "bundle"
    shutil.copytree(bundle_dir, copy, ignore=shutil.ignore_patterns("EVAL.md"))
    before = json.loads((copy / "unclip.json").read_text())
    main(["--from-bundle", str(copy), "--out", str(copy), "--guidance", "1.5", "--upsampler-strength", "0.7"])
    after = json.loads((copy / "unclip.json").read_text())
    for name, comp in before["components"].items():
        assert after["components"][name]["sha256"] == comp["sha256"], name
    assert after["defaults"]["guidance"] == 1.5 and after["stages"]["upsampler"]["strength"] == 0.7
    assert after["provenance"]["training"] == before["provenance"]["training"]
    assert "--from-bundle" in after["provenance"]["export_command"]
