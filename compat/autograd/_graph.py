"""The tape: graph nodes and the backward engine.

Each differentiable op records one `Node` holding the op's pure JAX function, its static
arguments, a snapshot of its input arrays, and one edge per differentiable input. The
backward kernel of a node is the jitted VJP of that same function (see
`compat/_dispatch.py`), so no gradient rule is written by hand.

`run_backward` is a small version of torch's engine: collect the nodes reachable from the
roots, count dependencies, then process nodes when all their output cotangents are in,
calling tensor hooks and accumulating into leaves' `.grad`.
"""
__all__ = ["Node", "run_backward"]

_FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


class Node:
    """One recorded op: `grad_fn` of its outputs.

    Attributes:
        edges: per differentiable input, `(grad_fn, output_nr, tensor)`; `grad_fn` is None
            for a leaf, whose gradient is accumulated into `tensor.grad`.
        out_avals: (shape, jnp dtype) of each output, to zero-fill unused outputs.
    """

    __slots__ = ("_name", "kernel", "static", "diff", "saved", "saved_versions", "edges",
                 "out_avals", "float_out", "saves", "pre_hooks", "__weakref__")

    def __init__(self, name, kernel, static, diff, saved, edges, saved_versions, out_avals,
                 float_out, saves):
        self._name = name
        self.kernel = kernel
        self.static = static
        self.diff = diff
        self.saved = saved
        self.edges = edges
        self.saved_versions = saved_versions
        self.out_avals = out_avals
        self.float_out = float_out  # None: single output; else which outputs are floating
        self.saves = saves
        self.pre_hooks = None

    def name(self):
        return self._name

    def __repr__(self):
        return f"<{self._name} object at {hex(id(self))}>"

    @property
    def next_functions(self):
        """torch-style `((next_node, output_nr), ...)`; leaves appear as AccumulateGrad."""
        return tuple((fn if fn is not None else _AccumulateGrad(t), nr) for fn, nr, t in self.edges)

    def register_prehook(self, output_nr, hook):
        if self.pre_hooks is None:
            self.pre_hooks = {}
        self.pre_hooks.setdefault(output_nr, []).append(hook)

    def check_saved(self):
        if self.saved is None:
            raise RuntimeError(_FREED_MSG)
        if self.saved_versions:
            for t, v in self.saved_versions:
                if t._version != v:
                    raise RuntimeError(
                        "one of the variables needed for gradient computation has been modified "
                        f"by an inplace operation: [{t.type()} {list(t.shape)}] is at version "
                        f"{t._version}; expected version {v} instead. Hint: the backtrace further "
                        "above can point to the operation that failed to compute its gradient."
                    )


class _AccumulateGrad:
    __slots__ = ("variable",)

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "torch::autograd::AccumulateGrad"

    next_functions = ()


def _topo_dependencies(root_nodes):
    deps = {}
    seen = set()
    stack = list(root_nodes)
    order = []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        order.append(node)
        for fn, _, _ in node.edges:
            if fn is not None:
                deps[id(fn)] = deps.get(id(fn), 0) + 1
                stack.append(fn)
    return order, deps


def run_backward(roots, root_grads, *, retain_graph, create_graph, capture=None, accumulate=True,
                 call_node, add, zeros):
    """Propagates `root_grads` from `roots` (tensors) to the leaves.

    Args:
        roots, root_grads: output tensors and their seed cotangents (arrays, or Tensors
            when `create_graph`).
        capture: optional dict {key: None}; keys are `('leaf', id(tensor))` or
            `('node', id(node), output_nr)`; filled with the gradients flowing there.
        accumulate: whether leaves' `.grad` is updated (False for autograd.grad).
        call_node(node, cotangents) -> input cotangents; add(a, b); zeros(shape, dtype):
            supplied by the dispatcher so that cotangents are arrays or recorded Tensors.
    """
    from .._tensor import Tensor  # late: the tensor module imports this one

    buffers = {}  # id(node) -> list of cotangents per output
    leaf_grads = {}  # id(tensor) -> (tensor, cotangent)
    root_nodes = []
    for t, g in zip(roots, root_grads):
        if t.grad_fn is None:
            _into_leaf(leaf_grads, t, g, add)
            continue
        buf = buffers.setdefault(id(t.grad_fn), [None] * len(t.grad_fn.out_avals))
        nr = t._output_nr
        buf[nr] = g if buf[nr] is None else add(buf[nr], g)
        root_nodes.append(t.grad_fn)

    order, deps = _topo_dependencies(root_nodes)
    ready = [n for n in order if deps.get(id(n), 0) == 0]
    ready = list(dict.fromkeys(ready))
    nodes_by_id = {id(n): n for n in order}
    while ready:
        node = ready.pop()
        buf = buffers.pop(id(node), None) or [None] * len(node.out_avals)
        if node.pre_hooks:
            for nr, hooks in node.pre_hooks.items():
                if buf[nr] is None:
                    continue
                # retain_grad's hook always runs last, so .grad sees what other hooks made.
                for hook in sorted(hooks, key=lambda h: getattr(h, "_is_retain_grad", False)):
                    res = hook(_as_tensor(buf[nr], Tensor))
                    if res is not None:
                        buf[nr] = res if create_graph else res._data
        if capture is not None:
            for nr in range(len(buf)):
                key = ("node", id(node), nr)
                if key in capture and buf[nr] is not None:
                    capture[key] = buf[nr]
        node.check_saved()
        cts = [b if b is not None else zeros(*aval) for b, aval in zip(buf, node.out_avals)]
        in_grads = call_node(node, cts)
        if not retain_graph and node.saves:  # nodes that keep no values stay re-runnable, as torch
            node.saved = None
            node.saved_versions = None
        for (fn, nr, t), g in zip(node.edges, in_grads):
            if fn is None:
                if g is not None:
                    _into_leaf(leaf_grads, t, g, add)
                continue
            if g is not None:
                b = buffers.setdefault(id(fn), [None] * len(fn.out_avals))
                b[nr] = g if b[nr] is None else add(b[nr], g)
            deps[id(fn)] -= 1
            if deps[id(fn)] == 0:
                ready.append(nodes_by_id[id(fn)])

    for t, g in leaf_grads.values():
        if t._hooks:
            for hook in t._hooks:
                res = hook(_as_tensor(g, Tensor))
                if res is not None:
                    g = res if create_graph else res._data
        if capture is not None and ("leaf", id(t)) in capture:
            capture[("leaf", id(t))] = g
        if accumulate:
            _accumulate_grad(t, g, create_graph, Tensor)


def _as_tensor(g, Tensor):
    return g if isinstance(g, Tensor) else Tensor._wrap(g)


def _into_leaf(leaf_grads, t, g, add):
    if not t.requires_grad:
        return
    prev = leaf_grads.get(id(t))
    leaf_grads[id(t)] = (t, g if prev is None else add(prev[1], g))


def _accumulate_grad(t, g, create_graph, Tensor):
    g = _as_tensor(g, Tensor)
    if not create_graph:
        g = g.detach() if g.requires_grad else g
    if t.grad is None:
        # torch gives the leaf a gradient of its own dtype (a float64 seed into a float32 leaf
        # arrives as float32).
        t.grad = g if g.dtype == t.dtype else g.to(t.dtype)
    elif create_graph:
        t.grad = t.grad + g
    else:
        t.grad = Tensor._wrap(t.grad._data + g._data.astype(t.grad._data.dtype))
