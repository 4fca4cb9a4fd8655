"""How the interview shows a person's words with the model's evidence: literal text, whole words, readable tints."""

import re

from ui.render import EVIDENCE_STYLE, NNBSP, WORD_JOINER, evidence_line, highlighted

# A tinted phrase in the Markdown: a colour directive whose content ends at the first unescaped "]".
_TINTED = re.compile(r":(?:color|[a-z]+-background)\[((?:\\.|[^\]\\])*)\](?:\{[^}]*\})?")
_MARKERS = "".join(marker for marker, _, _ in EVIDENCE_STYLE.values())


def _shown(markdown_text: str) -> str:
    """What a reader sees of an escaped piece: no backslashes, no word joiners, no side markers."""
    text = re.sub(r"\\(.)", r"\1", markdown_text).replace(WORD_JOINER, "")
    return text.lstrip(_MARKERS).lstrip(NNBSP)


def _tinted(markdown_text: str) -> list[str]:
    return [_shown(m.group(1)) for m in _TINTED.finditer(markdown_text)]


def _ev(text: str, phrase: str, side: str) -> dict:
    start = text.index(phrase)
    return {"start": start, "end": start + len(phrase), "side": side}


def test_a_highlight_never_leaves_a_space_before_punctuation_nor_splits_a_hyphenated_word():
    text = "The parcel was stuck. I re-booked the van, and she didn't wait (my manager noticed)."
    evidence = [_ev(text, "stuck", "extrinsic"), _ev(text, "booked", "intrinsic"), _ev(text, "didn", "intrinsic"),
                _ev(text, "manager noticed", "extrinsic")]
    shown = highlighted(text, evidence)
    # The tint's edge sits where a reader's eye expects a word's edge: after "stuck." and around all of "re-booked".
    assert _tinted(shown) == ["stuck.", "re-booked", "didn't", "manager noticed"]
    # Nothing added or lost: the text between the directives plus the tinted phrases is the text typed.
    plain = _TINTED.sub(lambda m: _shown(m.group(1)), shown)
    assert _shown(plain) == text


def test_evidence_that_starts_or_ends_on_a_space_is_trimmed_to_its_words():
    text = "It was target week, honestly."
    assert _tinted(highlighted(text, [{"start": 6, "end": 20, "side": "extrinsic"}])) == ["target week,"]


def test_the_compact_evidence_line_lists_each_phrase_once_without_its_sentence_punctuation():
    text = "My manager was watching; I got a bonus. I felt for her."
    line = evidence_line(text, [_ev(text, "manager was watching", "extrinsic"), _ev(text, "bonus", "extrinsic"),
                                _ev(text, "felt for her", "intrinsic")])
    assert _tinted(line) == ["manager was watching", "bonus", "felt for her"]


def test_a_persons_text_in_the_evidence_stays_literal():
    text = "[click](http://evil.example) **bold** :red[alarm] <b>x</b> stuck."
    shown = highlighted(text, [_ev(text, "stuck", "extrinsic")])
    assert "](http" not in shown and "**bold**" not in shown and ":red[" not in shown and "<b>" not in shown
    assert _shown(_TINTED.sub(lambda m: _shown(m.group(1)), shown)) == text


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_evidence_tints_tell_the_sides_apart_by_more_than_colour_and_keep_their_text_readable():
    (i_marker, i_ink, i_tint), (e_marker, e_ink, e_tint) = EVIDENCE_STYLE["intrinsic"], EVIDENCE_STYLE["extrinsic"]
    assert _contrast(i_ink, i_tint) >= 4.5 and _contrast(e_ink, e_tint) >= 4.5  # WCAG AA for body text
    assert i_marker != e_marker  # a shape of its own, for anyone who cannot tell the tints apart
    # Strong enough to see at a glance: each tint stands off the white page, and the two differ plainly.
    assert _contrast(i_tint, "#ffffff") >= 1.3 and _contrast(e_tint, "#ffffff") >= 1.2
    assert max(abs(int(i_tint[k:k + 2], 16) - int(e_tint[k:k + 2], 16)) for k in (1, 3, 5)) >= 80
    text = "I felt for her, and my manager was watching."
    shown = highlighted(text, [_ev(text, "felt for her", "intrinsic"), _ev(text, "manager was watching", "extrinsic")])
    assert f'background="{i_tint}"' in shown and f'background="{e_tint}"' in shown
    assert f"{i_marker}{NNBSP}felt" in shown and f"{e_marker}{NNBSP}manager" in shown
