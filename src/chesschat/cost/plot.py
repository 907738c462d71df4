"""Monthly cost against games per day, one line per profile, with the break-evens marked.

Needs matplotlib (``pip install 'chesschat[plot]'``); it is imported when a plot is drawn,
so the rest of the cost model runs without it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from chesschat.cost.model import (
    chime_turn_break_even_hours,
    endpoint_nat_break_even_gb,
    games_per_day_for_api_gb,
    games_per_day_for_video_hours,
    month,
)
from chesschat.cost.prices import AS_OF, PRICES, Prices
from chesschat.cost.profiles import Load, Profile, load_at
from chesschat.cost.tfvars import TURN_INSTANCE_TYPE

WIDTH, HEIGHT, DPI = 1000, 600, 100


def break_evens(like: Load, with_endpoints: Profile, prices: Prices = PRICES) -> dict[str, float]:
    """Games per day at which Chime costs what a TURN server does, and at which interface
    endpoints cost what NAT gateway data processing of the same traffic does."""
    hours = chime_turn_break_even_hours(TURN_INSTANCE_TYPE, like.turn_share, prices)
    gb = endpoint_nat_break_even_gb(with_endpoints, prices)
    return {
        "chime_vs_turn": games_per_day_for_video_hours(hours, like),
        "endpoints_vs_nat": games_per_day_for_api_gb(gb, like),
    }


def draw(path: Path, profiles: Iterable[Profile], like: Load, with_endpoints: Profile, prices: Prices = PRICES) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    marks = break_evens(like, with_endpoints, prices)
    top = max(marks.values()) * 3
    games = [0.1 * (top / 0.1) ** (i / 199) for i in range(200)]
    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for profile in profiles:
        costs = [month(profile, load_at(g, like), prices).total_usd for g in games]
        axes.plot(games, costs, label=profile.name)
    labels = {
        "chime_vs_turn": "Chime = TURN server",
        "endpoints_vs_nat": f"endpoints = NAT data ({with_endpoints.name})",
    }
    for key, at in marks.items():
        axes.axvline(at, linestyle="--", color="grey", linewidth=1)
        # A label right of its line, or left of it in the right half of the axis.
        right_half = at > (0.1 * top) ** 0.5
        axes.annotate(
            f"{labels[key]}\n{at:,.0f} games/day",
            (at, 0.02),
            xycoords=("data", "axes fraction"),
            xytext=(-4 if right_half else 4, 0),
            textcoords="offset points",
            horizontalalignment="right" if right_half else "left",
            fontsize=8,
        )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel(
        f"games per day ({like.video_minutes_per_game:g} min of video each, {like.turn_share:.0%} via TURN)"
    )
    axes.set_ylabel("USD per month")
    axes.set_title(f"ChessChat on AWS, us-east-1 list prices of {AS_OF}")
    axes.grid(True, which="major", linewidth=0.5)
    axes.legend()
    figure.savefig(path, dpi=DPI, format="png")
