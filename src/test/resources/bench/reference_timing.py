"""Per-image time of the Python reference pipeline (models/tools) on a bundle at its default steps.

Usage: python reference_timing.py BUNDLE_DIR PROMPT REPEATS [THREADS]
  ->  prints "python_seconds_per_image X threads N peak_rss_mib M".
Run by sc.fiji.unclip.bench.EngineBenchmark with the project's venv, once with torch's default threads and
once with as many as the Java engine uses (and its OMP_WAIT_POLICY, from the environment).
"""
import resource
import statistics
import sys

import torch

from unclip_tools.reference import Bundle
from unclip_tools.timing import measure

bundle_dir, prompt, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
if len(sys.argv) > 4:
    torch.set_num_threads(int(sys.argv[4]))
# 5 warm-up images: TorchScript's profiling runs
seconds = statistics.mean(measure([Bundle(bundle_dir)], repeats, prompt, warmup=5)[0])
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
print(f"python_seconds_per_image {seconds:.4f} threads {torch.get_num_threads()} peak_rss_mib {rss:.0f}")
