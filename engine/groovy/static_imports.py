"""`import static` of the sandbox's classes: `import static java.lang.Math.max` lets a script
call `max(a, b)`, `import static java.time.temporal.ChronoUnit.*` name `DAYS`.

Only the classes whose static side the sandbox has can be imported this way, and only their
members: anything else is refused when the model is deployed, with the line.
"""

from __future__ import annotations

from functools import cache

from engine.groovy import nodes as n
from engine.groovy.builtins import static_classes
from engine.groovy.errors import GroovySyntaxError
from engine.groovy.java_time import JAVA_TIME_PACKAGES, java_time_classes

# The package of each class static_classes() gives; java.time's come from JAVA_TIME_PACKAGES.
BUILTIN_PACKAGES: dict[str, tuple[str, ...]] = {
    "java.lang": ("Math", "Integer", "Long", "Double", "Boolean", "String", "System"),
    "java.math": ("BigDecimal",),
    "java.util": ("UUID", "Date"),
    "groovy.json": ("JsonOutput",),
}
STATIC_PACKAGES: dict[str, tuple[str, ...]] = {**BUILTIN_PACKAGES, **JAVA_TIME_PACKAGES}


@cache
def static_members(class_name: str) -> frozenset[str]:
    """The static methods and constants of one of the sandbox's classes, by simple name."""
    classes = {**static_classes(None), **java_time_classes(None)}
    host = type(classes[class_name])
    return frozenset(host.EL_METHODS) | frozenset(host.EL_PROPERTIES)


def static_import(path: str, line: int) -> n.StaticImport:
    """What `import static <path>` brings in, or GroovySyntaxError saying what can be."""
    qualified, _, member = path.rpartition(".")
    package, _, class_name = qualified.rpartition(".")
    if class_name not in STATIC_PACKAGES.get(package, ()):
        known = ", ".join(
            f"{package}.{name}" for package, names in STATIC_PACKAGES.items() for name in names
        )
        raise GroovySyntaxError(
            f"import static {path} is not supported: the sandbox has the static members of "
            f"{known}",
            line,
        )
    if member != "*" and member not in static_members(class_name):
        raise GroovySyntaxError(
            f"import static {path} is not supported: {class_name} has "
            + ", ".join(sorted(static_members(class_name))),
            line,
        )
    return n.StaticImport(line, class_name, member)


class ImportedNames:
    """The bare names a script's static imports give: name -> class simple name."""

    def __init__(self, imports: tuple[n.StaticImport, ...]) -> None:
        self.owners: dict[str, str] = {}
        for imported in imports:  # a single import wins over a * one, as in Java
            if imported.member == "*":
                for member in static_members(imported.class_name):
                    self.owners.setdefault(member, imported.class_name)
        for imported in imports:
            if imported.member != "*":
                self.owners[imported.member] = imported.class_name

    def owner(self, name: str) -> str | None:
        return self.owners.get(name)
