"""The compare page's charts (ui/charts.py): what their axes say."""

import pandas as pd

from ui import charts


def test_the_principles_chart_names_each_principle_on_its_axis(kit):
    scores = pd.DataFrame({"name": ["Ana", "Ben"], "principle:above-and-beyond": [4.0, 3.0],
                           "principle:no-thanks-needed": [5.0, 2.0], "principle:made-up-here": [3.0, 3.0]})
    chart = charts.principles(scores, [kit])
    assert set(chart.data["principle"]) == {"Above and beyond", "No thanks needed", "Made up here"}
    spec = chart.to_dict()
    assert spec["encoding"]["x"]["field"] == "principle"
    assert not any("-" in value["principle"] for value in spec["datasets"][spec["data"]["name"]])
