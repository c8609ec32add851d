"""Measures a bundle on the shapes world and writes its EVAL.md: a pixel analyser that does not use the model
(shape colour, background colour, shape kind, rough position) and CLIP retrieval accuracy, for held-in and
held-out captions, plus parameter counts, training time and per-image generation time.
"""
from __future__ import annotations

import argparse
import itertools
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .binding import colour_binding
from .export import DEFAULT_OUT
from .reference import Bundle, NamedNoise, Request, run, to_uint8, upsampler_start
from .world import World, to_model_range


@dataclass(frozen=True)
class Analysis:
    background: str
    colour: str | None
    kind: str | None
    position: str | None


class PixelAnalyser:
    """Reads an image of the world without any model: every pixel takes its nearest palette colour; the
    background is the most common colour of the border, the shape the most common other colour; its kind comes
    from how much of its bounding box it fills and how its width grows from top to bottom; its position is the
    named position nearest to its centroid."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.palette = world.palette()

    def labels(self, image: np.ndarray) -> np.ndarray:
        d = ((image[:, :, None, :].astype(np.float32) - self.palette[None, None]) ** 2).sum(-1)
        return d.argmin(-1)

    def analyse(self, image: np.ndarray) -> Analysis:
        names = self.world.colour_names
        lab = self.labels(image)
        border = np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]])
        bg = int(np.bincount(border, minlength=len(names)).argmax())
        counts = np.bincount(lab[lab != bg].ravel(), minlength=len(names))
        if counts.sum() < 4:
            return Analysis(names[bg], None, None, None)
        colour = int(counts.argmax())
        mask = lab == colour
        return Analysis(names[bg], names[colour], kind_of(mask), nearest_position(self.world, mask))


def kind_of(mask: np.ndarray, trim: float = 0.0) -> str:
    """A shape's kind from its pixels: a triangle widens from top to bottom, a square fills its bounding box. With
    trim > 0 the box for the fill leaves out outer rows and columns holding under that fraction of the fullest
    one, so a stray edge pixel (noise, a blend read as the shape's colour) does not make a square look round."""
    ys, xs = np.nonzero(mask)
    if trim > 0:
        rows, cols = mask.sum(1), mask.sum(0)
        kept_rows, kept_cols = np.nonzero(rows >= trim * rows.max())[0], np.nonzero(cols >= trim * cols.max())[0]
        box = mask[kept_rows.min():kept_rows.max() + 1, kept_cols.min():kept_cols.max() + 1]
        fill = box.sum() / float(box.size)
    else:
        h, w = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
        fill = mask.sum() / float(h * w)
    rows = mask[ys.min():ys.max() + 1].sum(1)
    third = max(1, len(rows) // 3)
    taper = rows[-third:].mean() / max(rows[:third].mean(), 1e-6)  # bottom width / top width
    if taper > 2.0:
        return "triangle"
    if fill > 0.92:
        return "square"
    return "circle"


def nearest_position(world: World, mask: np.ndarray) -> str:
    """The world's named position nearest to the centroid of the mask's pixels."""
    ys, xs = np.nonzero(mask)
    cx, cy = xs.mean() + 0.5, ys.mean() + 0.5
    return min(world.positions, key=lambda p: (world.positions[p][0] - cx) ** 2 + (world.positions[p][1] - cy) ** 2)


@dataclass(frozen=True)
class Found:
    """One object the ObjectAnalyser found: a connected component of one non-background palette colour."""
    colour: str
    kind: str
    position: str
    pixels: int


@dataclass(frozen=True)
class SceneAnalysis:
    background: str
    objects: tuple[Found, ...]


def components(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """4-connected components of a boolean mask: (labels, count), labels 1..count, 0 off the mask. Each pixel
    starts with its own number and takes its neighbours' smallest until nothing changes (no scipy needed)."""
    h, w = mask.shape
    big = h * w + 1
    lab = np.where(mask, np.arange(1, h * w + 1).reshape(h, w), big)
    while True:
        nxt = lab.copy()
        nxt[1:] = np.minimum(nxt[1:], lab[:-1])
        nxt[:-1] = np.minimum(nxt[:-1], lab[1:])
        nxt[:, 1:] = np.minimum(nxt[:, 1:], lab[:, :-1])
        nxt[:, :-1] = np.minimum(nxt[:, :-1], lab[:, 1:])
        nxt = np.where(mask, nxt, big)
        if np.array_equal(nxt, lab):
            break
        lab = nxt
    roots = np.unique(lab[mask])
    out = np.zeros((h, w), np.int64)
    out[mask] = np.searchsorted(roots, lab[mask]) + 1
    return out, len(roots)


class ObjectAnalyser:
    """Reads an image of the world with any number of shapes, without any model. A pixel takes the nearest palette
    colour when it lies within ``tolerance`` of it (else it is a blend of an edge, or noise, and is ignored); the
    background is the most common colour of the border; every 4-connected component of another colour with at
    least ``min_fraction`` of the smallest shape's area is an object, read with the single-shape analyser's kind
    and position rules (the fill on a box trimmed of stray edge pixels). World v2 keeps two shapes min_gap apart, so on
    rendered scenes each shape is one object."""

    def __init__(self, world: World, tolerance: float | None = None, min_fraction: float = 0.3,
                 trim: float = 0.25) -> None:
        self.world, self.trim = world, trim
        self.palette = world.palette()
        d = np.sqrt(((self.palette[:, None] - self.palette[None]) ** 2).sum(-1))
        # under half the smallest distance between two palette colours: a pixel can be near one colour only
        self.tolerance = tolerance if tolerance is not None else 0.4 * float(d[d > 0].min())
        smallest = min(world.sizes.values())
        self.min_pixels = max(4, int(min_fraction * 1.75 * smallest * smallest))  # 1.75 r^2: a triangle's area

    def labels(self, image: np.ndarray) -> np.ndarray:
        """Palette index per pixel, -1 where no palette colour is within the tolerance."""
        d = ((image[:, :, None, :].astype(np.float32) - self.palette[None, None]) ** 2).sum(-1)
        lab = d.argmin(-1)
        return np.where(d.min(-1) <= self.tolerance ** 2, lab, -1)

    def analyse(self, image: np.ndarray) -> SceneAnalysis:
        names = self.world.colour_names
        lab = self.labels(image)
        border = np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]])
        border = border[border >= 0]
        bg = int(np.bincount(border, minlength=len(names)).argmax()) if len(border) else 0
        found = []
        for colour in range(len(names)):
            if colour == bg:
                continue
            comp, count = components(lab == colour)
            for k in range(1, count + 1):
                mask = comp == k
                if mask.sum() >= self.min_pixels:
                    found.append(Found(names[colour], kind_of(mask, self.trim), nearest_position(self.world, mask), int(mask.sum())))
        found.sort(key=lambda f: -f.pixels)
        return SceneAnalysis(names[bg], tuple(found))


def match(wanted: tuple, found: tuple[Found, ...]) -> list[Found | None]:
    """The found object for each named shape, the assignment agreeing most (colour before kind before position,
    so a caption's colour decides which object is which; None where fewer objects were found than named)."""
    pool = list(found) + [None] * len(wanted)

    def agreement(w, f) -> int:
        if f is None:
            return 0
        return 4 * (f.colour == w.colour) + 2 * (f.kind == w.kind) + (w.position is not None and f.position == w.position)
    best = max(itertools.permutations(range(len(pool)), len(wanted)),
               key=lambda p: sum(agreement(w, pool[i]) for w, i in zip(wanted, p)))
    return [pool[i] for i in best]


def score_objects(world: World, analyser: ObjectAnalyser, captions: list[str], images: np.ndarray) -> dict:
    """Per named object: colour, kind, position (where the caption names one) of the object matched to it; per
    image: background, object count equal to the shapes named; per two-object caption: "both objects right" (the
    background, the count, and every named object's colour, kind and position where named)."""
    hits = {k: 0 for k in ("colour", "kind", "position", "background", "count", "both objects right")}
    objects = positioned = pairs = 0
    for caption, image in zip(captions, images):
        want = world.parse_caption(caption)
        got = analyser.analyse(image)
        background, count = got.background == want.background, len(got.objects) == len(want.shapes)
        hits["background"] += background
        hits["count"] += count
        every = background and count
        for w, f in zip(want.shapes, match(want.shapes, got.objects)):
            c = f is not None and f.colour == w.colour
            k = f is not None and f.kind == w.kind
            hits["colour"] += c
            hits["kind"] += k
            objects += 1
            ok = c and k
            if w.position is not None:
                positioned += 1
                p = f is not None and f.position == w.position
                hits["position"] += p
                ok = ok and p
            every = every and ok
        if len(want.shapes) == 2:
            pairs += 1
            hits["both objects right"] += every
    n = len(captions)

    def share(hit: int, of: int) -> float:
        return hit / of if of else float("nan")
    return {"colour": share(hits["colour"], objects), "kind": share(hits["kind"], objects),
            "position": share(hits["position"], positioned), "background": share(hits["background"], n),
            "count": share(hits["count"], n), "both objects right": share(hits["both objects right"], pairs),
            "n": n, "objects": objects, "positioned": positioned, "pairs": pairs}


def single_shape_captions(world: World, rng: np.random.Generator, n: int, mode: str):
    scenes, captions = [], []
    while len(scenes) < n:
        s = world.sample_scene(rng, mode)
        if len(s.shapes) == 1:
            scenes.append(s)
            captions.append(world.caption(rng, s))
    return scenes, captions


class ClipJudge:
    """CLIP retrieval: which of the captions "a {colour} {shape} on a {bg} background", over every triple of
    the world, is nearest to the image embedding."""

    def __init__(self, bundle: Bundle, world: World) -> None:
        self.bundle = bundle
        self.triples = [(c, k, b) for c in world.colour_names for k in world.kinds for b in world.colour_names if c != b]
        ids = bundle.tokenize([f"a {c} {k} on a {b} background" for c, k, b in self.triples])
        with torch.no_grad():
            self.text = bundle.components["text_encoder"](ids)[0]

    def classify(self, images_u8: np.ndarray) -> list[tuple[str, str, str]]:
        with torch.no_grad():
            emb = self.bundle.components["image_encoder"](torch.from_numpy(to_model_range(images_u8)))
        return [self.triples[i] for i in (emb @ self.text.T).argmax(1).tolist()]


def score(world: World, analyser: PixelAnalyser, judge: ClipJudge, captions: list[str], images: np.ndarray) -> dict:
    hits = {"colour": 0, "background": 0, "kind": 0, "all three": 0, "position": 0, "clip": 0}
    positioned = 0
    for caption, image, clip_triple in zip(captions, images, judge.classify(images)):
        want = world.parse_caption(caption)
        shape = want.shapes[0]
        got = analyser.analyse(image)
        c, b, k = got.colour == shape.colour, got.background == want.background, got.kind == shape.kind
        hits["colour"] += c
        hits["background"] += b
        hits["kind"] += k
        hits["all three"] += c and b and k
        hits["clip"] += clip_triple == (shape.colour, shape.kind, want.background)
        if shape.position is not None:
            positioned += 1
            hits["position"] += got.position == shape.position
    n = len(captions)
    out = {key: hits[key] / n for key in hits if key != "position"}
    out["position"] = hits["position"] / positioned if positioned else float("nan")
    out["n"] = n
    return out


def generate(bundle: Bundle, captions: list[str], seed: int, steps: int | None, guidance: float | None,
             scheduler: str | None) -> tuple[np.ndarray, np.ndarray, float]:
    # the first TorchScript calls optimise the graphs: keep them out of the timing
    run(bundle, Request("text", captions[0], 1, steps, guidance, scheduler), NamedNoise(seed))
    images, low, t0 = [], [], time.perf_counter()
    for i, caption in enumerate(captions):
        trace = run(bundle, Request("text", caption, 1, steps, guidance, scheduler), NamedNoise(seed + i))
        images.append(to_uint8(trace["image"])[0])
        low.append(to_uint8(torch.nn.functional.interpolate(trace["low_res"], scale_factor=float(bundle.output // bundle.base),
                                                            mode="nearest"))[0])
    return np.stack(images), np.stack(low), (time.perf_counter() - t0) / max(1, len(captions))


def apply_override(manifest: dict, item: str) -> None:
    """KEY=JSON: sets manifest[k1][k2]... = json.loads(JSON) (a bare word is taken as a string); a key part '*'
    applies to every entry of that level."""
    key, _, value = item.partition("=")
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    parts = key.split(".")

    def put(node: dict, i: int) -> None:
        if parts[i] == "*":
            for child in node.values():
                put(child, i + 1) if i + 1 < len(parts) else None
            return
        if i == len(parts) - 1:
            node[parts[i]] = parsed
        else:
            put(node[parts[i]], i + 1)
    put(manifest, 0)


def upsampler_text(stage: dict) -> str:
    init, start = upsampler_start(stage)
    if init == "noise":
        return f"{stage['steps']} steps from noise"
    return (f"{stage['steps']} steps, started from the bilinearly resized decoder output at strength "
            f"{stage['strength']} ({stage['steps'] - start} steps run)")


def pct(x: float) -> str:
    return "n/a" if x != x else f"{100 * x:.1f}%"


def bundle_sections(bundle: Bundle, seconds_per_image: float, threads: int) -> list[str]:
    """EVAL.md's model, training and generation-time sections, from the manifest and the measured time."""
    m = bundle.manifest
    prov = m["provenance"]
    training = prov.get("training") or {}
    lines = [
        "## Model",
        "",
        "| component | parameters | file size |",
        "|---|---|---|",
    ]
    for name, comp in m["components"].items():
        size = (bundle.folder / comp["file"]).stat().st_size
        lines.append(f"| {name} | {comp.get('parameters', 0):,} | {size / 1e6:.1f} MB |")
    lines += ["", "## Training", "", f"- Where: {prov.get('trained_on', 'unknown')}",
              f"- Command: `{prov.get('command', '')}`", f"- Seed: {prov.get('seed')}, torch {training.get('torch', prov.get('torch'))}"]
    if prov.get("export_command"):
        lines.append(f"- Exported: `{prov['export_command']}`")
    if prov.get("weights_from"):
        lines.append(f"- Weights: {prov['weights_from']}")
    for stage, info in (training.get("stages") or {}).items():
        lines.append(f"- {stage}: {info['steps']} steps in {info['seconds'] / 60:.1f} min")
    if training.get("total_seconds"):
        lines.append(f"- Total: {training['total_seconds'] / 60:.1f} min")
    lines += ["", "## Generation time", "",
              f"{seconds_per_image:.2f} s per image (text to image, batch 1, Python reference "
              f"pipeline over the TorchScript files, {threads} CPU threads, on a shared 2-core machine).", ""]
    return lines


def evaluate_objects(args: argparse.Namespace, bundle: Bundle, world: World) -> None:
    """World v2 and later: every scene of a set (one or two shapes, as training sees them), scored per named
    object by the ObjectAnalyser for the generated image, the decoder output and the rendered ground truth;
    writes EVAL.md when both sets ran and nothing was overridden."""
    analyser = ObjectAnalyser(world)
    rng = np.random.default_rng(args.seed)
    results = {}
    for mode in ("train", "held_out"):
        scenes = [world.sample_scene(rng, mode) for _ in range(args.n)]
        captions = [world.caption(rng, s) for s in scenes]
        if mode not in args.sets.split(","):
            continue
        images, low, per_image = generate(bundle, captions, args.seed, args.steps, args.guidance, args.scheduler)
        results[mode] = {"truth": score_objects(world, analyser, captions, world.render(scenes)),
                         "generated": score_objects(world, analyser, captions, images),
                         "decoder": score_objects(world, analyser, captions, low), "seconds_per_image": per_image}
        if args.sheet and mode == "train":
            from PIL import Image
            Image.fromarray(np.concatenate([np.concatenate(list(images[i:i + 10]), 1)
                                            for i in range(0, len(images) - 9, 10)], 0)).save(args.sheet)
        print(mode, json.dumps(results[mode]))
    if args.no_write or args.set or set(results) != {"train", "held_out"}:
        return
    m = bundle.manifest
    steps = args.steps or m["defaults"]["steps"]
    guidance = args.guidance if args.guidance is not None else m["defaults"]["guidance"]
    scheduler = args.scheduler or m["defaults"]["scheduler"]
    r, big = bundle.base, bundle.output
    lines = [
        f"# Evaluation of `{m['name']}`",
        "",
        f"Written by `python -m unclip_tools evaluate` (seed {args.seed}, {args.n} captions per set as the world "
        f"draws them, one or two shapes, one image per caption). Sampling: scheduler `{scheduler}`, decoder {steps} "
        f"steps, guidance {guidance}; prior {m['stages']['prior']['steps']} steps, guidance "
        f"{m['stages']['prior']['guidance']}; upsampler {upsampler_text(m['stages']['upsampler'])}.",
        "",
        "Object analyser: no model; a pixel takes the palette colour within the tolerance, the background is the "
        "border's most common colour, every 4-connected component of another colour (at least 30 % of the smallest "
        "shape's area) is an object with a kind (fill and taper) and a position (nearest to its centroid); objects are "
        "matched to the caption's shapes colour first. Colour, kind and position (where the caption names one) are "
        "counted per named object; count: as many objects as named; both objects right: a two-object caption with "
        "the background, the count and every named attribute of both objects right.",
        "",
        "| set | images | objects | shape colour | background | shape kind | position | count | two-object captions "
        "| both objects right |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for mode, label in (("train", "held-in"), ("held_out", "held-out")):
        for src, what in (("generated", f"generated ({big} px, final)"),
                          ("decoder", f"decoder output ({r} px, before the upsampler)"), ("truth", "rendered ground truth")):
            x = results[mode][src]
            lines.append(f"| {label}, {what} | {x['n']} | {x['objects']} | {pct(x['colour'])} | {pct(x['background'])} | "
                         f"{pct(x['kind'])} | {pct(x['position'])} | {pct(x['count'])} | {x['pairs']} | "
                         f"{pct(x['both objects right'])} |")
    held_out = ", ".join("/".join(t) for t in m["provenance"].get("held_out", []))
    lines += ["", f"Held-out colour/shape/background triples (never rendered in training; a held-out scene's first "
                  f"shape has one): {held_out}.", ""]
    binding = colour_binding(bundle.components["image_encoder"],
                             lambda texts: bundle.components["text_encoder"](bundle.tokenize(texts))[0],
                             world, 400, args.seed + 1)
    if binding is not None:
        lines += [f"CLIP colour binding: {pct(binding)} of 400 held-in two-colour scenes (rendered) are nearer their "
                  f"caption than the same caption with the two shapes' colours swapped, by the bundle's own encoders "
                  f"(50 % is chance).", ""]
    lines += bundle_sections(bundle, results["train"]["seconds_per_image"], args.threads)
    (bundle.folder / "EVAL.md").write_text("\n".join(lines))
    print(f"wrote {bundle.folder / 'EVAL.md'}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="unclip_tools evaluate", description=__doc__)
    ap.add_argument("--bundle", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--n", type=int, default=80, help="captions per set (held-in, held-out)")
    ap.add_argument("--seed", type=int, default=1000)
    ap.add_argument("--steps", type=int)
    ap.add_argument("--guidance", type=float)
    ap.add_argument("--prior-guidance", type=float, help="override the prior stage's guidance")
    ap.add_argument("--upsampler-steps", type=int, help="override the upsampler stage's steps")
    ap.add_argument("--scheduler")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=JSON",
                    help="override a manifest value for this run, e.g. stages.upsampler.strength=0.5 or "
                         "stages.*.config.timestep_spacing='\"leading\"' (* = every stage); implies nothing is "
                         "written unless the bundle's own manifest already has these values")
    ap.add_argument("--sets", default="train,held_out", help="which caption sets to evaluate (train, held_out)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-write", action="store_true", help="print only, do not write EVAL.md")
    ap.add_argument("--sheet", type=Path, help="write the generated held-in images as one PNG")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    bundle = Bundle(args.bundle)
    # the world the bundle was trained on (its copy of world.json); v1 bundles hold the v1 file itself
    world = World(bundle.folder / "world.json") if (bundle.folder / "world.json").is_file() else World()
    if args.prior_guidance is not None:
        bundle.manifest["stages"]["prior"]["guidance"] = args.prior_guidance
    if args.upsampler_steps is not None:
        bundle.manifest["stages"]["upsampler"]["steps"] = args.upsampler_steps
    for item in args.set:
        apply_override(bundle.manifest, item)
    if int(world.definition.get("version", 1)) >= 2:
        evaluate_objects(args, bundle, world)
        return
    analyser, judge = PixelAnalyser(world), ClipJudge(bundle, world)
    rng = np.random.default_rng(args.seed)
    results = {}
    for mode in ("train", "held_out"):
        scenes, captions = single_shape_captions(world, rng, args.n, mode)
        if mode not in args.sets.split(","):
            continue
        truth = score(world, analyser, judge, captions, world.render(scenes))
        images, low, per_image = generate(bundle, captions, args.seed, args.steps, args.guidance, args.scheduler)
        results[mode] = {"truth": truth, "generated": score(world, analyser, judge, captions, images),
                         "decoder": score(world, analyser, judge, captions, low), "seconds_per_image": per_image}
        if args.sheet and mode == "train":
            from PIL import Image
            Image.fromarray(np.concatenate([np.concatenate(list(images[i:i + 10]), 1)
                                            for i in range(0, len(images) - 9, 10)], 0)).save(args.sheet)
        print(mode, json.dumps(results[mode]))
    m = bundle.manifest
    steps = args.steps or m["defaults"]["steps"]
    guidance = args.guidance if args.guidance is not None else m["defaults"]["guidance"]
    scheduler = args.scheduler or m["defaults"]["scheduler"]
    if args.no_write or args.set or set(results) != {"train", "held_out"}:
        return
    prov = m["provenance"]
    training = prov.get("training") or {}
    lines = [
        f"# Evaluation of `{m['name']}`",
        "",
        f"Written by `python -m unclip_tools evaluate` (seed {args.seed}, {args.n} single-shape captions per set, one "
        f"image per caption). Sampling: scheduler `{scheduler}`, decoder {steps} steps, guidance {guidance}; prior "
        f"{m['stages']['prior']['steps']} steps, guidance {m['stages']['prior']['guidance']}; upsampler "
        f"{upsampler_text(m['stages']['upsampler'])}; timestep spacing "
        f"`{m['stages']['decoder']['config'].get('timestep_spacing')}` (steps_offset "
        f"{m['stages']['decoder']['config'].get('steps_offset')}).",
        "",
        "Pixel analyser: no model; nearest-palette labels, background = border mode, shape = most common other colour, "
        "kind from bounding-box fill and taper, position from the centroid (only scored where the caption names one). "
        "CLIP retrieval: the bundle's own CLIP picks, among the captions `a {colour} {shape} on a {bg} background` for "
        f"all {len(judge.triples)} triples, the one nearest to the image; correct when it is the caption's triple.",
        "",
        "| set | images | shape colour | background | shape kind | all three | position | CLIP retrieval |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for mode, label in (("train", "held-in"), ("held_out", "held-out")):
        for src, what in (("generated", "generated (32 px, final)"), ("decoder", "decoder output (16 px, before the upsampler)"),
                          ("truth", "rendered ground truth")):
            r = results[mode][src]
            name = f"{label}, {what}"
            lines.append(f"| {name} | {r['n']} | {pct(r['colour'])} | {pct(r['background'])} | {pct(r['kind'])} | "
                         f"{pct(r['all three'])} | {pct(r['position'])} | {pct(r['clip'])} |")
    held_out = ", ".join("/".join(t) for t in prov.get("held_out", []))
    lines += [
        "",
        f"Held-out colour/shape/background triples (never rendered in training): {held_out}.",
        "",
    ]
    lines += bundle_sections(bundle, results["train"]["seconds_per_image"], args.threads)
    (bundle.folder / "EVAL.md").write_text("\n".join(lines))
    print(f"wrote {bundle.folder / 'EVAL.md'}")
