"""The packages of journeyboard/ import each other in one direction only.

The board domain (`boards`) announces its changes (boards/signals.py) and never imports
the live-update transport (`realtime`), which subscribes to them; no two packages (nor two
modules) import each other, directly or round a longer circle. Read from the source (ast), so an import
hidden inside a function counts as well.
"""

import ast
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent / "journeyboard"


def _module_name(path):
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path):
    """The journeyboard modules `path` imports, resolved to absolute dotted names."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {target for target in found if target.startswith("journeyboard.")}


def _package(module):
    """The top package under journeyboard/ a module belongs to ("journeyboard.boards")."""
    return ".".join(module.split(".")[:2])


def package_graph():
    """{package: {packages it imports}}, and {package: {(module, imported module)}} to name them."""
    graph, evidence = {}, {}
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        source = _package(_module_name(path))
        for target in _imports(path):
            other = _package(target)
            if other != source and (ROOT.parent / other.replace(".", "/")).is_dir():
                graph.setdefault(source, set()).add(other)
                evidence.setdefault((source, other), set()).add((_module_name(path), target))
    return graph, evidence


def _cycle(graph):
    """One circle of packages as a list, or None."""
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return trail[trail.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, trail + [nxt])
                if found:
                    return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def module_graph():
    """{module: {journeyboard modules it imports}} ("from x import name" counts as x)."""
    paths = {_module_name(path): path for path in ROOT.rglob("*.py") if "migrations" not in path.parts}
    graph = {}
    for name, path in paths.items():
        targets = set()
        for target in _imports(path):
            while target and target not in paths:  # module.name -> module
                target = target.rpartition(".")[0]
            if target and target != name:
                targets.add(target)
        graph[name] = targets
    return graph


class LayeringTests(SimpleTestCase):
    def test_the_reader_finds_imports_of_every_form(self):
        # Guards the walker itself: a relative, an absolute and a from-package import.
        graph, evidence = package_graph()
        self.assertIn("journeyboard.boards", graph["journeyboard.realtime"])
        self.assertIn(("journeyboard.realtime.broadcast", "journeyboard.boards.fragments.render_change"),
                      evidence[("journeyboard.realtime", "journeyboard.boards")])

    def test_boards_imports_nothing_from_realtime(self):
        graph, evidence = package_graph()
        self.assertNotIn("journeyboard.realtime", graph.get("journeyboard.boards", set()),
                         sorted(evidence.get(("journeyboard.boards", "journeyboard.realtime"), ())))

    def test_no_circle_between_packages(self):
        graph, evidence = package_graph()
        circle = _cycle(graph)
        if circle:
            steps = [sorted(evidence[(a, b)])[0] for a, b in zip(circle, circle[1:])]
            self.fail(f"packages import each other in a circle: {' -> '.join(circle)}, e.g. {steps}")

    def test_no_circle_between_modules(self):
        # Nor inside a package: a circle there only works as long as the import order is lucky.
        graph = module_graph()
        self.assertIn("journeyboard.boards.changes", graph["journeyboard.boards.cards"])
        circle = _cycle(graph)
        self.assertIsNone(circle, f"modules import each other in a circle: {circle}")


class TestHarnessTests(SimpleTestCase):
    def test_no_test_file_imports_another(self):
        # Shared helpers live in modules of their own (tests/realtime.py, tests/browsing.py,
        # tests/documents.py, tests/pictures.py, conftest fixtures): a test file that imports
        # another one runs that file's tests' module set-up and hides where a helper lives.
        tests = Path(__file__).resolve().parent
        offenders = []
        for path in sorted(tests.glob("test_*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom):
                    names = [node.module or ""] + [f"{node.module}.{alias.name}" for alias in node.names]
                if any(name.split(".")[:2][-1].startswith("test_") and name.startswith("tests.") for name in names):
                    offenders.append(path.name)
        self.assertEqual(offenders, [])
