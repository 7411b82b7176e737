"""The Jinja analysis of a template against the context it really gets: unknown variables,
fields, filters and tests, and the context paths each template reads."""

from __future__ import annotations

import difflib

from jinja2 import nodes

from generator.maintenance.jinja_values import ANY, ContextReader, Val
from generator.maintenance.variables import FORBIDDEN_FILTERS, is_map

_SAME_LIST_FILTERS = {
    "sort",
    "reverse",
    "unique",
    "list",
    "selectattr",
    "rejectattr",
    "select",
    "reject",
    "default",
    "d",
}
_ITEM_FILTERS = {"first", "last", "random", "min", "max"}
_STRUCTURAL_FILTERS = (
    _SAME_LIST_FILTERS
    | _ITEM_FILTERS
    | {
        "length",
        "count",
        "map",
        "groupby",
        "batch",
        "slice",
        "sum",
        "dictsort",
        "items",
        "attr",
    }
)
_ATTRIBUTE_FILTERS = {"map", "sum", "sort", "groupby", "unique", "min", "max"}
_SELECT_FILTERS = {"selectattr", "rejectattr"}


class ExpressionAnalyzer(ContextReader):
    """What each Jinja expression may be: names, fields, items, calls, filters, tests, operators."""

    # -- expressions
    def expr(self, node) -> Val:
        method = getattr(self, f"expr_{type(node).__name__}", None)
        if method is not None:
            return method(node)
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Expr):
                self.use(child)
        return ANY

    def use(self, node) -> Val:
        """An expression whose value is consumed as a whole (printed, compared, passed)."""
        val = self.expr(node)
        self.read(val, terminal=True)
        return val

    def expr_Name(self, node) -> Val:
        if node.ctx != "load":
            return ANY
        found = self.lookup(node.name)
        if found is not None:
            return found
        if node.name in self.env.globals:
            return Val((), None, label=node.name)
        self.problem(node, self._unknown_name(node.name))
        return ANY

    def _unknown_name(self, name: str) -> str:
        if name == "convention" and self.for_each != "tfpb":
            return (
                "variable « convention » inconnue dans ce document : elle n'existe que dans les "
                "documents produits pour chaque convention TFPB (pour_chaque: tfpb dans le "
                "manifeste)"
            )
        names = set(self.context) | {n for scope in self.scopes for n in scope}
        guess = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.6)
        hint = f" ; vouliez-vous dire « {guess[0]} » ?" if guess else ""
        return f"variable inconnue « {name} »{hint} (voir docs/variables.md)"

    def expr_Const(self, node) -> Val:
        return Val((node.value,), None)

    def expr_Getattr(self, node) -> Val:
        base = self.expr(node.node)
        return self.attribute(node, base, node.attr)

    def expr_Getitem(self, node) -> Val:
        base = self.expr(node.node)
        arg = node.arg
        if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
            return self.attribute(node, base, arg.value)
        if isinstance(arg, nodes.Slice):
            self.expr(arg)
            return base
        self.use(arg)
        known = base.known
        if known and all(isinstance(v, list | tuple) for v in known):
            return self.items_of(base, f"{base.label}[…]")
        if known and all(is_map(v) for v in known):
            return self.map_value(base, f"{base.label}[…]")
        return ANY

    def expr_Call(self, node) -> Val:
        func = self.expr(node.node)
        for arg in node.args:
            self.use(arg)
        for kw in node.kwargs:
            self.use(kw.value)
        if node.dyn_args is not None:
            self.use(node.dyn_args)
        if node.dyn_kwargs is not None:
            self.use(node.dyn_kwargs)
        if func.method is not None:
            base, name = func.method
            if name == "get" and node.args and isinstance(node.args[0], nodes.Const):
                return self.attribute(node, base, str(node.args[0].value))
            if name == "get":
                return self.map_value(base, base.label + ".get(…)")
            self.read(base, terminal=True)
            if name == "items":
                return Val((), None, label=base.label, method=(base, "items"))
        return ANY

    def expr_Filter(self, node) -> Val:
        return self.apply_filter(node, self.expr(node.node) if node.node is not None else ANY)

    def apply_filter(self, node, base: Val) -> Val:
        name = node.name
        if name not in self.env.filters:
            guess = difflib.get_close_matches(name, sorted(self.env.filters), n=1, cutoff=0.6)
            hint = f" ; vouliez-vous dire « {guess[0]} » ?" if guess else ""
            self.problem(node, f"filtre inconnu « {name} »{hint} (voir docs/variables.md)")
            return ANY
        if name in FORBIDDEN_FILTERS:
            self.problem(
                node, f"filtre « {name} » interdit dans les modèles : {FORBIDDEN_FILTERS[name]}"
            )
        for arg in node.args:
            self.use(arg)
        for kw in node.kwargs:
            self.use(kw.value)
        attribute = self._attribute_arg(node)
        if name not in _STRUCTURAL_FILTERS:
            self.read(base, terminal=True)
            return ANY
        self.read(base)
        if attribute and (name in _ATTRIBUTE_FILTERS or name in _SELECT_FILTERS):
            item = self.items_of(base, f"{base.label}[…]")
            first = attribute.split(".")[0]
            dicts = [v for v in item.known if isinstance(v, dict)]
            if (
                dicts
                and len(dicts) == len(item.known)
                and not any(first in d or is_map(d) for d in dicts)
            ):
                fields = sorted({k for d in dicts for k in d if not k.startswith("_")})
                guess = difflib.get_close_matches(first, fields, n=1, cutoff=0.6)
                hint = f" ; vouliez-vous dire « {guess[0]} » ?" if guess else ""
                self.problem(
                    node,
                    f"filtre {name} : les éléments de « {base.label} » n'ont pas de champ "
                    f"« {first} »{hint}",
                )
                return ANY
            target = item
            for part in attribute.split("."):
                target = self.attribute(node, target, part)
            self.read(target, terminal=True)
            if name == "map":
                return Val((list(target.values),), None, label=base.label)
        if name in _SAME_LIST_FILTERS:
            return base
        if name in _ITEM_FILTERS:
            return self.items_of(base, f"{base.label}|{name}")
        if name == "attr" and node.args and isinstance(node.args[0], nodes.Const):
            return self.attribute(node, base, str(node.args[0].value))
        return ANY

    @staticmethod
    def _attribute_arg(node) -> str | None:
        for kw in node.kwargs:
            if kw.key == "attribute" and isinstance(kw.value, nodes.Const):
                return str(kw.value.value)
        if node.name in _SELECT_FILTERS and node.args and isinstance(node.args[0], nodes.Const):
            return str(node.args[0].value)
        if node.name in ("groupby", "sum", "sort", "unique") and node.args:
            first = node.args[0]
            if isinstance(first, nodes.Const) and isinstance(first.value, str):
                return first.value
        return None

    def expr_Test(self, node) -> Val:
        if node.name not in self.env.tests:
            guess = difflib.get_close_matches(node.name, sorted(self.env.tests), n=1, cutoff=0.6)
            hint = f" ; vouliez-vous dire « {guess[0]} » ?" if guess else ""
            self.problem(node, f"test inconnu « is {node.name} »{hint}")
        if node.name in ("defined", "undefined"):
            self.quiet += 1
            self.expr(node.node)
            self.quiet -= 1
        else:
            self.use(node.node)
        for arg in node.args:
            self.use(arg)
        return ANY

    def expr_CondExpr(self, node) -> Val:
        self.expr(node.test)
        first = self.expr(node.expr1)
        if node.expr2 is not None:
            self.expr(node.expr2)
        return first

    def _operands(self, node) -> Val:
        for child in node.iter_child_nodes():
            self.use(child)
        return ANY

    expr_Compare = expr_BinExpr = expr_Concat = expr_Operand = _operands
    expr_Add = expr_Sub = expr_Mul = expr_Div = expr_FloorDiv = expr_Mod = expr_Pow = _operands
    expr_Neg = expr_Pos = _operands
    expr_List = expr_Tuple = expr_Dict = expr_Pair = _operands

    def expr_And(self, node) -> Val:
        self.expr(node.left)
        self.expr(node.right)
        return ANY

    expr_Or = expr_And

    def expr_Not(self, node) -> Val:
        self.expr(node.node)
        return ANY

    def expr_Slice(self, node) -> Val:
        for child in node.iter_child_nodes():
            self.use(child)
        return ANY


class Analyzer(ExpressionAnalyzer):
    """Walks a Jinja AST against the sample context; records problems and the paths read."""

    # -- statements
    def body(self, items) -> None:
        for item in items:
            self.stmt(item)

    def stmt(self, node) -> None:
        method = getattr(self, f"stmt_{type(node).__name__}", None)
        if method is not None:
            method(node)
            return
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Stmt):
                self.stmt(child)
            elif isinstance(child, nodes.Expr):
                self.use(child)

    def stmt_Output(self, node) -> None:
        for child in node.nodes:
            if not isinstance(child, nodes.TemplateData):
                self.use(child)

    def stmt_If(self, node) -> None:
        self.expr(node.test)
        self.body(node.body)
        for elif_ in node.elif_:
            self.stmt(elif_)
        self.body(node.else_)

    def bind(self, target, value: Val, scope: dict) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = Val(
                value.values, value.path, value.chain, target.name, value.method
            )
        elif isinstance(target, nodes.Tuple):
            pair = value.method
            for i, sub in enumerate(target.items):
                if pair is not None and pair[1] == "items" and i == 1:
                    self.bind(sub, self.map_value(pair[0], getattr(sub, "name", "")), scope)
                else:
                    self.bind(sub, ANY, scope)

    def stmt_For(self, node) -> None:
        iterable = self.expr(node.iter)
        self.read(iterable)
        if iterable.method is not None and iterable.method[1] == "items":
            item = Val((), None, method=iterable.method)
        elif iterable.known and all(isinstance(v, list | tuple) for v in iterable.known):
            item = self.items_of(iterable, "")
        elif iterable.known and all(isinstance(v, str) for v in iterable.known):
            self.problem(
                node,
                f"« {iterable.label} » est un texte : une boucle for le parcourrait lettre par "
                "lettre",
            )
            item = ANY
        else:
            item = ANY
        scope: dict[str, Val] = {}
        self.bind(node.target, item, scope)
        scope["loop"] = Val(("loop",), None, label="loop", method=item)
        self.scopes.append(scope)
        if node.test is not None:
            self.expr(node.test)
        self.body(node.body)
        self.scopes.pop()
        self.body(node.else_)

    def stmt_Assign(self, node) -> None:
        value = self.expr(node.node)
        self.bind(node.target, value, self.scopes[-1])

    def stmt_AssignBlock(self, node) -> None:
        if node.filter is not None:
            self.apply_filter(node.filter, ANY)
        self.body(node.body)
        self.bind(node.target, ANY, self.scopes[-1])

    def stmt_With(self, node) -> None:
        scope: dict[str, Val] = {}
        for target, value in zip(node.targets, node.values, strict=False):
            self.bind(target, self.expr(value), scope)
        self.scopes.append(scope)
        self.body(node.body)
        self.scopes.pop()

    def stmt_Macro(self, node) -> None:
        scope = {arg.name: ANY for arg in node.args}
        scope.update(caller=ANY, varargs=ANY, kwargs=ANY)
        for default in node.defaults:
            self.expr(default)
        self.scopes.append(scope)
        self.body(node.body)
        self.scopes.pop()
        self.scopes[-1][node.name] = ANY

    def stmt_CallBlock(self, node) -> None:
        self.expr(node.call)
        self.scopes.append({arg.name: ANY for arg in node.args})
        self.body(node.body)
        self.scopes.pop()

    def stmt_FilterBlock(self, node) -> None:
        self.apply_filter(node.filter, ANY)
        self.body(node.body)

    def _not_in_word(self, node) -> None:
        word = type(node).__name__.lower()
        self.problem(node, f"la balise {{% {word} %}} n'est pas possible dans un modèle Word")

    stmt_Include = stmt_Extends = stmt_Import = stmt_FromImport = stmt_Block = _not_in_word
