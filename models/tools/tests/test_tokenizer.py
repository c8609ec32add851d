import numpy as np
import pytest
from tokenizers import Tokenizer

from conftest import load_open_clip_tokenizer
from unclip_tools.tokenizer import CONTEXT_LENGTH, EOS_ID, PAD_ID, VOCAB_SIZE, build


@pytest.fixture(scope="module")
def reference():
    return load_open_clip_tokenizer()


@pytest.fixture(scope="module")
def ours():
    return build()


def reference_ids(reference, text):
    """open_clip pads with 0; the bundle pads with 49407 (BUNDLE.md)."""
    ids = reference.tokenize([text])[0].tolist()
    end = ids.index(EOS_ID)
    return ids[:end + 1] + [PAD_ID] * (CONTEXT_LENGTH - end - 1)


TEXTS = [
    "a small red circle on a blue background",
    "Blue background with a LARGE green triangle in the top left!",
    "on a black background, a yellow square",
    "  spaces\tand\nnewlines   everywhere  ",
    "don't stop: it's 2024, isn't it? 3.14159 #shapes @fiji",
    "café naïve façade über straße",
    "日本語のテキスト 中文 한국어",
    "emoji 🎨🖌️ and symbols © ® ™ — – …",
    "Ελληνικά и русский текст",
    "",
    "word " * 120,
    "a very long caption " + "with many repeated clauses and colours red green blue " * 10,
]


def test_matches_open_clip_simple_tokenizer(reference, ours, world):
    texts = TEXTS + world.batch(np.random.default_rng(0), 200)[1]
    for text in texts:
        assert ours.encode(text).ids == reference_ids(reference, text), text


def test_long_text_is_truncated_to_77_keeping_end_of_text(ours):
    ids = ours.encode("word " * 120).ids
    assert len(ids) == CONTEXT_LENGTH and ids[-1] == EOS_ID and ids[-2] != EOS_ID


def test_short_text_is_padded_with_end_of_text(ours):
    ids = ours.encode("red").ids
    assert len(ids) == CONTEXT_LENGTH and ids[3:] == [PAD_ID] * (CONTEXT_LENGTH - 3)


def test_vocabulary_is_clip_size(ours):
    assert ours.get_vocab_size() == VOCAB_SIZE


def test_bundle_tokenizer_file_gives_the_same_ids(bundle_dir, ours):
    loaded = Tokenizer.from_file(str(bundle_dir / "tokenizer.json"))
    for text in TEXTS:
        assert loaded.encode(text).ids == ours.encode(text).ids
