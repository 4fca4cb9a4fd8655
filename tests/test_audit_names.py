"""The audit log as a person reads it: every action code has words, every record its current name."""

from __future__ import annotations

import ast

import pytest

from data.audit import ACTIONS, FAMILIES, ROUTINE, action_name, family_name, record_name
from tests.conftest import PASSWORD, ROOT, app_as
from ui.state import Keys

CODE = [p for p in ROOT.rglob("*.py") if not ({".venv", "tests", "benchmarks"} & set(p.relative_to(ROOT).parts))]


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level NAME = "text" (and NAME, OTHER = "a", "b") assignments."""
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            pairs = (zip(target.elts, value.elts) if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple)
                     else [(target, value)])
            for t, v in pairs:
                if isinstance(t, ast.Name) and isinstance(v, ast.Constant) and isinstance(v.value, str):
                    found[t.id] = v.value
    return found


def _calls(name: str):
    for path in CODE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name:
                yield path, tree, node


def _codes(expr: ast.expr, constants: dict[str, str], where: str, exports: set[str]) -> set[str]:
    """Every code an action argument can be; an expression this cannot read fails the test, naming it."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        return _codes(expr.body, constants, where, exports) | _codes(expr.orelse, constants, where, exports)
    if isinstance(expr, ast.Name) and expr.id in constants:
        return {constants[expr.id]}
    if (isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add) and isinstance(expr.left, ast.Constant)
            and expr.left.value == "export."):  # record_export(actor, what, ...) writes "export." + what
        return {"export." + what for what in exports}
    raise AssertionError(f"{where}: an audit action this test cannot read ({ast.unparse(expr)}); "
                         "write it as a string constant")


def written_codes() -> set[str]:
    """Every action code the code base can write: each _audit call's action, each record_export's `what`."""
    exports = set()
    for path, tree, call in _calls("record_export"):
        what = call.args[1] if len(call.args) > 1 else next(k.value for k in call.keywords if k.arg == "what")
        exports |= _codes(what, _constants(tree), f"{path.relative_to(ROOT)}:{call.lineno}", set())
    codes = set()
    for path, tree, call in _calls("_audit"):
        action = call.args[2] if len(call.args) > 2 else next(k.value for k in call.keywords if k.arg == "action")
        codes |= _codes(action, _constants(tree), f"{path.relative_to(ROOT)}:{call.lineno}", exports)
    return codes


def test_every_action_code_the_code_base_writes_has_a_readable_name():
    codes = written_codes()
    assert {"auth.signed_in", "user.sign_in_unlocked", "export.report", "user.deactivated"} <= codes  # the scan works
    assert sorted(codes - set(ACTIONS)) == []
    assert sorted(set(ACTIONS) - codes) == []  # no name for a code nothing writes any more
    assert {code.split(".")[0] for code in codes} <= set(FAMILIES) and set(ROUTINE) <= codes
    assert all(name and name[0].isupper() and "_" not in name for name in ACTIONS.values())


def test_an_unknown_code_shows_as_itself_and_a_family_by_its_name():
    assert action_name("auth.signed_in") == "Signed in" and action_name("old.thing") == "old.thing"
    assert family_name("auth.") == "Sign-ins (all)"


def test_records_are_named_as_they_are_now_and_erased_or_anonymised_ones_by_id(store, admin, hr, interviewer, kit):
    from datetime import timedelta

    from data.store import utcnow

    position, archive = store.create_position(admin, "Night desk"), store.create_position(admin, "Archive")
    kept, erased = (store.add_candidate(admin, position.id, n) for n in ("Ana Lopez", "Ben Ode"))
    faded = store.add_candidate(admin, archive.id, "Cleo Park")
    iid = store.start_interview(interviewer, kept.id, kit)
    gone_iid = store.start_interview(interviewer, erased.id, kit)
    store.erase_candidate(admin, erased.id, "candidate request")
    store.set_retention(admin, archive.id, 1)
    store.apply_retention(admin, now=utcnow() + timedelta(days=5))
    entries, _ = store.audit_entries(hr, limit=1000)
    names = store.audit_record_names(hr, entries)
    shown = {(e.entity, e.entity_id): record_name(e, names) for e in entries}
    assert shown["candidate", kept.id] == f"candidate {kept.id}: Ana Lopez"
    assert shown["candidate", erased.id] == f"candidate {erased.id} (erased)"
    assert shown["candidate", faded.id] == f"candidate {faded.id} (anonymised)"
    assert shown["interview", iid] == f"interview {iid} of Ana Lopez"
    assert shown["interview", gone_iid] == f"interview {gone_iid} (erased)"
    assert shown["position", position.id] == f"position {position.id}: Night desk"
    assert shown["user", interviewer.id] == f"user {interviewer.id}: ivan"
    from sqlalchemy import text

    with store.reading() as conn:  # the names were looked up, never written to the log
        logged = " ".join(conn.execute(text("SELECT detail FROM audit_log")).scalars())
    assert "Ana Lopez" not in logged and "Night desk" not in logged


def test_record_names_need_the_right_to_read_the_log(store, admin, interviewer):
    from data.errors import AccessDenied

    entries, _ = store.audit_entries(admin, limit=10)
    with pytest.raises(AccessDenied):
        store.audit_record_names(interviewer, entries)


def test_the_audit_page_shows_names_and_readable_actions_and_hides_routine_sign_ins(store, admin, hr):
    position = store.create_position(admin, "Night desk")
    ana = store.add_candidate(admin, position.id, "Ana Lopez")
    for _ in range(3):
        store.authenticate("harriet", PASSWORD)
    at = app_as(store, hr, "ui/pages/audit.py")
    assert not at.exception
    frame = at.dataframe[0].value
    assert "Signed in" not in set(frame["Action"]) and "Candidate added" in set(frame["Action"])
    assert f"candidate {ana.id}: Ana Lopez" in set(frame["Record"])
    assert any("3 routine sign-ins and sign-outs not shown." in m.value for m in at.markdown)
    at.toggle(key=Keys.AUD_ROUTINE).set_value(True).run()
    frame = at.dataframe[0].value
    assert not at.exception and list(frame["Action"]).count("Signed in") == 3
    at.toggle(key=Keys.AUD_ROUTINE).set_value(False).run()
    at.selectbox(key=Keys.AUD_ACTION).set_value("auth.signed_in").run()  # asked for by name: shown
    assert list(at.dataframe[0].value["Code"]) == ["auth.signed_in"] * 3
