"""``chesschat cost``: the text table, the JSON shape, the tfvars input and the plot."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from chesschat.cli.main import main
from chesschat.cost import plot

ROOT = Path(__file__).resolve().parents[2]
SEED_ROWS = [
    "VPC Interface Endpoints",
    "NAT Gateway",
    "ElastiCache Redis",
    "ALB",
    "Domain registrar",
    "Public IPv4 addresses",
    "ECS Fargate",
    "CloudWatch",
    "Other",
]


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["cost", "--json", *args]) == 0
    return dict(orjson.loads(capsys.readouterr().out))


def test_json_is_the_bill_by_line_with_the_seeds_rows(capsys: pytest.CaptureFixture[str]) -> None:
    bill = run_json(capsys, "--profile", "seed", "--load", "idle")
    assert set(bill) == {"profile", "load", "total_usd", "fixed_usd", "variable_usd", "lines"}
    assert bill["profile"] == "seed"
    lines = bill["lines"]
    assert isinstance(lines, list)
    assert all(set(line) == {"service", "usd", "fixed", "detail"} for line in lines)
    assert list(dict.fromkeys(line["service"] for line in lines)) == SEED_ROWS
    assert bill["total_usd"] == pytest.approx(212.25, rel=0.01)
    assert bill["total_usd"] == pytest.approx(bill["fixed_usd"] + bill["variable_usd"], abs=1e-3)  # type: ignore[operator]
    assert bill["load"] == {
        "games_per_day": 0.1,
        "video_minutes_per_game": 3,
        "turn_share": 0.15,
        "peak_players": 2,
        "moves_per_game": 40,
    }


def test_load_options_override_the_preset(capsys: pytest.CaptureFixture[str]) -> None:
    quiet = run_json(capsys, "--profile", "lean", "--load", "club")
    busier = run_json(capsys, "--profile", "lean", "--load", "club", "--games-per-day", "400", "--video-minutes", "30")
    assert busier["load"]["games_per_day"] == 400  # type: ignore[index]
    assert busier["total_usd"] > quiet["total_usd"]  # type: ignore[operator]


def test_tfvars_file_is_priced_like_its_profile(capsys: pytest.CaptureFixture[str]) -> None:
    lean = run_json(capsys, "--profile", "lean", "--load", "busy")
    from_file = run_json(
        capsys, "--tfvars", str(ROOT / "terraform/environments/lean/terraform.tfvars"), "--load", "busy"
    )
    assert from_file["lines"] == lean["lines"]


def test_unreadable_tfvars_is_an_error_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.tfvars"
    bad.write_text("nat_gateway_mode = ", encoding="utf-8")
    assert main(["cost", "--tfvars", str(bad)]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_type_the_price_table_lacks_is_an_error_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tfvars = tmp_path / "big.tfvars"
    tfvars.write_text('redis_node_type = "cache.r7g.16xlarge"\n', encoding="utf-8")
    assert main(["cost", "--tfvars", str(tfvars)]) == 2
    assert "cache.r7g.16xlarge" in capsys.readouterr().err


def test_text_table_has_a_row_per_service_and_the_total(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", "--profile", "seed", "--load", "idle"]) == 0
    out = capsys.readouterr().out
    for row in SEED_ROWS:
        assert any(line.startswith(row) for line in out.splitlines()), row
    (total,) = [line for line in out.splitlines() if line.startswith("total")]
    assert total.split()[-1] == "212.35"
    assert "break-evens" in out


def test_plot_is_a_png_of_the_designed_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cost.png"
    assert main(["cost", "--profile", "lean", "--load", "club", "--plot", str(path)]) == 0
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (plot.WIDTH, plot.HEIGHT)


def test_the_cli_and_the_model_load_without_matplotlib() -> None:
    code = (
        "import sys; import chesschat.cli.main, chesschat.cost.plot, chesschat.cost.model; "
        "sys.exit('matplotlib' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
