"""docs/cost.md shows the figures the model gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from chesschat.cost.model import month
from chesschat.cost.profiles import LOADS, PROFILES, SEED
from tests.cost.test_model import MARCH

DOC = Path(__file__).resolve().parents[2] / "docs" / "cost.md"


def rows(cells: int) -> dict[str, list[str]]:
    """Table rows with ``cells`` cells, by their first cell (bold marks dropped)."""
    found = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        parts = [p.strip().strip("*").replace(",", "") for p in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(parts) == cells:
            found[parts[0]] = parts[1:]
    return found


def test_reproduced_bill_table_is_the_models() -> None:
    bill = month(SEED, LOADS["idle"]).by_service()
    table = rows(5)
    for service, billed in MARCH.items():
        assert float(table[service][0]) == billed
        assert float(table[service][1]) == pytest.approx(bill[service], abs=0.005), service
    assert float(table["Total"][1]) == pytest.approx(sum(bill.values()), abs=0.005)


def test_profile_tables_are_the_models() -> None:
    table = rows(4)
    bills = [month(PROFILES[name], LOADS["idle"]) for name in ("seed", "lean", "scale")]
    for service in {s for b in bills for s in b.by_service()}:
        for bill, cell in zip(bills, table[service], strict=True):
            expected = bill.by_service().get(service)
            assert cell == ("—" if expected is None else f"{expected:.2f}"), service
    assert table["Total"] == [f"{b.total_usd:.2f}" for b in bills]
    for load in LOADS:
        (row,) = [cells for first, cells in table.items() if first.startswith(f"{load}:")]
        assert row == [f"{month(PROFILES[n], LOADS[load]).total_usd:.2f}" for n in ("seed", "lean", "scale")]
