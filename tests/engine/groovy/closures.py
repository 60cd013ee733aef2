"""Closures as the interpreter hands them to the GDK methods, for the tests."""

from __future__ import annotations

from engine.groovy.gdk import call_method


class Fn:
    """A closure as the interpreter passes one: declared parameters, or 0 for `it`."""

    def __init__(self, function, parameter_count=None):
        self.function = function
        self.parameter_count = (
            function.__code__.co_argcount if parameter_count is None else parameter_count
        )
        self.calls = []

    def __call__(self, *args):
        self.calls.append(args)
        return self.function(*args)


def it(function):
    """A closure without declared parameters (`{ it * 2 }`)."""
    return Fn(function, 0)


def call(target, name, *args):
    return call_method(target, name, list(args))
