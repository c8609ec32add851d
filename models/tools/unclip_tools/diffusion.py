"""The noise schedules every stage shares (diffusers configs, so Python and Java build the same schedulers)."""
from __future__ import annotations

import torch
from diffusers import DDPMScheduler

TRAIN_TIMESTEPS = 1000


# Sampling timesteps: "leading" spacing (t = 960, 920, ..., 0 for 25 steps) rather than "trailing" (999, 959, ...):
# with squaredcos_cap_v2, alpha_bar(999) = 2.4e-9, so a first step at t = 999 divides the model's output by
# sqrt(alpha_bar) = 4.9e-5 and turns float rounding (1e-7) into 2e-3 differences between two correct
# implementations; alpha_bar(960) = 3.7e-3 amplifies by 16 only (models/README.md, "Sampling design").
TIMESTEP_SPACING = "leading"
STEPS_OFFSET = 0


def scheduler_config(prediction_type: str, clip_sample: bool, timestep_spacing: str = TIMESTEP_SPACING,
                     steps_offset: int = STEPS_OFFSET) -> dict:
    """diffusers config keys, verbatim; written into the manifest's stage ``config``."""
    return {
        "num_train_timesteps": TRAIN_TIMESTEPS,
        "beta_schedule": "squaredcos_cap_v2",
        "beta_start": 0.0001,
        "beta_end": 0.02,
        "prediction_type": prediction_type,
        "clip_sample": clip_sample,
        "clip_sample_range": 1.0,
        "set_alpha_to_one": True,
        "steps_offset": steps_offset,
        "timestep_spacing": timestep_spacing,
        "variance_type": "fixed_small",
        "thresholding": False,
    }


def alphas_cumprod() -> torch.Tensor:
    return DDPMScheduler.from_config(scheduler_config("epsilon", True)).alphas_cumprod.clone()


def add_noise(x0: torch.Tensor, noise: torch.Tensor, t: torch.Tensor, ac: torch.Tensor) -> torch.Tensor:
    """q(x_t | x_0): sqrt(a_t) x0 + sqrt(1 - a_t) eps, per sample."""
    a = ac.to(x0.device)[t].reshape(-1, *([1] * (x0.dim() - 1)))
    return a.sqrt() * x0 + (1 - a).sqrt() * noise
