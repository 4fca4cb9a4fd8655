"""The compare page's filters and what it says about them, on a hand-built ranking."""

from datetime import date, datetime

import pandas as pd
import pytest

from analysis.compare import Filters, filtered, shown_sentence, stage_options

RANKING = pd.DataFrame({
    "name": ["Ann", "Bo", "Cy"],
    "status": ["active", "rejected", "active"],
    "interviewers": ["olga, pat", "pat", "quinn"],
    "last_submitted": pd.to_datetime([datetime(2026, 11, 2, 9), datetime(2026, 11, 5, 17), datetime(2026, 11, 9)]),
})


def names(frame):
    return list(frame["name"])


def test_a_stage_filter_keeps_only_the_stages_chosen_and_none_keeps_nobody():
    assert names(filtered(RANKING, Filters(("active",)))) == ["Ann", "Cy"]
    assert names(filtered(RANKING, Filters(("active", "rejected")))) == ["Ann", "Bo", "Cy"]
    assert filtered(RANKING, Filters(())).empty


def test_an_interviewer_filter_keeps_candidates_any_chosen_interviewer_saw():
    everyone = ("active", "rejected")
    assert names(filtered(RANKING, Filters(everyone, ("pat",)))) == ["Ann", "Bo"]
    assert names(filtered(RANKING, Filters(everyone, ("olga", "quinn")))) == ["Ann", "Cy"]
    assert filtered(RANKING, Filters(everyone, ("ol",))).empty  # a whole name, not a part of one


def test_a_day_range_includes_both_of_its_days_whatever_the_hour():
    everyone = ("active", "rejected")
    assert names(filtered(RANKING, Filters(everyone, days=(date(2026, 11, 2), date(2026, 11, 5))))) == ["Ann", "Bo"]
    assert names(filtered(RANKING, Filters(everyone, days=(date(2026, 11, 6), date(2026, 11, 9))))) == ["Cy"]


def test_every_known_stage_is_offered_and_an_unknown_one_a_candidate_holds_too():
    assert stage_options(RANKING, ("active", "hired", "rejected")) == ["active", "hired", "rejected"]
    assert stage_options(RANKING, ("active", "hired")) == ["active", "hired", "rejected"]


@pytest.mark.parametrize(("shown", "total", "sentence"), [
    (5, 12, "Showing 5 of 12 candidates; 7 hidden by the filters."),
    (11, 12, "Showing 11 of 12 candidates; 1 hidden by the filters."),
    (12, 12, "Showing 12 of 12 candidates; none hidden by the filters."),
    (1, 1, "Showing 1 of 1 candidate; none hidden by the filters."),
    (1, 2, "Showing 1 of 2 candidates; 1 hidden by the filters."),
    (0, 1, "No candidate matches the filters: the 1 candidate is hidden by them."),
    (0, 12, "No candidate matches the filters: all 12 candidates are hidden by them."),
])
def test_the_page_says_how_many_the_filters_hide_in_words_that_agree_with_the_number(shown, total, sentence):
    assert shown_sentence(shown, total) == sentence
