"""Seconds per decoder step of diffusers' own KandinskyV22Pipeline (the reference of kind kandinsky22).

Usage: python kandinsky22_timing.py DECODER_DIR SIZE K [THREADS]
  ->  prints "diffusers_seconds_per_decoder_step X threads N".
DECODER_DIR is the decoder pipeline's save_pretrained folder (unet, movq, scheduler). The step time is the
difference of runs with 1 and 1 + K steps at SIZE x SIZE, guidance 4 (batch [uncond; cond]), divided by K,
so the MoVQ decoding and pipeline set-up cancel. Run by sc.fiji.unclip.bench.EngineBenchmark.
"""
import sys
import time

import torch
from diffusers import KandinskyV22Pipeline

folder, size, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if len(sys.argv) > 4:
    torch.set_num_threads(int(sys.argv[4]))
pipe = KandinskyV22Pipeline.from_pretrained(folder)
pipe.set_progress_bar_config(disable=True)
dim = pipe.unet.config.encoder_hid_dim
embeds = torch.randn(1, dim, generator=torch.Generator().manual_seed(0))
negative = torch.zeros(1, dim)


def timed(steps: int) -> float:
    start = time.perf_counter()
    with torch.no_grad():
        pipe(image_embeds=embeds, negative_image_embeds=negative, height=size, width=size,
             num_inference_steps=steps, guidance_scale=4.0, generator=torch.Generator().manual_seed(0),
             output_type="pt")
    return time.perf_counter() - start


timed(1)  # warm-up
base = timed(1)
per_step = (timed(1 + k) - base) / k
print(f"diffusers_seconds_per_decoder_step {per_step:.3f} threads {torch.get_num_threads()}")
