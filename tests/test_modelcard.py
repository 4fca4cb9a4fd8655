"""The model card's scoring script reads real-text files as their format says."""

from analysis.modelcard import load_real


def test_a_real_text_files_id_and_rater_columns_are_never_read_as_part_of_the_passage(tmp_path):
    """The id and the raters' "sure"/"unsure" are bookkeeping: scored as words, "unsure" told the model
    which passages the raters found hard, and flattered the figures."""
    f = tmp_path / "real.tsv"
    f.write_text("intrinsic\tI stayed because she was scared.\tP001\tsure\n"
                 "unclear\tI rang the depot and rebooked it.\tP002\tunsure\n"
                 "extrinsic\tMy manager was watching.\n", encoding="utf-8")
    examples, sure = load_real(f)
    assert [e.text for e in examples] == ["I stayed because she was scared.", "I rang the depot and rebooked it.",
                                          "My manager was watching."]
    assert [e.label for e in examples] == ["intrinsic", "unclear", "extrinsic"]
    assert sure == [True, False, True]
