"""The reason-phrase reader: which phrases it takes for a stated reason, and how it frames them."""

import pytest

from analysis.reasons import find


def cues(text):
    return [(text[c.start:c.end].lower(), c.side, c.kind) for c in find(text)]


@pytest.mark.parametrize("text", [
    "I work at Starbucks and started on the early shift.",
    "The cashier next to me was new.",
    "It was rewarding to see her walk out smiling.",
    "He cut me some slack on the rota.",
])
def test_a_reason_word_inside_a_longer_word_is_not_a_cue(text):
    found = [c for c in cues(text) if c[1] == "outer"]
    assert found == []


@pytest.mark.parametrize("text, phrase, side", [
    ("Proud of myself for sorting it out.", "proud of myself", "inner"),
    ("He reminded me of my grandson.", "my grandson", "inner"),
    ("I was heartbroken for her.", "heartbroken", "inner"),
    ("They gave us vouchers for every five-star review.", "vouchers", "outer"),
    ("The requirements say we check ID twice.", "requirements", "outer"),
])
def test_whole_words_still_match_their_longer_forms(text, phrase, side):
    assert any(phrase in p and s == side for p, s, _ in cues(text)), cues(text)


def test_supporting_a_family_is_a_money_reason_not_care_for_the_family():
    assert cues("I do this job to support my family.") == [("support my family", "outer", "money")]
    assert ("needed the money", "outer", "money") in cues("We needed the money, simple as that.")


def test_like_as_a_comparison_is_not_a_feeling():
    assert cues("It looks like it was ripped off the wall.") == []
    assert cues("Just like it says on the sign.") == []
    assert any(kind == "feeling" for _, _, kind in cues("I really like helping people."))


def test_money_denied_a_few_words_away_is_disowned():
    wages = [c for c in find("You aren't a nurse for the wages.") if c.kind == "money"]
    assert wages and all(c.disowned for c in wages)
    money = [c for c in find("Nobody does this job for the money.") if c.kind == "money"]
    assert money and all(c.disowned for c in money)
    assert not any(c.disowned for c in find("I stayed for the money."))


@pytest.mark.parametrize("text, phrase, side", [
    ("We have been taught to never question a guest.", "been taught", "outer"),
    ("My mum taught me to always help.", "my mum taught", "inner"),
    ("I would get fired if I did.", "get fired", "outer"),
])
def test_who_taught_or_fired_whom_decides_the_side(text, phrase, side):
    assert any(phrase in p and s == side for p, s, _ in cues(text)), cues(text)


@pytest.mark.parametrize("text", [
    "That greeting should have fired a synapse or two.",
    "He didn't understand his Explanation of Benefits.",
    "The forms have to be mailed off by Friday.",
])
def test_words_in_another_sense_are_not_reasons(text):
    assert [c for c in cues(text) if c[1] == "outer"] == [], cues(text)

