"""Karlo (kakaobrain/karlo-v1-alpha): unCLIP exported from diffusers UnCLIPPipeline folders."""
