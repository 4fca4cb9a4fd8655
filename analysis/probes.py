"""What to ask next about an answer, from what is missing and what the model read.

- no reason stated (the why is empty, or the model reads the answer as unclear) -> ask why;
- no feeling (the feeling is empty, or no word of feeling anywhere) -> ask how it felt;
- mixed -> ask which mattered more;
- extrinsic (an outer reason: a boss watching, a target, a reward) -> the kit's probe that tests it,
  even when nothing is missing;
- a label the model is not sure of (below NOT_SURE) -> ask the why again in other words.

The label is the answer's final one: once the interviewer has confirmed or overridden it, theirs
(and no confidence, since a person decided), else the model's.
"""

from __future__ import annotations

import re

ASK_STORY = "Ask for one specific occasion: what happened, what did they do, how did it end?"
ASK_WHY = "Ask why they did it: what made them act, or what would have happened if they had not?"
ASK_FEELING = "Ask how it made them feel, then and afterwards."
ASK_WHICH = "They gave more than one kind of reason: ask which mattered more to them at the time."
ASK_AGAIN = "The reading is uncertain: ask the why once more, in different words."
# For a kit without its own [follow_up] extrinsic probe (kits written before there was one).
ASK_UNWATCHED = "What would you have done if nobody had asked you, or been watching?"
# Below this confidence the interview shows "not sure: probe" instead of a label: on real people's
# words a label shown under it is right less often than not (analysis/MODEL_CARD.md).
NOT_SURE = 0.6

FEELING_WORDS = frozenset("""
felt feel feeling feelings happy happier glad proud pride relieved relief good great amazing awesome wonderful warm
satisfied satisfying satisfaction rewarding chuffed buzzing stoked thrilled excited delighted love loved lovely enjoy
enjoyed enjoying fun sad sorry bad terrible awful horrible guilty worried nervous anxious scared afraid angry
frustrated annoyed upset stressed tired exhausted pleased grateful thankful touched moved emotional heart smile
smiled smiling cry cried tears nice brilliant fantastic bittersweet embarrassed ashamed calm content fulfilled
accomplished lighter joy joyful overjoyed heartbroken gutted miserable elated ecstatic blessed honoured honored
""".split())


def has_feeling(text: str) -> bool:
    return any(w in FEELING_WORDS for w in re.findall(r"[a-z]+", (text or "").lower()))


def probes_for(story: str, why: str, feeling: str, label: str | None = None,
               confidence: float | None = None, extrinsic_probe: str = "") -> tuple[str, ...]:
    """The follow-ups to suggest for one answer, most important first.

    `confidence` None means the label is a person's (reviewed), so it is never "uncertain";
    `extrinsic_probe` is the kit's follow-up for an outer reason (ASK_UNWATCHED when it has none).
    """
    out = []
    sure = confidence is None or confidence >= NOT_SURE
    if not (story or "").strip():
        out.append(ASK_STORY)
    if not (why or "").strip() or label == "unclear":
        out.append(ASK_WHY)
    if not (feeling or "").strip() or not has_feeling(" ".join((story or "", why or "", feeling or ""))):
        out.append(ASK_FEELING)
    if label == "mixed":
        out.append(ASK_WHICH)
    if label == "extrinsic" and sure:
        out.append(extrinsic_probe or ASK_UNWATCHED)
    if label is not None and not sure and label != "unclear":
        out.append(ASK_AGAIN)
    return tuple(out)
