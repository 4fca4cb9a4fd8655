"""Outcomes, group rates, impact ratios, four-fifths flags and suppression, against values computed by hand."""

import math

import pandas as pd
import pytest

from analysis.fairness import MIN_GROUP, RACE_CATEGORIES, SEX_CATEGORIES, FairnessReport, adverse_impact, assessments

NA = pd.NA


def cohort(*groups):
    """(sex, race, n, hits) per group -> (outcomes, self_id); the first `hits` of each group are selected,
    recommended and above the median."""
    out, ident, cid = [], [], 0
    for sex, race, n, hits in groups:
        for i in range(n):
            cid += 1
            out.append((cid, 1, i < hits, i < hits, i < hits))
            ident.append((cid, sex, race))
    columns = ["selected", "recommended", "above_median"]
    outcomes = pd.DataFrame(out, columns=["candidate_id", "position_id", *columns])
    outcomes[columns] = outcomes[columns].astype("boolean")
    return outcomes, pd.DataFrame(ident, columns=["candidate_id", "sex", "race"])


def by_group(rows):
    return {(r.dimension, r.group): r for r in rows}


def scored(*rows):
    """(candidate_id, position_id, composite, strong_no, no, yes, strong_yes) -> a scoring-like frame."""
    columns = ["candidate_id", "position_id", "composite", "strong_no", "no", "yes", "strong_yes"]
    return pd.DataFrame(rows, columns=columns)


def test_selection_rates_and_impact_ratios_by_hand():
    report = adverse_impact(*cohort(("female", "white", 10, 6), ("male", "white", 10, 3)))
    sex = by_group(report.selection)
    women, men = sex[("sex", "Female")], sex[("sex", "Male")]
    assert (women.n, women.hits, women.rate) == (10, 6, pytest.approx(0.6))
    assert (men.n, men.hits, men.rate) == (10, 3, pytest.approx(0.3))
    # reference is the women's 0.6: 0.6 / 0.6 = 1, 0.3 / 0.6 = 0.5 < 0.8
    assert women.impact_ratio == pytest.approx(1.0) and not women.flag
    assert men.impact_ratio == pytest.approx(0.5) and men.flag
    assert not women.suppressed and not men.suppressed


def test_a_group_below_five_is_suppressed_and_never_the_reference():
    report = adverse_impact(*cohort(("female", "asian", 4, 4), ("female", "white", 10, 5), ("male", "black", 10, 3)))
    race = by_group(report.selection)
    asian = race[("race", "Asian")]
    assert asian.suppressed and asian.n == 4
    assert (asian.hits, asian.rate, asian.impact_ratio, asian.flag) == (None, None, None, False)
    # Asian's 4/4 = 1.0 is the highest rate but too few: White's 0.5 is the reference, Black 0.3 / 0.5 = 0.6
    assert race[("race", "White")].impact_ratio == pytest.approx(1.0)
    assert race[("race", "Black or African American")].impact_ratio == pytest.approx(0.6)
    assert race[("race", "Black or African American")].flag


def test_min_group_can_be_lowered():
    report = adverse_impact(*cohort(("female", "asian", 4, 4), ("male", "asian", 4, 2)), min_group=4)
    sex = by_group(report.selection)
    assert not sex[("sex", "Male")].suppressed and sex[("sex", "Male")].impact_ratio == pytest.approx(0.5)
    assert MIN_GROUP == 5


def test_exactly_four_fifths_is_not_flagged():
    # 4/6 over 5/6 is 0.7999999999999999 in floating point, but exactly four fifths
    report = adverse_impact(*cohort(("female", "white", 6, 5), ("male", "white", 6, 4)))
    men = by_group(report.selection)[("sex", "Male")]
    assert men.impact_ratio == pytest.approx(0.8) and not men.flag


def test_a_tie_in_recommendations_is_not_recommended_and_none_is_no_outcome():
    a = assessments(scored(
        (1, 1, 3.0, 0, 1, 1, 0),   # 1 of 2 positive: a tie
        (2, 1, 3.0, 1, 0, 0, 1),   # strong no against strong yes: a tie
        (3, 1, 3.0, 0, 1, 2, 0),   # 2 of 3
        (4, 1, 3.0, 0, 0, 0, 1),   # 1 of 1
        (5, 1, 3.0, 2, 1, 0, 0),   # 0 of 3
        (6, 1, 3.0, 0, 0, 0, 0),   # nobody recommended
    )).set_index("candidate_id")
    assert list(a["recommended"].iloc[:5]) == [False, False, True, True, False]
    assert a.loc[6, "recommended"] is NA
    assert str(a["recommended"].dtype) == "boolean"
    assert a["selected"].isna().all()  # no decisions given: no selection outcome


def test_above_median_is_per_position_and_strict():
    a = assessments(scored(
        (1, 1, 1.0, 0, 0, 1, 0), (2, 1, 2.0, 0, 0, 1, 0), (3, 1, 3.0, 0, 0, 1, 0),       # median 2
        (4, 2, 4.0, 0, 0, 1, 0), (5, 2, 5.0, 0, 0, 1, 0), (6, 2, math.nan, 0, 0, 1, 0),  # median 4.5
    )).set_index("candidate_id")
    # pooled, the median would be 3 and candidate 4 would be above it
    assert list(a.loc[[1, 2, 3, 4, 5], "above_median"]) == [False, False, True, False, True]
    assert a.loc[6, "above_median"] is NA
    assert list(a.columns) == ["position_id", "selected", "recommended", "above_median"]


def test_people_without_a_decision_are_left_out_of_selection_only():
    outcomes, ident = cohort(("female", "white", 6, 3))
    outcomes.loc[outcomes["candidate_id"] == 1, "selected"] = NA       # was selected
    outcomes.loc[outcomes["candidate_id"] == 6, "above_median"] = NA   # was not above
    outcomes.loc[len(outcomes)] = [7, 1, NA, NA, NA]                   # no outcome at all
    ident.loc[len(ident)] = [7, "female", "white"]
    report = adverse_impact(outcomes, ident)
    sel, sco = by_group(report.selection)[("sex", "Female")], by_group(report.scoring)[("sex", "Female")]
    assert (sel.n, sel.hits) == (5, 2) and (sco.n, sco.hits) == (5, 3)
    assert report.total == 6


def test_unknowns_are_counted_and_never_form_a_group():
    outcomes, ident = cohort(("female", "white", 5, 2), (None, "white", 2, 1), ("male", math.nan, 3, 1),
                             ("male", "white", 5, 5))
    ident = ident[ident["candidate_id"] != 15]   # the last man never answered: unknown on both
    report = adverse_impact(outcomes, ident)
    assert (report.unknown_sex, report.unknown_race, report.total) == (3, 4, 15)
    groups = by_group(report.selection)
    assert set(groups) == {("sex", "Female"), ("sex", "Male"), ("race", "White"),
                           ("sex × race", "Female · White"), ("sex × race", "Male · White")}
    assert groups[("sex", "Male")].n == 3 + 4 and groups[("race", "White")].n == 5 + 2 + 4
    assert groups[("sex × race", "Male · White")].n == 4


def test_intersectional_groups_use_people_known_on_both_with_joined_labels():
    report = adverse_impact(*cohort(("female", "asian", 5, 4), ("male", "two_or_more", 6, 3),
                                    ("female", None, 2, 0), (None, "asian", 3, 3)))
    inter = [r for r in report.selection if r.dimension == "sex × race"]
    assert [(r.group, r.n, r.hits) for r in inter] == [("Female · Asian", 5, 4), ("Male · Two or More Races", 6, 3)]
    # 4/5 = 0.8 against 3/6 = 0.5: Male · Two or More Races is 0.625 of the reference
    assert inter[1].impact_ratio == pytest.approx(0.625) and inter[1].flag
    sex = by_group(report.selection)
    assert sex[("sex", "Female")].n == 7 and sex[("race", "Asian")].n == 8


@pytest.mark.parametrize("column, value", [("sex", "F"), ("race", "martian")])
def test_an_unknown_category_key_raises_naming_the_value(column, value):
    outcomes, ident = cohort(("female", "white", 5, 2))
    ident.loc[0, column] = value
    with pytest.raises(ValueError, match=value):
        adverse_impact(outcomes, ident)


def test_a_candidate_twice_in_self_id_raises_rather_than_counting_twice():
    outcomes, ident = cohort(("female", "white", 5, 2))
    with pytest.raises(ValueError, match="more than once"):
        adverse_impact(outcomes, pd.concat([ident, ident.iloc[[0]]]))


def test_highest_rate_zero_gives_no_ratios_and_no_flags():
    report = adverse_impact(*cohort(("female", "white", 5, 0), ("male", "white", 5, 0)))
    for r in report.selection:
        assert r.rate == 0 and r.impact_ratio is None and not r.flag


def test_rows_follow_dimension_then_category_order_and_name_the_measure():
    report = adverse_impact(*cohort(("male", "white", 5, 1), ("female", "asian", 5, 2), ("female", "white", 5, 3)))
    rows = report.rows()
    assert [(r["measure"], r["dimension"], r["group"]) for r in rows[:6]] == [
        ("selection rate", "sex", "Female"), ("selection rate", "sex", "Male"),
        ("selection rate", "race", "White"), ("selection rate", "race", "Asian"),
        ("selection rate", "sex × race", "Female · White"), ("selection rate", "sex × race", "Female · Asian"),
    ]
    assert len(rows) == 3 * 7 and rows[7]["measure"] == "recommendation rate" and rows[14]["measure"] == "scoring rate"
    assert set(rows[0]) == {"measure", "dimension", "group", "n", "hits", "rate", "impact_ratio", "flag", "suppressed"}
    # Male · White: 1/5 against Female · White's 3/5
    assert rows[6]["group"] == "Male · White" and rows[6]["impact_ratio"] == pytest.approx(1 / 3)


def test_assessments_feed_the_report_end_to_end():
    rows = [(i, 1, float(i), 0, 1, 1 if i <= 2 else 2, 0) for i in range(1, 11)]  # 3..10 selected (2 of 3)
    ident = pd.DataFrame([(i, "female" if i <= 5 else "male", "white") for i in range(1, 11)],
                         columns=["candidate_id", "sex", "race"])
    report = adverse_impact(assessments(scored(*rows)), ident)
    sex = by_group(report.recommendation)
    assert (sex[("sex", "Female")].hits, sex[("sex", "Male")].hits) == (3, 5)
    # median composite 5.5: only the men are above it
    scoring = by_group(report.scoring)
    assert (scoring[("sex", "Female")].rate, scoring[("sex", "Male")].rate) == (0, 1)
    assert scoring[("sex", "Female")].impact_ratio == 0 and scoring[("sex", "Female")].flag


def test_empty_input_gives_an_empty_report():
    outcomes = assessments(scored())
    assert outcomes.empty and list(outcomes.columns) == [
        "candidate_id", "position_id", "selected", "recommended", "above_median"]
    report = adverse_impact(outcomes, pd.DataFrame(columns=["candidate_id", "sex", "race"]))
    assert report == FairnessReport((), (), (), 0, 0, 0) and report.rows() == []


def test_decisions_count_every_candidate_in_scope_and_selection_is_forward_or_hired():
    # 10 women, 10 men. Decisions: women 1-4 selected, 5-8 rejected, 9-10 undecided;
    # men 11-12 selected, 13-19 rejected, 20 undecided. Only women 1-3 and man 11 were interviewed.
    decisions = ([(i, 1, True) for i in range(1, 5)] + [(i, 1, False) for i in range(5, 9)] + [(9, 1, None), (10, 1, None)]
                 + [(11, 1, True), (12, 1, True)] + [(i, 1, False) for i in range(13, 20)] + [(20, 1, None)])
    rows = [(1, 1, 4.0, 0, 0, 1, 0), (2, 1, 3.0, 0, 1, 0, 0), (3, 1, 2.0, 0, 0, 0, 1), (11, 1, 1.0, 0, 1, 0, 0)]
    ident = pd.DataFrame([(i, "female" if i <= 10 else "male", "white") for i in range(1, 21)],
                         columns=["candidate_id", "sex", "race"])
    a = assessments(scored(*rows), decisions).set_index("candidate_id")
    assert len(a) == 20 and a.loc[9, "selected"] is NA and a.loc[5, "recommended"] is NA
    report = adverse_impact(a.reset_index(), ident)
    sex = by_group(report.selection)
    women, men = sex[("sex", "Female")], sex[("sex", "Male")]
    # by hand: women 4 of 8 decided = 0.5; men 2 of 9 = 0.2222; ratio 0.2222 / 0.5 = 0.4444, flagged
    assert (women.n, women.hits, men.n, men.hits) == (8, 4, 9, 2)
    assert men.impact_ratio == pytest.approx((2 / 9) / 0.5) and men.flag and not women.flag
    # the recommendation view still reads only the interviewed: women 2 of 3 recommended, the man 0 of 1
    rec = by_group(report.recommendation)
    assert (rec[("sex", "Female")].n, rec[("sex", "Female")].suppressed) == (3, True)
    assert report.total == 17  # candidates 9, 10 and 20 have no outcome of any kind


def test_categories_are_the_eeo1_set():
    assert list(SEX_CATEGORIES.values()) == ["Female", "Male"]
    assert len(RACE_CATEGORIES) == 7 and RACE_CATEGORIES["native_hawaiian_pacific_islander"] == (
        "Native Hawaiian or Other Pacific Islander")
