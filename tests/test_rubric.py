from pathlib import Path

import pytest

from rubric import RubricError, default_kit, load_kit, load_kit_text, load_kits
from rubric.loader import DEFAULT_KIT_FILE
from tests.builders import mini_kit

PRINCIPLES_MD = Path(__file__).resolve().parents[2] / "shared" / "principles.md"
ALL_PRINCIPLES = {
    "understand", "listen", "patience", "personalize", "empathize-first", "composure", "dialogue",
    "above-and-beyond", "partnership", "no-thanks-needed", "learning", "impact-over-intent",
}

GOOD = mini_kit()


def test_default_kit_covers_every_principle():
    kit = default_kit()
    cited = {p for q in kit.questions for p in q.principles}
    assert cited == ALL_PRINCIPLES == set(kit.principle_names)


def test_default_kit_principles_match_the_shared_principles_file():
    if not PRINCIPLES_MD.exists():
        pytest.skip("shared/principles.md not beside the repository")
    text = PRINCIPLES_MD.read_text()
    for name in ALL_PRINCIPLES:
        assert f"**{name}**" in text


def test_every_default_question_is_behavioural_with_both_follow_ups_and_five_anchors():
    for q in default_kit().questions:
        assert q.prompt.startswith(("Tell me about", "Describe a time")), q.id
        assert "why" in q.why_prompt.lower()
        assert "feel" in q.feeling_prompt.lower()
        assert len(q.anchors) == 5 and all(a.strip() for a in q.anchors)


def test_good_kit_loads_into_frozen_dataclasses():
    kit = load_kit_text(GOOD, "mini.toml")
    assert kit.version == "2.1" and kit.question("q1").anchor(3) == "c"
    with pytest.raises(Exception):
        kit.name = "changed"  # frozen


@pytest.mark.parametrize(
    "mutation, message",
    [
        (lambda t: t.replace('5 = "e"\n', ""), "question 'q1': anchors need exactly the levels 1-5: missing level(s) ['5']"),
        (lambda t: t.replace('principles = ["listen"]', 'principles = ["telepathy"]'), "undefined principle(s) ['telepathy']"),
        (lambda t: t.replace('why = "Why did you do it?"\n', ""), "question 'q1': missing key(s) ['why']"),
        (lambda t: t.replace('version = "2.1"', "version = 2.1"), "'version' must be a string"),
        (lambda t: "colour = 'blue'\n" + t, "unknown top-level key(s) ['colour']"),
        (lambda t: t.replace('title = "Listening"', 'title = "Listening"\nweight = -1'), "'weight' must be a number"),
        (lambda t: t.replace("[[questions]]", "[[questions]"), "not valid TOML"),
        (lambda t: t + t[t.index("[[questions]]"):], "question 'q1': the id is used twice"),
        (lambda t: t.replace("[principles]", "[scoring]\nmotivation_weight = 0.7\n[principles]", 1),
         "never weigh more than the interviewers' own ratings"),
    ],
)
def test_broken_kit_names_file_question_and_problem(mutation, message):
    with pytest.raises(RubricError) as err:
        load_kit_text(mutation(GOOD), "broken.toml")
    assert str(err.value).startswith("broken.toml")
    assert message in str(err.value)


def test_missing_kit_file_is_a_clear_error(tmp_path):
    with pytest.raises(RubricError, match="kit file not found"):
        load_kit(tmp_path / "nope.toml")


def test_organisation_kits_folder_adds_kits(tmp_path):
    (tmp_path / "mini.toml").write_text(GOOD)
    kits = load_kits(tmp_path)
    assert set(kits) == {"customer-service", "mini"}


def test_two_kits_with_one_id_are_refused(tmp_path):
    (tmp_path / "copy.toml").write_text(DEFAULT_KIT_FILE.read_text())
    with pytest.raises(RubricError, match="already used by"):
        load_kits(tmp_path)


def test_missing_kits_folder_names_the_setting(tmp_path):
    with pytest.raises(RubricError, match="MOTIVE_KITS_DIR"):
        load_kits(tmp_path / "absent")


def test_principles_read_as_names_not_as_their_short_ids():
    kit = default_kit()
    assert kit.principles_of(kit.question("extra-mile")) == "Above and beyond, No thanks needed"
    assert kit.principle_titles["impact-over-intent"] == "Impact over intent"
    assert not any("-" in title for title in kit.principle_titles.values())


def test_a_kit_may_give_a_principle_its_own_name():
    text = GOOD.replace('listen = "Hear what is needed."',
                        '[principles.listen]\ntitle = "Listening first"\nsummary = "Hear what is needed."')
    kit = load_kit_text(text, "mini.toml")
    assert kit.principles[0].title == "Listening first" and kit.principles[0].summary == "Hear what is needed."
    assert kit.principles_of(kit.question("q1")) == "Listening first"


@pytest.mark.parametrize("mutation, message", [
    (lambda t: t.replace('listen = "Hear what is needed."', '[principles.listen]\ntitle = "Listening"'),
     "principle 'listen': a principle table takes 'summary' and optionally 'title'"),
    (lambda t: t.replace("[principles]", '[follow_up]\nmixed = "Which?"\n[principles]', 1),
     "[follow_up] takes only ['extrinsic']"),
    (lambda t: t.replace("[principles]", '[follow_up]\nextrinsic = " "\n[principles]', 1),
     "'extrinsic' must be a non-empty string"),
])
def test_a_malformed_principle_name_or_follow_up_is_refused_with_where_it_is(mutation, message):
    with pytest.raises(RubricError) as refused:
        load_kit_text(mutation(GOOD), "mini.toml")
    assert message in str(refused.value)


def test_the_default_kit_names_the_follow_up_that_tests_an_outer_reason():
    assert default_kit().extrinsic_probe == "What would you have done if nobody had been watching?"
