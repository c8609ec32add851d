"""The committed scheduler fixtures are what diffusers produces now (so the Java tests check against diffusers,
not against a stale file), and each case really exercises what it names."""
from __future__ import annotations

import base64
import json

import numpy as np

import scheduler_fixtures as sf


def same(a, b, where: str) -> None:
    """Equal structure and integers; float arrays equal up to float32 rounding. torch's CPU kernels round
    differently on another processor, and along a 25-step trace each model output is computed from samples that
    already carry the earlier steps' rounding: on a clean-clone CI run (2026-12-07, a machine other than the one that
    wrote the fixtures) the last decoder step's output differed from the committed one by up to 9.3e-6, over
    rtol 1e-5 and atol 1e-6, hence 1e-4 for both."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{where}[{i}]")
    elif isinstance(a, str) and isinstance(b, str) and len(a) > 40:
        x, y = (np.frombuffer(base64.b64decode(v), "<f4") for v in (a, b))
        np.testing.assert_allclose(x, y, rtol=1e-4, atol=1e-4, err_msg=where)
    else:
        assert a == b, where


def test_committed_fixtures_are_reproduced_exactly(tmp_path, monkeypatch):
    monkeypatch.setattr("sys.argv", ["scheduler_fixtures.py", "--out", str(tmp_path)])
    sf.main()
    for written in sorted(tmp_path.iterdir()):
        committed = sf.OUT / written.name
        assert committed.exists(), f"{written.name} is not committed; run models/tools/scheduler_fixtures.py"
        # a mismatch means the file is stale: run models/tools/scheduler_fixtures.py and commit the result
        same(json.loads(written.read_text()), json.loads(committed.read_text()), written.name)


def test_ancestral_schedulers_record_their_noise_and_deterministic_ones_none():
    for name in ("ddpm", "unclip", "ddim", "dpmsolver++"):
        doc = json.loads((sf.OUT / f"{name.replace('+', 'p')}.json").read_text())
        for case, c in doc["cases"].items():
            drew = [step["noise"] is not None for step in c["trace"]]
            assert len(drew) == len(c["timesteps"]) == c["steps"], case
            if name in ("ddpm", "unclip"):
                assert drew == [t > 0 for t in c["timesteps"]], case
            else:
                assert not any(drew), case
