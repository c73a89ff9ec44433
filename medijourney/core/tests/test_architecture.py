"""Rules of the codebase that a reviewer would otherwise have to remember (docs/architecture.md):

* role decisions live only in each app's ``permissions.py`` (and ``accounts/roles.py``): nowhere
  else compares a role, reads ``is_lead``, or filters people by a role list;
* every object check ``can_<verb>_<noun>`` in a ``permissions.py`` is called from outside its
  module (by a view, endpoint, service or selector), so no rule is written and then bypassed.

The scan reads the source (no imports); tests, migrations and the demo set-up are left out."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
ALLOWED = {"permissions.py", "roles.py"}
ROLE_NAMES = {"Role", "LEAD_ROLES", "STAFF_ROLES"}
ROLE_KEYWORDS = {"role", "role__in", "user__role", "user__role__in"}


def _sources() -> list[Path]:
    return [
        p
        for p in sorted(PACKAGE.rglob("*.py"))
        if not {"tests", "migrations", "testing"} & set(p.relative_to(PACKAGE).parts)
        and not (p.name == "demo.py" or "demo" in p.relative_to(PACKAGE).parts)
    ]


def _mentions_role(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr == "role":
            return True
        if isinstance(sub, ast.Name) and sub.id in ROLE_NAMES:
            return True
        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == "Role":
            return True
    return False


def role_decisions(tree: ast.AST) -> list[tuple[int, str]]:
    """Places that decide something by role: a comparison involving a role, ``.is_lead``, or a
    ``filter``/``exclude`` by a role list."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and _mentions_role(node):
            found.append((node.lineno, "role comparison"))
        elif isinstance(node, ast.Attribute) and node.attr in {"is_lead", "is_staff_role"}:
            found.append((node.lineno, f".{node.attr}"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"filter", "exclude", "get"}
        ):
            for kw in node.keywords:
                if kw.arg in ROLE_KEYWORDS and _mentions_role(kw.value):
                    found.append((node.lineno, f"query by role ({kw.arg}=)"))
    return found


def test_the_scan_finds_what_it_looks_for():
    sample = ast.parse(
        "a = user.role == Role.PATIENT\n"
        "b = user.is_lead\n"
        "c = User.objects.filter(is_active=True, role__in=list(LEAD_ROLES))\n"
        "d = str(user.role) not in STAFF_ROLES\n"
        "e = has_perm(user, 'cases.lead_cases')\n"
    )
    assert [line for line, _ in role_decisions(sample)] == [1, 2, 3, 4]


def test_no_role_decision_outside_permissions_and_roles():
    offenders = []
    for path in _sources():
        if path.name in ALLOWED:
            continue
        for line, what in role_decisions(ast.parse(path.read_text(), filename=str(path))):
            offenders.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {what}")
    assert offenders == [], "decide through named permissions or can_* checks in permissions.py:\n" + "\n".join(
        offenders
    )


def _can_functions() -> list[tuple[Path, str]]:
    out = []
    for path in PACKAGE.glob("*/permissions.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("can_"):
                out.append((path, node.name))
    return out


def test_every_can_check_is_used_outside_its_module():
    assert len(_can_functions()) >= 10  # the scan sees the checks at all
    texts = {p: p.read_text() for p in _sources() + list(PACKAGE.rglob("templates/**/*.html"))}
    unused = []
    for path, name in _can_functions():
        if not any(name in text for other, text in texts.items() if other != path):
            unused.append(f"{path.relative_to(PACKAGE.parent)}: {name}")
    assert unused == [], "call these checks where the rule applies, or delete them:\n" + "\n".join(unused)


def test_nothing_imports_insights():
    """insights reads every domain app; no app reads it (only the API assembler mounts its router)."""
    offenders = []
    for path in _sources():
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "insights" or rel.as_posix() == "api.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            if any(n == "medijourney.insights" or n.startswith("medijourney.insights.") for n in names):
                offenders.append(f"{rel}:{node.lineno}")
    assert offenders == [], "insights sits on top: nothing imports it:\n" + "\n".join(offenders)
