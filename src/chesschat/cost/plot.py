"""Monthly cost against games per day, one line per profile, with the break-evens marked.

Needs matplotlib (``pip install 'chesschat[plot]'``); it is imported when a plot is drawn,
so the rest of the cost model runs without it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from chesschat.cost.model import break_evens, month
from chesschat.cost.prices import AS_OF, PRICES, Prices
from chesschat.cost.profiles import Load, Profile, load_at

WIDTH, HEIGHT, DPI = 1000, 600, 100


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
