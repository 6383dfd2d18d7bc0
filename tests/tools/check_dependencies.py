#!/usr/bin/env python3
"""@file tests/tools/check_dependencies.py
@brief The layers stay layers: nn/ includes nothing of physics/ or solver/,
physics/ nothing of solver/, and no two units (a header with its .cpp) of
nn/, physics/ and solver/ depend on each other, directly or around a cycle.
Exit 0 when so, 1 with the offending includes listed."""
import glob
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.chdir(root)
units = {}
for path in sorted(glob.glob("nn/**/*.[ch]pp", recursive=True) + glob.glob("physics/**/*.[ch]pp", recursive=True) +
                   glob.glob("solver/**/*.[ch]pp", recursive=True)):
    unit = os.path.splitext(path)[0]
    deps = units.setdefault(unit, set())
    for include in re.findall(r'#include "([^"]+)"', open(path, encoding="utf-8").read()):
        dep = os.path.splitext(include)[0]
        if dep != unit and dep.split("/")[0] in ("nn", "physics", "solver"):
            deps.add(dep)

problems = []
rank = {"nn": 0, "physics": 1, "solver": 2}
for unit, deps in units.items():
    for dep in sorted(deps):
        if rank[dep.split("/")[0]] > rank[unit.split("/")[0]]:
            problems.append("layer: %s includes %s" % (unit, dep))

state = {}


def visit(unit, stack):
    state[unit] = "open"
    stack.append(unit)
    for dep in sorted(units.get(unit, ())):
        if state.get(dep) == "open":
            problems.append("cycle: " + " -> ".join(stack[stack.index(dep):] + [dep]))
        elif dep not in state:
            visit(dep, stack)
    stack.pop()
    state[unit] = "done"


for unit in sorted(units):
    if unit not in state:
        visit(unit, [])

for problem in problems:
    print(problem)
print("%d units, %s" % (len(units), "no layer breaks or cycles" if not problems else "%d problems" % len(problems)))
sys.exit(1 if problems else 0)
