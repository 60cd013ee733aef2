"""Groovy arithmetic on plain numbers: int (Integer/Long/BigInteger), float (Double) and
Decimal (BigDecimal), with Groovy's type rules and Java's corner cases.

- Any float operand makes the operation a double one (Java semantics: no exceptions, NaN and
  Infinity instead).
- Otherwise a Decimal operand makes it exact BigDecimal arithmetic; int with int stays int.
- `/` is never integer division: two ints divide as BigDecimals (Groovy's `1 / 3`).

Numbers are bounded (MAX_DIGITS) so that a loop squaring a value cannot take the worker's
memory or time; beyond the bound GroovyLimitError is raised.
"""

from __future__ import annotations

import math
import re
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)

from engine.groovy.errors import GroovyLimitError, GroovyRuntimeError

Number = int | float | Decimal

MAX_DIGITS = 4000
_MAX_INT = 10**MAX_DIGITS
_MAX_TEXT = MAX_DIGITS + 100
# Groovy's defaults for a non-terminating division (BigDecimalMath): ten more digits than
# the operands, and at least ten decimal places kept.
_DIVISION_EXTRA_PRECISION = 10
_DIVISION_MIN_SCALE = 10

_EXPONENT_RANGE = 999_999_999
# Exact BigDecimal arithmetic: a result that would need rounding is beyond the limit.
_EXACT = Context(
    prec=MAX_DIGITS,
    rounding=ROUND_HALF_UP,
    Emax=_EXPONENT_RANGE,
    Emin=-_EXPONENT_RANGE,
    traps=[InvalidOperation, DivisionByZero, Overflow, Inexact],
)

# Java's number syntaxes (Python's own parsers also accept "1_000", "inf", Unicode digits).
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+\Z")
_DECIMAL_TEXT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")
_DOUBLE_TEXT = re.compile(
    r"[+-]?(NaN|Infinity|(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)[fFdD]?)\Z"
)
_JAVA_WHITESPACE = "".join(chr(c) for c in range(33))


def is_number(value: object) -> bool:
    """A Groovy Number (a bool is never one, although Python says it is an int)."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def is_int(value: object) -> bool:
    """A Groovy Integer/Long/BigInteger (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool)


def fits(number: int, bits: int | None) -> bool:
    """Whether a Java integer type of `bits` bits (None: BigInteger) holds `number`."""
    return bits is None or -(2 ** (bits - 1)) <= number < 2 ** (bits - 1)


def java_trim(text: str) -> str:
    # String.trim removes code points <= U+0020 only, not all Unicode whitespace.
    return text.strip(_JAVA_WHITESPACE)


def parse_int(text: str) -> int | None:
    """Integer.valueOf / new BigInteger: decimal digits with an optional sign, else None."""
    if len(text) > _MAX_TEXT or not _INTEGER_TEXT.match(text):
        return None
    return check_int(int(text))


def parse_decimal(text: str) -> Decimal | None:
    """new BigDecimal(text), else None."""
    if len(text) > _MAX_TEXT or not _DECIMAL_TEXT.match(text):
        return None
    return Decimal(text)


def parse_float(text: str) -> float | None:
    """Double.parseDouble (surrounding whitespace allowed), else None."""
    text = java_trim(text)
    if len(text) > _MAX_TEXT or not _DOUBLE_TEXT.match(text):
        return None
    return float(text.rstrip("fFdD"))


def check_int(value: int) -> int:
    """`value`, unless it has more digits than a script may build."""
    if -_MAX_INT < value < _MAX_INT:
        return value
    raise GroovyLimitError(f"a number of more than {MAX_DIGITS} digits")


def to_float(value: Number) -> float:
    """doubleValue(): a huge int becomes Infinity as in Java, not an OverflowError."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def to_decimal(value: Number) -> Decimal:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise GroovyRuntimeError(f"Cannot convert {value} to java.math.BigDecimal")
        return Decimal(repr(value))  # new BigDecimal(Double.toString(x)), not the binary value
    return Decimal(value)


def _decimal(operation: str, a: Decimal, b: Decimal) -> Decimal:
    try:
        if operation == "+":
            return _EXACT.add(a, b)
        if operation == "-":
            return _EXACT.subtract(a, b)
        if operation == "*":
            return _EXACT.multiply(a, b)
        return _EXACT.remainder(a, b)  # "%": Java's remainder has the dividend's sign
    except (DivisionByZero, InvalidOperation):
        if b == 0:
            raise GroovyRuntimeError("Division by zero") from None
        raise GroovyRuntimeError(f"Invalid BigDecimal operation {a} {operation} {b}") from None
    except Inexact:
        raise GroovyLimitError(f"a number of more than {MAX_DIGITS} digits") from None


def _float(operation: str, a: float, b: float) -> float:
    if operation == "+":
        return a + b
    if operation == "-":
        return a - b
    if operation == "*":
        return a * b
    if operation == "/":
        if b == 0:
            if a == 0 or math.isnan(a):
                return math.nan
            return math.copysign(math.inf, a) * math.copysign(1.0, b)
        return a / b
    try:
        return math.fmod(a, b)  # "%": Java's remainder
    except ValueError:
        return math.nan


def _int(operation: str, a: int, b: int) -> int:
    if operation == "+":
        return check_int(a + b)
    if operation == "-":
        return check_int(a - b)
    if operation == "*":
        if a and b and a.bit_length() + b.bit_length() > 4 * MAX_DIGITS:
            raise GroovyLimitError(f"a number of more than {MAX_DIGITS} digits")
        return check_int(a * b)
    if b == 0:
        raise GroovyRuntimeError("Division by zero")
    remainder = abs(a) % abs(b)
    return -remainder if a < 0 else remainder  # "%": Java's remainder has the dividend's sign


def arithmetic(operation: str, a: Number, b: Number) -> Number:
    """`a op b` for two numbers (not bools), op one of + - * / %."""
    if isinstance(a, float) or isinstance(b, float):
        return _float(operation, to_float(a), to_float(b))
    if operation == "/":
        return divide(to_decimal(a), to_decimal(b))
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return _decimal(operation, to_decimal(a), to_decimal(b))
    return _int(operation, int(a), int(b))


def divide(a: Decimal, b: Decimal) -> Decimal:
    """Groovy's BigDecimal division: exact when the quotient terminates, else rounded."""
    if b == 0:
        raise GroovyRuntimeError("Division by zero")
    if max(_digits(a), _digits(b)) > 2 * MAX_DIGITS:
        raise GroovyLimitError(f"a number of more than {MAX_DIGITS} digits")
    if a == 0:
        return Decimal(0).scaleb(_exponent(a) - _exponent(b))
    # A terminating quotient of a by b never needs more digits than this (Java's bound).
    exact_digits = _digits(a) + math.ceil(10 * _digits(b) / 3)
    try:
        quotient = _context(exact_digits, Inexact).divide(a, b)
    except Inexact:
        return _rounded_quotient(a, b)
    # Java keeps the preferred scale (scale of a minus scale of b) when it can: 4 / 2 is 2,
    # 6.0 / 2 is 3.0, 100 / 4 is 25; otherwise the fewest digits that are exact.
    preferred = _exponent(a) - _exponent(b)
    quotient = quotient.normalize(_context(exact_digits + 1))
    if _exponent(quotient) > preferred:
        quotient = quotient.quantize(Decimal(1).scaleb(preferred), context=_unbounded())
    return quotient


def _rounded_quotient(a: Decimal, b: Decimal) -> Decimal:
    digits = max(_digits(a), _digits(b)) + _DIVISION_EXTRA_PRECISION
    quotient = _context(digits).divide(a, b)
    scale = max(-_exponent(a), -_exponent(b), _DIVISION_MIN_SCALE)
    if -_exponent(quotient) > scale:
        quotient = quotient.quantize(Decimal(1).scaleb(-scale), context=_unbounded())
    return quotient


def power(base: Number, exponent: Number) -> Number:
    """`base ** exponent`: exact for a whole non-negative exponent, else a double (Groovy)."""
    if isinstance(exponent, int) and exponent >= 0 and not isinstance(base, float):
        if isinstance(base, int):
            _check_power_size(abs(base), exponent)
            return check_int(base**exponent)
        return _decimal_power(base, exponent)
    return _float_power(to_float(base), to_float(exponent))


def _check_power_size(magnitude: Number, exponent: int) -> None:
    if magnitude > 1 and exponent * math.log10(magnitude) > MAX_DIGITS:
        raise GroovyLimitError(f"a number of more than {MAX_DIGITS} digits")


def _decimal_power(base: Decimal, exponent: int) -> Decimal:
    if base != 0 and exponent * _digits(base) > MAX_DIGITS:
        raise GroovyLimitError(f"a number of more than {MAX_DIGITS} digits")
    try:
        return _EXACT.power(base, exponent)
    except Inexact:
        raise GroovyLimitError(f"a number of more than {MAX_DIGITS} digits") from None
    except InvalidOperation:  # 0 ** 0: Java's BigDecimal.pow answers 1
        return Decimal(1)


def _float_power(base: float, exponent: float) -> float:
    # Math.pow never raises: 0 ** -1 is Infinity, (-8) ** 0.5 is NaN.
    try:
        return math.pow(base, exponent)
    except OverflowError:
        odd = exponent.is_integer() and exponent % 2 == 1
        return -math.inf if base < 0 and odd else math.inf
    except ValueError:
        if base == 0:
            odd = exponent.is_integer() and exponent % 2 == 1
            return math.copysign(math.inf, base) if odd else math.inf
        return math.nan


def negate(value: Number) -> Number:
    if isinstance(value, Decimal):
        return value.copy_negate()  # exact: unary minus would round to the context
    return -value


def shift_left(value: int, count: int) -> int:
    if count < 0:
        raise GroovyRuntimeError(f"Cannot shift by a negative count: {count}")
    if value and value.bit_length() + count > 4 * MAX_DIGITS:
        raise GroovyLimitError(f"a number of more than {MAX_DIGITS} digits")
    return check_int(value << count)


def compare_numbers(a: Number, b: Number) -> int:
    if isinstance(a, float) or isinstance(b, float):
        x, y = to_float(a), to_float(b)
        if math.isnan(x) or math.isnan(y):  # Double.compare: NaN above everything
            return (math.isnan(x) > math.isnan(y)) - (math.isnan(x) < math.isnan(y))
        return (x > y) - (x < y)
    return (a > b) - (a < b)


def numbers_equal(a: Number, b: Number) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return to_float(a) == to_float(b)
    return a == b


def _digits(value: Decimal) -> int:
    return len(value.as_tuple().digits)


def _exponent(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def _context(precision: int, *traps: type[DecimalException]) -> Context:
    return Context(
        prec=max(precision, 1),
        rounding=ROUND_HALF_UP,
        Emax=_EXPONENT_RANGE,
        Emin=-_EXPONENT_RANGE,
        traps=[InvalidOperation, DivisionByZero, Overflow, *traps],
    )


def _unbounded() -> Context:
    # quantize needs room for every digit it keeps; the operands are already bounded.
    return _context(3 * MAX_DIGITS + 100)
