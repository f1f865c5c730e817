"""Alt text and data tables read from an analyst's own matplotlib figure, and their DataFrames
as house-style tables (phlib.display.description, phlib.display.frames)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from matplotlib.figure import Figure

from phlib.display.description import describe
from phlib.display.frames import frame_table
from phlib.display.tables import table_html


def axes():
    fig = Figure()
    return fig, fig.subplots()


def test_two_lines_share_a_data_table_and_each_gets_a_sentence():
    fig, ax = axes()
    ax.plot(["Q1", "Q2", "Q3"], [10, None, 12.5], label="North")
    ax.plot(["Q1", "Q2", "Q3"], [8, 9, 9], label="South")
    found = describe(fig, "Visits")
    assert found.columns == ("Category", "North", "South")
    assert found.rows == (("Q1", "10.0", "8"), ("Q2", "N/A", "9"), ("Q3", "12.5", "9"))
    assert "North 12.5 in Q3, up from 10.0 in Q1." in found.alt  # skips the gap
    assert "South 9 in Q3, unchanged from 9 in Q2." in found.alt


def test_horizontal_bars_read_their_categories_from_the_axis():
    fig, ax = axes()
    ax.barh(["Ely", "March"], [5, 7], label="Checks")
    found = describe(fig, "Checks")
    assert found.rows == (("Ely", "5"), ("March", "7"))
    assert "Checks: Ely 5 and March 7." in found.alt


def test_dates_are_written_as_people_read_them():
    fig, ax = axes()
    ax.plot([dt.date(2022, 10, 1), dt.date(2022, 11, 1)], [3, 4])
    found = describe(fig, "Monthly")
    assert found.alt.startswith("Line chart of Monthly, 1 Oct 2022 to 1 Nov 2022.")


def test_many_bars_are_summarised_not_listed():
    fig, ax = axes()
    ax.bar([f"M{i}" for i in range(1, 10)], range(1, 10), label="Starts")
    assert "Starts: 9 bars from M1 to M9, the last 9." in describe(fig, "Starts").alt


def test_panels_are_described_in_turn_with_a_long_data_table():
    fig = Figure()
    left, right = fig.subplots(1, 2)
    left.plot([1, 2], [3, 4], label="A")
    right.bar(["x", "y"], [5, 6], label="B")
    right.set_title("Right")
    found = describe(fig, "Two views")
    assert found.alt.startswith("2 panels: Two views. Panel 1, line chart, 1 to 2.")
    assert "Panel 2, bar chart of Right, x to y." in found.alt
    assert found.columns == ("Series", "Category", "Value")
    assert found.rows[-1] == ("B", "y", "6")


def test_scatter_and_images_have_no_data_table():
    fig, ax = axes()
    ax.scatter([1, 2, 3], [3, 4, 5])
    found = describe(fig, "Spread")
    assert found.alt == "Chart of Spread with 3 points." and found.columns == ()
    fig, ax = axes()
    ax.imshow([[0, 1], [1, 0]])
    assert describe(fig, "Map").alt == "Image of Map."


def table(frame, caption="Caption", number="Table 1.2"):
    return BeautifulSoup(table_html(frame_table(frame, caption, number)), "html.parser")


def test_frame_table_formats_numbers_dates_and_blanks():
    frame = pd.DataFrame(
        {
            "When": pd.to_datetime(["2022-10-01", "2022-11-01"]),
            "Count": [1200, 3],
            "Rate": [12.25, 3.5],
            "Note": ["", "late"],
        }
    )
    page = table(frame)
    rows = [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in page.tbody("tr")]
    assert rows == [["1 Oct 2022", "1,200", "12.25", ""], ["1 Nov 2022", "3", "3.50", "late"]]
    assert page.caption.get_text() == "Table 1.2: Caption"


def test_frame_table_refuses_what_it_cannot_show():
    with pytest.raises(TypeError, match="needs a pandas DataFrame"):
        frame_table([[1, 2]], "Caption")
    with pytest.raises(ValueError, match="appears twice"):
        frame_table(pd.DataFrame([[1, 2]], columns=["a", "a"]), "Caption")


def test_frame_table_shows_an_index_of_labels_but_not_row_numbers():
    frame = pd.DataFrame({"District": ["Ely", "March", "Wisbech"], "Checks": [46, 3, 103]})
    picked = frame[frame["Checks"] != 3]  # row numbers 0 and 2
    heads = [th.get_text() for th in table(picked).thead("th")]
    assert heads == ["District", "Checks"]
    by_label = frame.set_index("District")
    by_label.index.name = None
    rows = [[c.get_text() for c in tr(["th", "td"])] for tr in table(by_label).tbody("tr")]
    assert rows[0] == ["Ely", "46"]
