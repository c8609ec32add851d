"""The synthetic "shapes" world: seeded scenes of coloured shapes on plain backgrounds, their captions,
vectorised rendering, and the caption parser that tells what a caption asks for.

A world definition (palette, shapes, sizes, positions, layout rules, held-out triples) is a JSON file beside
this module, copied into every bundle so the Java side reads the same vocabulary: ``world.json`` (v1, 32 px, the
committed ``shapes-tiny``) and ``world-v2.json`` (v2, 64 px, half the scenes with two shapes that never touch).
Keys that v1 lacks default to v1's behaviour, so v1 scenes stay the same draw for draw.
"""
from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

WORLD_FILE = Path(__file__).with_name("world.json")
WORLDS = {"v1": WORLD_FILE, "v2": Path(__file__).with_name("world-v2.json")}
SUPERSAMPLE = 2
PLACEMENT_TRIES = 1000


def world_file(name: str) -> Path:
    """The definition file of a named world ("v1", "v2")."""
    if name not in WORLDS:
        raise ValueError(f"unknown world {name!r}; known worlds: {', '.join(WORLDS)}")
    return WORLDS[name]


class CaptionError(ValueError):
    """A caption that names something the world does not know (e.g. an unknown colour)."""


@dataclass(frozen=True)
class Shape:
    colour: str
    kind: str
    size: str
    position: str


@dataclass(frozen=True)
class Scene:
    background: str
    shapes: tuple[Shape, ...]
    offsets: tuple[tuple[float, float], ...] = field(default=())

    def triples(self) -> list[tuple[str, str, str]]:
        return [(s.colour, s.kind, self.background) for s in self.shapes]


@dataclass(frozen=True)
class Wanted:
    """What a caption asks for; size/position are None when the caption leaves them open."""
    colour: str
    kind: str
    size: str | None
    position: str | None


@dataclass(frozen=True)
class CaptionMeaning:
    background: str
    shapes: tuple[Wanted, ...]


class World:
    """The world of ``world.json``: sampling scenes, captioning, rendering and parsing captions."""

    @classmethod
    def named(cls, name: str) -> "World":
        return cls(world_file(name))

    def __init__(self, path: Path = WORLD_FILE) -> None:
        self.definition = json.loads(Path(path).read_text())
        d = self.definition
        self.resolution: int = int(d["resolution"])
        self.colours: dict[str, tuple[int, int, int]] = {k: tuple(v) for k, v in d["colours"].items()}
        self.colour_names: list[str] = list(self.colours)
        self.kinds: list[str] = list(d["shapes"])
        self.sizes: dict[str, float] = {k: float(v) for k, v in d["sizes"].items()}
        self.positions: dict[str, tuple[float, float]] = {k: tuple(v) for k, v in d["positions"].items()}
        self.jitter = float(d["position_jitter"])
        self.two_shape_probability = float(d["two_shape_probability"])
        # layout rules of v2; their defaults are v1's (two small shapes, anywhere, colours may repeat)
        self.two_shape_sizes: list[str] | None = d.get("two_shape_sizes", ["small"])
        self.distinct_colours = bool(d.get("distinct_colours", False))
        self.min_gap: float | None = None if d.get("min_gap") is None else float(d["min_gap"])
        self.held_out_two_shapes = bool(d.get("held_out_two_shapes", False))
        self.say_size_probability = float(d.get("say_size_probability", 0.6))
        self.say_position_probability = float(d.get("say_position_probability", 0.6))
        self.held_out: set[tuple[str, str, str]] = {tuple(t) for t in d["held_out"]}
        for c, k, b in self.held_out:
            if c not in self.colours or b not in self.colours or k not in self.kinds:
                raise ValueError(f"world.json: held-out triple {(c, k, b)} names an unknown colour or shape")

    # ---- scenes -------------------------------------------------------------------------------------
    def palette(self) -> np.ndarray:
        return np.array([self.colours[c] for c in self.colour_names], dtype=np.float32)

    def held_in_triples(self) -> list[tuple[str, str, str]]:
        return [(c, k, b) for c in self.colour_names for k in self.kinds for b in self.colour_names
                if c != b and (c, k, b) not in self.held_out]

    def _shape(self, rng: np.random.Generator, triple: tuple[str, str, str], size: str | None,
               position: str) -> Shape:
        sizes = list(self.sizes)
        return Shape(triple[0], triple[1], size or sizes[rng.integers(len(sizes))], position)

    def sample_scene(self, rng: np.random.Generator, mode: str = "train") -> Scene:
        """mode 'train': never a held-out triple; 'held_out': the (first) shape has a held-out triple."""
        positions = list(self.positions)
        if mode == "held_out":
            triples = sorted(self.held_out)
            triple = triples[rng.integers(len(triples))]
            if self.held_out_two_shapes and rng.random() < self.two_shape_probability:
                return self._two_shapes(rng, triple, self.held_in_triples())
            shape = self._shape(rng, triple, None, positions[rng.integers(len(positions))])
            return self._with_offsets(rng, Scene(triple[2], (shape,)))
        if mode != "train":
            raise ValueError(f"unknown sampling mode {mode!r} (use 'train' or 'held_out')")
        allowed = self.held_in_triples()
        first = allowed[rng.integers(len(allowed))]
        if rng.random() >= self.two_shape_probability:
            shape = self._shape(rng, first, None, positions[rng.integers(len(positions))])
            return self._with_offsets(rng, Scene(first[2], (shape,)))
        return self._two_shapes(rng, first, allowed)

    def _two_shapes(self, rng: np.random.Generator, first: tuple[str, str, str],
                    allowed: list[tuple[str, str, str]]) -> Scene:
        """The first shape's triple and a second of the same background; with min_gap, positions, sizes and
        jitter are drawn again until the two shapes keep that gap (so each stays one connected component)."""
        bg = first[2]
        same_bg = [t for t in allowed if t[2] == bg and not (self.distinct_colours and t[0] == first[0])]
        second = same_bg[rng.integers(len(same_bg))]
        positions = list(self.positions)
        sizes = self.two_shape_sizes
        for _ in range(PLACEMENT_TRIES):
            p = rng.permutation(len(positions))[:2]
            # None: each shape draws its own size in _shape; one listed size (v1: small) draws nothing
            size = [None, None] if sizes is None else [sizes[0] if len(sizes) == 1 else sizes[rng.integers(len(sizes))]
                                                       for _ in range(2)]
            shapes = (self._shape(rng, first, size[0], positions[p[0]]),
                      self._shape(rng, second, size[1], positions[p[1]]))
            scene = self._with_offsets(rng, Scene(bg, shapes))
            if self.min_gap is None or self.gap(scene) >= self.min_gap:
                return scene
        raise RuntimeError(f"no placement of two shapes keeps min_gap {self.min_gap} in {PLACEMENT_TRIES} tries; "
                           f"the world's sizes or positions leave no room")

    def box(self, shape: Shape, offset: tuple[float, float]) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) in pixels: the bounding box of the shape as render() draws it."""
        x, y = self.positions[shape.position]
        cx, cy, r = x + offset[0], y + offset[1], self.sizes[shape.size]
        if shape.kind == "square":
            return cx - 0.85 * r, cy - 0.85 * r, cx + 0.85 * r, cy + 0.85 * r
        if shape.kind == "triangle":
            return cx - r, cy - r, cx + r, cy + 0.75 * r
        return cx - r, cy - r, cx + r, cy + r

    def gap(self, scene: Scene) -> float:
        """Smallest distance along x or y between the bounding boxes of any two shapes (negative: they overlap)."""
        boxes = [self.box(s, o) for s, o in zip(scene.shapes, scene.offsets)]
        worst = float("inf")
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                a, b = boxes[i], boxes[j]
                worst = min(worst, max(b[0] - a[2], a[0] - b[2], b[1] - a[3], a[1] - b[3]))
        return worst

    def _with_offsets(self, rng: np.random.Generator, scene: Scene) -> Scene:
        offsets = tuple((float(rng.uniform(-self.jitter, self.jitter)), float(rng.uniform(-self.jitter, self.jitter)))
                        for _ in scene.shapes)
        return Scene(scene.background, scene.shapes, offsets)

    # ---- captions -----------------------------------------------------------------------------------
    TEMPLATES = ("{what} on a {bg} background", "{bg} background with {what}", "on a {bg} background, {what}",
                 "{what} against a {bg} background", "a {bg} background showing {what}")

    def caption(self, rng: np.random.Generator, scene: Scene) -> str:
        """One of several phrasings; size and position are each mentioned or left out at random."""
        say_size = rng.random() < self.say_size_probability
        say_pos = rng.random() < self.say_position_probability
        return self.describe(scene, say_size, say_pos, int(rng.integers(len(self.TEMPLATES))))

    def describe(self, scene: Scene, say_size: bool, say_position: bool, template: int = 0) -> str:
        """The caption of a scene in one phrasing (an index into TEMPLATES): every shape as "a [size] colour kind
        [in the position]", joined by "and", the grammar parse_caption reads back."""
        descs = []
        for s in scene.shapes:
            words = ["a"] + ([s.size] if say_size else []) + [s.colour, s.kind]
            if say_position:
                words += ["in", "the", s.position]
            descs.append(" ".join(words))
        return self.TEMPLATES[template].format(what=" and ".join(descs), bg=scene.background)

    def swapped_colours(self, caption: str) -> str | None:
        """The caption with the colours of its first two shapes exchanged, everything else as written ("a red
        circle and a blue square on a white background" -> "a blue circle and a red square on a white background"),
        or None when it names fewer than two shapes or both in one colour. CLIP's hard negatives: the same words,
        bound the other way round."""
        words = list(re.finditer(r"[a-z]+", caption.lower()))
        colours = [words[i - 1] for i, w in enumerate(words) if w.group() in self.kinds and i > 0
                   and words[i - 1].group() in self.colours]
        if len(colours) < 2 or colours[0].group() == colours[1].group():
            return None
        a, b = colours[0], colours[1]
        return caption[:a.start()] + b.group() + caption[a.end():b.start()] + a.group() + caption[b.end():]

    def parse_caption(self, text: str) -> CaptionMeaning:
        """What a caption asks for. Raises CaptionError naming the unknown word and the known ones."""
        words = re.findall(r"[a-z]+", text.lower())
        known = ", ".join(self.colour_names)
        if "background" not in words:
            raise CaptionError(f"caption {text!r} names no background (say e.g. 'on a blue background')")
        bi = words.index("background")
        bg = words[bi - 1] if bi > 0 else ""
        if bg not in self.colours:
            raise CaptionError(f"unknown colour {bg!r} for the background in caption {text!r}; "
                               f"known colours: {known}")
        wanted = []
        for i, w in enumerate(words):
            if w not in self.kinds:
                continue
            colour = words[i - 1] if i > 0 else ""
            if colour not in self.colours:
                raise CaptionError(f"unknown colour {colour!r} for the {w} in caption {text!r}; known colours: {known}")
            size = words[i - 2] if i > 1 and words[i - 2] in self.sizes else None
            position = None
            if words[i + 1:i + 3] == ["in", "the"]:
                for name in self.positions:
                    n = name.split()
                    if words[i + 3:i + 3 + len(n)] == n:
                        position = name
            wanted.append(Wanted(colour, w, size, position))
        if not wanted:
            raise CaptionError(f"caption {text!r} names no shape; known shapes: {', '.join(self.kinds)}")
        return CaptionMeaning(bg, tuple(wanted))

    # ---- rendering ----------------------------------------------------------------------------------
    def render(self, scenes: list[Scene]) -> np.ndarray:
        """uint8 images [N, R, R, 3]; all scenes drawn at once, shape layer by shape layer (2x supersampled)."""
        n, res = len(scenes), self.resolution
        hi = res * SUPERSAMPLE
        coords = (np.arange(hi, dtype=np.float32) + 0.5) / SUPERSAMPLE
        y, x = np.meshgrid(coords, coords, indexing="ij")
        img = np.empty((n, hi, hi, 3), dtype=np.float32)
        img[:] = np.array([self.colours[s.background] for s in scenes], dtype=np.float32)[:, None, None, :]
        layers = max(len(s.shapes) for s in scenes)
        for layer in range(layers):
            have = np.array([len(s.shapes) > layer for s in scenes])
            pick = [s.shapes[layer] if len(s.shapes) > layer else s.shapes[0] for s in scenes]
            off = [s.offsets[layer] if len(s.shapes) > layer else (0.0, 0.0) for s in scenes]
            cx = np.array([self.positions[p.position][0] + o[0] for p, o in zip(pick, off)], np.float32)[:, None, None]
            cy = np.array([self.positions[p.position][1] + o[1] for p, o in zip(pick, off)], np.float32)[:, None, None]
            r = np.array([self.sizes[p.size] for p in pick], np.float32)[:, None, None]
            kind = np.array([self.kinds.index(p.kind) for p in pick])[:, None, None]
            dx, dy = x[None] - cx, y[None] - cy
            circle = dx * dx + dy * dy <= r * r
            square = (np.abs(dx) <= 0.85 * r) & (np.abs(dy) <= 0.85 * r)
            # apex up at cy - r, base at cy + 0.75 r, half-width r at the base
            height = 1.75 * r
            triangle = (dy >= -r) & (dy <= 0.75 * r) & (np.abs(dx) <= (dy + r) / height * r)
            inside = np.where(kind == 0, circle, np.where(kind == 1, square, triangle)) & have[:, None, None]
            colour = np.array([self.colours[p.colour] for p in pick], np.float32)[:, None, None, :]
            img = np.where(inside[..., None], colour, img)
        img = img.reshape(n, res, SUPERSAMPLE, res, SUPERSAMPLE, 3).mean(axis=(2, 4))
        return np.clip(np.rint(img), 0, 255).astype(np.uint8)

    def batch(self, rng: np.random.Generator, n: int, mode: str = "train") -> tuple[np.ndarray, list[str], list[Scene]]:
        scenes = [self.sample_scene(rng, mode) for _ in range(n)]
        captions = [self.caption(rng, s) for s in scenes]
        images = np.concatenate([self.render(scenes[i:i + 2048]) for i in range(0, n, 2048)]) if n else \
            np.zeros((0, self.resolution, self.resolution, 3), np.uint8)
        return images, captions, scenes


def to_model_range(images: np.ndarray) -> np.ndarray:
    """uint8 NHWC -> float32 NCHW in [-1, 1] (BUNDLE.md convention)."""
    return (images.astype(np.float32) / 127.5 - 1.0).transpose(0, 3, 1, 2).copy()


def to_uint8(images: np.ndarray) -> np.ndarray:
    """float NCHW in [-1, 1] -> uint8 NHWC (BUNDLE.md convention)."""
    return np.rint(np.clip((images + 1.0) / 2.0, 0.0, 1.0) * 255.0).astype(np.uint8).transpose(0, 2, 3, 1)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="unclip_tools world", description="Sample scenes and captions of the world.")
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--mode", default="train", choices=["train", "held_out"])
    ap.add_argument("--world", default="v1", choices=list(WORLDS))
    ap.add_argument("--out", type=Path, help="write a contact sheet PNG here")
    args = ap.parse_args(argv)
    world = World.named(args.world)
    images, captions, _ = world.batch(np.random.default_rng(args.seed), args.n, args.mode)
    for c in captions:
        print(c)
    if args.out:
        from PIL import Image
        Image.fromarray(np.concatenate(list(images), axis=1)).save(args.out)
