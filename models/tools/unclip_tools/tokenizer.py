"""Builds ``tokenizer.json``: the real CLIP BPE tokenizer (vocabulary 49408, context 77) for the HuggingFace
``tokenizers`` library (and so for DJL's HuggingFaceTokenizer), from the BPE merges file that the PyPI package
open_clip ships. Ids are padded to 77 with 49407 and truncated to 77 keeping the end-of-text token.
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
from pathlib import Path

from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import BPE

CONTEXT_LENGTH = 77
VOCAB_SIZE = 49408
BOS, EOS = "<|startoftext|>", "<|endoftext|>"
BOS_ID, EOS_ID, PAD_ID = 49406, 49407, 49407
# CLIP's word splitting (open_clip SimpleTokenizer), without the special-token alternatives
WORD_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""


def merges_file() -> Path:
    spec = importlib.util.find_spec("open_clip")
    if spec is None or spec.origin is None:
        raise RuntimeError("open_clip is not installed; run models/tools/install.sh (it ships the CLIP BPE merges)")
    path = Path(spec.origin).with_name("bpe_simple_vocab_16e6.txt.gz")
    if not path.is_file():
        raise RuntimeError(f"CLIP BPE merges file missing from open_clip: {path}")
    return path


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2/CLIP's reversible map from bytes to printable unicode characters."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def vocabulary(path: Path | None = None) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """CLIP's token -> id map and its BPE merges in rank order (the same lists as OpenAI's vocab.json/merges.txt)."""
    lines = gzip.open(path or merges_file(), "rt", encoding="utf-8").read().split("\n")
    merges = [tuple(line.split()) for line in lines[1:49152 - 256 - 2 + 1]]
    symbols = list(bytes_to_unicode().values())
    vocab_list = symbols + [s + "</w>" for s in symbols] + ["".join(m) for m in merges] + [BOS, EOS]
    if len(vocab_list) != VOCAB_SIZE:
        raise RuntimeError(f"unexpected CLIP vocabulary size {len(vocab_list)} (expected {VOCAB_SIZE})")
    return {tok: i for i, tok in enumerate(vocab_list)}, merges


def build(path: Path | None = None) -> Tokenizer:
    vocab, merges = vocabulary(path)
    tok = Tokenizer(BPE(vocab=vocab, merges=merges, continuing_subword_prefix="", end_of_word_suffix="</w>",
                        fuse_unk=False, unk_token=EOS))
    tok.add_special_tokens([BOS, EOS])
    tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " "),
                                           normalizers.Strip(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(WORD_PATTERN), behavior="removed", invert=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.TemplateProcessing(single=f"{BOS} $A {EOS}", special_tokens=[(BOS, BOS_ID), (EOS, EOS_ID)])
    tok.enable_truncation(max_length=CONTEXT_LENGTH)
    tok.enable_padding(length=CONTEXT_LENGTH, pad_id=PAD_ID, pad_token=EOS)
    return tok


def encode(tok: Tokenizer, texts: list[str]) -> list[list[int]]:
    return [e.ids for e in tok.encode_batch(texts)]


def write(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    build().save(str(out))
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="unclip_tools tokenizer", description="Write the CLIP tokenizer.json.")
    ap.add_argument("--out", type=Path, default=Path("tokenizer.json"))
    ap.add_argument("text", nargs="*", help="texts to encode and print")
    args = ap.parse_args(argv)
    print(write(args.out))
    tok = Tokenizer.from_file(str(args.out))
    for t in args.text:
        print(t, tok.encode(t).ids)
