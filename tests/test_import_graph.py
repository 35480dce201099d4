"""The project's import graph has no circles, and no screen imports storage.

grimp reads every import statement in spr_desk, db and screens without running them: those at
the top of a module, those inside functions (the lazy "import it when asked" ones) and those
under `if TYPE_CHECKING:`. A circle that only a type checker or a late call would walk is a
circle all the same: it ties the modules on it into one piece that cannot be read, tested or
moved alone.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

import grimp

PACKAGES = ("spr_desk", "db", "screens")


def project_graph() -> grimp.ImportGraph:
    # exclude_type_checking_imports defaults to False: TYPE_CHECKING imports count
    return grimp.build_graph(*PACKAGES, exclude_type_checking_imports=False, cache_dir=None)


def strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """Tarjan's algorithm, without recursion: every set of modules that import each other
    round a circle, as sorted lists (single modules only when they import themselves)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work: list[tuple[str, Iterable[str]]] = []
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work.append((root, iter(sorted(graph.find_modules_directly_imported_by(root)))))
        while work:
            module, children = work[-1]
            child = next(iter(children), None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                members: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == module:
                        break
                if len(members) > 1 or graph.direct_import_exists(importer=module, imported=module):
                    found.append(sorted(members))
    return sorted(found)


def shortest_circle(graph: grimp.ImportGraph, start: str, within: set[str]) -> list[str]:
    """The fewest imports from `start` back to itself, staying inside one circle's modules."""
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        module = queue.popleft()
        for child in sorted(graph.find_modules_directly_imported_by(module) & within):
            if child == start:
                back = [module]
                while back[-1] != start:
                    back.append(came_from[back[-1]])
                return [*reversed(back), start]
            if child not in came_from:
                came_from[child] = module
                queue.append(child)
    raise AssertionError(f"{start} is on no circle")


def readable(graph: grimp.ImportGraph, chain: list[str]) -> str:
    """`a (l.12) -> b (l.40) -> a`: each step with the line that makes it."""
    steps = []
    for importer, imported in zip(chain, chain[1:], strict=False):
        lines = sorted(
            detail["line_number"]
            for detail in graph.get_import_details(importer=importer, imported=imported)
        )
        steps.append(f"{importer} (l.{', '.join(map(str, lines))})")
    return " -> ".join([*steps, chain[-1]])


def circles_report(graph: grimp.ImportGraph) -> list[str]:
    """One entry per circle: its size, and the shortest way round through each of its modules
    (deduplicated), so every import that closes it is named."""
    report = []
    for members in strongly_connected(graph):
        within = set(members)
        ways: list[str] = []
        for member in members:
            way = readable(graph, shortest_circle(graph, member, within))
            if way not in ways:
                ways.append(way)
        report.append(f"{len(members)} modules: {', '.join(members)}\n    " + "\n    ".join(ways))
    return report


def test_the_project_has_no_import_circles() -> None:
    report = circles_report(project_graph())
    assert not report, "import circles:\n" + "\n".join(report)


def test_the_circle_finder_finds_a_circle() -> None:
    graph = grimp.ImportGraph()
    for importer, imported in [("a.x", "a.y"), ("a.y", "a.z"), ("a.z", "a.x"), ("a.z", "a.w")]:
        graph.add_import(importer=importer, imported=imported)
    assert strongly_connected(graph) == [["a.x", "a.y", "a.z"]]
    assert shortest_circle(graph, "a.y", {"a.x", "a.y", "a.z"}) == ["a.y", "a.z", "a.x", "a.y"]


def test_no_screen_imports_storage() -> None:
    """Not at run time, not in a function, not under TYPE_CHECKING: screens know the desk
    through spr_desk.desk_api only."""
    graph = project_graph()
    storage = {"db", *graph.find_descendants("db")}
    imports = sorted(
        f"{screen} -> {imported}"
        for screen in {"screens", *graph.find_descendants("screens")}
        for imported in graph.find_modules_directly_imported_by(screen) & storage
    )
    assert imports == []
