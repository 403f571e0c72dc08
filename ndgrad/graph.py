"""A snapshot of a recorded computation, for reading and drawing (``get_symbol``).

``Graph`` copies what the tape knows — ops, their inputs, attributes, output shapes
and dtypes — into plain records. It keeps no arrays and no engine nodes, so it stays
valid (and cheap) after the graph itself is freed.

Names follow MXNet's ``get_symbol``: variables are ``var0``, ``var1``... and ops
``node_0``, ``node_1``... in the order a depth-first walk from the outputs meets
them, first input first; so the same code always gives the same names.
"""
from dataclasses import dataclass

from ndgrad import _engine
from ndgrad._engine import AutogradError, OpNode


@dataclass(frozen=True)
class Entry:
    """One node: a variable (``op`` None), a constant array, or an op call."""
    name: str
    op: str            # op name; "variable" or "constant" for the leaves
    inputs: tuple      # names of the inputs (``node_3:1`` for output 1), or reprs
    attrs: dict
    outputs: tuple     # (shape, dtype name) per output
    edges: tuple = ()  # (input entry name, output index or "") per array input
    scalars: tuple = ()  # reprs of the non-array arguments


class Graph:
    """The computation recorded above some arrays (see ``autograd.get_symbol``).

        >>> from ndgrad import autograd, nd
        >>> x = nd.array([1.0, 2.0])
        >>> x.attach_grad()
        >>> with autograd.record():
        ...     y = nd.tanh(x * 2)
        >>> print(autograd.get_symbol(y))
        Graph(arguments=[var0], outputs=[node_1_output])
          var0 = variable() -> (2,) float32
          node_0 = multiply(var0, 2) -> (2,) float32
          node_1 = tanh(node_0) -> (2,) float32
    """

    def __init__(self, entries, heads):
        self.entries = tuple(entries)   # inputs before the ops that use them
        self._heads = tuple(heads)      # (entry name, output index)

    # ---- MXNet's Symbol surface ---------------------------------------------
    def list_arguments(self):
        """Names of the variables the outputs were computed from."""
        return [e.name for e in self.entries if e.op == "variable"]

    def list_outputs(self):
        """Names of the outputs, MXNet style: ``node_2_output``."""
        return [self._output_name(name, idx) for name, idx in self._heads]

    def _output_name(self, name, idx):
        entry = self._entry(name)
        if entry.op == "variable":
            return name
        return f"{name}_output" if len(entry.outputs) == 1 else f"{name}_output{idx}"

    def _entry(self, name):
        return next(e for e in self.entries if e.name == name)

    # ---- text ---------------------------------------------------------------
    def __str__(self):
        lines = [f"Graph(arguments=[{', '.join(self.list_arguments())}], "
                 f"outputs=[{', '.join(self.list_outputs())}])"]
        for e in self.entries:
            args = list(e.inputs) + [f"{k}={v!r}" for k, v in e.attrs.items()]
            outs = ", ".join(f"{shape} {dtype}" for shape, dtype in e.outputs)
            lines.append(f"  {e.name} = {e.op}({', '.join(args)}) -> {outs}")
        return "\n".join(lines)

    def __repr__(self):
        return f"<Graph {' '.join(name for name, _ in self._heads)}>"

    def to_dot(self):
        """The graph in Graphviz DOT (render with ``dot -Tsvg``): one box per op
        with its name, attributes, output shapes and dtypes; data flows upwards."""
        lines = ["digraph ndgrad {", "  rankdir=BT;",
                 '  node [fontname="Helvetica", fontsize=10];']
        for e in self.entries:
            outs = "\\n".join(f"{shape} {dtype}" for shape, dtype in e.outputs)
            if e.op in ("variable", "constant"):
                style = "ellipse" if e.op == "variable" else "ellipse, style=dashed"
                label = f"{e.name}\\n{outs}"
            else:
                style = "box, style=rounded"
                attrs = "".join(f"\\n{k}={v!r}" for k, v in e.attrs.items())
                extra = f"\\n({', '.join(e.inputs)})" if e.scalars else ""
                label = f"{e.op}{extra}{attrs}\\n{outs}"
            lines.append(f'  "{e.name}" [shape={style}, label="{_escape(label)}"];')
        for e in self.entries:
            for src, idx in e.edges:
                tail = f' [label="{idx}"]' if idx != "" else ""
                lines.append(f'  "{src}" -> "{e.name}"{tail};')
        lines.append("}")
        return "\n".join(lines) + "\n"


def _escape(label):
    return label.replace('"', '\\"')


def _dtype(meta):
    return str(meta.dtype)


def build(arrays):
    """The Graph recorded above ``arrays`` (each must be part of a recorded graph)."""
    heads = []
    for k, a in enumerate(arrays):
        if not isinstance(a, _engine.Array) or a._node is None:
            raise AutogradError(
                f"get_symbol: array {k} is not part of a recorded graph; compute it "
                "inside `with autograd.record():` from arrays with attach_grad()")
        heads.append((a._node, a._index))
    names = {}        # node -> name
    entries = []
    counts = {"var": 0, "node": 0, "const": 0}

    def new_name(kind):
        name = f"{kind}{counts[kind]}" if kind != "node" else f"node_{counts[kind]}"
        counts[kind] += 1
        return name

    # Iterative post-order walk: a node is named once all its inputs are.
    stack = [node for node, _ in reversed(heads)]
    while stack:
        node = stack[-1]
        if node in names:
            stack.pop()
            continue
        if isinstance(node, OpNode):
            if node.released:
                raise AutogradError(
                    f"get_symbol: the graph through '{node.op.name}' was freed by "
                    "backward; call get_symbol before backward, or pass "
                    "retain_graph=True to backward")
            pending = [p for p in node.input_nodes if p is not None and p not in names]
            if pending:
                stack.extend(reversed(pending))
                continue
            entries.append(_op_entry(node, names, entries, new_name))
        else:
            names[node] = new_name("var")
            buf = node.grad._data  # the gradient buffer has the variable's shape/dtype
            entries.append(Entry(names[node], "variable", (), {},
                                 ((buf.shape, str(buf.dtype)),)))
        stack.pop()
    return Graph(entries, [(names[node], idx) for node, idx in heads])


def _op_entry(node, names, entries, new_name):
    inputs, edges, scalars = [], [], []
    constants = node.constants
    for i, (parent, meta) in enumerate(zip(node.input_nodes, node.input_meta)):
        if parent is not None:
            multi = isinstance(parent, OpNode) and len(parent.output_meta) > 1
            idx = node.input_indices[i] if multi else ""
            inputs.append(f"{names[parent]}:{idx}" if multi else names[parent])
            edges.append((names[parent], idx))
        elif meta is not None:  # an array that needs no gradient
            name = new_name("const")
            entries.append(Entry(name, "constant", (), {},
                                 ((meta.shape, _dtype(meta)),)))
            inputs.append(name)
            edges.append((name, ""))
        else:
            scalars.append(repr(_plain(constants[i])))
            inputs.append(scalars[-1])
    name = new_name("node")
    names[node] = name
    return Entry(name, node.op.name, tuple(inputs), node.attrs,
                 tuple((m.shape, _dtype(m)) for m in node.output_meta),
                 tuple(edges), tuple(scalars))


def _plain(value):
    """Python scalars print as themselves; NumPy scalars as their value."""
    return value.item() if hasattr(value, "item") and getattr(value, "ndim", 1) == 0 \
        else value
