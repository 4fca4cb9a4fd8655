"""House rules that keep the layers apart, checked by parsing the code."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = [p for pkg in ("rubric", "analysis", "data") for p in (ROOT / pkg).rglob("*.py")]


@pytest.mark.parametrize("path", DOMAIN, ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_packages_never_import_streamlit(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        assert not any(n == "streamlit" or n.startswith("streamlit.") for n in names), path


PAGES = sorted((ROOT / "ui" / "pages").glob("*.py"))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_every_page_checks_the_role_itself(path):
    assert "auth.require(" in path.read_text(), f"{path.name} must call auth.require() before anything else"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_hold_no_sql_or_model_code(path):
    text = path.read_text()
    for banned in ("sqlalchemy", "sklearn", "openpyxl", "SELECT ", "INSERT "):
        assert banned not in text, f"{path.name} contains {banned!r}"


@pytest.mark.parametrize("path", [p for p in (ROOT / "ui").rglob("*.py")], ids=lambda p: p.name)
def test_no_html_rendering_of_people_text(path):
    text = path.read_text()
    assert "unsafe_allow_html" not in text
    if "unsafe_allow_javascript" in text:
        assert path.name == "auth.py", "only the session cookie may use JavaScript"


UI_FILES = [p for p in (ROOT / "ui").rglob("*.py")] + [ROOT / "app.py"]


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_text_field_has_a_length_limit(path):
    """A browser field without max_chars would let a paste reach the store's limit with no warning."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                "text_input", "text_area", "chat_input"):
            assert any(k.arg == "max_chars" for k in node.keywords), f"{path.name}:{node.lineno} has no max_chars"


def test_every_length_limit_is_documented():
    from data.records import LIMITS

    security = (ROOT / "SECURITY.md").read_text()
    for field, limit in LIMITS.items():
        assert f"| {field} | {limit:,} |" in security, f"SECURITY.md does not document the {field} limit"


SCORING = [ROOT / "analysis" / f"{name}.py" for name in ("scoring", "agreement", "compare", "labelling", "motivation")]


@pytest.mark.parametrize("path", SCORING, ids=lambda p: p.name)
def test_self_identification_is_never_an_input_to_scoring(path):
    source = path.read_text()
    for word in ("self_id", "self_identification", "candidate_self_id", "fairness", "race", "sex"):
        assert not __import__("re").search(rf"\b{word}\b", source), f"{path.name} mentions {word}"
