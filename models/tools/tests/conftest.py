"""Shared fixtures: the world, the committed bundle, and open_clip's reference tokenizer module."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TOOLS))
BUNDLE = TOOLS.parent / "shapes-tiny"


def load_open_clip_tokenizer():
    """open_clip's SimpleTokenizer module, loaded by file: the package's __init__ needs its model code."""
    spec = importlib.util.find_spec("open_clip")
    path = Path(spec.origin).with_name("tokenizer.py")
    module_spec = importlib.util.spec_from_file_location("open_clip_reference_tokenizer", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def world():
    from unclip_tools.world import World
    return World()


@pytest.fixture(scope="session")
def bundle_dir() -> Path:
    return BUNDLE


@pytest.fixture(scope="session")
def world_v2():
    from unclip_tools.world import World
    return World.named("v2")
