"""Tests of the update-site builder: checksum vectors, the built site read back, reproducibility."""
import gzip
import hashlib
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import build_site  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def tiny_jar(path: Path, order):
	with zipfile.ZipFile(path, "w") as z:
		for name in order:
			info = zipfile.ZipInfo(name, date_time=(2020 if name == "b.txt" else 1999, 1, 1, 0, 0, 0))
			z.writestr(info, {"a.txt": b"alpha\n", "b.txt": b"beta\n"}[name])
	return path


def test_text_file_checksum_is_plain_sha1(tmp_path):
	f = tmp_path / "hello.ijm"
	f.write_bytes(b"hello\n")
	# expected from coreutils: printf 'hello\n' | sha1sum
	assert build_site.checksum(f) == "f572d396fae9206628714fb2ce00f72e94f2258f"


def test_jar_checksum_vector_and_order_independence(tmp_path):
	one = tiny_jar(tmp_path / "one.jar", ["a.txt", "b.txt"])
	two = tiny_jar(tmp_path / "two.jar", ["b.txt", "a.txt"])
	# expected from coreutils: printf 'a.txtalpha\nb.txtbeta\n' | sha1sum (names then bytes, sorted by name)
	expected = subprocess.run(["sha1sum"], input=b"a.txtalpha\nb.txtbeta\n", capture_output=True,
		check=True).stdout.split()[0].decode()
	assert build_site.checksum(one) == expected
	assert build_site.checksum(two) == expected
	assert build_site.checksum(one) != hashlib.sha1(one.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
	if not (ROOT / "target/unclip.jar").is_file():
		pytest.skip("run `mvn -B package -DskipTests` first: target/unclip.jar is missing")
	out = tmp_path_factory.mktemp("site")
	build_site.build(ROOT, out)
	return out


def test_site_reads_back(site):
	with gzip.open(site / "db.xml.gz") as f:
		db = ET.parse(f).getroot()
	fiji = build_site.managed_by_fiji()
	plugins = db.findall("plugin")
	names = {p.get("filename") for p in plugins}
	assert "jars/unclip.jar" in names
	for p in plugins:
		v = p.find("version")
		ts = v.get("timestamp")
		assert len(ts) == 14 and ts.isdigit()
		stored = site / f"{p.get('filename')}-{ts}"
		assert stored.is_file(), stored
		assert int(v.get("filesize")) == stored.stat().st_size
		assert build_site.checksum(stored) == v.get("checksum")
		if stored.name.endswith(".jar-" + ts) or ".jar-" in stored.name:
			assert build_site.maven_coordinates(stored) not in fiji, f"{stored.name} duplicates a Fiji jar"
		for dep in p.findall("dependency"):
			assert dep.get("filename") in names and dep.get("timestamp").isdigit()
	assert not any("scijava-common" in n or "/ij-" in n or "gson" in n or "imglib2" in n for n in names)


def test_same_inputs_same_bytes(site, tmp_path):
	again = tmp_path / "again"
	build_site.build(ROOT, again)
	first = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
	second = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
	assert first == second
	for rel in first:
		assert (site / rel).read_bytes() == (again / rel).read_bytes(), rel
