"""The narrative store: format round trips, broken structure, carry forward and review."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phlib import atomic
from phlib.errors import NarrativeError
from phlib.narratives import store as narratives
from phlib.narratives.review import carry_forward, review_status
from phlib.narratives.store import (
    CARRIED,
    MISSING,
    WRITTEN,
    NarrativeDoc,
    Section,
    check_keys,
    load,
    normalise_text,
    parse,
    render,
    save,
    store_files,
    store_path,
)

CANONICAL = """\
# Sexual health — Cambridgeshire — Q3 2022/23

## sh_sti_offered_2wd
Status: written

### Commentary

Offers within two working days rose to **91.2%**.

#### Why it moved

- Extra clinic sessions.
- A new booking line.

### Actions

- Keep the Saturday clinic.

## summary
Status: carried forward from Q2 2022/23

### Commentary

Steady quarter.

## asc_230
Status: missing

### Commentary

### Actions
"""

# Lines that look like structure, escapes, HTML and Markdown: the round trip must keep them.
TRICKY_LINES = [
    "# Title-like",
    "## sh_other",
    "### Actions",
    "### Commentary",
    "  ## indented heading",
    "\\## already escaped",
    "\\\\# twice escaped",
    "#### Deeper heading",
    "#hashtag",
    "Status: written",
    "<script>alert('x')</script>",
    "> *No commentary yet.*",
    "- bullet **bold**",
    "| a | b |",
    "```",
    "\t# tab then hash",
    "#\tTab heading",
    "café — 5% ± 2 😀",
    "",
    "   ",
]

line_text = st.one_of(
    st.sampled_from(TRICKY_LINES),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
)
body_text = st.lists(line_text, max_size=8).map("\n".join)
keys = st.from_regex(r"[a-z0-9_]{1,12}", fullmatch=True)
statuses = st.sampled_from([WRITTEN, CARRIED, MISSING])
quarters = st.sampled_from(["2021-22-Q4", "2022-23-Q1", "2022-23-Q3"])


@st.composite
def sections(draw, key):
    status = draw(statuses)
    actions = draw(st.one_of(st.none(), body_text))
    carried = draw(quarters) if status == CARRIED else None
    return Section(key, draw(body_text), actions, status, carried)


@st.composite
def docs(draw):
    names = draw(st.lists(keys, unique=True, max_size=5))
    area = draw(st.sampled_from(["cambridgeshire", "peterborough", "area_2"]))
    service = draw(st.sampled_from(["sexual_health", "adult_social_care", "x"]))
    found = {key: draw(sections(key)) for key in names}
    return NarrativeDoc(draw(quarters), area, service, found)


def test_canonical_file_round_trips_exactly():
    doc = parse(CANONICAL)
    assert render(doc) == CANONICAL
    assert list(doc.sections) == ["sh_sti_offered_2wd", "summary", "asc_230"]
    assert doc.sections["sh_sti_offered_2wd"].commentary.endswith("- A new booking line.")
    assert doc.sections["summary"].carried_from == "2022-23-Q2"
    assert doc.sections["summary"].actions is None
    assert doc.sections["asc_230"].status == MISSING
    assert doc.sections["asc_230"].actions == ""


@settings(max_examples=200, deadline=None)
@given(docs())
def test_parse_render_round_trip(doc):
    text = render(doc)
    assert parse(text) == doc
    assert render(parse(text)) == text


@settings(max_examples=200, deadline=None)
@given(body_text, st.one_of(st.none(), body_text))
def test_text_survives_modulo_documented_normalisation(commentary, actions):
    section = Section("k", commentary, actions)
    doc = NarrativeDoc("2022-23-Q3", "cambridgeshire", "sexual_health", {"k": section})
    back = parse(render(doc)).sections["k"]
    assert back.commentary == normalise_text(commentary)
    # normalisation drops only trailing whitespace and outer blank lines
    unix = commentary.replace("\r\n", "\n").replace("\r", "\n")
    assert "\n".join(line.rstrip() for line in unix.split("\n")).strip("\n") == back.commentary
    assert back.actions == (None if actions is None else normalise_text(actions))


def test_text_with_structure_like_lines_is_escaped_in_the_file():
    section = Section("k", "## looks like a key\n### Actions\n#### fine", "")
    text = render(NarrativeDoc("2022-23-Q3", "peterborough", "lifestyles", {"k": section}))
    assert "\\## looks like a key\n\\### Actions\n#### fine\n" in text
    assert parse(text).sections["k"].commentary == "## looks like a key\n### Actions\n#### fine"


def test_crlf_and_byte_order_mark_read_the_same(tmp_path):
    path = tmp_path / "x.md"
    path.write_bytes(b"\xef\xbb\xbf" + CANONICAL.replace("\n", "\r\n").encode())
    assert load(path) == parse(CANONICAL)


def test_status_follows_the_text():
    text = (
        "# Lifestyles — Peterborough — Q3 2022/23\n\n## a\nStatus: missing\n\n### Commentary\n\n"
        "Someone wrote this.\n\n## b\nStatus: written\n\n### Commentary\n\n## c\n\n"
        "### Commentary\n\nNo status line.\n"
    )
    doc = parse(text)
    assert [doc.sections[k].status for k in "abc"] == [WRITTEN, MISSING, WRITTEN]
    assert "Status: written\n\n### Commentary\n\nNo status line." in render(doc)


def test_every_structural_problem_is_reported_with_its_line_in_one_pass():
    text = (
        "Stray text before the title\n"  # 1
        "# Sexual health — Cambridgeshire — Q3 2022/23\n"  # 2
        "more stray text\n"  # 3
        "## good_key\n"  # 4
        "Status: reviewed\n"  # 5
        "### Commentary\n"  # 6
        "fine\n"  # 7
        "### Notes\n"  # 8
        "under an unknown heading\n"  # 9
        "## good_key\n"  # 10
        "## Bad Key\n"  # 11
        "### Commentary\n"  # 12
        "### Commentary\n"  # 13
        "# Second title\n"  # 14
        "## other\n"  # 15
        "text with no sub-heading\n"  # 16
    )
    with pytest.raises(NarrativeError) as caught:
        parse(text, "narratives/x.md")
    rows = [(p.row, p.message) for p in caught.value.problems]
    assert [row for row, _ in rows] == [1, 3, 5, 8, 10, 11, 13, 14, 16]
    messages = dict(rows)
    assert messages[1] == "the file does not start with a title"
    assert messages[5] == "unknown status"
    assert messages[8] == "unknown sub-heading"
    assert "appears twice" in messages[10] and "first at row 4" in messages[10]
    assert "lower-case" in messages[11]
    assert all(p.file == "narratives/x.md" and p.fix for p in caught.value.problems)
    assert "narratives/x.md, row 16" in str(caught.value)


@pytest.mark.parametrize(
    "title",
    ["# Sexual health", "# Sexual health — Cambridgeshire — Q9 2022", "# Bad! — Area — Q3 2022/23"],
)
def test_a_bad_title_is_reported(title):
    with pytest.raises(NarrativeError, match="row 1: the title"):
        parse(title + "\n")


def test_an_empty_file_has_no_title():
    with pytest.raises(NarrativeError, match="row 1: the file has no title"):
        parse("\n\n")


def test_store_path_refuses_unsafe_parts(tmp_path):
    good = store_path(tmp_path, "2022-23-Q3", "cambridgeshire", "sexual_health")
    assert good == tmp_path / "2022-23-Q3" / "cambridgeshire" / "sexual_health.md"
    with pytest.raises(NarrativeError) as caught:
        store_path(tmp_path, "../2022-23-Q3", "Cambs", "sexual_health/../../x")
    assert [p.value for p in caught.value.problems] == [
        "../2022-23-Q3",
        "Cambs",
        "sexual_health/../../x",
    ]


def test_store_files_lists_service_files_only(tmp_path):
    doc = NarrativeDoc("2022-23-Q3", "cambridgeshire", "sexual_health")
    save(doc, store_path(tmp_path, "2022-23-Q3", "cambridgeshire", "sexual_health"))
    folder = tmp_path / "2022-23-Q3" / "cambridgeshire"
    (folder / "sexual_health.conflict-20230101T000000Z.md").write_text("x")
    (folder / "README.txt").write_text("x")
    assert store_files(tmp_path, "2022-23-Q3") == [
        ("cambridgeshire", "sexual_health", folder / "sexual_health.md")
    ]


def test_load_checks_the_title_against_the_folders(tmp_path):
    doc = NarrativeDoc("2022-23-Q2", "cambridgeshire", "sexual_health")
    path = store_path(tmp_path, "2022-23-Q3", "cambridgeshire", "sexual_health")
    save(doc, path)
    with pytest.raises(NarrativeError, match="Sexual health — Cambridgeshire — Q3 2022/23"):
        load(path)


def test_load_reports_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "x.md"
    path.write_bytes(b"# Lifestyles \xe2\x80\x94 Peterborough \xe2\x80\x94 Q3 2022/23\n\ncaf\xe9\n")
    with pytest.raises(NarrativeError, match="row 3: the file is not UTF-8"):
        load(path)


def test_unknown_keys_are_warnings_and_the_section_is_kept():
    doc = parse(CANONICAL)
    problems = check_keys(doc, {"sh_sti_offered_2wd", "summary"}, "f.md")
    assert [(p.value, p.severity) for p in problems] == [("asc_230", "warning")]
    assert "asc_230" in doc.sections


def test_section_rejects_bad_keys_and_missing_carried_quarter():
    with pytest.raises(ValueError, match="key"):
        Section("Bad Key", "x")
    with pytest.raises(ValueError, match="carried_from"):
        Section("k", "x", status=CARRIED)


def _store(root, quarter, area, service, sections):
    doc = NarrativeDoc(quarter, area, service, {s.key: s for s in sections})
    path = store_path(root, quarter, area, service)
    save(doc, path)
    return path


def test_carry_forward_marks_text_and_keeps_missing_missing(tmp_path):
    _store(
        tmp_path,
        "2022-23-Q2",
        "cambridgeshire",
        "sexual_health",
        [Section("a", "Text A", "- act"), Section("b"), Section("summary", "S", None)],
    )
    _store(tmp_path, "2022-23-Q2", "peterborough", "lifestyles", [Section("c", "C")])
    report = carry_forward(tmp_path, "2022-23-Q2", "2022-23-Q3")
    assert len(report.written) == 2 and len(report.carried) == 3 and report.skipped == []
    doc = load(store_path(tmp_path, "2022-23-Q3", "cambridgeshire", "sexual_health"))
    assert doc.quarter == "2022-23-Q3"
    a, b, summary = doc.sections.values()
    assert (a.status, a.carried_from, a.commentary, a.actions) == (
        CARRIED,
        "2022-23-Q2",
        "Text A",
        "- act",
    )
    assert a.status_label == "carried forward from Q2 2022/23"
    assert (b.status, b.actions) == (MISSING, "")
    assert summary.actions is None
    # the source quarter is untouched
    old = load(store_path(tmp_path, "2022-23-Q2", "cambridgeshire", "sexual_health"))
    assert old.sections["a"].status == WRITTEN


def test_carried_twice_names_the_quarter_it_was_copied_from(tmp_path):
    _store(tmp_path, "2022-23-Q2", "peterborough", "lifestyles", [Section("c", "C")])
    carry_forward(tmp_path, "2022-23-Q2", "2022-23-Q3")
    carry_forward(tmp_path, "2022-23-Q3", "2022-23-Q4")
    doc = load(store_path(tmp_path, "2022-23-Q4", "peterborough", "lifestyles"))
    assert doc.sections["c"].status_label == "carried forward from Q3 2022/23"


def test_carry_forward_never_overwrites_text_already_in_the_target(tmp_path):
    _store(
        tmp_path,
        "2022-23-Q2",
        "peterborough",
        "lifestyles",
        [Section("a", "old A"), Section("b", "old B"), Section("new", "N")],
    )
    target = _store(
        tmp_path,
        "2022-23-Q3",
        "peterborough",
        "lifestyles",
        [Section("a", "written in Q3"), Section("b"), Section("own", "Q3 only")],
    )
    report = carry_forward(tmp_path, "2022-23-Q2", "2022-23-Q3")
    assert report.skipped == [(target, "a")]
    assert sorted(key for _, key in report.carried) == ["b", "new"]
    doc = load(target)
    assert list(doc.sections) == ["a", "b", "own", "new"]
    assert (doc.sections["a"].commentary, doc.sections["a"].status) == ("written in Q3", WRITTEN)
    assert doc.sections["b"].status == CARRIED and doc.sections["own"].commentary == "Q3 only"
    assert "kept existing text" in str(report)
    # running again changes nothing and writes nothing
    before = target.stat().st_mtime_ns
    again = carry_forward(tmp_path, "2022-23-Q2", "2022-23-Q3")
    assert again.written == [] and target.stat().st_mtime_ns == before


def test_carry_forward_checks_every_file_before_writing_any(tmp_path):
    _store(tmp_path, "2022-23-Q2", "peterborough", "lifestyles", [Section("a", "A")])
    broken = store_path(tmp_path, "2022-23-Q2", "peterborough", "zz_broken")
    broken.write_text("# Zz broken — Peterborough — Q2 2022/23\n\n## Bad Key\n")
    with pytest.raises(NarrativeError) as caught:
        carry_forward(tmp_path, "2022-23-Q2", "2022-23-Q3")
    assert caught.value.problems[0].file == str(broken)
    assert not (tmp_path / "2022-23-Q3").exists()


def test_carry_forward_refuses_backwards_or_empty_quarters(tmp_path):
    with pytest.raises(NarrativeError, match="cannot carry"):
        carry_forward(tmp_path, "2022-23-Q3", "2022-23-Q2")
    with pytest.raises(NarrativeError, match="no narrative files for Q2 2022/23"):
        carry_forward(tmp_path, "2022-23-Q2", "2022-23-Q3")
    with pytest.raises(NarrativeError, match="not a quarter"):
        carry_forward(tmp_path, "2022-23", "2022-23-Q3")


def test_review_status_lists_missing_and_carried_sections(tmp_path):
    _store(
        tmp_path,
        "2022-23-Q3",
        "cambridgeshire",
        "sexual_health",
        [
            Section("a", "done"),
            Section("b", "old", status=CARRIED, carried_from="2022-23-Q2"),
            Section("c"),
            Section("extra", "old", status=CARRIED, carried_from="2022-23-Q2"),
        ],
    )
    items = review_status(
        tmp_path,
        "2022-23-Q3",
        ["cambridgeshire", "peterborough"],
        ["sexual_health"],
        {"sexual_health": ["a", "b", "c", "d"]},
    )
    found = [(i.area, i.key, i.status) for i in items]
    assert found == [
        ("cambridgeshire", "b", CARRIED),
        ("cambridgeshire", "c", MISSING),
        ("cambridgeshire", "d", MISSING),
        ("peterborough", "a", MISSING),
        ("peterborough", "b", MISSING),
        ("peterborough", "c", MISSING),
        ("peterborough", "d", MISSING),
    ]
    assert "carried forward from Q2 2022/23 and not yet reviewed" in str(items[0])
    assert items[0].problem.severity == "warning"


# --- crash safety -------------------------------------------------------------------------

VERSIONS = """
from phlib.narratives.store import NarrativeDoc, Section

def version(i):
    body = (f"Version {i}: " + "words and more words " * 40 + "\\n\\n") * 60
    sections = {f"k{j}": Section(f"k{j}", body, f"- action {i}") for j in range(8)}
    return NarrativeDoc("2022-23-Q3", "cambridgeshire", "sexual_health", sections)
"""

WRITER = (
    VERSIONS
    + """
import sys
from phlib.narratives.store import save
docs = [version(i) for i in range(4)]
save(docs[0], sys.argv[1])
print("ready", flush=True)
i = 1
while True:
    save(docs[i % 4], sys.argv[1])
    i += 1
"""
)


def test_killed_writer_leaves_a_complete_store_file(tmp_path):
    namespace: dict = {}
    exec(VERSIONS, namespace)
    complete = {render(namespace["version"](i)) for i in range(4)}
    path = tmp_path / "sexual_health.md"
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = dict(os.environ, PYTHONPATH=str(Path(narratives.__file__).resolve().parent.parent))
    rng = random.Random(20230101)
    started = time.monotonic()
    for _ in range(10):
        proc = subprocess.Popen(
            [sys.executable, str(script), str(path)], stdout=subprocess.PIPE, env=env
        )
        assert proc.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.15))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        assert render(load(path)) in complete
    assert time.monotonic() - started < 20
    # a killed writer may leave its temporary file behind, never a partial store file
    assert {p.name for p in tmp_path.iterdir()} - {
        p.name for p in tmp_path.glob(atomic.TEMP_GLOB)
    } == {
        "sexual_health.md",
        "writer.py",
    }


# --- the bad-input corpus ----------------------------------------------------------------

CORPUS = Path(__file__).parent / "bad_inputs" / "narratives"


def _corpus_table():
    rows = []
    for line in (CORPUS / "README.md").read_text().splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].endswith((".md", ".txt")):
            rows.append((cells[0], [int(r) for r in cells[2].split(",")], cells[3]))
    return rows


def test_the_corpus_table_names_every_broken_file():
    listed = {name for name, _, _ in _corpus_table()}
    assert listed == {p.name for p in CORPUS.iterdir()} - {"README.md"}
    assert len(listed) >= 4


@pytest.mark.parametrize(("name", "rows", "message"), _corpus_table())
def test_each_broken_file_is_reported_on_its_rows(name, rows, message):
    with pytest.raises(NarrativeError) as caught:
        load(CORPUS / name)
    problems = caught.value.problems
    assert [p.row for p in problems] == rows
    assert message in problems[0].message
    assert all(p.file == str(CORPUS / name) and p.fix for p in problems)


def test_forgiving_reading_renders_back_in_canonical_form():
    text = "# Sexual Health - Cambridgeshire – 2022/23 Q3\n## a\n### commentary\nText.\n"
    doc = parse(text)
    assert (doc.quarter, doc.area, doc.service) == ("2022-23-Q3", "cambridgeshire", "sexual_health")
    assert render(doc) == (
        "# Sexual health — Cambridgeshire — Q3 2022/23\n\n## a\nStatus: written\n\n"
        "### Commentary\n\nText.\n"
    )
