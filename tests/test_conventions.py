"""House rules that keep the layers apart, checked by parsing the code."""

import ast
import re
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


def _calls(node: ast.AST) -> list[str]:
    """The names called anywhere inside `node` (`f(...)` and `x.f(...)` both give "f")."""
    return [c.func.attr if isinstance(c.func, ast.Attribute) else getattr(c.func, "id", "")
            for c in ast.walk(node) if isinstance(c, ast.Call)]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_every_page_opens_through_its_declaration_before_anything_else(path):
    """The guard reads the permission from ui/navigation.py, so a page cannot ask for a different one."""
    tree = ast.parse(path.read_text())
    opens = [c for c in ast.walk(tree) if isinstance(c, ast.Call) and getattr(c.func, "id", "") == "open_page"]
    assert len(opens) == 1, f"{path.name} must call open_page() exactly once"
    assert [ast.unparse(a) for a in opens[0].args] == ["__file__"] and not opens[0].keywords, path.name
    assert "require" not in _calls(tree), f"{path.name} checks a permission of its own instead of its declaration"
    first = next(s for s in tree.body if not isinstance(s, (ast.Import, ast.ImportFrom)) and _calls(s))
    assert "open_page" in _calls(first), f"{path.name} does something before open_page(__file__)"


def test_every_page_file_is_declared_exactly_once():
    from ui.navigation import PAGES as DECLARED

    declared = [spec.path for spec in DECLARED]
    assert sorted(declared) == sorted(str(p.relative_to(ROOT)) for p in PAGES), "ui/navigation.py PAGES"
    assert len({spec.url for spec in DECLARED}) == len(DECLARED), "two pages share a URL"


UI_AND_ROUTER = sorted((ROOT / "ui").rglob("*.py")) + [ROOT / "app.py"]


@pytest.mark.parametrize("path", UI_AND_ROUTER, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_ui_never_imports_the_database_the_model_library_or_the_workbook_library(path):
    """The store, the model and the exporters hide SQLAlchemy, scikit-learn and openpyxl behind their own errors."""
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        for name in names:
            assert name.split(".")[0] not in ("sqlalchemy", "sklearn", "openpyxl"), f"{path.name} imports {name}"


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


COMPONENT_FILES = sorted(p for p in (ROOT / "ui" / "components").rglob("*") if p.suffix in (".js", ".html", ".css"))


@pytest.mark.parametrize("path", COMPONENT_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_our_components_never_parse_text_as_html_nor_reach_the_network(path):
    """A component's code runs in the app's page: text goes in through .value and .textContent only."""
    code = path.read_text()
    for banned in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "createContextualFragment",
                   "eval(", "Function(", "fetch(", "XMLHttpRequest", "WebSocket", "sendBeacon", "import(",
                   "<script", "src=", "href=", "url(", "@import", "http:", "https:"):
        assert banned not in code, f"{path.name} contains {banned!r}"


def test_the_answer_field_component_ships_its_files():
    assert {p.name for p in COMPONENT_FILES} >= {"index.html", "autosave.js", "autosave.css"}


UI_FILES = [p for p in (ROOT / "ui").rglob("*.py")] + [ROOT / "app.py"]


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_text_field_has_a_length_limit(path):
    """A browser field without max_chars would let a paste reach the store's limit with no warning."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                "text_input", "text_area", "chat_input"):
            assert any(k.arg == "max_chars" for k in node.keywords), f"{path.name}:{node.lineno} has no max_chars"


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_table_shows_an_empty_cell_as_a_dash_not_none(path):
    """Streamlit prints "None" in a cell without a value unless the table names a placeholder."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "dataframe":
            assert any(k.arg == "placeholder" for k in node.keywords), f"{path.name}:{node.lineno} has no placeholder"


PLURAL_GUESS = re.compile(r"\w\(s\)|\(e?s\)\W")  # "candidate(s)": a count that did not make its noun agree


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_message_guesses_a_plural(path):
    """Counts are said with ui.render.plural ("1 candidate", "3 candidates"), never "candidate(s)"."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert not PLURAL_GUESS.search(node.value), f"{path.name}:{node.lineno}: {node.value!r}"


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


# -- the layers: no import cycles, and nothing imports a layer above it ---------------------------

PROJECT = ("app", "ui", "rubric", "analysis", "data", "benchmarks", "motive")
ABOVE = {"rubric": {"data", "analysis", "ui", "app", "motive"}, "data": {"analysis", "ui", "app", "motive"},
         "analysis": {"ui", "app", "motive"}, "ui": {"motive"}}
UPWARD_EXEMPT: set[str] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_imports() -> dict[str, set[str]]:
    """Each project module and the project modules it imports anywhere in it, functions included."""
    files = [ROOT / "app.py"] + [p for pkg in PROJECT[1:] for p in sorted((ROOT / pkg).rglob("*.py"))]
    modules = {_module_name(p): p for p in files}

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found.update(resolve(a.name) for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([node.module] if node.module else []))
                # `from package import module` imports the module; `from module import name`, the module.
                found.update(resolve(f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base) for a in node.names)
        graph[name] = {m for m in found if m is not None and m != name}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    cycles.append(sorted(group))
    return cycles


def test_the_import_graph_sees_function_level_and_relative_imports():
    graph = project_imports()
    assert "data.store.base" in graph["data.store.accounts"]
    assert "analysis.registry" in graph["motive.demo"]
    assert "data.migrations" in graph["data.store.base"]  # `from data import migrations`
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_project_modules_import_each_other_in_a_cycle():
    assert import_cycles(project_imports()) == []


def test_no_layer_imports_a_layer_above_it():
    upward = [
        f"{name} imports {dep}"
        for name, deps in sorted(project_imports().items()) if name not in UPWARD_EXEMPT
        for dep in sorted(deps) if dep.split(".")[0] in ABOVE.get(name.split(".")[0], ())
    ]
    assert upward == []


def test_every_motivation_label_has_one_colour_and_one_vocabulary():
    from analysis.lexicon import LABELS as lexicon_labels
    from data.corpus import LABELS as corpus_labels
    from data.records import MOTIVE_LABELS
    from ui.charts import LABEL_HEX, LABEL_ORDER
    from ui.render import LABEL_COLOURS, LABEL_STYLE

    assert corpus_labels is MOTIVE_LABELS and lexicon_labels is MOTIVE_LABELS
    assert set(LABEL_STYLE) == set(MOTIVE_LABELS) == set(LABEL_COLOURS) == set(LABEL_ORDER)
    assert len(set(LABEL_HEX)) == len(LABEL_HEX) == len(MOTIVE_LABELS)
