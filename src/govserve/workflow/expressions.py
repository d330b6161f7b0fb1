"""The restricted expression language of process conditions (流转条件).

A process is data, not code (DESIGN.md): a condition on a sequence flow, a multi-instance
cardinality or completion condition and a service task parameter are expressions over the
task's data only, evaluated by simpleeval with the grammar cut down to what a condition needs:

- literals (strings, numbers, True/False/None, lists, tuples, sets, dicts), names of task data,
  subscripts and slices (``case_items[0]``, ``form["staff_count"]``);
- ``and or not``, comparisons (``== != < <= > >= in not in is is not``), ``x if c else y``,
  ``+ - * / // % **`` with bounded operands;
- calls of the functions in FUNCTIONS, by name, positional arguments only.

No attribute access at all (so no dunders, no ``str.format``), no imports, no comprehensions,
no lambdas, no f-strings, no assignments. Time is bounded by construction: no loops, at most
MAX_NODES nodes, strings and sequences at most MAX_LENGTH long, integers at most MAX_INT_BITS
bits — each node costs a bounded amount of work.

`check(source)` is the static half (at upload, with the reason); `evaluate(source, data)`
checks again and evaluates.
"""

from __future__ import annotations

import ast
import functools
import operator
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from simpleeval import EvalWithCompoundTypes, InvalidExpression

MAX_SOURCE = 2000
MAX_NODES = 200
MAX_LENGTH = 10_000
MAX_INT_BITS = 64
MAX_EXPONENT = 64

_ALLOWED_NODES: tuple[type[ast.AST], ...] = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Pow,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
    ast.IfExp,
    ast.Call,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.Subscript,
    ast.Slice,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.Dict,
)
_CONSTANT_TYPES = (str, int, float, bool, type(None))


class ExpressionError(Exception):
    """An expression outside the language, or one that failed on the data; `message` is the
    reason in words an author can act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# -- the static check ------------------------------------------------------------------------
def _describe(node: ast.AST) -> str:
    names = {
        ast.Attribute: _("属性访问（.）"),
        ast.Lambda: "lambda",
        ast.ListComp: _("推导式"),
        ast.SetComp: _("推导式"),
        ast.DictComp: _("推导式"),
        ast.GeneratorExp: _("推导式"),
        ast.JoinedStr: _("f 字符串"),
        ast.NamedExpr: _("赋值（:=）"),
        ast.Starred: _("星号展开（*）"),
        ast.Await: "await",
        ast.Yield: "yield",
    }
    return names.get(type(node), type(node).__name__)


@functools.lru_cache(maxsize=512)
def _parse(source: str) -> ast.Expression:
    if len(source) > MAX_SOURCE:
        raise ExpressionError(_("表达式不能超过 %(n)d 个字符") % {"n": MAX_SOURCE})
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(
            _("不是有效的表达式：%(msg)s") % {"msg": exc.msg or _("语法错误")}
        ) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError(_("表达式无法解析")) from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ExpressionError(_("表达式过于复杂（超过 %(n)d 个节点）") % {"n": MAX_NODES})
    for node in nodes:
        if not isinstance(node, _ALLOWED_NODES):
            raise ExpressionError(
                _("表达式中不允许使用%(what)s：条件只能读取办件数据，不能执行代码")
                % {"what": _describe(node)}
            )
        if isinstance(node, ast.Constant) and not isinstance(node.value, _CONSTANT_TYPES):
            raise ExpressionError(_("表达式中不允许使用该类常量"))
        if isinstance(node, ast.Constant) and len(str(node.value)) > MAX_LENGTH:
            raise ExpressionError(_("表达式中的字符串过长"))
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ExpressionError(
                _("表达式中不允许使用以下划线开头的名称“%(name)s”") % {"name": node.id}
            )
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute):
                raise ExpressionError(
                    _("表达式中不允许使用%(what)s：条件只能读取办件数据，不能执行代码")
                    % {"what": _describe(node.func)}
                )
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                called = node.func.id if isinstance(node.func, ast.Name) else "…"
                raise ExpressionError(
                    _("表达式只能调用这些函数：%(allowed)s（不能调用“%(name)s”）")
                    % {"allowed": ", ".join(FUNCTIONS), "name": called}
                )
            if node.keywords:
                raise ExpressionError(_("函数调用不能使用关键字参数"))
    return tree


def check(source: str) -> None:
    """Raise ExpressionError unless `source` is an expression of the language."""
    _parse(source)


# -- bounded operators -------------------------------------------------------------------------
def _weight(value: Any, budget: int) -> int:
    """How much a value holds (characters, elements, nested), counted until `budget` is spent:
    a list of one list repeated 10,000 times weighs what it would cost to compare or print."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple | set | frozenset):
        total = len(value)
        for item in value:
            if total > budget:
                break
            if isinstance(item, str | list | tuple | dict | set | frozenset):
                total += _weight(item, budget - total)
        return total
    return 1


def _bounded(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > MAX_INT_BITS:
            raise ExpressionError(_("计算结果超出允许的数值范围"))
    elif (
        isinstance(value, str | list | tuple | dict | set | frozenset)
        and _weight(value, MAX_LENGTH) > MAX_LENGTH
    ):
        raise ExpressionError(_("计算结果过长"))
    return value


def _mult(a: Any, b: Any) -> Any:
    # "x" * 10**9 would be built before its size could be checked: check the factors first.
    for seq, times in ((a, b), (b, a)):
        if (
            isinstance(seq, str | list | tuple)
            and isinstance(times, int)
            and times * max(_weight(seq, MAX_LENGTH), 1) > MAX_LENGTH
        ):
            raise ExpressionError(_("计算结果过长"))
    return _bounded(a * b)


def _mod(a: Any, b: Any) -> Any:
    # "%*d" % (10**9, 1) pads before anything could be checked: no printf-style formatting.
    if isinstance(a, str):
        raise ExpressionError(_("表达式中不允许对字符串用取模运算（printf 式格式化）"))
    return _bounded(operator.mod(_bounded(a), _bounded(b)))


def _scalar_str(value: Any) -> str:
    if not isinstance(value, _CONSTANT_TYPES):
        raise ExpressionError(_("str() 只能用于字符串、数字、布尔值或 None"))
    return str(value)


def _pow(a: Any, b: Any) -> Any:
    if isinstance(b, int | float) and abs(b) > MAX_EXPONENT:
        raise ExpressionError(_("指数过大"))
    _bounded(a)
    return _bounded(a**b)


def _binary(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    return lambda a, b: _bounded(fn(_bounded(a), _bounded(b)))


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "len": len,
    "min": min,
    "max": max,
    "abs": abs,
    "round": round,
    "int": int,
    "float": float,
    "str": _scalar_str,
    "bool": bool,
    "any": any,
    "all": all,
    "sum": sum,
}

OPERATORS: dict[type[ast.AST], Callable[..., Any]] = {
    ast.Add: _binary(operator.add),
    ast.Sub: _binary(operator.sub),
    ast.Mult: _mult,
    ast.Div: _binary(operator.truediv),
    ast.FloorDiv: _binary(operator.floordiv),
    ast.Mod: _mod,
    ast.Pow: _pow,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda x, y: operator.contains(y, x),
    ast.NotIn: lambda x, y: not operator.contains(y, x),
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
    ast.Not: operator.not_,
    ast.USub: lambda x: _bounded(operator.neg(x)),
    ast.UAdd: operator.pos,
}


class _Evaluator(EvalWithCompoundTypes):
    """simpleeval's evaluator, without the node kinds the language leaves out (the static
    check refuses them first; this is the second lock)."""

    def __init__(self, names: Mapping[str, Any]):
        super().__init__(operators=OPERATORS, functions=dict(FUNCTIONS), names=dict(names))
        self.functions = dict(FUNCTIONS)  # EvalWithCompoundTypes adds list/dict/set/tuple
        for kind in (
            ast.Attribute,
            ast.JoinedStr,
            ast.FormattedValue,
            ast.ListComp,
            ast.GeneratorExp,
            ast.DictComp,
            ast.Assign,
            ast.AugAssign,
            ast.Import,
            ast.keyword,
        ):
            self.nodes.pop(kind, None)
        self.nodes.pop(getattr(ast, "SetComp", ast.ListComp), None)

    def _eval(self, node: ast.AST) -> Any:
        return _bounded(super()._eval(node))


def evaluate(source: str, data: Mapping[str, Any]) -> Any:
    """The value of `source` over `data` (the task's data); ExpressionError if it is outside
    the language or fails on the data (an unknown name, a wrong type, a bound exceeded)."""
    tree = _parse(source)
    try:
        return _Evaluator(data).eval(source, previously_parsed=tree.body)
    except ExpressionError:
        raise
    except InvalidExpression as exc:
        raise ExpressionError(_("表达式无法求值：%(msg)s") % {"msg": exc}) from None
    except (ArithmeticError, TypeError, ValueError, KeyError, IndexError) as exc:
        raise ExpressionError(
            _("表达式求值出错：%(kind)s %(msg)s") % {"kind": type(exc).__name__, "msg": exc}
        ) from None
    except (RecursionError, MemoryError):
        raise ExpressionError(_("表达式求值超出资源限制")) from None
