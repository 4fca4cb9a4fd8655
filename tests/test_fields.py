"""An answer's fields are declared once (data/fields.py): a new field costs the declaration and a migration step."""

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from data.fields import ANSWER_FIELDS, FIELD_NAMES, MODEL_FIELDS, REQUIRED_FIELDS, join_sentences, model_text
from data.records import LIMITS
from data.schema import answers

ROOT = Path(__file__).resolve().parents[1]

NEW_FIELD = 'AnswerField("follow_up", "Follow-up", "What they added later", 2_000, read_by_model=False, ' \
            'required=False, width=30, height=90),\n'
NEW_STEP = '''

def _step_follow_up(conn: Connection) -> None:
    """An added answer field (written by tests/test_fields.py, never shipped)."""
    conn.execute(text("ALTER TABLE answers ADD COLUMN follow_up TEXT NOT NULL DEFAULT ''"))


STEPS[max(STEPS) + 1] = _step_follow_up
'''

SCRIPT = textwrap.dedent('''
    import io, openpyxl
    from data.errors import ValidationError
    from data.settings import Settings
    from data.store import Store
    from analysis.report import build_report
    from rubric import default_kit

    store = Store(Settings.from_env())
    admin = store.bootstrap_admin("ada", "a long enough password")
    iv = store.create_user("ivan", "a long enough password", "interviewer", actor=admin)
    pos = store.create_position(admin, "Desk")
    cand = store.add_candidate(admin, pos.id, "Jane Roe")
    kit = default_kit()
    iid = store.start_interview(iv, cand.id, kit)
    q = kit.questions[0].id
    store.save_answer_field(iv, iid, q, "follow_up", "She wrote to thank us.")
    assert store.sheet(iv, iid).answers[q].follow_up == "She wrote to thank us."
    try:
        store.save_answer_field(iv, iid, q, "follow_up", "x" * 2_001)
        raise SystemExit("the limit was not enforced")
    except ValidationError:
        pass
    store.submit_interview(iv, iid, accept_gaps=True)
    card = store.candidate_scorecards(admin, cand.id).scorecards[0]
    assert card.answers[0].follow_up == "She wrote to thank us.", card.answers[0]
    ws = openpyxl.load_workbook(io.BytesIO(build_report(store, admin)))["Answers"]
    header = [c.value for c in ws[1]]
    assert "Follow-up" in header, header
    assert ws.cell(2, header.index("Follow-up") + 1).value == "She wrote to thank us."
    held = store.subject_access(admin, cand.id)
    assert "She wrote to thank us." in repr(held), held
    store.erase_candidate(admin, cand.id, "candidate request")
    print("ok")
''')


def test_the_declaration_is_the_one_source_of_names_limits_and_columns():
    assert FIELD_NAMES == ("story", "why", "feeling", "notes")
    assert MODEL_FIELDS == ("story", "why", "feeling") and REQUIRED_FIELDS == MODEL_FIELDS
    assert all(LIMITS[f.name] == f.limit for f in ANSWER_FIELDS)
    assert all(name in answers.c for name in FIELD_NAMES)


def test_the_model_reads_its_fields_each_closed_as_a_sentence():
    assert model_text({"story": "I stayed late", "why": "", "feeling": "proud!", "notes": "not read"}) == \
        "I stayed late. proud!"
    assert join_sentences(["I didn't get paid extra", "my boss"]) == "I didn't get paid extra. my boss."


def test_a_new_field_needs_only_its_declaration_and_a_migration_step(tmp_path):
    """Copy the code, add one declaration line and one migration step, and use the field end to end."""
    work = tmp_path / "code"
    for package in ("data", "rubric", "analysis"):
        shutil.copytree(ROOT / package, work / package, ignore=shutil.ignore_patterns("models", "corpus", "__pycache__"))
    (work / "analysis" / "models").symlink_to(ROOT / "analysis" / "models")
    fields = work / "data" / "fields.py"
    source = fields.read_text()
    anchor = "ANSWER_FIELDS: tuple[AnswerField, ...] = (\n"
    assert anchor in source
    fields.write_text(source.replace(anchor, anchor + "    " + NEW_FIELD))
    schema = work / "data" / "schema.py"
    version = next(line for line in schema.read_text().splitlines() if line.startswith("SCHEMA_VERSION = "))
    schema.write_text(schema.read_text().replace(version, f"SCHEMA_VERSION = {int(version.split()[-1]) + 1}"))
    migrations = work / "data" / "migrations.py"
    steps_end = "\nassert sorted(STEPS)"
    migrations.write_text(migrations.read_text().replace(steps_end, NEW_STEP + steps_end))
    env = {"PATH": "/usr/bin:/bin", "MOTIVE_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}",
           "MOTIVE_PASSWORD_ROUNDS": "4", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=work, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]
