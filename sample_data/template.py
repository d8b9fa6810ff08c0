"""A tiny template language for the phrase pools.

``[a|b|]`` picks one alternative (an empty one is allowed, alternatives may nest) and
``{slot}`` is filled from a mapping at render time. One template line therefore stands for
dozens of surface forms, which is what keeps generated feedback from looking templated.

Templates are compiled once into tuples of parts; rendering is a walk over those tuples.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from random import Random
from typing import Union

#: A slot value: a fixed string, a pool to pick from, or a function of the RNG.
SlotValue = Union[str, Sequence[str], Callable[[Random], str]]  # noqa: UP007 (py3.10 alias)


class Slot:
    """A named hole filled at render time."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"Slot({self.name!r})"


class Alternatives:
    """A choice between compiled alternatives."""

    __slots__ = ("options",)

    def __init__(self, options: tuple[tuple, ...]):
        self.options = options


Compiled = tuple  # tuple of str | Slot | Alternatives


def _parse(text: str, pos: int, stop: str) -> tuple[list[list], int]:
    """Parse until one of ``stop`` at nesting level zero; return alternatives and position."""
    options: list[list] = [[]]
    literal: list[str] = []

    def flush() -> None:
        if literal:
            options[-1].append("".join(literal))
            literal.clear()

    while pos < len(text):
        ch = text[pos]
        if ch in stop:
            flush()
            return options, pos
        if ch == "|" and "]" in stop:
            flush()
            options.append([])
            pos += 1
        elif ch == "[":
            flush()
            inner, pos = _parse(text, pos + 1, "]")
            if pos >= len(text):
                raise ValueError(f"unclosed '[' in template {text!r}")
            options[-1].append(Alternatives(tuple(tuple(o) for o in inner)))
            pos += 1
        elif ch == "{":
            flush()
            end = text.index("}", pos)
            options[-1].append(Slot(text[pos + 1 : end]))
            pos = end + 1
        else:
            literal.append(ch)
            pos += 1
    flush()
    return options, pos


def compile_template(text: str) -> Compiled:
    """Compile one template string."""
    options, _ = _parse(text, 0, "")
    return tuple(options[0])


def compile_pool(texts: Sequence[str]) -> tuple[Compiled, ...]:
    """Compile a list of templates."""
    return tuple(compile_template(t) for t in texts)


def render(parts: Compiled, rng: Random, slots: Mapping[str, SlotValue]) -> str:
    """Expand a compiled template with random choices and slot values."""
    out: list[str] = []
    _render_into(parts, rng, slots, out)
    return "".join(out)


def _render_into(parts: Compiled, rng: Random, slots: Mapping[str, SlotValue], out: list) -> None:
    for part in parts:
        if type(part) is str:
            out.append(part)
        elif type(part) is Alternatives:
            _render_into(rng.choice(part.options), rng, slots, out)
        else:
            value = slots[part.name]
            if type(value) is str:
                out.append(value)
            elif callable(value):
                out.append(value(rng))
            else:
                out.append(rng.choice(value))


def pick(pool: Sequence[Compiled], rng: Random, slots: Mapping[str, SlotValue]) -> str:
    """Render one template chosen at random from a compiled pool."""
    return render(rng.choice(pool), rng, slots)
