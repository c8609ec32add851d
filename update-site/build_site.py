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


def plan(root: Path, fiji_managed: set):
	"""(Fiji path, source file) pairs to ship, and the (jar, coordinates) left out because Fiji has them."""
	target = root / "target"
	plugin = target / "unclip-fiji.jar"  # the plugin jar without Class-Path (unclip.jar's is for `java -jar`)
	if not plugin.is_file():
		raise SystemExit(f"{plugin} is missing: run `mvn -B package -DskipTests` first")
	files = [("jars/unclip.jar", plugin)]
	skipped = []
	managed_ids = {pair.split(":", 1)[1] for pair in fiji_managed}
	for jar in sorted((target / "lib").glob("*.jar")):
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


def write_db(files, timestamp: str, out: Path):
	"""db.xml.gz in the updater's layout: inline DTD, <plugin filename> holding one <version> that holds
	the description and the dependencies; the plugin jar depends on every shipped jar."""
	jars = [p for p, _ in files if p.endswith(".jar") and p != "jars/unclip.jar"]
	xml = io.StringIO()
	xml.write('<?xml version="1.0" encoding="UTF-8"?>\n')
	xml.write("<!DOCTYPE pluginRecords [\n" + "\n".join(DTD_ELEMENTS) + "]>\n")
	xml.write("<pluginRecords>\n")
	for fiji_path, src in files:
		xml.write(f"    <plugin filename={quoteattr(fiji_path)}>\n")
		xml.write(f'        <version checksum="{checksum(fiji_path, src)}" timestamp="{timestamp}"'
			f' filesize="{src.stat().st_size}"')
		if fiji_path == "jars/unclip.jar":
			xml.write(">\n        <description>unCLIP for Fiji: text to image, variations, selection"
				" inpainting</description>\n")
			for dep in jars:
				xml.write(f"            <dependency filename={quoteattr(dep)} timestamp=\"{timestamp}\"/>\n")
			xml.write("        </version>\n")
		else:
			xml.write("/>\n")
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
	ap.add_argument("--cli-zip", type=Path, default=None, help="default: target/unclip-cli.zip")
	args = ap.parse_args(argv)
	out = args.out or args.root / "target/update-site"
	files, skipped = build(args.root, out)
	total = sum(src.stat().st_size for _, src in files)
	for p, src in files:
		print(f"ship  {p:60s} {src.stat().st_size / 1e6:8.1f} MB")
	for name, coords in skipped:
		print(f"Fiji  {name:60s} ({coords}, shipped by Fiji)")
	cli = write_cli_zip(args.root, args.cli_zip or args.root / "target/unclip-cli.zip",
		output_timestamp(args.root / "pom.xml"))
	print(f"service/CLI zip: {cli} ({cli.stat().st_size / 1e6:.1f} MB)")
	print(f"update site: {out}  ({len(files)} files, {total / 1e6:.1f} MB download)")


if __name__ == "__main__":
	sys.exit(main())
