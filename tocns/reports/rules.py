"""Validation rules between indicators, as data (DHIS2's model): a left expression, an operator and
a right expression over indicator codes, e.g. "HN + HCN ≤ HO" (poor plus near-poor households at
most the households).

Expressions are read by a small recursive-descent parser (numbers, indicator codes, + − × ÷ and
brackets), never by `eval`. A rule is skipped while any indicator it names is empty: empty is
missing, never 0. A division by zero makes the side undefined, and the rule is skipped too."""

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal, DivisionByZero, InvalidOperation

from django.utils.translation import gettext as _

TOKEN = re.compile(r"\s*(?:(?P<number>\d+(?:[.,]\d+)?)|(?P<code>[A-Za-z_][A-Za-z0-9_.]*)|(?P<op>[-+*/×÷−()]))")
OPERATORS = {"−": "-", "×": "*", "÷": "/"}
MAX_LENGTH = 500  # characters in one expression
MAX_DEPTH = 30  # nested brackets


class RuleSyntaxError(ValueError):
    def __init__(self, message: str, position: int):
        super().__init__(message)
        self.message, self.position = message, position


@dataclass(frozen=True)
class Expr:
    """A parsed expression: a tree of ("num", Decimal) | ("code", str) | ("neg", e) | (op, a, b)."""

    text: str
    tree: tuple
    codes: frozenset = field(default_factory=frozenset)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = TOKEN.match(text, position)
        if match is None:
            raise RuleSyntaxError(_("Không hiểu ký tự “%(char)s” ở vị trí %(pos)s.") % {
                "char": text[position:].lstrip()[:1], "pos": position + 1 + len(text[position:]) - len(
                    text[position:].lstrip())}, position)
        kind = match.lastgroup
        value = match.group(kind)
        start = match.start(kind)
        if kind == "op":
            value = OPERATORS.get(value, value)
        out.append((kind, value, start))
        position = match.end()
    return out


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokens(text)
        self.index = 0
        self.codes: set[str] = set()

    def peek(self):
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self):
        token = self.peek()
        self.index += 1
        return token

    def error(self, message: str):
        token = self.peek()
        raise RuleSyntaxError(message, token[2] if token else len(self.text))

    def expression(self, depth: int = 0) -> tuple:
        if depth > MAX_DEPTH:
            self.error(_("Quá nhiều ngoặc lồng nhau."))
        node = self.term(depth)
        while (token := self.peek()) is not None and token[0] == "op" and token[1] in "+-":
            self.take()
            node = (token[1], node, self.term(depth))
        return node

    def term(self, depth: int) -> tuple:
        node = self.factor(depth)
        while (token := self.peek()) is not None and token[0] == "op" and token[1] in "*/":
            self.take()
            node = (token[1], node, self.factor(depth))
        return node

    def factor(self, depth: int) -> tuple:
        token = self.take()
        if token is None:
            self.index -= 1
            self.error(_("Biểu thức còn thiếu: sau dấu phép tính cần một số hoặc mã chỉ số."))
        kind, value, _position = token
        if kind == "number":
            return ("num", Decimal(value.replace(",", ".")))
        if kind == "code":
            self.codes.add(value.upper())
            return ("code", value.upper())
        if value in "+-":
            inner = self.factor(depth)
            return ("neg", inner) if value == "-" else inner
        if value == "(":
            node = self.expression(depth + 1)
            closing = self.take()
            if closing is None or closing[1] != ")":
                self.index -= 1
                self.error(_("Thiếu dấu đóng ngoặc “)”."))
            return node
        self.index -= 1
        self.error(_("Không đúng chỗ: “%(token)s”.") % {"token": value})
        raise AssertionError  # unreachable: error() raises


def parse(text: str) -> Expr:
    """Read one side of a rule; RuleSyntaxError carries a Vietnamese message and the position.
    Pure, so each text is read once per process (a report page checks every rule of its form)."""
    return _parse((text or "").strip())


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> Expr:
    if not text:
        raise RuleSyntaxError(_("Hãy nhập biểu thức (ví dụ: HN + HCN)."), 0)
    if len(text) > MAX_LENGTH:
        raise RuleSyntaxError(_("Biểu thức dài quá %(n)s ký tự.") % {"n": MAX_LENGTH}, MAX_LENGTH)
    parser = _Parser(text)
    tree = parser.expression()
    if parser.peek() is not None:
        parser.error(_("Thừa “%(token)s”: thiếu dấu phép tính?") % {"token": parser.peek()[1]})
    return Expr(text=text, tree=tree, codes=frozenset(parser.codes))


def evaluate(expr: Expr | tuple, values: dict) -> Decimal | None:
    """The value of an expression, or None when an indicator in it is empty or it divides by zero."""
    node = expr.tree if isinstance(expr, Expr) else expr
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "code":
        value = values.get(node[1])
        return None if value is None else Decimal(value)
    if kind == "neg":
        inner = evaluate(node[1], values)
        return None if inner is None else -inner
    left, right = evaluate(node[1], values), evaluate(node[2], values)
    if left is None or right is None:
        return None
    try:
        if kind == "+":
            return left + right
        if kind == "-":
            return left - right
        if kind == "*":
            return left * right
        if right == 0:
            return None
        return left / right
    except (DivisionByZero, InvalidOperation):
        return None


COMPARE = {
    "lt": lambda a, b, c: a < b,
    "le": lambda a, b, c: a <= b,
    "eq": lambda a, b, c: a == b,
    "ge": lambda a, b, c: a >= b,
    "gt": lambda a, b, c: a > b,
    "between": lambda a, b, c: b <= a <= c,
}
SYMBOL = {"lt": "<", "le": "≤", "eq": "=", "ge": "≥", "gt": ">", "between": "∈"}


@dataclass(frozen=True)
class CompiledRule:
    """A ValidationRule read once: its sides parsed, the codes it ties together."""

    rule: object  # the ValidationRule row
    left: Expr
    right: Expr
    high: Expr | None

    @property
    def codes(self) -> frozenset:
        return self.left.codes | self.right.codes | (self.high.codes if self.high else frozenset())


@dataclass(frozen=True)
class Violation:
    rule: object
    left: Decimal
    right: Decimal
    high: Decimal | None
    codes: frozenset

    @property
    def blocks(self) -> bool:
        return self.rule.strength == "block"

    def describe(self) -> str:
        """The admin's message with the figures that broke it: "… (HN + HCN = 130; HO = 120)"."""
        from .checks import format_number

        rule = self.rule
        parts = [f"{rule.left} = {format_number(_round(self.left))}",
                 f"{rule.right} = {format_number(_round(self.right))}"]
        if self.high is not None:
            parts.append(f"{rule.right_high} = {format_number(_round(self.high))}")
        return f"{rule.message} ({'; '.join(parts)})"


def _round(number: Decimal) -> Decimal:
    return number.quantize(Decimal("0.01")) if number != number.to_integral_value() else number


def compile_rule(rule) -> CompiledRule:
    return CompiledRule(rule=rule, left=parse(rule.left), right=parse(rule.right),
                        high=parse(rule.right_high) if rule.operator == "between" else None)


def check(compiled: CompiledRule, values: dict) -> Violation | None:
    """None when the rule holds or is skipped (an empty indicator, a division by zero)."""
    left, right = evaluate(compiled.left, values), evaluate(compiled.right, values)
    high = evaluate(compiled.high, values) if compiled.high is not None else None
    if left is None or right is None or (compiled.high is not None and high is None):
        return None
    if COMPARE[compiled.rule.operator](left, right, high):
        return None
    return Violation(rule=compiled.rule, left=left, right=right, high=high, codes=compiled.codes)


def violations(compiled_rules, values: dict) -> list[Violation]:
    """Every rule broken by these values ({code: Decimal or None}), in the rules' order."""
    return [v for rule in compiled_rules if (v := check(rule, values)) is not None]


def rules_for_form(form, province=None) -> list[CompiledRule]:
    """The rules in force for reports of `form` in `province` (by default the form's own; None for a
    national form: national rules only): not retired, national or the province's, for this form or
    for any form, and naming only indicators the form has."""
    from django.db.models import Q

    from .models import FormIndicator, ValidationRule

    codes = set(FormIndicator.objects.filter(form=form).values_list("indicator__code", flat=True))
    compiled = []
    in_force = ValidationRule.objects.for_province(province or form.province_id).filter(retired_at__isnull=True)
    for rule in in_force.filter(Q(form__isnull=True) | Q(form=form)):
        try:
            one = compile_rule(rule)
        except RuleSyntaxError:
            continue  # a rule is checked when it is saved; a bad one never breaks a report page
        if one.codes <= codes:
            compiled.append(one)
    return compiled
