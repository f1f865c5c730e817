"""The sample data: catalogue coverage, the generated observations, pinned reference values.

The checks here re-read the committed files with pandas and work every figure out again,
independently of the generator (scripts/generate_sample_data.py), except where they run it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

from phlib.inputs.catalogue import SERVICES, load_catalogue
from phlib.inputs.config import load_parameters
from phlib.inputs.observations import load_observations

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
MULTIPLIER = {"percent": 100, "per_100000": 100_000, "per_1000": 1000}
SPAN_FIELDS = {"value_sum", "value_mean", "numerator_sum", "denominator_sum", "ratio",
               "sum_pct_of_target"}  # fmt: skip
# The reference documents' own service labels, and the service each belongs to here.
REFERENCE_SERVICES = {
    "sexual_health": "sexual_health", "drugs_alcohol": "drugs_alcohol",
    "lifestyles": "lifestyles", "stop_smoking": "stop_smoking",
    "nhs_health_checks": "health_checks", "larc": "contraception", "ehc": "contraception",
    "chlamydia": "contraception", "healthy_child_0_19": "healthy_child",
    "adult_social_care": "adult_social_care", "better_care_fund": "better_care_fund",
    "primary_care_contracts": "commissioning", "workplace": "commissioning",
    "healthy_schools": "commissioning", "other": "commissioning",
}  # fmt: skip


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False)


def _load_generator():
    spec = importlib.util.spec_from_file_location(
        "generate_sample_data", ROOT / "scripts" / "generate_sample_data.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # puts scripts/ on sys.path for its helper modules
    return module


@pytest.fixture(scope="module")
def generator():
    return _load_generator()


@pytest.fixture(scope="module")
def profiles(generator):
    return sys.modules["sample_profiles"].BY_ID


@pytest.fixture(scope="module")
def catalogue() -> pd.DataFrame:
    return _read("catalogue.csv").set_index("indicator_id", drop=False)


@pytest.fixture(scope="module")
def obs() -> pd.DataFrame:
    frame = _read("observations.csv")
    for column in ("value", "numerator", "denominator", "target", "stat_neighbour_mean",
                   "england_mean"):  # fmt: skip
        frame[column + "_n"] = pd.to_numeric(frame[column].replace("", None))
    return frame


@pytest.fixture(scope="module")
def pins() -> pd.DataFrame:
    return _read("pinned_reference_values.csv")


# ---------------------------------------------------------------- periods, independently


def financial_year(period: str) -> str:
    """`2017-18` for `2017-06`, `2017-18-Q1` or `2017-18` (a year's suffix is never a month)."""
    if "-Q" in period:
        return period[:7]
    year, tail = int(period[:4]), int(period[5:7])
    if tail == (year + 1) % 100:
        return period
    start = year if tail >= 4 else year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def expected_periods(frequency: str) -> list[str]:
    if frequency == "month":
        return [f"{2016 + (m + 3) // 12}-{(m + 3) % 12 + 1:02d}" for m in range(84)]
    years = [f"{y}-{(y + 1) % 100:02d}" for y in range(2016, 2023)]
    if frequency == "year":
        return years
    return [f"{y}-Q{q}" for y in years for q in range(1, 5)]


def months_elapsed(period: str) -> int:
    """Months of the financial year up to the end of `period`."""
    if "-Q" in period:
        return 3 * int(period[-1])
    if financial_year(period) == period:
        return 12
    return (int(period[5:7]) - 4) % 12 + 1


def test_period_helpers_of_this_test_agree_with_examples():
    assert financial_year("2017-03") == "2016-17"
    assert financial_year("2017-04") == "2017-18"
    assert financial_year("2017-18-Q4") == "2017-18"
    assert financial_year("2022-23") == "2022-23"
    assert months_elapsed("2022-23-Q3") == 9 and months_elapsed("2022-12") == 9
    assert months_elapsed("2022-23") == 12 and months_elapsed("2023-03") == 12
    assert len(expected_periods("month")) == 84 and expected_periods("quarter")[-1] == "2022-23-Q4"


# ---------------------------------------------------------------- catalogue


def test_catalogue_has_at_least_sixty_indicators_and_every_service(catalogue):
    assert len(catalogue) >= 60
    assert set(catalogue["service"]) == set(SERVICES)
    for service in SERVICES:
        assert (catalogue["service"] == service).sum() >= 5, service
    assert catalogue["indicator_id"].str.fullmatch(r"[a-z0-9_]+").all()
    # file order is display order: the services appear in report order
    assert list(dict.fromkeys(catalogue["service"])) == list(SERVICES)


def test_catalogue_follows_the_schema_and_house_rules(catalogue):
    columns = ["indicator_id", "ref", "title", "service", "section", "unit", "decimals",
               "direction", "target_kind", "target_value", "status", "frequency",
               "lag_months", "publication", "source", "description", "calculation",
               "numerator", "denominator", "links"]  # fmt: skip
    assert list(catalogue.columns) == columns
    for row in catalogue.itertuples():
        assert row.description and row.source and row.calculation and row.numerator, row
        has_target = row.target_kind != "none"
        assert has_target or row.status, f"{row.indicator_id}: no target and no status"
        if row.unit == "percent" and row.numerator and "x 100" in row.calculation:
            assert row.denominator, row.indicator_id
    stop = catalogue[catalogue["service"] == "stop_smoking"]
    assert (stop.loc[stop["indicator_id"].str.startswith("ss_q"), "lag_months"] == "2").all()
    restricted = catalogue[catalogue["publication"] == "restricted"]["indicator_id"]
    assert "dalc_201" in set(restricted) and restricted.str.startswith("dalc_").all()


def test_document_four_cards_have_their_printed_targets_and_refs(catalogue):
    cards = {"asc_230": "230", "asc_231": "231", "asc_140": "140", "asc_126": "126",
             "asc_reviews": "", "asc_233": "233", "asc_234": "234", "asc_235": "235",
             "asc_236": "236", "asc_105": "105", "asc_229": "229", "dalc_201": "201",
             "ls_237": "237", "ss_56": "56", "hc_53": "53", "hcp_57": "57", "hcp_59": "59",
             "hcp_60": "60", "hcp_62": "62"}  # fmt: skip
    for iid, ref in cards.items():
        assert catalogue.loc[iid, "ref"] == ref
    targets = {"dalc_201": "20.4", "ls_237": "30", "ss_56": "100", "hc_53": "20000",
               "hcp_57": "56", "hcp_59": "90", "hcp_60": "95", "hcp_62": "90"}  # fmt: skip
    for iid, target in targets.items():
        assert float(catalogue.loc[iid, "target_value"]) == float(target), iid
    assert catalogue.loc["hc_53", "target_kind"] == "annual"
    assert catalogue.loc["dalc_201", "decimals"] == "2"
    assert catalogue.loc["asc_reviews", "direction"] == "lower"
    asc = [i for i in cards if i.startswith("asc_")]
    assert (catalogue.loc[asc, "status"] == "TBC").all()


def test_every_reference_indicator_maps_to_a_catalogue_indicator_of_its_service(catalogue):
    mapping = _read("reference_mapping.csv")
    assert mapping["reference_code"].nunique() >= 100
    unknown = set(mapping["indicator_id"]) - set(catalogue.index)
    assert not unknown
    for row in mapping.itertuples():
        assert row.reference_service_area in REFERENCE_SERVICES, row
        expected = REFERENCE_SERVICES[row.reference_service_area]
        assert catalogue.loc[row.indicator_id, "service"] == expected, row


# ---------------------------------------------------------------- observations


def test_loads_through_phlib_with_no_problems():
    cat = load_catalogue(DATA / "catalogue.csv", DATA / "areas.csv")
    frame = load_observations(DATA / "observations.csv", cat)
    assert len(frame) > 5000
    assert set(frame["area"]) == {"cambridgeshire", "peterborough"}
    assert cat.area_codes == {"cambridgeshire": "E10000003", "peterborough": "E06000031"}


def test_file_is_tidy_sorted_small_and_without_duplicates(obs):
    assert (DATA / "observations.csv").stat().st_size < 3_000_000
    key = ["indicator_id", "area", "breakdown", "period"]
    assert not obs.duplicated(key).any()
    assert obs[key].values.tolist() == obs.sort_values(key)[key].values.tolist()


def test_values_are_in_range_and_consistent_with_numerator_and_denominator(obs, catalogue):
    unit = obs["indicator_id"].map(catalogue["unit"])
    decimals = obs["indicator_id"].map(catalogue["decimals"]).astype(int)
    assert obs.loc[unit == "percent", "value_n"].dropna().between(0, 100).all()
    counts = obs.loc[unit == "count", "value_n"].dropna()
    assert (counts >= 0).all() and (counts == counts.round()).all()
    both = obs[obs["numerator_n"].notna() & obs["denominator_n"].notna()]
    assert (both["denominator_n"] > 0).all()
    assert (
        both.loc[unit == "percent", "numerator_n"] <= both.loc[unit == "percent", "denominator_n"]
    ).all()
    checked = both[both["note"] == ""]
    mult = checked["indicator_id"].map(catalogue["unit"]).map(MULTIPLIER)
    exact = checked["numerator_n"] / checked["denominator_n"] * mult
    tolerance = 0.5 * 10.0 ** -decimals[checked.index] + 1e-9
    bad = checked[(checked["value_n"] - exact).abs() > tolerance]
    assert bad.empty, bad[["indicator_id", "area", "period", "value", "numerator", "denominator"]]
    assert len(checked) > 3000


def test_every_indicator_has_both_areas_at_its_frequency_except_documented_gaps(
    obs, catalogue, profiles
):
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    headline = dict(tuple(obs[obs["breakdown"] == ""].groupby(["indicator_id", "area"])))
    for iid, row in catalogue.iterrows():
        profile = profiles[iid]
        for area in ("cambridgeshire", "peterborough"):
            rows = headline.get((iid, area), obs.iloc[:0])
            if area not in profile.areas:
                assert rows.empty, f"{iid} has {area} rows but is documented as not there"
                assert f"`{iid}`" in readme, f"{iid}: area gap not described in data/README.md"
                continue
            assert rows["period"].tolist() == expected_periods(row["frequency"]), (iid, area)
            missing = rows[rows["value"] == ""]
            gaps = profile.gaps.get(area, {})
            assert (missing["note"] != "").all(), f"{iid} {area}: a blank value has no note"
            assert missing.empty or gaps, f"{iid} {area}: undocumented blank values"
            if gaps:
                assert f"`{iid}`" in readme, f"{iid}: period gap not described in data/README.md"


def test_small_counts_occur_naturally_for_suppression(obs, catalogue):
    counts = obs[obs["indicator_id"].map(catalogue["unit"]) == "count"]
    small = counts[counts["value_n"].between(1, 4)]
    assert small["indicator_id"].nunique() >= 3
    assert len(small) >= 30


def test_breakdowns_are_the_documented_ones(obs):
    found = obs[obs["breakdown"] != ""].groupby("indicator_id")["breakdown"].agg(set).to_dict()
    districts = {"Cambridge City", "East Cambridgeshire", "Fenland", "Huntingdonshire",
                 "South Cambridgeshire"}  # fmt: skip
    assert found["hcp_57"] == districts
    assert found["ls_outreach_health_checks"] == districts
    assert found["sh_activity"] == {"Cambridge", "Ely", "Huntingdon", "Wisbech"}
    assert found["com_pc_pharm_stop_smoking"] == {"NRT voucher only", "Full service"}
    assert not (obs[obs["breakdown"] != ""]["area"] == "peterborough").any()


def _headline(obs, iid, area="cambridgeshire"):
    rows = obs[(obs["indicator_id"] == iid) & (obs["area"] == area) & (obs["breakdown"] == "")]
    return rows.set_index("period")


def test_summed_breakdowns_add_up_to_the_headline(obs):
    for iid, column in (("sh_activity", "value_n"), ("ls_outreach_health_checks", "value_n"),
                        ("hcp_57", "numerator_n"), ("hcp_57", "denominator_n")):  # fmt: skip
        parts = obs[(obs["indicator_id"] == iid) & (obs["breakdown"] != "")]
        summed = parts.groupby("period")[column].sum()
        assert (summed == _headline(obs, iid)[column].loc[summed.index]).all(), (iid, column)
    parts = obs[(obs["indicator_id"] == "com_pc_pharm_stop_smoking") & (obs["breakdown"] != "")]
    summed = parts.groupby("period")["numerator_n"].sum()
    headline = _headline(obs, "com_pc_pharm_stop_smoking")["numerator_n"]
    assert (summed == headline.loc[summed.index]).all()


# Counts that are the total of other indicators: the total and its parts. An area has the
# parts it has rows for (pharmacy health checks are Cambridgeshire only).
TOTALS = {
    "ss_quitters_total": ("ss_quitters_gp", "ss_quitters_pharmacy", "ss_quitters_lifestyle"),
    "hc_53": ("hc_gp_completed", "ls_outreach_health_checks", "hc_pharmacy_completed"),
}


def _families(obs, catalogue):
    """(total id, area, {part name: values by period}, total values by period) of every family:
    the totals above, every "all providers" count and its sibling indicators, and every count
    with breakdowns (districts, clinics)."""
    headline = obs[obs["breakdown"] == ""]
    series = {key: rows.set_index("period")["value_n"]
              for key, rows in headline.groupby(["indicator_id", "area"])}  # fmt: skip
    totals = dict(TOTALS)
    counts = catalogue[catalogue["unit"] == "count"]
    for iid, title in counts["title"].items():
        if title.endswith(": all providers"):
            stem = title.removesuffix("all providers")
            totals[iid] = tuple(
                counts.index[counts["title"].str.startswith(stem) & (counts.index != iid)]
            )
    for (iid, area), total in series.items():
        if iid in totals:
            parts = {p: series[(p, area)] for p in totals[iid] if (p, area) in series}
            yield iid, area, parts, total
    broken = obs[(obs["breakdown"] != "") & (obs["indicator_id"].map(catalogue["unit"]) == "count")]
    for (iid, area), rows in broken.groupby(["indicator_id", "area"]):
        parts = {name: r.set_index("period")["value_n"] for name, r in rows.groupby("breakdown")}
        yield iid, area, parts, series[(iid, area)]


def test_totals_equal_the_sum_of_their_parts(obs, catalogue):
    found = set()
    for iid, area, parts, total in _families(obs, catalogue):
        assert len(parts) >= 2, (iid, area, list(parts))
        frame = pd.DataFrame(parts).reindex(total.index)
        complete = frame.notna().all(axis=1) & total.notna()
        assert complete.sum() >= 20, (iid, area)
        summed = frame[complete].sum(axis=1)
        wrong = summed[summed != total[complete]]
        assert wrong.empty, (iid, area, [(p, total[p], wrong[p]) for p in wrong.index[:5]])
        found.add(iid)
    assert found == {"ss_quitters_total", "hc_53", "sh_activity", "ls_outreach_health_checks"}


def test_a_pinned_total_is_met_by_changing_its_unpinned_parts(generator):
    catalogue = generator.read_catalogue(DATA / "catalogue.csv")
    pins = generator.read_pins(DATA / "pinned_reference_values.csv")
    blank = dict.fromkeys(sys.modules["sample_pins"].PIN_COLUMNS, "")
    extra = [blank | {"indicator_id": iid, "area": "cambridgeshire", "period": period,
                      "field": field, "value": value}
             for iid, period, field, value in (
                 ("ss_quitters_total", "2022-10", "value", "150"),
                 ("ss_quitters_gp", "2022-10", "value", "30"),
                 ("ss_quitters_total", "2021-22", "value_sum", "1500"))]  # fmt: skip
    series = generator.build(catalogue, pins + extra)

    def values(iid):
        return {r["period"]: r["value"] for r in series[(iid, "cambridgeshire", "")]}

    total = values("ss_quitters_total")
    parts = [values(p) for p in TOTALS["ss_quitters_total"]]
    assert all(total[p] == sum(part[p] for part in parts) for p in total)
    assert total["2022-10"] == 150 and parts[0]["2022-10"] == 30
    assert sum(v for p, v in total.items() if financial_year(p) == "2021-22") == 1500


@pytest.mark.parametrize("area", ["cambridgeshire", "peterborough"])
def test_linked_indicators_agree(obs, area):
    def col(iid, column):
        return _headline(obs, iid, area)[column]

    pairs = [
        (("hc_invites", "value_n"), ("hc_conversion", "denominator_n")),
        (("hc_53", "value_n"), ("hc_conversion", "numerator_n")),
        (("sh_activity", "value_n"), ("sh_dna_rate", "denominator_n")),
        (("con_chlamydia_screens_gp", "value_n"), ("con_chlamydia_positivity_gp", "denominator_n")),
        (("ls_ht_referrals", "value_n"), ("ls_237", "denominator_n")),
        (("asc_230", "numerator_n"), ("asc_231", "denominator_n")),
    ]
    for (a, a_col), (b, b_col) in pairs:
        left, right = col(a, a_col), col(b, b_col)
        shared = right.dropna().index
        assert len(shared) > 20 and (left.loc[shared] == right.loc[shared]).all(), (a, b)
    gp = col("hc_53", "value_n") - col("ls_outreach_health_checks", "value_n")
    if area == "cambridgeshire":
        gp -= col("hc_pharmacy_completed", "value_n")
    assert (col("hc_gp_completed", "value_n") == gp).all()


def test_england_means_are_the_same_for_both_areas(obs):
    rows = obs[(obs["breakdown"] == "") & obs["england_mean_n"].notna()]
    spread = rows.groupby(["indicator_id", "period"])["england_mean_n"].nunique()
    assert len(spread) > 500 and (spread == 1).all()


def test_year_to_date_rates_never_fall_within_a_year(obs, catalogue):
    for iid in ("asc_230", "asc_233"):
        for area in ("cambridgeshire", "peterborough"):
            rows = _headline(obs, iid, area)
            for _, year in rows.groupby(rows.index.map(financial_year)):
                assert year["numerator_n"].is_monotonic_increasing, (iid, area)


def test_cumulative_counts_never_fall(obs):
    for iid in ("com_hs_ffl_school_awards", "com_hs_ffl_ey_awards", "ss_core_service_practices"):
        for area in ("cambridgeshire", "peterborough"):
            assert _headline(obs, iid, area)["value_n"].is_monotonic_increasing, (iid, area)


# ---------------------------------------------------------------- pinned reference values


def _pin_rows(series, pin):
    rows = series.get((pin.indicator_id, pin.area, pin.breakdown))
    if rows is None:
        return pd.DataFrame()
    if pin.field not in SPAN_FIELDS:
        return rows[rows["period"] == pin.period]
    if ":" in pin.period:
        first, last = pin.period.split(":")
        return rows[(rows["period"] >= first) & (rows["period"] <= last)]
    return rows[rows["period"].map(financial_year) == pin.period]


def _effective_target(row, catalogue) -> float:
    if pd.notna(row["target_n"]):
        return row["target_n"]
    return float(catalogue.loc[row["indicator_id"], "target_value"])


def _actual(pin, rows, catalogue):
    first = rows.iloc[0]
    field = pin.field
    if field in ("value", "numerator", "denominator", "stat_neighbour_mean", "england_mean"):
        return first[field + "_n"]
    if field in ("comparator_period", "note"):
        return first[field]
    if field == "target":
        return _effective_target(first, catalogue)
    if field == "pro_rata_target":
        return _effective_target(first, catalogue) * months_elapsed(pin.period) / 12
    if field == "value_sum":
        return rows["value_n"].sum()
    if field == "value_mean":
        return rows["value_n"].mean()
    if field in ("numerator_sum", "denominator_sum"):
        return rows[field.split("_")[0] + "_n"].sum()
    if field == "ratio":
        return rows["numerator_n"].sum() / rows["denominator_n"].sum() * 100
    assert field == "sum_pct_of_target", field
    return rows["value_n"].sum() / _effective_target(first, catalogue) * 100


def test_every_pinned_reference_value_is_in_the_observations(obs, pins, catalogue):
    assert len(pins) >= 200
    assert set(pins["basis"]) <= {"printed", "derived", "assumed"}
    assert (pins["source"] != "").all()
    series = dict(tuple(obs.groupby(["indicator_id", "area", "breakdown"])))
    for pin in pins.itertuples():
        rows = _pin_rows(series, pin)
        assert not rows.empty, pin
        if pin.field in SPAN_FIELDS:
            frequency = catalogue.loc[pin.indicator_id, "frequency"]
            spanned = [p for p in expected_periods(frequency) if p in set(rows["period"])]
            assert len(spanned) == len(rows), pin
        actual = _actual(pin, rows, catalogue)
        if pin.field in ("comparator_period", "note"):
            assert actual == pin.value, pin
            continue
        decimals = len(pin.value.split(".")[1]) if "." in pin.value else 0
        assert abs(actual - float(pin.value)) <= 0.5 * 10**-decimals + 1e-9, (pin, actual)


def test_printed_rows_that_disagree_with_their_fractions_carry_a_note(obs):
    rows = _headline(obs, "ls_237")
    q3 = rows.loc["2022-23-Q3"]
    assert (q3["value"], q3["numerator"], q3["denominator"]) == ("34.0", "267", "774")
    assert "34.5" in q3["note"]
    q4 = _headline(obs, "dalc_offender_housing_occupancy").loc["2017-18-Q4"]
    assert (q4["value"], q4["numerator"], q4["denominator"]) == ("79", "9", "12")
    assert "75%" in q4["note"]


def test_document_four_cards_read_as_printed(obs):
    q3 = _headline(obs, "hcp_57").loc["2022-23-Q3"]
    assert (q3["value"], q3["stat_neighbour_mean"], q3["england_mean"]) == ("54.0", "57.0", "49.0")
    assert q3["comparator_period"] == "2021/22"
    assert _headline(obs, "dalc_201").loc["2022-23-Q3", "value"] == "21.25"
    hc = _headline(obs, "hc_53")
    assert hc.loc[["2022-23-Q2", "2022-23-Q3"], "value"].tolist() == ["2777", "3564"]
    assert float(hc.loc["2022-23-Q3", "target"]) * 9 / 12 == 15000


# ---------------------------------------------------------------- generator and parameters


def test_generator_is_deterministic_and_matches_the_committed_files(generator, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    generator.generate(first)
    generator.generate(second)
    written = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert len(written) == 25
    for relative in written:
        assert (first / relative).read_bytes() == (second / relative).read_bytes(), relative
        assert (first / relative).read_bytes() == (ROOT / relative).read_bytes(), relative


def test_parameter_files_cover_every_quarter_and_load(catalogue):
    files = sorted((ROOT / "parameters").glob("*.yaml"))
    quarters = [f"{y}-{(y + 1) % 100:02d}-Q{q}" for y in range(2017, 2023) for q in range(1, 5)]
    assert [f.stem for f in files] == quarters
    for path in files:
        config = load_parameters(path, ROOT)
        assert config.quarter.id == path.stem
        assert config.services == tuple(dict.fromkeys(catalogue["service"]))
        assert config.areas == ("cambridgeshire", "peterborough")
        assert (config.publication, config.suppression_min, config.suppression_max) == (
            "internal", 1, 4)  # fmt: skip
        assert config.observation_paths == (ROOT / "data" / "observations.csv",)
