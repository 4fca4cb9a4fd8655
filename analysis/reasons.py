"""Reason-first reading: find the phrases that *state* a motive, and what surrounds them.

The labelling guide judges the stated reason, not the deed and not the words that
happen to appear. A bag of n-grams learnt from our own writing does the opposite on
real text: it learns that caring *actions* ("I sat with her for two hours") come with
caring reasons, and that any job or money word means an outer reason. This module
looks only for phrases that carry a reason or a feeling, written from the guide
(not from any evaluation text), and reads each one in its clause:

* **side and kind**: inner (care, feeling, conscience, values, enjoyment, pride) or
  outer (boss, rules, metrics, rewards, tips, trouble, job, business);
* **strength**: a phrase that is a reason on its own ("for the tips", "I'd have been
  written up", "felt sorry for her") or a word that is only a cue ("manager", "policy");
* **frame**: inside a reason frame ("because", "so that", "that's why", "made me",
  "if I hadn't ... I'd have"), negated ("it wasn't about the money"), disowned ("the
  money's nice, but it's the people"; "that's not why I did it"), or said with irony
  ("I act like I care so they tip").

``ReasonCues`` turns these into a few dozen counts for the classifier; ``find`` gives the
spans, which are what the interview shows as evidence: the reason, not the story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

REASONS_VERSION = 2
_APOS = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u201c": '"', "\u201d": '"'})

# (side, strength, kind, patterns). Patterns are regular expressions over lower-cased text with
# straight apostrophes; \b is added around each. "strong" phrases state a reason by themselves.
_LEXICON: list[tuple[str, str, str, list[str]]] = [
    ("inner", "strong", "empathy", [
        r"(felt|feel|feeling|was|were|am) (so |really |very |pretty |kinda |kind of |a bit |just )?(sorry|bad|awful|terrible|horrible|sad) (for|about) (her|him|them|the|this|that|these|those|a|an|this|my|our|how)",
        r"felt for (her|him|them|the)", r"(my|your) heart (went out|broke|sank|melted)", r"heart ?(broke|broken|breaking|breaks|went out)",
        r"(couldn't|could not|can't|cannot|couldnt|cant) (just )?(leave|bear|stand|let|watch|walk away|walk past|send|turn|ignore|say no)",
        r"(hate|hated|can't stand|couldn't stand) (seeing|to see|watching|it when)", r"put myself in (her|his|their)",
        r"in (her|his|their|your) shoes", r"(imagine|imagined|pictured|thought of|thinking of|think of) (her|him|them|how|if it was|if that was|my)",
        r"(would|i'd|id) want (the same|someone|somebody|that)", r"(wanted|want|wanting) (her|him|them|the kid|the kids|the family|the customer|the patient|the guest|people|everyone|everybody) to (feel|be|have|get|know|leave|go home|enjoy)",
        r"(she|he|they) (was|were|looked|seemed) (so )?(scared|lost|alone|lonely|upset|stressed|panicking|frightened|desperate)",
        r"(worried|worry|worrying) about (her|him|them|the)", r"(cared|care|caring) (about|for|so much)", r"i (really |genuinely |truly |actually )?(care|cared)",
        r"(my|our) (mum|mom|mother|dad|father|nan|nana|nanna|gran|granny|grandma|grandad|granddad|grandpa|grandmother|grandfather|grandson|granddaughter|grandkids|grandchildren|kid|kids|son|daughter|sister|brother|family|parents)",
        r"empath\w*", r"compassion\w*", r"(deserve|deserved|deserves) (better|to|it|that|some|a|the)",
        r"(just|only|really|genuinely|truly) (wanted|want) to (help|make|fix|sort|see|get)",
        r"(kept |keep )?(picturing|pictured|imagining)", r"(i |i'd |id )?(know|knew|remember|remembered) (how|what) (that|it|this) (feels|felt|is like|was like)",
        r"(remember|remembered) (when i|my own|being)", r"(bothered|bother|bothers|bugged|eat at|ate at|eating at) me", r"(sit|sat|sits) right( with me)?",
        r"(never|wouldn't|couldn't|could not) (have )?forgive(n)? myself", r"sense of (fairness|justice|duty|right)", r"(it|that) (offended|upset|hurt) me",
        r"(wanted|want|wanting) (her|him|them) (home|safe|back|to be ok|to be okay|to be alright|sorted)", r"(i |i'm |im )?(happy|glad|relieved) to see (her|him|them)",
        r"(moved|touched|got to) me", r"(my )?heart (was|is) (breaking|broken|full|in it)", r"(i )?(liked|like|love|loved) (him|her|them|the guy|the lady|the old|that family|those)",
    ]),
    ("inner", "strong", "feeling", [
        r"(felt|feel|feels|feeling) (so |really |very |pretty |super |genuinely |quite |just )?(good|great|amazing|awesome|wonderful|warm|proud|happy|lovely|fulfilled|rewarded|useful|alive|lighter|satisfied|fantastic|brilliant|nice|incredible|grateful|blessed|honoured|honored)",
        r"made (my|me) (day|week|night|shift|year|month|feel|smile|happy|proud|glad|cry|tear up)",
        r"makes (my|me) (day|week|feel|smile|happy|proud|glad)", r"(so|really|very|genuinely|truly) (glad|happy|proud|pleased|chuffed|touched|moved)",
        r"(i was|i am|i'm|im) (glad|happy|proud|pleased|chuffed|touched|moved|thrilled|stoked|over the moon)",
        r"(satisfying|satisfaction|fulfilling|fulfilment|fulfillment|rewarding|worth it|warm fuzz\w*|warm and fuzzy|best feeling|good feeling|great feeling|nice feeling|feels good|feel good|felt good)",
        r"(love|loved|loving|enjoy|enjoyed|enjoying|(i|we|i really|i do|i still|i always|i actually|i genuinely|really do) like|liked|liking) (it|helping|doing|seeing|making|being|when|that|the feeling|people|my job|the job|this job|working|talking|solving|figuring|fixing|the challenge|a challenge|the puzzle|puzzles|chatting|meeting)",
        r"(smile|smiles|smiling|grin) on (her|his|their)", r"(the look on|seeing) (her|his|their) face", r"i (love|adore) (my|our|the|these|those|this)",
        r"(joy|happiness|pride) (of|in|from|when)", r"i was (so )?(relieved|happy|glad) (for|that (she|he|they))",
        r"(had|have|having) (so much |such |real |actual )?fun", r"(actually|genuinely|really) (had fun|enjoyed|loved|like|liked)", r"just (had fun|enjoyed|loved|liked)",
        r"(was|is|felt) (genuinely |really |so )?(lovely|special|magic|magical)", r"(chuffed|buzzing|stoked|thrilled|over the moon|made up)",
        r"(i |i just )?(like|love|enjoy)s? (to|teaching|explaining|showing|chatting|talking)", r"(nerd|geek)(y)? (thrill|out)", r"(a |good )?puzzle",
    ]),
    ("inner", "strong", "conscience", [
        r"(right thing|the right way|only decent|decent thing|human thing|least i could do|what anyone would|just how i am|who i am|how i was raised|how i was brought up|the way i was raised|the way i was brought up)",
        r"(would have|would've|wouldve|would of|i'd have|i'd've|id have|i'd) (felt|feel) (terrible|awful|bad|guilty|horrible|rotten|sick|awful|like crap|like shit|like a jerk|like an ass)",
        r"(felt|feel|feeling) (guilty|terrible|awful|rotten|sick)( about| if| leaving| for)?", r"(conscience|live with myself|sleep at night|look myself in|look at myself)",
        r"(i believe|i think everyone|treat (people|others|everyone)|the golden rule|do unto|as i'd want|as i would want|basic (human )?(decency|respect|kindness)|(human|common) decency)",
        r"(raised|brought up) (me|to|that|by)", r"(my|our) (parents|mum|mom|mother|dad|father|nan|nana|gran|grandma|grandmother|grandpa|grandfather|family|faith|church) (taught|raised|brought)", r"(my|own) (values|standards|principles)",
    ]),
    ("inner", "strong", "craft", [
        r"(pride|proud) (in|of) (myself|my|the|our|doing|what i)", r"(take|took|takes) pride", r"(i'm|i am|im) a (perfectionist|fixer|people person|helper)",
        r"(curious|curiosity|fascinat\w*|interesting puzzle|love a puzzle|love puzzles|like a puzzle|nerd out|challenge i like)",
        r"(nobody|no one|noone|no-one) (asked|told|made|forced|expected) me", r"(on|in) my own time", r"not (even )?my job",
        r"(nothing|didn't get anything|didnt get anything|don't get anything|dont get anything|no extra) (in return|for it|out of it)",
    ]),
    ("outer", "strong", "money", [
        r"(for|about|because of|get|got|getting|earn|earned|make|made|making|bigger|better|good|great|decent|more|the|a|my|extra|higher|nice) (tips?|tipping|tippers?)",
        r"tips?\b(?! (jar|line|out|over|on how|and tricks|for))", r"tipp?(er|ers|ed|ing)\b", r"\b(stiffed|stiff|stiffs)\b", r"(commission|commissions|spiffs?|spiff|bonus|bonuses|incentives?|quota|quotas|payout|paycheck|pay check|pay cheque|paycheque|wage|wages|salary|overtime|time and a half|gratuity|gratuities|cash|money|dollars?|bucks|quid|\$\d+|£\d+)",
        r"(gift cards?|vouchers?|prize|prizes|raffle|trip to|pizza party|free lunch|reward|rewards|rewarded|recogni[sz]\w*|shout ?out|employee of the (month|year|quarter)|promotion|promoted|raise|pay rise|pay bump|leaderboard|top of the board|top seller|top performer|star badge)",
        r"(paid|pay) (me|us|for|to|the bills|rent|my rent|my bills)", r"(keeps|keep|kept|pays|paying) the (lights on|bills|rent)", r"(rent|bills) (money|to pay|are due|due)",
        r"(big|bigger|large|larger) (tables?|parties|party|orders?|tickets?|checks?|bills?) (are|is|were|was|mean|means|pay|tip)",
        r"(team )?night out", r"(perks?|(good|great|decent|health|employee|medical|dental|job|the) benefits|benefits package|employee discount|staff discount|discount|free (food|coffee|drinks?|meals?|lunch|stuff|travel|flights?|tickets)|health (care|insurance)|insurance|pensions?|401k|retirement (plan|match))",
        r"(paid|pays|paying) (well|good|decent|great|better|more)", r"(good|great|decent|better|more|extra|easy|quick|fast) (money|pay|cash|income)", r"the pay\b", r"(make|made|making|earn|earned|earning) (more|good|decent|a living|ends meet|rent|my rent)",
        r"(a|my|the) (living|livelihood|paycheck|pay packet)", r"(support|supporting|supports|feed|feeding|provide for|providing for|put food on the table for) (my|our|a) (family|families|kids|children|son|daughter|household|wife|husband)",
        r"(need|needed|needs|needing) (the|this|that|a|my) (money|paycheck|pay check|income|job|hours|shifts)", r"(i'm|im|i am|i was|we're|we are|we were) (broke|skint|poor|desperate for (money|cash|work|hours))", r"(tuition|college money|school fees|student loans?|the bills|my bills|bills to pay)", r"(flexible|flexibility|own) (hours|schedule|shifts)", r"job security|steady (job|income|work)|reliable income",
        r"(clientele|client base|book of business|repeat clients)", r"(top|next|higher|bonus) (tier|band|bracket)", r"on track for", r"points (are|is|for|toward|towards)", r"(rent|mortgage) (was|is) due",
        r"(praise|praises|praised|praising) (whoever|me|us|the)", r"i (like|love|liked|loved) (this|the|that|being) praise",
    ]),
    ("outer", "strong", "metric", [
        r"(csat|nps|aht|kpi|kpis|sla|slas|qa|qc|fcr|adherence|handle time|talk time|after.?call|wrap time|survey|surveys|scores?|scorecard|stats|metrics?|numbers|rating|ratings|stars?|five.?stars?|5.?stars?|reviews?|feedback forms?|targets?|goals?|upsell\w*|conversion|attach rate)",
        r"(mystery|secret) (shopper|shop|shoppers|caller|callers|diner|diners)", r"(calls?|chats?) (are|were|get|got|is|being) (monitored|recorded|listened|reviewed|graded|scored)",
        r"(qa|quality|audit|auditor|auditors|inspection|inspectors?|cqc|ofsted|joint commission|state survey|surveyors?) (was|were|is|are|came|coming|listen|listens|checks|check|pulls|reviews|team)",
        r"(audits?|audited|inspected|monitored|graded|marked down|docked|dinged)",
    ]),
    ("outer", "strong", "trouble", [
        r"(written up|write.?up|write me up|wrote me up|writing me up|disciplin\w*|warning|strike|pip\b|performance improvement|coached|coaching session|called into|called in to|the office|hr (would|will|was)|(get|got|getting|gets|be|been|being|was|were|am|is|are) (fired|sacked)|fire (me|us)|fired (me|us)|sacked|let go|lose my job|lost my job|losing my job|keep my job|keeping my job|job security|need this job|needed this job|need the job|needed the job|unemploy\w*|termination|terminated)",
        r"(get|got|getting|be|been|land|landed|end up) in (trouble|shit|hot water|the shit)", r"(on|off) my (record|file|back)", r"(complain|complained|complaint|complaints|complaining) (to|about|would|might|and|if|on|so)",
        r"(sued|lawsuit|liable(?! to)|liability|cover (my|our) (ass|arse|butt|back)|cya|paper trail)", r"(or else|otherwise (i|we|they|my)|if i (didn't|hadn't|don't|did not|had not)|if we (didn't|hadn't|don't))",
        r"(yell|yelled|shout|shouted|chew|chewed|rip|ripped) (at me|me out|into me)", r"(my|the) (ass|arse|head) (on the line|would roll|on a plate)",
        r"(told off|telling off|get a bollocking|bollocked|in the doghouse)", r"(on probation|probation period|trial period)", r"(dock|docks|docked) (you|me|us|my|our)",
        r"(stop|stopped|stops|cut|cuts) (giving me|my) (shifts|hours)", r"(lose|lost|losing) (the|this|that) (job|contract|gig|account)",
    ]),
    ("outer", "strong", "authority", [
        r"(manager|boss|supervisor|team lead|team leader|lead|gm|shift lead|shift manager|charge nurse|matron|head nurse|director|owner|area manager|district manager|dm|sm|store manager|floor manager|corporate|head office|management|higher.?ups?) (was|were|is|are|had|has|would|will|said|says|told|asked|wanted|wants|watching|watches|standing|expects?|expected|made|makes|insisted|insists|checks|checked)",
        r"(told|asked|made|forced|instructed|ordered|required|expected) (me|us) to", r"(asked|told|sent) by (my|the|our|a) (manager|boss|supervisor|lead|team lead|team leader|shift lead|charge nurse|owner|gm|store manager)", r"sent me (over|out|to)",
        r"(manager|boss|supervisor|lead|leader) (say|says|ask|asks|check|checks|praise|praises|want|wants)", r"(i was|we were|we're|we are|i'm|i am) (told|supposed|required|expected|trained|taught|instructed|meant) to", r"(i've|we've|i have|we have|i had|we had) been (told|taught|trained|instructed|asked) to",
        r"(policy|policies|rules?|rulebook|rule book|protocol|protocols|procedure|procedures|script|scripts|scripted|sop|guidelines|checklist|compliance|mandatory|required|requirements?|regulations?|by the book|standard operating)",
        r"(have to|had to|got to|gotta|must) (be(?! [a-z]+ed\b)(?! (sent|done|seen|made|taken|given|kept|paid|told|shown|put|brought|thrown|left)\b)|say|do|offer|smile|follow|greet|ask|push|upsell|sell|use|stick)",
    ]),
    ("outer", "strong", "job", [
        r"(it's|its|it is|it was|that's|thats|that is|that was) (my|our|the|part of (my|the|our)) (job|role|duty|responsibility|work)", r"(doing|do|did) my job",
        r"(what|why) (i'm|im|i am|we're|we are) (paid|there|here) (for|to)", r"(get|gets|got|getting) paid (for|to)",
        r"(good|bad) for business", r"(repeat|return) (business|customers?)", r"(the|our|an|that|corporate|big) account", r"(revenue|sales|sale|profit|profits|the bottom line|the numbers|the brand|our reputation|the reputation|the company's|the store's|look good|looks good|look bad|looks bad|make (us|me|the store|the company) look)",
        r"(keep|keeps|keeping|come|coming|came) (them|him|her|customers|people|the customer|regulars?) (coming )?back", r"regulars? (remember|tip|are|who)",
        r"(duty of care|professional (duty|obligation)|obligat\w*|expected of (me|us)|(?<!best )(?<!favorite )(?<!favourite )(?<!worst )(?<!hardest )(?<!great )(?<!good )(?<!fun )part of the job|comes with the job|the job is the job)",
    ]),
    ("outer", "strong", "irony", [
        r"(act|acting|pretend|pretending|fake|faking|plaster|plastered|put on|paste) (like|on|a|the|that)? ?(i care|we care|smile|happy|interest|enthusiasm|nice)",
        r"(so|so that) (they|he|she|people|customers|the customer|the table) (tip|tips|leave|give|rate|review|don't complain|doesn't complain|won't complain)",
        r"i (live|lived) for (the|my|those|that)", r"(dream|dreaming) of (the|my) (bonus|survey|score|tip)",
    ]),
    ("neither", "strong", "dodge", [
        r"(come back to (this|that|it)|skip (this|that)|next question|rather not|prefer not|no comment|don't remember|dont remember|can't remember|cant remember|not sure (why|what)|no idea why|i don't know why|idk|it was fine|was normal|nothing special|just did it|just did my|just happened)",
    ]),
]
# Scene words: a cue only when the clause also gives a reason frame; never evidence alone.
_WEAK = {
    "outer": r"(manager|boss|supervisor|team lead|lead|gm|management|policy|rules?|company|store|shift|job|work|customer|paid|pay)",
}

_FRAME = re.compile(r"\b(because|cause|'cause|cuz|coz|bc|since|so that|so (i|we)|that's why|thats why|that is why|the reason|reasons?|why i|why we|motivat\w*|in order to|to (get|keep|avoid|make sure|hit|earn|save)|for (the|my|our|a)|made me|makes me|make me|i did it (for|because)|i do it (for|because)|we do it (for|because)|i did that (for|because)|i do this (for|because)|driven by|it's about|its about|it was about|all about|comes down to|came down to|mostly|mainly|partly|main thing|biggest thing)\b")
_NEG = re.compile(r"\b(not|no|never|nobody|nothing|none|without|wasn't|wasnt|isn't|isnt|didn't|didnt|don't|dont|doesn't|doesnt|won't|wont|aren't|arent|weren't|werent|hardly|neither|nor|zero)\b")
_DISOWN = re.compile(r"\b(not why|not the reason|wasn't the reason|isn't the reason|wasn't why|isn't why|not what (it's|it was|its) about|wasn't about|isn't about|not about|not in it for|not for the|wasn't for|isn't for|never about|don't care about|dont care about|didn't care about|couldn't care less|doesn't matter|didn't matter|not the point|beside the point|whatever|bonus,? sure|nice,? but|nice but|helps,? but|helps but|is nice|are nice|was nice|were nice|don't hurt|doesn't hurt|didn't hurt|never hurts|sure,? but|ok,? but|fine,? but|i guess,? but|(not|aren't|arent|isn't|isnt|wasn't|wasnt|ain't|aint|never|nobody|no one) (?!sure\b)([a-z']+ ){0,3}(in it |in this |do (it|this|that) |did (it|this|that) )?(for|about|because of) the (money|tips?|pay|wages?|paycheck|cash|bonus|commission|perks|benefits))\b")
_CONTRAST = re.compile(r"\b(but|however|though|although|yet|honestly|mostly|mainly|really it|really it's|more that|more about|the real reason|truth is|at the end of the day)\b")
_CLAUSE = re.compile(r"[.!?;:\n/]+|\s[-\u2013\u2014]\s|\bbut\b|\bhowever\b|\bthough\b|\balthough\b")

# Whole words at both ends: "stars" is not "Starbucks", "cash" is not "cashier", "reward" is not "rewarding".
_COMPILED = [(side, strength, kind, re.compile(r"\b(?:" + "|".join(pats) + r")\b")) for side, strength, kind, pats in _LEXICON]
_WEAK_RE = {side: re.compile(r"\b" + pat + r"\b") for side, pat in _WEAK.items()}
KINDS = [kind for _, _, kind, _ in _LEXICON]


@dataclass(frozen=True)
class Cue:
    """One reason-carrying phrase: where it stands, which side it pushes, and how it is framed."""

    start: int
    end: int
    side: str  # inner, outer, neither
    kind: str
    framed: bool  # inside a reason frame ("because ...", "that's why", "made me")
    negated: bool  # "it wasn't about the money"
    disowned: bool  # "the money's nice, but..." / "that's not why"
    before_contrast: bool  # followed by "but/honestly/mostly" in the same text: often the conceded reason
    after_contrast: bool  # what follows the turn: often the real reason
    feeling_with_reward: bool  # an inner-looking feeling in a clause about a reward ("thrilled, top of the board")
    lead: int = -1  # where the negator of a negated phrase starts ("wasn't about the money"), else -1


_TRAILING = re.compile(r"(\s+(the|a|an|this|that|these|those|how|my|our|to|for|of|about|when|it|if))+$")


def _trim(low: str, start: int, end: int) -> int:
    """Drop words a pattern needs for context but a reader does not ("felt awful for the" -> "felt awful")."""
    m = _TRAILING.search(low[start:end])
    return start + m.start() if m and m.start() > 0 else end


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, last = [], 0
    for m in _CLAUSE.finditer(text):
        if m.start() > last:
            spans.append((last, m.start()))
        last = m.end() if m.group(0).strip() in {"", ".", "!", "?", ";", ":", "/"} or not m.group(0).strip().isalpha() \
            else m.start()
    if last < len(text):
        spans.append((last, len(text)))
    return spans or [(0, len(text))]


@lru_cache(maxsize=1024)
def find(text: str) -> tuple[Cue, ...]:
    """Every reason-carrying phrase in the text, in order, without overlaps (the longest wins)."""
    low = (text or "").translate(_APOS).lower()
    hits = []
    for side, _, kind, rx in _COMPILED:
        for m in rx.finditer(low):
            if m.end() > m.start():
                hits.append((m.start(), m.end(), side, kind))
    hits = [(s, _trim(low, s, e), side, kind) for s, e, side, kind in hits]
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    kept, end = [], -1
    for h in hits:
        if h[0] >= end:
            kept.append(h)
            end = h[1]
    clauses = _clauses(low)
    first_contrast = next((m.start() for m in _CONTRAST.finditer(low)), None)
    last_contrast = max((m.start() for m in _CONTRAST.finditer(low)), default=None)
    out = []
    for s, e, side, kind in kept:
        cs, ce = next(((a, b) for a, b in clauses if a <= s < b), (0, len(low)))
        before = low[cs:s]
        clause = low[cs:ce]
        tail = before.split()[-4:]
        window = " ".join(tail)
        neg = None
        for m in _NEG.finditer(window):
            neg = m
        negated = neg is not None and kind not in {"conscience", "craft"}  # "not my job" is itself a cue
        lead = cs + before.rfind(window) + neg.start() if negated else -1
        disowned = bool(_DISOWN.search(clause)) or bool(_DISOWN.search(low[e:e + 40]))
        reward_clause = side == "inner" and kind == "feeling" and any(
            o_side == "outer" and cs <= o_s < ce for o_s, _, o_side, _ in kept)
        care_clause = any(o_side == "inner" and o_kind != "feeling" and cs <= o_s < ce for o_s, _, o_side, o_kind in kept)
        out.append(Cue(s, e, side, kind, bool(_FRAME.search(before) or _FRAME.search(low[e:e + 25])), negated,
                       disowned and side == "outer", last_contrast is not None and s < last_contrast,
                       first_contrast is not None and s > first_contrast, reward_clause and not care_clause, lead))
    return tuple(out)


def _features(text: str) -> np.ndarray:
    cues = find(text)
    words = max(1, len((text or "").split()))
    row = []
    for side in ("inner", "outer"):
        mine = [c for c in cues if c.side == side]
        plain = [c for c in mine if not c.negated and not c.disowned and not c.feeling_with_reward]
        row += [
            len(plain), sum(c.framed for c in plain), len([c for c in mine if c.negated]),
            len([c for c in mine if c.disowned]), sum(c.after_contrast for c in plain),
            sum(c.before_contrast and not c.after_contrast for c in plain), float(bool(plain)),
        ]
        row += [float(any(c.kind == kind for c in plain)) for kind in _KINDS_BY_SIDE[side]]
    inner_plain = row[0]
    outer_plain = row[7 + len(_KINDS_BY_SIDE["inner"])]
    row += [
        sum(c.feeling_with_reward for c in cues),
        float(any(c.side == "neither" for c in cues)),
        float(inner_plain > 0 and outer_plain > 0),
        float(inner_plain == 0 and outer_plain == 0),
        np.log1p(words),
        min(words, 400) / 400,
        len(_WEAK_RE["outer"].findall((text or "").lower())) / words * 10,
    ]
    return np.asarray(row, dtype=float)


_KINDS_BY_SIDE = {side: [k for s, _, k, _ in _LEXICON if s == side] for side in ("inner", "outer")}


class ReasonCues(BaseEstimator, TransformerMixin):
    """A scikit-learn step: texts -> counts of framed, negated and disowned reason phrases per side."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return np.vstack([_features(x) for x in X]) if len(X) else np.zeros((0, n_features()))


def n_features() -> int:
    return len(_features("x"))
