"""Generate a national sample project: every upper-tier authority in England, synthetic.

    python scripts/national.py                  # writes national/ (152 areas; gitignored)
    python scripts/national.py --out DIR --areas 30 --since 2021-04
    phreport --project national run 2022-23-Q3 [--cluster local]

The project gets the workbook's notebooks and catalogue, a parameter file for `QUARTER` with
every area and service, `data/areas.csv` (made-up names and codes, one per upper-tier
authority: England has 152 of them in the sample's years) and `data/observations.csv`. Each
area's figures are the sample data of Cambridgeshire or Peterborough (alternately) from
`--since` on, scaled by a size and a performance factor that follow from the area's number:
counts grow with size, percentages move with performance and stay consistent with their
numerators and denominators. No narratives are written (every section shows as missing).
The same arguments always give the same bytes.

>>> [a.key for a in national_areas(3)], national_areas(152)[-1].name
(['ashby', 'ashford', 'ashton'], 'Wold Vale')
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUARTER = "2022-23-Q3"
AREAS = 152
SINCE = "2021-04"
STEMS = ("Ash", "Bark", "Calder", "Dun", "Elm", "Fen", "Glen", "Hart", "Ivy", "Kings",
         "Lark", "Mill", "Nor", "Oak", "Pen", "Rook", "Stan", "Thorn", "Wold")  # fmt: skip
FORMS = ("{}by", "{}ford", "{}ton", "{}bury", "{}ham", "{}field", "{}en", "{} Vale")
TEMPLATES = ("cambridgeshire", "peterborough")
TITLE = "Public Health and Adult Social Care Performance Report (national sample)"


@dataclass(frozen=True)
class Area:
    key: str
    name: str
    code: str
    template: str
    size: float  # counts scale with this
    performance: float  # percentages and rates scale with this


def _fraction(text: str) -> float:
    """A number in [0, 1) that follows from `text` alone."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) / 16**8


def national_areas(count: int = AREAS) -> list[Area]:
    """`count` made-up authorities (at most len(STEMS) x len(FORMS) = 152), in name order."""
    names = [form.format(stem) for stem in STEMS for form in FORMS][:count]
    if len(names) < count:
        raise SystemExit(f"at most {len(STEMS) * len(FORMS)} areas can be made")
    areas = []
    for number, name in enumerate(names):
        key = name.lower().replace(" ", "_")
        areas.append(
            Area(
                key=key,
                name=name,
                code=f"E69{number + 1:06d}",
                template=TEMPLATES[number % 2],
                size=round(0.5 + 2.5 * _fraction(f"size:{key}"), 3),
                performance=round(0.9 + 0.2 * _fraction(f"performance:{key}"), 3),
            )
        )
    return areas


def _number(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def scaled(row: dict, unit: str, area: Area) -> dict:
    """One observation of the template area, made into `area`'s."""
    out = dict(row, area=area.key)
    value, num, den = (row.get(k, "") for k in ("value", "numerator", "denominator"))
    if unit == "count":
        for column in ("value", "numerator", "denominator", "target"):
            if row.get(column, "") != "":
                out[column] = str(round(float(row[column]) * area.size))
        return out
    if num != "" and den != "" and float(den) > 0:
        new_den = max(1, round(float(den) * area.size))
        new_num = min(new_den, round(float(num) * area.size * area.performance))
        out["denominator"], out["numerator"] = str(new_den), str(new_num)
        factor = 100 if unit == "percent" else (100000 if unit == "per_100000" else 1000)
        if value != "":
            out["value"] = _number(new_num / new_den * factor, 2)
        return out
    if value != "":
        new = float(value) * area.performance
        out["value"] = _number(min(new, 100.0) if unit == "percent" else new, 2)
    return out


def observations(source: Path, units: dict[str, str], areas: list[Area], since: str) -> str:
    """`data/observations.csv` of the national project, as text."""
    with open(source, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        rows = [r for r in reader if r["period"][:7] >= since]
    by_template: dict[str, list[dict]] = {t: [] for t in TEMPLATES}
    for row in rows:
        if row["area"] in by_template:
            by_template[row["area"]].append(row)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for area in areas:
        for row in by_template[area.template]:
            writer.writerow(scaled(row, units.get(row["indicator_id"], ""), area))
    return buffer.getvalue()


def parameter_file(quarter: str, areas: list[Area], services: list[str]) -> str:
    return (
        f"quarter: {quarter}\n"
        f"title: {TITLE}\n"
        f"areas: [{', '.join(a.key for a in areas)}]\n"
        f"services: [{', '.join(services)}]\n"
        "data:\n"
        "  catalogue: data/catalogue.csv\n"
        "  areas: data/areas.csv\n"
        "  observations: [data/observations.csv]\n"
        "publication: internal\n"
        "suppression: {min: 1, max: 4}\n"
    )


def services_of(parameters: Path) -> list[str]:
    for line in parameters.read_text(encoding="utf-8").splitlines():
        if line.startswith("services:"):
            return [s.strip() for s in line.split("[", 1)[1].rstrip("]").split(",")]
    raise SystemExit(f"{parameters} has no services line")


def generate(out: Path, count: int = AREAS, since: str = SINCE, quarter: str = QUARTER,
             services: list[str] | None = None) -> list[Area]:  # fmt: skip
    """Write the national project into `out` (its inputs are replaced, outputs kept)."""
    areas = national_areas(count)
    services = services or services_of(ROOT / "parameters" / f"{QUARTER}.yaml")
    for name in ("notebooks", "parameters", "data", "narratives"):
        shutil.rmtree(out / name, ignore_errors=True)
    shutil.copytree(ROOT / "notebooks", out / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))  # fmt: skip
    (out / "parameters").mkdir(parents=True)
    (out / "narratives").mkdir()
    (out / "data").mkdir()
    shutil.copy(ROOT / "data" / "catalogue.csv", out / "data" / "catalogue.csv")
    with open(ROOT / "data" / "catalogue.csv", newline="", encoding="utf-8") as handle:
        units = {r["indicator_id"]: r["unit"] for r in csv.DictReader(handle)}
    lines = ["area,name,ons_code"] + [f"{a.key},{a.name},{a.code}" for a in areas]
    (out / "data" / "areas.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = observations(ROOT / "data" / "observations.csv", units, areas, since)
    (out / "data" / "observations.csv").write_text(text, encoding="utf-8")
    (out / "parameters" / f"{quarter}.yaml").write_text(
        parameter_file(quarter, areas, services), encoding="utf-8"
    )
    return areas


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "national", help="the project folder")
    parser.add_argument("--areas", type=int, default=AREAS, help=f"how many (1-{AREAS})")
    parser.add_argument("--since", default=SINCE, help="first month of data kept (YYYY-MM)")
    parser.add_argument("--services", help="only these services (comma-separated)")
    args = parser.parse_args(argv)
    services = args.services.split(",") if args.services else None
    areas = generate(args.out, max(1, args.areas), args.since, QUARTER, services)
    size = (args.out / "data" / "observations.csv").stat().st_size / 1e6
    print(f"Wrote {args.out}: {len(areas)} areas, observations {size:.1f} MB.")
    print(f"Run it with: phreport --project {args.out} run {QUARTER}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
