"""Writes the scheduler fixtures the Java tests read (src/test/resources/fixtures/schedulers/): diffusers' own
DDPM, DDIM, DPM-Solver++ and UnCLIP schedulers stepped through seeded pseudo-random model outputs, with every
step's inputs, injected noise and result, plus add_noise cases and the noise schedules themselves.

Run: $(models/tools/install.sh)/bin/python models/tools/scheduler_fixtures.py
"""
from __future__ import annotations

import argparse
import base64
import json
from pathlib import Path

import diffusers
import torch
from diffusers import DDIMScheduler, DDPMScheduler, DPMSolverMultistepScheduler, UnCLIPScheduler

OUT = Path(__file__).resolve().parents[2] / "src" / "test" / "resources" / "fixtures" / "schedulers"
BIG = (2, 3, 4, 4)
SMALL = (1, 2, 2, 3)  # long runs: keeps the files small

# The tiny bundle's stage configs (unclip_tools.diffusion.scheduler_config): squaredcos, trailing spacing.
TINY = {"num_train_timesteps": 1000, "beta_schedule": "squaredcos_cap_v2", "beta_start": 0.0001, "beta_end": 0.02,
        "clip_sample_range": 1.0, "set_alpha_to_one": True, "steps_offset": 0, "timestep_spacing": "trailing",
        "variance_type": "fixed_small", "thresholding": False}
TINY_DECODER = {**TINY, "prediction_type": "epsilon", "clip_sample": True}
TINY_PRIOR = {**TINY, "prediction_type": "sample", "clip_sample": False}
# The committed bundle's configs since sampling moved off t = 999: "leading" spacing, steps_offset 0.
TINY_LEADING_DECODER = {**TINY_DECODER, "timestep_spacing": "leading"}
TINY_LEADING_PRIOR = {**TINY_PRIOR, "timestep_spacing": "leading"}
# Kandinsky 2.2 decoder (kandinsky-community/kandinsky-2-2-decoder, scheduler_config.json as published).
KANDINSKY22 = {"num_train_timesteps": 1000, "beta_schedule": "linear", "beta_start": 0.00085, "beta_end": 0.012,
               "clip_sample": False, "clip_sample_range": 1.0, "prediction_type": "epsilon", "set_alpha_to_one": False,
               "steps_offset": 1, "timestep_spacing": "leading", "variance_type": "fixed_small", "thresholding": False}
# Stable-Diffusion-like latent schedule.
SCALED = {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012, "clip_sample": False}
# Karlo (kakaobrain/karlo-v1-alpha): prior, decoder and super-resolution UnCLIPScheduler configs.
KARLO_PRIOR = {"num_train_timesteps": 1000, "variance_type": "fixed_small_log", "clip_sample": True,
               "clip_sample_range": 5.0, "prediction_type": "sample"}
KARLO_DECODER = {"num_train_timesteps": 1000, "variance_type": "learned_range", "clip_sample": True,
                 "clip_sample_range": 1.0, "prediction_type": "epsilon"}
KARLO_SUPER_RES = {"num_train_timesteps": 1000, "variance_type": "fixed_small_log", "clip_sample": True,
                   "clip_sample_range": 1.0, "prediction_type": "epsilon"}

# scheduler -> [(case name, config, steps, shape)]
CASES: dict[str, list[tuple[str, dict, int, tuple[int, ...]]]] = {
    "ddpm": [
        ("tiny_leading_decoder_25", TINY_LEADING_DECODER, 25, BIG),
        ("tiny_leading_upsampler_10", TINY_LEADING_DECODER, 10, BIG),
        ("tiny_leading_prior_25", TINY_LEADING_PRIOR, 25, BIG),
        ("tiny_leading_decoder_4", TINY_LEADING_DECODER, 4, BIG),
        ("tiny_decoder_7", TINY_DECODER, 7, BIG),
        ("tiny_decoder_25", TINY_DECODER, 25, BIG),
        ("tiny_prior_7", TINY_PRIOR, 7, BIG),
        ("kandinsky22_decoder_25", KANDINSKY22, 25, BIG),
        ("kandinsky22_decoder_50", KANDINSKY22, 50, SMALL),
        ("linear_vpred_linspace_7", {"prediction_type": "v_prediction", "timestep_spacing": "linspace",
                                     "clip_sample": False}, 7, BIG),
        ("scaled_linear_small_log_1", {**SCALED, "variance_type": "fixed_small_log"}, 1, BIG),
        ("defaults_leading_clip_7", {}, 7, BIG),
        ("cos_learned_range_7", {"beta_schedule": "squaredcos_cap_v2", "variance_type": "learned_range",
                                 "clip_sample": True}, 7, BIG),
        ("cos_clip_range2_sample_25", {"beta_schedule": "squaredcos_cap_v2", "prediction_type": "sample",
                                       "clip_sample": True, "clip_sample_range": 2.0}, 25, BIG),
    ],
    "ddim": [
        ("tiny_leading_decoder_25", TINY_LEADING_DECODER, 25, BIG),
        ("tiny_leading_upsampler_10", TINY_LEADING_DECODER, 10, BIG),
        ("tiny_leading_prior_25", TINY_LEADING_PRIOR, 25, BIG),
        ("tiny_leading_decoder_4", TINY_LEADING_DECODER, 4, BIG),
        ("tiny_decoder_7", TINY_DECODER, 7, BIG),
        ("tiny_decoder_25", TINY_DECODER, 25, BIG),
        ("tiny_prior_25", TINY_PRIOR, 25, BIG),
        ("tiny_decoder_1", TINY_DECODER, 1, BIG),
        ("tiny_decoder_50", TINY_DECODER, 50, SMALL),
        ("kandinsky22_leading_offset_25", KANDINSKY22, 25, BIG),
        ("scaled_linear_vpred_trailing_7", {**SCALED, "prediction_type": "v_prediction",
                                            "timestep_spacing": "trailing", "set_alpha_to_one": False}, 7, BIG),
        ("linear_linspace_sample_7", {"timestep_spacing": "linspace", "prediction_type": "sample"}, 7, BIG),
        ("defaults_leading_clip_25", {}, 25, BIG),
        ("linear_noclip_50", {"clip_sample": False}, 50, SMALL),
    ],
    "dpmsolver++": [
        ("tiny_leading_decoder_25", TINY_LEADING_DECODER, 25, BIG),
        ("tiny_leading_upsampler_10", TINY_LEADING_DECODER, 10, BIG),
        ("tiny_leading_prior_25", TINY_LEADING_PRIOR, 25, BIG),
        ("tiny_leading_decoder_4", TINY_LEADING_DECODER, 4, BIG),
        ("tiny_decoder_7", TINY_DECODER, 7, BIG),
        ("tiny_decoder_25", TINY_DECODER, 25, BIG),
        ("tiny_prior_25", TINY_PRIOR, 25, BIG),
        ("tiny_decoder_1", TINY_DECODER, 1, BIG),
        ("tiny_decoder_50", TINY_DECODER, 50, SMALL),
        ("tiny_decoder_lambda_clipped_7", {**TINY_DECODER, "lambda_min_clipped": -5.1}, 7, BIG),
        ("tiny_decoder_lambda_clipped_25", {**TINY_DECODER, "lambda_min_clipped": -5.1}, 25, BIG),
        ("kandinsky22_leading_offset_25", KANDINSKY22, 25, BIG),
        ("scaled_linear_vpred_7", {**SCALED, "prediction_type": "v_prediction"}, 7, BIG),
        ("defaults_linspace_14", {}, 14, BIG),
        ("defaults_linspace_15", {}, 15, BIG),
        ("no_lower_order_final_7", {"lower_order_final": False}, 7, BIG),
        ("sigma_min_final_7", {"final_sigmas_type": "sigma_min"}, 7, BIG),
        ("cos_lambda_clipped_7", {"beta_schedule": "squaredcos_cap_v2", "lambda_min_clipped": -5.1}, 7, BIG),
    ],
    "unclip": [
        ("tiny_decoder_7", TINY_DECODER, 7, BIG),
        ("tiny_prior_25", TINY_PRIOR, 25, BIG),
        ("karlo_prior_25", KARLO_PRIOR, 25, BIG),
        ("karlo_decoder_25", KARLO_DECODER, 25, BIG),
        ("karlo_super_res_7", KARLO_SUPER_RES, 7, BIG),
        ("karlo_decoder_50", KARLO_DECODER, 50, SMALL),
        ("karlo_super_res_2", KARLO_SUPER_RES, 2, BIG),
    ],
}
UNCLIP_KEYS = ("num_train_timesteps", "clip_sample", "clip_sample_range", "prediction_type", "beta_schedule")


def make(name: str, config: dict):
    """The diffusers scheduler as the reference pipeline builds it (models/BUNDLE.md, "Sampling algorithm")."""
    if name == "ddpm":
        return DDPMScheduler.from_config(config)
    if name == "ddim":
        return DDIMScheduler.from_config(config)
    if name == "dpmsolver++":
        return DPMSolverMultistepScheduler.from_config(config, algorithm_type="dpmsolver++", solver_order=2)
    variance = config.get("variance_type")
    kwargs = {k: config[k] for k in UNCLIP_KEYS if k in config}
    return UnCLIPScheduler(variance_type=variance if variance in ("fixed_small_log", "learned_range")
                           else "fixed_small_log", **kwargs)


def flat(x: torch.Tensor) -> str:
    """float32, little-endian, base64: exact and a third the size of decimal text."""
    return base64.b64encode(x.detach().to(torch.float32).flatten().numpy().astype("<f4").tobytes()).decode()


def learned(name: str, scheduler) -> bool:
    return name in ("ddpm", "unclip") and scheduler.config.get("variance_type") == "learned_range"


def oracle(s, config: dict, t: int, x_t: torch.Tensor, x0: torch.Tensor, error: torch.Tensor) -> torch.Tensor:
    """A model that knows the clean sample x0, give or take ``error``, in the config's prediction type: keeps the
    samples in a realistic range (random outputs would drift to magnitudes where float32 ulps exceed 1e-6)."""
    a = s.alphas_cumprod[t].double()
    eps = (x_t.double() - a.sqrt() * x0) / (1 - a).sqrt()
    kind = config.get("prediction_type", "epsilon")
    out = {"epsilon": eps, "sample": x0.double(), "v_prediction": a.sqrt() * eps - (1 - a).sqrt() * x0}[kind]
    return (out + error).float()


def trace(name: str, config: dict, steps: int, shape: tuple[int, ...], seed: int) -> dict:
    s = make(name, config)
    s.set_timesteps(steps)
    data = torch.Generator().manual_seed(seed)
    noise_gen = torch.Generator().manual_seed(seed + 1)
    sample = torch.randn(shape, generator=data) * s.init_noise_sigma
    init_sample = sample
    target = torch.rand(shape, generator=data) * 2 - 1  # the x_0 the "model" steers towards
    two = learned(name, s)
    out_shape = (shape[0], shape[1] * 2, *shape[2:]) if two else shape
    timesteps = [int(t) for t in s.timesteps]
    records = []
    for i, t in enumerate(s.timesteps):
        model_output = torch.randn(out_shape, generator=data)
        model_output[:, :shape[1]] = oracle(s, config, int(t), sample, target, 0.05 * model_output[:, :shape[1]])
        if two:  # the second half is the variance interpolation value v in [-1, 1]
            model_output[:, shape[1]:] = torch.tanh(model_output[:, shape[1]:])
        before = noise_gen.get_state()
        kwargs = {}
        if name in ("ddpm", "unclip"):
            kwargs["generator"] = noise_gen
        if name == "unclip":
            kwargs["prev_timestep"] = s.timesteps[i + 1] if i + 1 < len(s.timesteps) else None
        prev = s.step(model_output, t, sample, **kwargs).prev_sample
        drew = not torch.equal(before, noise_gen.get_state())
        noise = None
        if drew:  # replay the scheduler's own draw (randn_tensor on CPU is torch.randn with the generator)
            noise = torch.randn(shape, generator=torch.Generator().set_state(before), dtype=torch.float32)
        # Java convention for learned variance: the prediction, then the variance value, each like the sample
        mo = torch.cat([model_output[:, :shape[1]].flatten(), model_output[:, shape[1]:].flatten()]) if two \
            else model_output.flatten()
        # the sample at step i is the prev_sample of step i - 1 (init_sample at step 0)
        records.append({"model_output": flat(mo), "noise": None if noise is None else flat(noise),
                        "prev_sample": flat(prev)})
        sample = prev
    add_noise = []
    for k, t in enumerate(sorted({timesteps[0], timesteps[len(timesteps) // 2], timesteps[-1]})):
        original = torch.randn(shape, generator=data)
        eps = torch.randn(shape, generator=data)
        noisy = s.add_noise(original, eps, torch.tensor([t]))
        add_noise.append({"timestep": t, "original": flat(original), "noise": flat(eps), "noisy": flat(noisy)})
    return {"config": config, "steps": steps, "shape": list(shape), "timesteps": timesteps,
            "init_noise_sigma": float(s.init_noise_sigma), "init_sample": flat(init_sample), "trace": records, "add_noise": add_noise}


def noise_schedules() -> list[dict]:
    """betas and alphas_cumprod of each beta schedule the cases use, as diffusers computes them in float32."""
    out = []
    for config in ({}, {"beta_schedule": "squaredcos_cap_v2"}, SCALED, KANDINSKY22):
        s = DDPMScheduler.from_config(config)
        keys = ("num_train_timesteps", "beta_schedule", "beta_start", "beta_end")
        out.append({"config": {k: s.config[k] for k in keys}, "betas": flat(s.betas),
                    "alphas_cumprod": flat(s.alphas_cumprod)})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    header = {"diffusers": diffusers.__version__, "torch": torch.__version__}
    for seed, (name, cases) in enumerate(CASES.items()):
        doc = {**header, "scheduler": name,
               "cases": {case: trace(name, config, steps, shape, 1000 * seed + k)
                         for k, (case, config, steps, shape) in enumerate(cases)}}
        path = args.out / f"{name.replace('+', 'p')}.json"
        path.write_text(json.dumps(doc, separators=(",", ":")))
        print(f"{path}: {path.stat().st_size // 1024} KiB")
    path = args.out / "noise_schedules.json"
    path.write_text(json.dumps({**header, "schedules": noise_schedules()}, separators=(",", ":")))
    print(f"{path}: {path.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
