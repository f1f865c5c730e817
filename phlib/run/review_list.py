"""The review list: what a public build would refuse, and indicators without data.

`review_list(config, inputs, scorecard)` runs every function in `CHECKS` and returns their
`phlib.report.review.ReviewItem` values in order. `phreport check` on an internal build prints
them as warnings (exit 0) with counts per area and service; `phreport run` and `export` show
the same list on the index. To add a check, write a function taking (config, inputs,
scorecard) and returning items, and append it to `CHECKS`.
"""

from __future__ import annotations

from phlib.report.review import ReviewItem, counts, from_line
from phlib.run.checks import publication_blockers


def blocking(config, inputs, scorecard) -> list[ReviewItem]:
    """Everything a public build refuses (`phlib.run.checks.publication_blockers`)."""
    chosen = scorecard[scorecard["area"].isin(inputs.areas)]
    chosen = chosen[chosen["service"].isin(inputs.services)]
    return [from_line(line) for line in publication_blockers(config, inputs, chosen)]


def without_data(config, inputs, scorecard) -> list[ReviewItem]:
    """Indicators with no value for the quarter (they show N/A on their cards)."""
    rows = scorecard[scorecard["area"].isin(inputs.areas)]
    rows = rows[rows["service"].isin(inputs.services) & rows["current"].isna()]
    label = config.quarter.label
    return [
        ReviewItem(
            row.area,
            row.service,
            f"indicator {row.indicator_id} ({row.title}) has no data for {label}; add its "
            "values to the data files, or check its id and area",
            blocking=False,
        )
        for row in rows.itertuples()
    ]


CHECKS = [blocking, without_data]


def review_list(config, inputs, scorecard) -> list[ReviewItem]:
    """Every item of every check in `CHECKS`, sorted by area and service (stable)."""
    items = [item for check in CHECKS for item in check(config, inputs, scorecard)]
    order = {(a, s): i for i, (a, s) in enumerate((a, s) for a in inputs.areas
                                                    for s in inputs.services)}  # fmt: skip
    return sorted(items, key=lambda item: order.get((item.area, item.service), len(order)))


def review_lines(items) -> list[str]:
    """The list as `phreport check` prints it: one warning per item, then the counts."""
    if not items:
        return ["Nothing to review before publication."]
    lines = [f"warning: {item}" for item in items]
    stops = sum(1 for item in items if item.blocking)
    per = ", ".join(f"{c['area']}/{c['service']} {c['count']}" for c in counts(items))
    lines.append(
        f"To review: {len(items)} item(s), {stops} of them would stop a public build. "
        f"By area and service: {per}."
    )
    return lines
