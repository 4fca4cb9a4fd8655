"""What the interview suggests asking next (analysis/probes.py)."""

from analysis.probes import ASK_AGAIN, ASK_UNWATCHED, ASK_WHY, probes_for
from rubric import load_kit_text
from tests.builders import mini_kit

STORY = "Her parcel was stuck in the depot, so I re-booked the van and rang her back the same day."
WHY = "It was target week and my manager was watching the call-back numbers."
FEELING = "Relieved, mostly. I got my bonus."


def test_a_complete_but_clearly_extrinsic_answer_gets_the_kits_probe_not_nothing_missing(kit):
    assert kit.extrinsic_probe == "What would you have done if nobody had been watching?"
    assert probes_for(STORY, WHY, FEELING, "extrinsic", 0.85, extrinsic_probe=kit.extrinsic_probe) == (
        kit.extrinsic_probe,)


def test_a_kit_without_its_own_follow_up_still_tests_an_outer_reason():
    assert load_kit_text(mini_kit()).extrinsic_probe == ""
    assert probes_for(STORY, WHY, FEELING, "extrinsic", 0.85) == (ASK_UNWATCHED,)


def test_an_unsure_extrinsic_reading_asks_the_why_again_rather_than_testing_the_reason(kit):
    assert probes_for(STORY, WHY, FEELING, "extrinsic", 0.45, extrinsic_probe=kit.extrinsic_probe) == (ASK_AGAIN,)


def test_the_probe_follows_the_interviewers_label_once_reviewed(kit):
    # The model read extrinsic; the interviewer overrode it to intrinsic: a person decided, nothing to test.
    assert probes_for(STORY, WHY, FEELING, "intrinsic", None, extrinsic_probe=kit.extrinsic_probe) == ()
    # Overridden to extrinsic from a reading the model was unsure of: the outer reason is tested, never "uncertain".
    assert probes_for(STORY, WHY, FEELING, "extrinsic", None, extrinsic_probe=kit.extrinsic_probe) == (
        kit.extrinsic_probe,)


def test_what_is_missing_still_comes_before_the_test_of_the_reason(kit):
    assert probes_for(STORY, "", FEELING, "extrinsic", 0.9, extrinsic_probe=kit.extrinsic_probe) == (
        ASK_WHY, kit.extrinsic_probe)
