"""Stale figures: numbers in commentary that match none of the quarter's figures, found in
carried-forward text, never raised for figures that match, and marked checked by a section;
the review list built from them; public manifests and logs without local details."""

from __future__ import annotations

import io
import json
import re
import shutil
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
import support

from phlib.display.window import rows_window, window, window_values
from phlib.errors import PublicationError
from phlib.inputs.config import load_parameters, parameters_path
from phlib.narratives import store
from phlib.narratives.review import carry_forward
from phlib.rules.headline_rows import headline_index
from phlib.rules.quoted_figures import figures_in, sentences, stale_in
from phlib.rules.scorecard import build_scorecard
from phlib.run import quarter as run_quarter_module
from phlib.run.checks import check_quarter, publication_check
from phlib.run.jobs import JobResult
from phlib.run.progress import Console
from phlib.run.redact import public_manifest, public_text
from phlib.run.review_list import review_lines, review_list
from phlib.run.stale_check import PERIODS, figures_by_indicator, stale_figures

ROOT = Path(__file__).resolve().parents[1]
AREA, SERVICES = "cambridgeshire", ("sexual_health", "stop_smoking")


# --- what counts as a figure ------------------------------------------------------------------


def test_figures_and_what_is_not_a_figure():
    text = (
        "In December 2022, 75% were seen within 2 working days (target 90%) in Q3 2022/23; "
        "by 28 February the rate per 100,000 was 3,552.5 and 1,234 people (12.5 per cent) "
        "used sh_2wd or NHS111 between 2019-20 and 2021/22."
    )
    assert [f[0] for f in figures_in(text)] == ["75%", "90%", "3,552.5", "1,234", "12.5 per cent"]
    assert figures_in("12 months, 3 providers, 13 clinics")[0][1] == 13


def test_matching_is_at_the_precision_quoted():
    allowed = [75.34, 8.81, 1234.0]
    assert stale_in("Seen: 75%. Also 75.3%. Up to 8.8%. 1,234 people.", allowed) == []
    found = stale_in("Seen: 75.4%. Then 8.7%.", allowed)
    assert [f for f, _ in found] == ["75.4%", "8.7%"]
    assert found[0][1] == "Seen: 75.4%."


def test_a_section_marks_figures_checked():
    text = "It was 9.1% last year. Now 20,000 people."
    assert [f for f, _ in stale_in(text, [])] == ["9.1%", "20,000"]
    assert [f for f, _ in stale_in(text, [], checked=("9.1%",))] == ["20,000"]
    assert stale_in(text, [], checked=("all",)) == []
    assert stale_in("Seen within 48 hours.", [], titles=["Seen within 48 hours"]) == []


def test_sentences_split_paragraphs_and_list_items():
    assert sentences("One 5%. Two 6%.\n\n- Item 7%\n- Item 8%") == [
        "One 5%.", "Two 6%.", "- Item 7%", "- Item 8%",
    ]  # fmt: skip


# --- on the project's narratives ----------------------------------------------------------------


@pytest.fixture
def project(tmp_path) -> Path:
    for name in ("parameters", "data", "narratives", "notebooks"):
        shutil.copytree(ROOT / name, tmp_path / name)
    support.review_sample_narratives(tmp_path)  # as an analyst does before a public build
    return tmp_path


def checked(project: Path, quarter: str, publication="internal"):
    config = load_parameters(parameters_path(project, quarter), project)
    config = replace(config, publication=publication)
    inputs = check_quarter(config, [AREA], list(SERVICES))
    return config, inputs


def test_written_commentary_that_quotes_the_quarter_raises_nothing(project):
    config, inputs = checked(project, "2022-23-Q3")
    assert stale_figures(config, inputs) == []
    doc = store.load(store.store_path(config.narratives_dir, "2022-23-Q3", AREA, "sexual_health"))
    quoted = figures_in(doc.sections["sh_dna_rate"].commentary)
    assert len(quoted) >= 2  # the section does quote figures, and they all match


def test_carried_forward_text_keeps_last_quarters_figures_and_they_are_caught(project):
    carry_forward(project / "narratives", "2022-23-Q3", "2022-23-Q4")
    config, inputs = checked(project, "2022-23-Q4")
    found = stale_figures(config, inputs)
    by_section = {(f.service, f.key, f.figure) for f in found}
    assert ("sexual_health", "sh_dna_rate", "11.8%") in by_section  # November's rate, now old
    assert ("stop_smoking", "ss_quitters_total", "557") in by_section
    dna = next(f for f in found if f.key == "sh_dna_rate" and f.figure == "11.8%")
    assert "11.8% in November" in dna.sentence
    assert "section 'sh_dna_rate' quotes 11.8%" in str(dna) and "Checked figures:" in str(dna)
    assert str(dna).startswith(f"{AREA}/sexual_health: ")


def test_a_wrong_figure_blocks_a_public_build_until_it_is_corrected_or_checked(project):
    path = store.store_path(project / "narratives", "2022-23-Q3", AREA, "sexual_health")
    doc = store.load(path)
    section = doc.sections["sh_dna_rate"]
    wrong = section.commentary + "\n\nLast year the rate was 13.7%."
    store.save(doc.with_section(replace(section, commentary=wrong)), path)
    config, inputs = checked(project, "2022-23-Q3", "public")
    found = stale_figures(config, inputs)
    assert [(f.key, f.figure, f.sentence) for f in found] == [
        ("sh_dna_rate", "13.7%", "Last year the rate was 13.7%.")
    ]
    card = build_scorecard(inputs.catalogue, inputs.observations, config.quarter, [AREA],
                           list(SERVICES))  # fmt: skip
    with pytest.raises(PublicationError) as refused:
        publication_check(config, inputs, card)
    assert "13.7%" in str(refused.value)
    text = path.read_text(encoding="utf-8").replace(
        "## sh_dna_rate\nStatus: written\n", "## sh_dna_rate\nStatus: written\n"
        "Checked figures: 13.7%\n"
    )  # fmt: skip
    path.write_text(text, encoding="utf-8")
    assert store.load(path).sections["sh_dna_rate"].checked == ("13.7%",)
    assert stale_figures(config, inputs) == []
    assert publication_check(config, inputs, card) == []


def test_the_review_list_holds_what_a_public_build_refuses_with_counts(project):
    carry_forward(project / "narratives", "2022-23-Q3", "2022-23-Q4")
    config, inputs = checked(project, "2022-23-Q4")
    card = build_scorecard(inputs.catalogue, inputs.observations, config.quarter, [AREA],
                           list(SERVICES))  # fmt: skip
    items = review_list(config, inputs, card)
    texts = [str(i) for i in items]
    assert any("carried forward from Q3 2022/23" in t for t in texts)
    assert any("quotes 11.8%" in t for t in texts)
    assert all(i.area == AREA and i.service in SERVICES for i in items)
    lines = review_lines(items)
    per = {s: sum(1 for i in items if i.service == s) for s in SERVICES}
    assert f"{AREA}/sexual_health {per['sexual_health']}" in lines[-1]
    assert lines[-1].startswith(f"To review: {len(items)} item(s), {len(items)} of them")
    public = checked(project, "2022-23-Q4", "public")[0]
    with pytest.raises(PublicationError) as refused:
        publication_check(public, inputs, card)
    # the review list holds exactly what the public build refuses, and more (no data)
    assert sorted(str(i) for i in items if i.blocking) == sorted(refused.value.blockers)


# --- public manifests and logs ------------------------------------------------------------------


def test_a_public_log_keeps_the_error_and_drops_tracebacks_and_paths(tmp_path):
    home = str(Path.home())
    trace = (
        'Traceback (most recent call last):\n  File "/home/ann/project/phlib/x.py", line 3, '
        "in f\n    raise KeyError('x')\nKeyError: 'x'"
    )
    result = JobResult(AREA, "lifestyles", "failed", 1.0, error=f"KeyError: 'x' in {home}/p",
                       detail=trace, log=f"cell output from {tmp_path}")  # fmt: skip
    console = Console(io.StringIO())
    console.say(f"Outputs: {tmp_path}/outputs/index.html")
    config = SimpleNamespace(publication="public", project_root=tmp_path)
    run_quarter_module._write_log(tmp_path, console, [result], "Done.", config)
    log = (tmp_path / "run.log").read_text()
    assert "KeyError: 'x'" in log and "Traceback" not in log and 'File "' not in log
    assert str(tmp_path) not in log and home not in log and "cell output" not in log
    internal = SimpleNamespace(publication="internal", project_root=tmp_path)
    run_quarter_module._write_log(tmp_path, console, [result], "Done.", internal)
    assert "Traceback" in (tmp_path / "run.log").read_text()  # internal logs keep the detail


def test_a_public_manifest_has_no_local_paths():
    failure = {"error": "FileNotFoundError: /srv/share/x.csv", "files": ["a/b.html"]}
    data = {"command": "phreport run 2022-23-Q3 --project /home/ann/work", "notebooks": [failure]}
    data["n"] = 3
    clean = public_manifest(data, ["/home/ann/work"])
    text = json.dumps(clean)
    assert "/home/ann" not in text and "/srv/share" not in text and clean["n"] == 3
    assert clean["notebooks"][0]["files"] == ["a/b.html"]
    assert re.search(r"FileNotFoundError: \[local path\]", text)
    assert public_text("no paths here 2022/23") == "no paths here 2022/23"


def test_figures_from_the_area_index_are_the_figures_from_the_frame(project):
    # stale_figures finds each area's headline rows once; every indicator's figures and its
    # window of periods must be what the frame-filtering way gives
    config, inputs = checked(project, "2022-23-Q3")
    observations, catalogue = inputs.observations, inputs.catalogue
    index = headline_index(observations[observations["area"] == AREA])
    ids = list(catalogue.indicators.index)
    assert len(ids) > 50
    by_index = figures_by_indicator(catalogue, observations, config.quarter, AREA, ids, index)
    by_frame = figures_by_indicator(catalogue, observations, config.quarter, AREA, ids)
    assert repr(by_index) == repr(by_frame)  # nan (no target) equals itself by repr
    assert sum(len(v) for v in by_index.values()) > 500
    for ind in map(catalogue.indicator, ids):
        rows = {r["period"]: r for r in index.get((ind.indicator_id, AREA, ind.frequency), [])}
        shown = window(ind, observations, config.quarter, AREA, count=PERIODS)
        assert rows_window(ind, rows, config.quarter, count=PERIODS).equals(shown), ind
        values = [v for v in shown["value"] if v is not None and v == v]  # not None or nan
        assert window_values(ind, rows, config.quarter, count=PERIODS) == values, ind
