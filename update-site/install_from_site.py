#!/usr/bin/env python3
"""Installs or updates an update site's files in a Fiji folder, as Fiji's updater would: read db.xml.gz from
the site URL; for each file of this platform whose local copy is missing or older, fetch
`<filename>-<timestamp>`, check size and checksum, write it as `<filename>` and remove an older copy under its
earlier name (a jar whose version went up); remove files the site made obsolete.

Used by the acceptance tests and handy for a headless install: install_from_site.py URL FIJI_DIR
"""
import gzip
import sys
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_site import checksum  # noqa: E402


def platform_here() -> str:
	"""The updater's name of this machine's platform (linux64, linux-arm64, macos-arm64, win64, ...)."""
	import platform
	system = {"Linux": "linux", "Darwin": "macos", "Windows": "win"}.get(platform.system(), platform.system().lower())
	arch = {"x86_64": "64", "AMD64": "64", "aarch64": "-arm64", "arm64": "-arm64"}.get(platform.machine(),
		"-" + platform.machine())
	return system + arch


def install(site_url: str, fiji_dir: Path, platform: str = None):
	"""Returns the Fiji paths written; raises ValueError naming the file whose size or checksum is wrong."""
	platform = platform or platform_here()
	base = site_url.rstrip("/") + "/"
	with urllib.request.urlopen(base + "db.xml.gz") as f:
		db = ET.fromstring(gzip.decompress(f.read()))
	installed = []
	for plugin in db.findall("plugin"):
		name, version = plugin.get("filename"), plugin.find("version")
		platforms = [p.text for p in plugin.findall("platform")]
		if platforms and platform not in platforms:
			continue
		previous = plugin.findall("previous-version")
		earlier = {p.get("filename") or name for p in previous} | {name}
		old_sums = {p.get("checksum") for p in previous}
		local = [n for n in sorted(earlier) if (fiji_dir / n).is_file()]
		if version is None:  # obsolete: remove what the site once shipped, keep what the user changed
			for n in local:
				if checksum(n, fiji_dir / n) in old_sums:
					(fiji_dir / n).unlink()
			continue
		if name in local and checksum(name, fiji_dir / name) == version.get("checksum"):
			continue
		with urllib.request.urlopen(base + f"{name}-{version.get('timestamp')}") as f:
			data = f.read()
		if len(data) != int(version.get("filesize")):
			raise ValueError(f"{name}: {len(data)} bytes, db.xml.gz says {version.get('filesize')}; rebuild the site")
		dest = fiji_dir / name
		dest.parent.mkdir(parents=True, exist_ok=True)
		partial = dest.with_name(dest.name + ".part")
		partial.write_bytes(data)
		if checksum(name, partial) != version.get("checksum"):
			partial.unlink()
			raise ValueError(f"{name}: checksum differs from db.xml.gz; rebuild the site")
		partial.replace(dest)
		for n in local:
			if n != name:
				(fiji_dir / n).unlink()
		installed.append(name)
	return installed



if __name__ == "__main__":
	if len(sys.argv) != 3:
		sys.exit("usage: install_from_site.py SITE_URL FIJI_DIR")
	for n in install(sys.argv[1], Path(sys.argv[2])):
		print("installed", n)
