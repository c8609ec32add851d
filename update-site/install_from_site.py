#!/usr/bin/env python3
"""Installs every file of an update site into a Fiji folder, as Fiji's updater would: read db.xml.gz from
the site URL, fetch `<filename>-<timestamp>`, check size and checksum, write it as `<filename>`.

Used by the acceptance tests and handy for a headless install: install_from_site.py URL FIJI_DIR
"""
import gzip
import sys
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_site import checksum  # noqa: E402


def install(site_url: str, fiji_dir: Path):
	"""Returns the Fiji paths installed; raises ValueError naming the file whose size or checksum is wrong."""
	base = site_url.rstrip("/") + "/"
	with urllib.request.urlopen(base + "db.xml.gz") as f:
		db = ET.fromstring(gzip.decompress(f.read()))
	installed = []
	for plugin in db.findall("plugin"):
		name, version = plugin.get("filename"), plugin.find("version")
		with urllib.request.urlopen(base + f"{name}-{version.get('timestamp')}") as f:
			data = f.read()
		dest = fiji_dir / name
		dest.parent.mkdir(parents=True, exist_ok=True)
		dest.write_bytes(data)
		if len(data) != int(version.get("filesize")):
			raise ValueError(f"{name}: {len(data)} bytes, db.xml.gz says {version.get('filesize')}; rebuild the site")
		if checksum(name, dest) != version.get("checksum"):
			raise ValueError(f"{name}: checksum differs from db.xml.gz; rebuild the site")
		installed.append(name)
	return installed


if __name__ == "__main__":
	if len(sys.argv) != 3:
		sys.exit("usage: install_from_site.py SITE_URL FIJI_DIR")
	for n in install(sys.argv[1], Path(sys.argv[2])):
		print("installed", n)
