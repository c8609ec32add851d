"""Provenance commands carry no path of the machine that made a bundle."""
from pathlib import Path

from unclip_tools.provenance import command_line


def test_absolute_paths_become_relative_to_where_the_command_runs(tmp_path):
    here = tmp_path / "models" / "tools"
    here.mkdir(parents=True)
    line = command_line(["train", "--run", "shapes", "--resume", str(tmp_path / "models/runs/a/checkpoint.pt"),
                         f"--out={tmp_path / 'models/shapes-tiny'}", "--note", "two words"], cwd=here)
    assert line == ("python -m unclip_tools train --run shapes --resume ../runs/a/checkpoint.pt "
                    "--out=../shapes-tiny --note 'two words'")
    assert str(tmp_path) not in line


def test_the_recorded_line_names_the_module_not_the_file_that_ran():
    line = command_line(["export", "--random", "--out", "x"], cwd=Path.cwd())
    assert line.startswith("python -m unclip_tools export ") and "__main__.py" not in line
