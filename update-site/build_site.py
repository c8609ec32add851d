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


def file_checksum(fiji_path: str, path: Path) -> str:
	"""The updater's digest of a non-jar file: SHA-1 of its Fiji path (ASCII) followed by its bytes."""
	digest = hashlib.sha1(fiji_path.encode("ascii", "replace"))
	digest.update(path.read_bytes())
	return digest.hexdigest()


def skip_hashed_lines(data: bytes) -> bytes:
	"""The updater's .properties filter: a line starting with '#' loses everything up to its newline.

	Follows the updater's byte-by-byte state machine exactly, quirks included (a bare "#" line leaves
	the next line unfiltered), because the checksum must equal the one Fiji computes.
	"""
	pos = 0
	at_line_start = True
	out = bytearray()

	def read():
		nonlocal pos, at_line_start
		ch = data[pos] if pos < len(data) else -1
		pos += ch >= 0
		if at_line_start:
			if ch == 0x23:
				while True:
					ch = read()
					if ch == 0x0A or ch == -1:
						break
			else:
				at_line_start = False
		elif ch == 0x0A:
			at_line_start = True
		return ch

	while (ch := read()) != -1:
		out.append(ch)
	return bytes(out)


def jar_checksum(path: Path) -> str:
	"""The updater's current jar digest (getJarDigest with every filter on).

	SHA-1 over the entries sorted by name, each its name (ASCII) then its bytes; .properties files lose
	their '#' lines (build dates); META-INF/MANIFEST.MF keeps only lines that, upper-cased, start with
	"Main-Class:", which is never true, so a manifest contributes no bytes. Zip dates, order and
	compression do not count, so a rebuilt but unchanged jar is not offered as an update.
	"""
	digest = hashlib.sha1()
	with zipfile.ZipFile(path) as jar:
		for info in sorted(jar.infolist(), key=lambda i: i.filename):
			digest.update(info.filename.encode("ascii", "replace"))
			content = jar.read(info)
			if info.filename.endswith(".properties"):
				content = skip_hashed_lines(content)
			if info.filename == "META-INF/MANIFEST.MF":
				content = b""
			digest.update(content)
	return digest.hexdigest()


def checksum(fiji_path: str, path: Path) -> str:
	"""The checksum Fiji's updater records for a file installed at fiji_path."""
	return jar_checksum(path) if fiji_path.endswith(".jar") else file_checksum(fiji_path, path)


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


def artifact_id_of(file_name: str) -> str:
	"""'jna-5.14.0.jar' -> 'jna': the part of a Maven file name before its version."""
	return re.sub(r"-\d[^-]*(-.*)?\.jar$", "", file_name)


def output_timestamp(pom: Path) -> str:
	"""The pom's project.build.outputTimestamp as the updater's yyyyMMddHHmmss (UTC)."""
	m = re.search(r"<project.build.outputTimestamp>([^<]+)<", pom.read_text(encoding="utf-8"))
	if not m:
		raise SystemExit(f"{pom}: no project.build.outputTimestamp; set one so the site is reproducible")
	when = datetime.fromisoformat(m.group(1).strip().replace("Z", "+00:00")).astimezone(timezone.utc)
	return when.strftime("%Y%m%d%H%M%S")


# DJL's classifiers of pytorch-native-cpu and the updater's platform names for them (imagej-updater's
# Platforms: linux64, linux-arm64, macos-arm64, win64); Fiji installs a file with <platform> entries only there
NATIVE_PLATFORMS = {
	"linux-x86_64": "linux64",
	"linux-aarch64": "linux-arm64",
	"osx-aarch64": "macos-arm64",
	"win-x86_64": "win64",
}


def platform_of(fiji_path: str):
	"""The updater's platform of a native jar (by its classifier), or None for a jar every platform uses."""
	name = Path(fiji_path).name
	if not name.startswith("pytorch-native-"):
		return None
	for classifier, platform in NATIVE_PLATFORMS.items():
		if name.endswith(f"-{classifier}.jar"):
			return platform
	raise SystemExit(f"{name}: a native jar of no known platform (known: {', '.join(NATIVE_PLATFORMS)})")


def plan(root: Path, fiji_managed: set):
	"""(Fiji path, source file) pairs to ship, and the (jar, coordinates) left out because Fiji has them.

	Natives: the build's own (target/lib) plus those for the other platforms that update-site/fetch_natives.sh
	puts into target/natives, each shipped once and tagged with its platform.
	"""
	target = root / "target"
	plugin = target / "unclip-fiji.jar"  # the plugin jar without Class-Path (unclip.jar's is for `java -jar`)
	if not plugin.is_file():
		raise SystemExit(f"{plugin} is missing: run `mvn -B package -DskipTests` first")
	files = [("jars/unclip.jar", plugin)]
	skipped = []
	managed_ids = {pair.split(":", 1)[1] for pair in fiji_managed}
	natives = sorted((target / "natives").glob("pytorch-native-*.jar")) if (target / "natives").is_dir() else []
	lib_names = {j.name for j in (target / "lib").glob("*.jar")}
	for jar in sorted((target / "lib").glob("*.jar")) + [n for n in natives if n.name not in lib_names]:
		coords = maven_coordinates(jar)
		# jars without pom.properties (jna, for one) are matched on the artifactId in their file name
		by_name = coords is None and artifact_id_of(jar.name) in managed_ids
		if coords in fiji_managed or by_name:
			skipped.append((jar.name, coords or artifact_id_of(jar.name)))
		else:
			files.append((f"jars/{jar.name}", jar))
	macros = root / "macros"
	if macros.is_dir():
		for m in sorted(macros.glob("*.ijm")):
			files.append((f"macros/unclip/{m.name}", m))
	return files, skipped


DTD_ELEMENTS = [
	"<!ELEMENT pluginRecords ((update-site | disabled-update-site)*, plugin*)>",
	"<!ELEMENT update-site EMPTY>",
	"<!ELEMENT disabled-update-site EMPTY>",
	"<!ELEMENT plugin (platform*, category*, version?, previous-version*)>",
	"<!ELEMENT version (description?, dependency*, link*, author*)>",
	"<!ELEMENT previous-version EMPTY>",
	"<!ELEMENT description (#PCDATA)>",
	"<!ELEMENT dependency EMPTY>",
	"<!ELEMENT link (#PCDATA)>",
	"<!ELEMENT author (#PCDATA)>",
	"<!ELEMENT platform (#PCDATA)>",
	"<!ELEMENT category (#PCDATA)>",
	"<!ATTLIST plugin update-site CDATA #IMPLIED>",
	"<!ATTLIST plugin filename CDATA #REQUIRED>",
	"<!ATTLIST plugin executable CDATA #IMPLIED>",
	"<!ATTLIST dependency filename CDATA #REQUIRED>",
	"<!ATTLIST dependency timestamp CDATA #IMPLIED>",
	"<!ATTLIST dependency overrides CDATA #IMPLIED>",
	"<!ATTLIST version timestamp CDATA #REQUIRED>",
	"<!ATTLIST version checksum CDATA #REQUIRED>",
	"<!ATTLIST version filesize CDATA #REQUIRED>",
	"<!ATTLIST previous-version filename CDATA #IMPLIED>",
	"<!ATTLIST previous-version timestamp CDATA #REQUIRED>",
	"<!ATTLIST previous-version timestamp-obsolete CDATA #IMPLIED>",
	"<!ATTLIST previous-version checksum CDATA #REQUIRED>",
]


class Version:
	"""One version of a file on the site: its checksum and timestamp, and its Fiji path when it differs."""

	def __init__(self, checksum: str, timestamp: str, filename: str = None, obsolete: str = None):
		self.checksum, self.timestamp, self.filename, self.obsolete = checksum, timestamp, filename, obsolete


class Record:
	"""A <plugin> of db.xml.gz: the current version (None once the file left the site) and the earlier ones."""

	def __init__(self, filename: str, current: Version = None, filesize: int = 0, previous=None,
		platforms=None, dependencies=None, description: str = None):
		self.filename, self.current, self.filesize = filename, current, filesize
		self.previous = list(previous or [])
		self.platforms = list(platforms or [])
		self.dependencies = list(dependencies or [])
		self.description = description


def read_db(site: Path):
	"""The records of an existing site (empty when it has no db.xml.gz yet)."""
	db = site / "db.xml.gz"
	if not db.is_file():
		return {}
	import xml.etree.ElementTree as ET
	root = ET.fromstring(gzip.decompress(db.read_bytes()))
	records = {}
	for p in root.findall("plugin"):
		v = p.find("version")
		current = None if v is None else Version(v.get("checksum"), v.get("timestamp"))
		previous = [Version(q.get("checksum"), q.get("timestamp"), q.get("filename"), q.get("timestamp-obsolete"))
			for q in p.findall("previous-version")]
		deps = [] if v is None else [(d.get("filename"), d.get("timestamp")) for d in v.findall("dependency")]
		desc = None if v is None or v.find("description") is None else v.find("description").text
		records[p.get("filename")] = Record(p.get("filename"), current, int(v.get("filesize")) if v is not None
			else 0, previous, [x.text for x in p.findall("platform")], deps, desc)
	return records


def unversioned(fiji_path: str) -> str:
	"""A key that is equal for two versions of the same file: the path without its Maven version."""
	return re.sub(r"-\d[^/]*?(?=(-(linux|osx|win)-[a-z0-9_]+)?\.jar$)", "", fiji_path)


def release(files, timestamp: str, old: dict):
	"""The records of a release of `files` on top of the site's `old` records, as the updater expects them:
	an unchanged file keeps its version (so it is not offered again); a changed one gets this release's
	timestamp and its old current version becomes a <previous-version> (with its old Fiji path when the name
	changed, e.g. a jar whose version went up); a file the release no longer ships keeps only previous
	versions, so Fiji marks it obsolete and removes it."""
	by_key = {}
	for name, rec in old.items():
		by_key.setdefault(unversioned(name), rec)
	records = {}
	jars = [p for p, _ in files if p.endswith(".jar") and p != "jars/unclip.jar" and platform_of(p) is None]
	for fiji_path, src in files:
		sum_now = checksum(fiji_path, src)
		before = by_key.pop(unversioned(fiji_path), None)
		rec = Record(fiji_path, None, src.stat().st_size, [] if before is None else before.previous,
			[] if platform_of(fiji_path) is None else [platform_of(fiji_path)])
		if before is not None and before.current is not None and before.current.checksum == sum_now:
			rec.current = before.current
			rec.filename = before.filename if before.filename == fiji_path else fiji_path
		else:
			if before is not None and before.current is not None:
				if int(before.current.timestamp) >= int(timestamp):
					raise SystemExit(f"{fiji_path} changed but this release's timestamp {timestamp} is not newer "
						f"than the site's {before.current.timestamp}: raise project.build.outputTimestamp in pom.xml")
				rec.previous.append(Version(before.current.checksum, before.current.timestamp,
					before.filename if before.filename != fiji_path else None))
			rec.current = Version(sum_now, timestamp)
		if fiji_path == "jars/unclip.jar":
			rec.description = "unCLIP for Fiji: text to image, variations, selection inpainting"
			stamps = {}
			for dep in jars:
				prior = old.get(dep)
				stamps[dep] = timestamp if prior is None or prior.current is None else prior.current.timestamp
			rec.dependencies = [(dep, stamps[dep]) for dep in jars]
		records[fiji_path] = rec
	for rec in by_key.values():  # left the site: obsolete
		if rec.current is not None:
			rec.previous.append(Version(rec.current.checksum, rec.current.timestamp, None, timestamp))
			rec.current = None
		records[rec.filename] = rec
	return records


def write_db(records, out: Path):
	"""db.xml.gz in the updater's layout: inline DTD, <plugin filename> with its platforms, one <version>
	(description, dependencies) and its <previous-version>s."""
	xml = io.StringIO()
	xml.write('<?xml version="1.0" encoding="UTF-8"?>\n')
	xml.write("<!DOCTYPE pluginRecords [\n" + "\n".join(DTD_ELEMENTS) + "]>\n")
	xml.write("<pluginRecords>\n")
	for name in sorted(records):
		rec = records[name]
		xml.write(f"    <plugin filename={quoteattr(rec.filename)}>\n")
		for platform in rec.platforms:
			xml.write(f"        <platform>{escape(platform)}</platform>\n")
		if rec.current is not None:
			xml.write(f'        <version checksum="{rec.current.checksum}" timestamp="{rec.current.timestamp}"'
				f' filesize="{rec.filesize}"')
			if rec.description or rec.dependencies:
				xml.write(">\n")
				if rec.description:
					xml.write(f"            <description>{escape(rec.description)}</description>\n")
				for dep, stamp in rec.dependencies:
					xml.write(f"            <dependency filename={quoteattr(dep)} timestamp=\"{stamp}\"/>\n")
				xml.write("        </version>\n")
			else:
				xml.write("/>\n")
		for v in rec.previous:
			attrs = f' timestamp="{v.timestamp}" checksum="{v.checksum}"'
			if v.filename:
				attrs = f" filename={quoteattr(v.filename)}" + attrs
			if v.obsolete:
				attrs += f' timestamp-obsolete="{v.obsolete}"'
			xml.write(f"        <previous-version{attrs}/>\n")
		xml.write("    </plugin>\n")
	xml.write("</pluginRecords>\n")
	with open(out / "db.xml.gz", "wb") as raw:
		with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
			gz.write(xml.getvalue().encode("utf-8"))


def write_cli_zip(root: Path, out_zip: Path, timestamp: str):
	"""unclip-cli.zip: unclip.jar plus lib/ (every runtime jar), run as `java -jar unclip/unclip.jar`.

	Entries are sorted, dated with the output timestamp and given fixed permissions: same inputs, same bytes.
	"""
	target = root / "target"
	members = [("unclip/unclip.jar", target / "unclip.jar")]
	members += [(f"unclip/lib/{j.name}", j) for j in sorted((target / "lib").glob("*.jar"))]
	t = timestamp
	date = (int(t[0:4]), int(t[4:6]), int(t[6:8]), int(t[8:10]), int(t[10:12]), int(t[12:14]))
	out_zip.parent.mkdir(parents=True, exist_ok=True)
	with zipfile.ZipFile(out_zip, "w", compression=zipfile.ZIP_STORED) as z:
		for name, src in members:
			info = zipfile.ZipInfo(name, date_time=date)
			info.external_attr = 0o644 << 16
			info.create_system = 3
			with open(src, "rb") as f:
				z.writestr(info, f.read())
	return out_zip


def build(root: Path, out: Path, pom_scijava: Path = POM_SCIJAVA, site: Path = None, timestamp: str = None):
	"""Writes the site into `out`: from scratch, or (with `site`, usually the same folder) as the next release
	of that site, keeping its earlier files and versions. Returns the shipped files and the skipped jars."""
	files, skipped = plan(root, managed_by_fiji(pom_scijava))
	timestamp = timestamp or output_timestamp(root / "pom.xml")
	old = read_db(site) if site is not None else {}
	records = release(files, timestamp, old)
	if site is None or site.resolve() != out.resolve():
		if out.exists():
			shutil.rmtree(out)
		if site is not None:
			shutil.copytree(site, out)
	out.mkdir(parents=True, exist_ok=True)
	for fiji_path, src in files:
		dest = out / f"{fiji_path}-{records[fiji_path].current.timestamp}"
		dest.parent.mkdir(parents=True, exist_ok=True)
		if not dest.exists():
			shutil.copyfile(src, dest)
	write_db(records, out)
	return files, skipped


def main(argv=None):
	ap = argparse.ArgumentParser(description=__doc__)
	ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
	ap.add_argument("--out", type=Path, default=None)
	ap.add_argument("--site", type=Path, default=None,
		help="an existing site to release into (its files and versions are kept); default: a new site in --out")
	ap.add_argument("--cli-zip", type=Path, default=None, help="default: target/unclip-cli.zip")
	args = ap.parse_args(argv)
	out = args.out or args.site or args.root / "target/update-site"
	files, skipped = build(args.root, out, site=args.site)
	total = sum(src.stat().st_size for _, src in files)
	for p, src in files:
		print(f"ship  {p:60s} {src.stat().st_size / 1e6:8.1f} MB")
	for name, coords in skipped:
		print(f"Fiji  {name:60s} ({coords}: managed by pom-scijava, Fiji provides its own)")
	cli = write_cli_zip(args.root, args.cli_zip or args.root / "target/unclip-cli.zip",
		output_timestamp(args.root / "pom.xml"))
	print(f"service/CLI zip: {cli} ({cli.stat().st_size / 1e6:.1f} MB)")
	print(f"update site: {out}  ({len(files)} files, {total / 1e6:.1f} MB download)")


if __name__ == "__main__":
	sys.exit(main())
