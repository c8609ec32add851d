"""The official `openai` Python client against the real `serve` process (the built jar, the bundled model), on
loopback: generations, edits and variations, with `b64_json`, `url` and OpenAI's default, and OpenAI's model name
`dall-e-2`. Run by ./test.sh after the Java build (UNCLIP_JAR names the jar)."""
import base64
import io
import os
import re
import subprocess
import urllib.request
from pathlib import Path

import numpy as np
import openai
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[3]
KEY = "test-key-for-the-openai-client"


@pytest.fixture(scope="module")
def server():
	jar = Path(os.environ.get("UNCLIP_JAR", ROOT / "target" / "unclip.jar"))
	assert jar.is_file(), f"{jar} is missing: build it first (mvn -B package -DskipTests) or set UNCLIP_JAR"
	env = dict(os.environ, UNCLIP_API_KEY=KEY)
	proc = subprocess.Popen(["java", "-jar", str(jar), "serve", "--port", "0"], stdout=subprocess.PIPE,
		stderr=subprocess.PIPE, text=True, env=env)
	try:
		line, m = "", None
		for _ in range(20):  # the service may print other lines (its warm-up) before its address
			line = proc.stdout.readline()
			m = re.search(r"http://127\.0\.0\.1:(\d+)", line)
			if m or not line:
				break
		assert m, f"no address in {line!r}; stderr: {proc.stderr.read() if proc.poll() is not None else ''}"
		yield f"http://127.0.0.1:{m.group(1)}"
	finally:
		proc.terminate()
		proc.wait(timeout=30)


@pytest.fixture(scope="module")
def client(server):
	return openai.OpenAI(base_url=server + "/v1", api_key=KEY, max_retries=0, timeout=120)


def png(image: Image.Image) -> bytes:
	out = io.BytesIO()
	image.save(out, format="PNG")
	return out.getvalue()


def decoded(item, fmt):
	if fmt == "b64_json":
		assert item.url is None
		data = base64.b64decode(item.b64_json)
	else:
		assert item.url and item.url.startswith("http://127.0.0.1:"), item.url
		request = urllib.request.Request(item.url, headers={"Authorization": f"Bearer {KEY}"})
		with urllib.request.urlopen(request, timeout=30) as r:
			data = r.read()
	return Image.open(io.BytesIO(data))


@pytest.mark.parametrize("fmt", ["b64_json", "url", None])
def test_generations(client, fmt):
	kwargs = {} if fmt is None else {"response_format": fmt}
	result = client.images.generate(model="dall-e-2", prompt="a red circle on a blue background", n=2,
		size="256x256", **kwargs)
	assert len(result.data) == 2
	for item in result.data:
		image = decoded(item, fmt or "url")
		assert image.size == (256, 256)
	if fmt is None:
		assert result.data[0].b64_json, "without response_format both forms are sent"


@pytest.mark.parametrize("fmt", ["b64_json", "url"])
def test_edits_keep_the_unmasked_pixels(client, fmt):
	source = Image.new("RGB", (32, 32), (20, 40, 200))
	mask = Image.new("RGBA", (32, 32), (0, 0, 0, 255))
	mask.paste((0, 0, 0, 0), (8, 8, 24, 24))  # transparent = repaint, as OpenAI's masks
	result = client.images.edit(model="dall-e-2", image=("source.png", png(source), "image/png"),
		mask=("mask.png", png(mask), "image/png"), prompt="a yellow square", response_format=fmt)
	out = np.asarray(decoded(result.data[0], fmt).convert("RGB"))
	keep = np.asarray(mask)[:, :, 3] == 255
	assert (out[keep] == np.asarray(source)[keep]).all(), "pixels outside the mask changed"


@pytest.mark.parametrize("fmt", ["b64_json", "url"])
def test_variations(client, fmt):
	source = Image.new("RGB", (32, 32), (200, 30, 30))
	result = client.images.create_variation(model="dall-e-2", image=("source.png", png(source), "image/png"), n=1,
		response_format=fmt)
	assert decoded(result.data[0], fmt).size == (32, 32)


def test_a_wrong_key_and_an_unknown_model_are_openai_errors(server, client):
	with pytest.raises(openai.AuthenticationError):
		openai.OpenAI(base_url=server + "/v1", api_key="wrong", max_retries=0).images.generate(prompt="a")
	with pytest.raises(openai.NotFoundError) as e:
		client.images.generate(model="dall-e-9", prompt="a red circle")
	assert "dall-e-2" in str(e.value)
