#!/usr/bin/env python3
"""Builds a local Fiji update site (db.xml.gz + timestamped files) from the Maven build output.

Why Python stdlib: it runs anywhere the project builds, needs no extra jars, and the same code reads a site
back for the acceptance tests. Same inputs give the same bytes: the timestamp is the pom's
project.build.outputTimestamp, files are sorted and gzip carries no name or mtime.
"""
import argparse
import gzip
import hashlib
import io
import re
import shutil
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import quoteattr, escape

POM_SCIJAVA = Path.home() / ".m2/repository/org/scijava/pom-scijava/45.0.0/pom-scijava-45.0.0.pom"


def file_checksum(path: Path) -> str:
	"""SHA-1 of a plain file, as the updater stores it for anything that is not a jar."""
	return hashlib.sha1(path.read_bytes()).hexdigest()


def jar_checksum(path: Path) -> str:
	"""The updater's jar digest: SHA-1 over entries sorted by name, each its name (ASCII) then its bytes.

	Ignoring entry order and zip metadata (dates, compression) means a rebuilt but unchanged jar
	is not offered as an update.
	"""
	digest = hashlib.sha1()
	with zipfile.ZipFile(path) as jar:
		for info in sorted(jar.infolist(), key=lambda i: i.filename):
			digest.update(info.filename.encode("ascii", "replace"))
			digest.update(jar.read(info))
	return digest.hexdigest()


def checksum(path: Path) -> str:
	"""Jar digest for jars (also when stored with the updater's -yyyyMMddHHmmss suffix), else plain SHA-1."""
	name = re.sub(r"-\d{14}$", "", path.name)
	return jar_checksum(path) if name.endswith(".jar") else file_checksum(path)


def managed_by_fiji(pom: Path = POM_SCIJAVA) -> set:
	"""groupId:artifactId pairs pom-scijava manages: the components Fiji ships (or pins); never ship a copy."""
	text = pom.read_text(encoding="utf-8")
	pairs = set()
	for dep in re.findall(r"<dependency>(.*?)</dependency>", text, re.S):
		g = re.search(r"<groupId>([^<]+)</groupId>", dep)
		a = re.search(r"<artifactId>([^<]+)</artifactId>", dep)
		if g and a:
			pairs.add(f"{g.group(1).strip()}:{a.group(1).strip()}")
	return pairs


def maven_coordinates(jar: Path):
	"""groupId:artifactId from the jar's pom.properties, or None when the jar carries none."""
	with zipfile.ZipFile(jar) as z:
		for name in sorted(z.namelist()):
			if name.startswith("META-INF/maven/") and name.endswith("/pom.properties"):
				props = dict(l.split("=", 1) for l in z.read(name).decode("utf-8", "replace").splitlines()
					if "=" in l and not l.startswith("#"))
				return f"{props.get('groupId', '').strip()}:{props.get('artifactId', '').strip()}"
	return None


def output_timestamp(pom: Path) -> str:
	"""The pom's project.build.outputTimestamp as the updater's yyyyMMddHHmmss (UTC)."""
	m = re.search(r"<project.build.outputTimestamp>([^<]+)<", pom.read_text(encoding="utf-8"))
	if not m:
		raise SystemExit(f"{pom}: no project.build.outputTimestamp; set one so the site is reproducible")
	when = datetime.fromisoformat(m.group(1).strip().replace("Z", "+00:00")).astimezone(timezone.utc)
	return when.strftime("%Y%m%d%H%M%S")


def plan(root: Path, fiji_managed: set):
	"""(Fiji path, source file) pairs to ship, and the (jar, coordinates) left out because Fiji has them."""
	target = root / "target"
	plugin = target / "unclip.jar"
	if not plugin.is_file():
		raise SystemExit(f"{plugin} is missing: run `mvn -B package -DskipTests` first")
	files = [("jars/unclip.jar", plugin)]
	skipped = []
	for jar in sorted((target / "lib").glob("*.jar")):
		coords = maven_coordinates(jar)
		if coords in fiji_managed:
			skipped.append((jar.name, coords))
		else:
			files.append((f"jars/{jar.name}", jar))
	macros = root / "macros"
	if macros.is_dir():
		for m in sorted(macros.glob("*.ijm")):
			files.append((f"macros/unclip/{m.name}", m))
	return files, skipped


def write_db(files, timestamp: str, out: Path):
	"""db.xml.gz: one <plugin> per file; the plugin jar depends on every shipped jar."""
	jars = [p for p, _ in files if p.endswith(".jar") and p != "jars/unclip.jar"]
	xml = io.StringIO()
	xml.write('<?xml version="1.0" encoding="UTF-8"?>\n<pluginRecords>\n')
	for fiji_path, src in files:
		xml.write(f" <plugin filename={quoteattr(fiji_path)}>\n")
		xml.write(f'  <version checksum="{checksum(src)}" timestamp="{timestamp}" filesize="{src.stat().st_size}"/>\n')
		if fiji_path == "jars/unclip.jar":
			xml.write("  <description>unCLIP for Fiji: text to image, variations, selection inpainting</description>\n")
			for dep in jars:
				xml.write(f"  <dependency filename={quoteattr(dep)} timestamp=\"{timestamp}\"/>\n")
		xml.write(" </plugin>\n")
	xml.write("</pluginRecords>\n")
	with open(out / "db.xml.gz", "wb") as raw:
		with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
			gz.write(xml.getvalue().encode("utf-8"))


def build(root: Path, out: Path, pom_scijava: Path = POM_SCIJAVA):
	files, skipped = plan(root, managed_by_fiji(pom_scijava))
	timestamp = output_timestamp(root / "pom.xml")
	if out.exists():
		shutil.rmtree(out)
	out.mkdir(parents=True)
	for fiji_path, src in files:
		dest = out / f"{fiji_path}-{timestamp}"
		dest.parent.mkdir(parents=True, exist_ok=True)
		shutil.copyfile(src, dest)
	write_db(files, timestamp, out)
	return files, skipped


def main(argv=None):
	ap = argparse.ArgumentParser(description=__doc__)
	ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
	ap.add_argument("--out", type=Path, default=None)
	args = ap.parse_args(argv)
	out = args.out or args.root / "target/update-site"
	files, skipped = build(args.root, out)
	total = sum(src.stat().st_size for _, src in files)
	for p, src in files:
		print(f"ship  {p:60s} {src.stat().st_size / 1e6:8.1f} MB")
	for name, coords in skipped:
		print(f"Fiji  {name:60s} ({coords}, shipped by Fiji)")
	print(f"update site: {out}  ({len(files)} files, {total / 1e6:.1f} MB download)")


if __name__ == "__main__":
	sys.exit(main())
