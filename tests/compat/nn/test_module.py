"""nn.Module's API vs torch: registration, traversal, state_dict, modes, dtype, hooks, errors.

Scenarios run once with `torch` and once with `compat` as the namespace and compare the
observable results (names, orders, exception types and exact messages).
"""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch

import compat
from tests.parity import assert_close


def _net_cls(ns):
    nn = ns.nn

    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()  # the old-style spelling works too
            self.fc = nn.Linear(2, 3)
            self.register_buffer("steps", ns.zeros(()))
            self.register_buffer("tmp", ns.ones(2), persistent=False)
            self.block = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 1, bias=False))
            self.scale = nn.Parameter(ns.ones(1))

        def forward(self, x):
            return self.block(self.fc(x)) * self.scale

    return Net


def _both(fn):
    """fn(namespace) -> value, for torch and compat."""
    return fn(torch), fn(compat)


def _error(fn, ns):
    try:
        fn(ns)
    except Exception as e:  # noqa: BLE001 -- the type is part of the comparison
        return type(e).__name__, str(e)
    return None


ERROR_SCENARIOS = {
    "tensor-as-parameter": lambda ns: setattr(ns.nn.Linear(2, 3), "weight", ns.zeros(3, 2)),
    "module-before-init": lambda ns: type("Bad", (ns.nn.Module,), {
        "__init__": lambda self: setattr(self, "fc", ns.nn.Linear(2, 3))})(),
    "param-before-init": lambda ns: type("Bad", (ns.nn.Module,), {
        "__init__": lambda self: setattr(self, "w", ns.nn.Parameter(ns.zeros(2)))})(),
    "buffer-before-init": lambda ns: type("Bad", (ns.nn.Module,), {
        "__init__": lambda self: self.register_buffer("b", ns.zeros(2))})(),
    "missing-attr": lambda ns: _net_cls(ns)().nothing,
    "int-as-child": lambda ns: setattr(_net_cls(ns)(), "fc", 3),
    "int-as-buffer": lambda ns: setattr(_net_cls(ns)(), "steps", 3),
    "buffer-name-exists": lambda ns: _net_cls(ns)().register_buffer("fc", ns.zeros(1)),
    "buffer-name-dot": lambda ns: _net_cls(ns)().register_buffer("a.b", ns.zeros(1)),
    "buffer-name-empty": lambda ns: _net_cls(ns)().register_buffer("", ns.zeros(1)),
    "buffer-not-tensor": lambda ns: _net_cls(ns)().register_buffer("q", [1]),
    "buffer-name-int": lambda ns: _net_cls(ns)().register_buffer(1, ns.zeros(1)),
    "param-not-parameter": lambda ns: _net_cls(ns)().register_parameter("q", ns.zeros(1)),
    "param-name-dot": lambda ns: _net_cls(ns)().register_parameter("a.b", None),
    "param-name-exists": lambda ns: _net_cls(ns)().register_parameter("fc", None),
    "module-not-module": lambda ns: _net_cls(ns)().add_module("q", 3),
    "module-name-dot": lambda ns: _net_cls(ns)().add_module("a.b", ns.nn.ReLU()),
    "module-name-exists": lambda ns: _net_cls(ns)().add_module("steps", ns.nn.ReLU()),
    "to-int-dtype": lambda ns: _net_cls(ns)().to(ns.int64),
    "train-not-bool": lambda ns: _net_cls(ns)().train("yes"),
    "no-forward": lambda ns: ns.nn.Module()(1),
    "init-kwargs": lambda ns: ns.nn.Module(foo=1),
    "init-args": lambda ns: ns.nn.Module(1),
    "get-submodule-missing": lambda ns: _net_cls(ns)().get_submodule("block.7"),
    "get-submodule-not-module": lambda ns: _net_cls(ns)().get_submodule("fc.weight"),
    "get-parameter-buffer": lambda ns: _net_cls(ns)().get_parameter("steps"),
    "get-parameter-missing": lambda ns: _net_cls(ns)().get_parameter("fc.nope"),
    "get-buffer-param": lambda ns: _net_cls(ns)().get_buffer("fc.weight"),
    "set-submodule-empty": lambda ns: _net_cls(ns)().set_submodule("", ns.nn.ReLU()),
    "load-not-mapping": lambda ns: _net_cls(ns)().load_state_dict([1]),
    "parameter-int": lambda ns: ns.nn.Parameter(ns.zeros(2, dtype=ns.int64)),
    "sequential-index": lambda ns: ns.nn.Sequential(ns.nn.ReLU())[3],
    "modulelist-index": lambda ns: ns.nn.ModuleList([ns.nn.ReLU()])[-2],
    "paramlist-call": lambda ns: ns.nn.ParameterList()(1),
    "paramdict-key": lambda ns: ns.nn.ParameterDict()[1],
    "sequential-add": lambda ns: ns.nn.Sequential() + 1,
    "modulelist-extend": lambda ns: ns.nn.ModuleList().extend(3),
}


@pytest.mark.parametrize("name", list(ERROR_SCENARIOS))
def test_errors_match_torch(name):
    fn = ERROR_SCENARIOS[name]
    theirs, ours = _error(fn, torch), _error(fn, compat)
    assert theirs is not None
    assert ours == theirs


def _mismatched_state(ns):
    net = _net_cls(ns)()
    sd = net.state_dict()
    del sd["fc.bias"]
    sd["extra"] = ns.zeros(1)
    sd["block.9.weight"] = ns.zeros(1)
    sd["fc.weight"] = ns.zeros(3, 3)
    sd["steps"] = 3
    return net, sd


def test_strict_load_error_message_matches_torch():
    msgs = []
    for ns in (torch, compat):
        net, sd = _mismatched_state(ns)
        with pytest.raises(RuntimeError) as info:
            net.load_state_dict(sd)
        msgs.append(str(info.value))
    assert msgs[1] == msgs[0]
    assert msgs[0].startswith('Error(s) in loading state_dict for Net:\n\tMissing key(s) in state_dict: "fc.bias". ')


def test_non_strict_load_returns_incompatible_keys_like_torch():
    res = []
    for ns in (torch, compat):
        net = _net_cls(ns)()
        sd = net.state_dict()
        del sd["steps"]
        sd["block.0.extra"] = ns.zeros(1)
        out = net.load_state_dict(sd, strict=False)
        res.append((out.missing_keys, out.unexpected_keys, repr(out)))
        res.append(repr(net.load_state_dict(net.state_dict())))
    assert res[2:] == res[:2]
    assert res[1] == "<All keys matched successfully>"


def test_traversal_orders_and_names_match_torch():
    def walk(ns):
        net = _net_cls(ns)()
        net.shared = net.fc  # a duplicate reference: reported once
        return (
            [n for n, _ in net.named_parameters()],
            [n for n, _ in net.named_parameters(prefix="p", recurse=False)],
            [n for n, _ in net.named_parameters(remove_duplicate=False)],
            [n for n, _ in net.named_buffers()],
            [n for n, _ in net.named_children()],
            [n for n, _ in net.named_modules()],
            [n for n, _ in net.named_modules(prefix="root", remove_duplicate=False)],
            [type(m).__name__ for m in net.modules()],
            [type(m).__name__ for m in net.children()],
            list(net.state_dict()),
            list(net.state_dict(prefix="model.")),
            [tuple(p.shape) for p in net.parameters()],
            [tuple(b.shape) for b in net.buffers()],
        )

    theirs, ours = _both(walk)
    assert ours == theirs


def test_state_dict_values_are_detached_aliases_and_keep_vars():
    net = _net_cls(compat)()
    sd = net.state_dict()
    assert isinstance(sd, OrderedDict) and hasattr(sd, "_metadata")
    assert dict(sd._metadata) == dict(_net_cls(torch)().state_dict()._metadata)
    w = sd["fc.weight"]
    assert not w.requires_grad and not isinstance(w, compat.nn.Parameter)
    assert_close(w, net.fc.weight.detach())
    kept = net.state_dict(keep_vars=True)
    assert kept["fc.weight"] is net.fc.weight


def test_load_state_dict_copies_in_place_and_keeps_identity():
    torch.manual_seed(0)
    theirs = _net_cls(torch)()
    ours = _net_cls(compat)()
    params_before = list(ours.parameters())
    steps_before = ours.steps
    ours.load_state_dict({k: compat.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    assert list(ours.parameters()) == params_before  # same objects: optimizers stay valid
    assert all(a is b for a, b in zip(ours.parameters(), params_before))
    assert ours.steps is steps_before
    for k, v in theirs.state_dict().items():
        assert_close(ours.state_dict()[k], v, rtol=0, atol=0)
    assert all(p.requires_grad for p in ours.parameters())
    # dtype of the destination wins (copy_ semantics)
    ours.load_state_dict({k: compat.tensor(v.double().numpy()) for k, v in theirs.state_dict().items()})
    assert ours.fc.weight.dtype == compat.float32


def test_state_dict_round_trip_through_torch():
    ours = _net_cls(compat)()
    theirs = _net_cls(torch)()
    theirs.load_state_dict({k: torch.tensor(np.asarray(v._data)) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32)
    assert_close(ours(compat.tensor(x)), theirs(torch.tensor(x)), rtol=1e-5, atol=1e-6)


def test_load_assign_rebinds_to_state_dict_tensors():
    net = _net_cls(compat)()
    new = {k: compat.tensor(np.asarray(v._data) + 1) for k, v in net.state_dict().items()}
    net.load_state_dict(new, assign=True)
    assert isinstance(net.fc.weight, compat.nn.Parameter) and net.fc.weight.requires_grad
    assert net.steps is new["steps"]


def test_train_eval_propagate():
    net = _net_cls(compat)()
    assert net.training and net.block[1].training
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_setattr_replaces_kind_and_delattr():
    net = _net_cls(compat)()
    net.fc = None  # a registered child may be set to None
    assert "fc" in net._modules and net.fc is None
    net.steps = compat.ones(())  # a registered buffer takes a plain tensor, stays persistent
    assert "steps" in net.state_dict()
    net.tmp = compat.zeros(2)
    assert "tmp" not in net.state_dict()  # non-persistent flag kept
    net.scale = compat.nn.Parameter(compat.ones(2))
    net.x = compat.nn.Buffer(compat.zeros(3), persistent=False)
    assert "x" in dict(net.named_buffers()) and "x" not in net.state_dict()
    del net.scale
    del net.steps
    del net.block
    assert [n for n, _ in net.named_parameters()] == []
    assert "steps" not in net.state_dict()
    with pytest.raises(AttributeError):
        net.block


def test_dir_lists_members():
    keys = dir(_net_cls(compat)())
    for name in ("fc", "block", "steps", "tmp", "scale", "forward", "training"):
        assert name in keys
    assert keys == sorted(keys)


def test_to_dtype_casts_floats_only_and_keeps_parameter_identity():
    bn = compat.nn.BatchNorm1d(3)
    w = bn.weight
    bn.weight.grad = compat.ones(3)
    assert bn.to(compat.float64) is bn
    assert bn.weight is w and bn.weight.dtype == compat.float64
    assert bn.weight.grad.dtype == compat.float64
    assert bn.running_mean.dtype == compat.float64
    assert bn.num_batches_tracked.dtype == compat.int64
    bn.float()
    assert bn.weight.dtype == compat.float32 and bn.running_var.dtype == compat.float32
    bn.half()
    assert bn.weight.dtype == compat.float16
    bn.double()
    assert bn.running_mean.dtype == compat.float64
    bn.to(compat.zeros(1, dtype=compat.float32))
    assert bn.weight.dtype == compat.float32
    bn.to("cpu")
    bn.cpu()
    assert bn.weight.device == compat.device("cpu")
    bn.to(device="cpu", dtype=compat.float64)
    assert bn.weight.dtype == compat.float64


def test_cuda_without_gpu_raises_runtime_error():
    with pytest.raises(RuntimeError, match="CUDA"):
        compat.nn.Linear(2, 2).cuda()


def test_zero_grad_and_requires_grad_():
    net = _net_cls(compat)()
    net(compat.ones(4, 2)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    g = net.fc.weight.grad
    net.zero_grad(set_to_none=False)
    assert net.fc.weight.grad is g and float(np.abs(np.asarray(g._data)).sum()) == 0.0
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    assert net.requires_grad_(False) is net
    assert not any(p.requires_grad for p in net.parameters())
    assert not net(compat.ones(1, 2)).requires_grad


def test_apply_visits_children_first():
    def order(ns):
        seen = []
        _net_cls(ns)().apply(lambda m: seen.append(type(m).__name__))
        return seen

    theirs, ours = _both(order)
    assert ours == theirs


def test_forward_hooks_match_torch():
    def run(ns):
        log = []
        lin = ns.nn.Linear(2, 2)
        h1 = lin.register_forward_pre_hook(lambda m, args: log.append(("pre", len(args))))
        h2 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,), prepend=True)
        h3 = lin.register_forward_hook(lambda m, args, out: log.append(("post", tuple(out.shape))))
        h4 = lin.register_forward_hook(lambda m, args, kwargs, out: out + 1, with_kwargs=True)
        h5 = lin.register_forward_pre_hook(lambda m, args, kwargs: (args, kwargs), with_kwargs=True)
        out1 = lin(ns.ones(3, 2))
        for h in (h1, h2, h3, h4, h5):
            h.remove()
        out2 = lin(ns.ones(3, 2))
        with lin.register_forward_hook(lambda m, a, o: o * 0):
            out3 = lin(ns.ones(1, 2))
        out4 = lin(ns.ones(1, 2))
        bias = lin.bias.detach()
        return (log, np.asarray(out1.detach()) - np.asarray(bias) - 1,
                np.asarray(out2.detach()).shape, np.asarray(out3.detach()),
                np.asarray((out4 - lin(ns.ones(1, 2))).detach()))

    (tl, t1, t2, t3, t4), (cl, c1, c2, c3, c4) = _both(run)
    assert cl == tl
    np.testing.assert_allclose(c1, 0, atol=1e-6)  # pre-hook zeroed the input, post-hook added 1
    np.testing.assert_allclose(t1, 0, atol=1e-6)
    assert c2 == t2
    np.testing.assert_array_equal(c3, t3)
    np.testing.assert_array_equal(c4, 0)


def test_forward_pre_hook_bad_return_raises_like_torch():
    def run(ns):
        lin = ns.nn.Linear(2, 2)
        lin.register_forward_pre_hook(lambda m, a, k: 3, with_kwargs=True)
        lin(ns.ones(1, 2))

    assert _error(run, compat) == _error(run, torch)


def test_always_call_forward_hook_runs_on_error():
    for ns in (torch, compat):
        seen = []
        lin = ns.nn.Linear(2, 2)
        lin.register_forward_hook(lambda m, a, o: seen.append(o), always_call=True)
        with pytest.raises(RuntimeError):
            lin(ns.ones(1, 3))
        assert seen == [None]


def test_load_state_dict_post_hook():
    net = _net_cls(compat)()
    seen = []
    h = net.register_load_state_dict_post_hook(lambda m, keys: seen.append(list(keys.missing_keys)))
    sd = net.state_dict()
    del sd["steps"]
    net.load_state_dict(sd, strict=False)
    assert seen == [["steps"]]
    h.remove()
    net.load_state_dict(sd, strict=False)
    assert len(seen) == 1


def test_extra_state_round_trip():
    class WithExtra(compat.nn.Module):
        def __init__(self):
            super().__init__()
            self.value = 1

        def get_extra_state(self):
            return {"value": self.value}

        def set_extra_state(self, state):
            self.value = state["value"]

    a = WithExtra()
    a.value = 7
    sd = a.state_dict()
    assert list(sd) == ["_extra_state"]
    b = WithExtra()
    b.load_state_dict(sd)
    assert b.value == 7


CompatNet = _net_cls(compat)
CompatNet.__qualname__ = "CompatNet"  # picklable by reference


def test_deepcopy_and_pickle_keep_structure():
    net = CompatNet()
    for clone in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        assert list(clone.state_dict()) == list(net.state_dict())
        assert isinstance(clone.fc.weight, compat.nn.Parameter) and clone.fc.weight.requires_grad
        assert clone.fc.weight is not net.fc.weight
        assert_close(clone.fc.weight, net.fc.weight, rtol=0, atol=0)
        x = compat.ones(2, 2)
        assert_close(clone(x), net(x), rtol=0, atol=0)


def test_set_submodule_and_get_submodule():
    net = _net_cls(compat)()
    relu = compat.nn.ReLU()
    net.set_submodule("block.1", compat.nn.Tanh())
    assert type(net.get_submodule("block.1")).__name__ == "Tanh"
    net.register_module("act", relu)
    assert net.get_submodule("act") is relu and net.get_submodule("") is net
    assert net.get_parameter("block.0.bias") is net.block[0].bias
    assert net.get_buffer("steps") is net.steps


def _two_input_cls(ns):
    class TwoIn(ns.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = ns.nn.Linear(3, 2)

        def forward(self, a, scale, b):
            return self.fc(a) * scale + b, self.fc(a)

    return TwoIn


def test_full_backward_hooks_match_torch():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    xa = rng.standard_normal((4, 3)).astype(np.float32)
    xb = rng.standard_normal((4, 2)).astype(np.float32)
    theirs = _two_input_cls(torch)()
    ours = _two_input_cls(compat)()
    ours.load_state_dict({k: compat.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    results = []
    for ns, net in ((torch, theirs), (compat, ours)):
        log = []

        def hook(m, gi, go):
            log.append(("full", [None if g is None else np.asarray(g.detach()) for g in gi],
                        [None if g is None else np.asarray(g.detach()) for g in go]))
            return (gi[0] * 2, None, gi[2])

        def pre(m, go):
            log.append(("pre", len(go)))
            return (go[0] * 3, go[1])

        h1 = net.register_full_backward_hook(hook)
        h2 = net.register_full_backward_pre_hook(pre)
        a = ns.tensor(xa, requires_grad=True)
        b = ns.tensor(xb, requires_grad=True)
        y1, y2 = net(a, 2.0, b)
        assert y1.grad_fn.name() == "BackwardHookFunctionBackward"
        (y1.sum() + (y2 * 0.5).sum()).backward(retain_graph=True)
        first = tuple(np.asarray(g).copy() for g in (a.grad, b.grad, net.fc.weight.grad))
        h1.remove()
        h2.remove()
        a.grad, b.grad = None, None
        net(a, 2.0, b)[0].sum().backward()
        results.append((log, first, np.asarray(a.grad), np.asarray(b.grad)))
    (t_log, t_first, t_a, t_b), (c_log, c_first, c_a, c_b) = results
    assert [e[0] for e in c_log] == [e[0] for e in t_log] == ["pre", "full"]
    for tg, cg in zip(t_log[1][1] + t_log[1][2], c_log[1][1] + c_log[1][2]):
        assert (tg is None) == (cg is None)
        if tg is not None:
            np.testing.assert_allclose(cg, tg, rtol=1e-5, atol=1e-6)
    for tv, cv in zip(t_first + (t_a, t_b), c_first + (c_a, c_b)):
        np.testing.assert_allclose(cv, tv, rtol=1e-5, atol=1e-6)


def test_full_backward_hook_without_input_grad_and_bad_return():
    for ns in (torch, compat):
        seen = []
        lin = ns.nn.Linear(3, 2)
        lin.register_full_backward_hook(lambda m, gi, go: seen.append((gi, tuple(go[0].shape))))
        with pytest.warns(UserWarning, match="Full backward hook is firing when gradients are "
                                             "computed with respect to module outputs"):
            lin(ns.ones(4, 3)).sum().backward()
        assert seen == [((None,), (4, 2))]
    msgs = []
    for ns in (torch, compat):
        lin = ns.nn.Linear(3, 2)
        lin.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
        with pytest.raises(RuntimeError) as info:
            lin(ns.ones(4, 3, requires_grad=True)).sum().backward()
        msgs.append(str(info.value))
    assert msgs[1] == msgs[0]


def test_state_dict_hooks_like_torch():
    def run(ns):
        log = []
        lin = ns.nn.Linear(2, 2)
        lin.register_state_dict_pre_hook(lambda m, prefix, keep: log.append(("pre", prefix, keep)))
        lin.register_state_dict_post_hook(
            lambda m, sd, prefix, meta: (log.append(("post", prefix, list(sd))), sd.pop(prefix + "bias"))[0])
        lin.register_load_state_dict_pre_hook(
            lambda m, sd, prefix, meta, strict, missing, unexpected, errors:
            log.append(("load", prefix, sorted(sd), strict)))
        seq = ns.nn.Sequential(lin)
        sd = seq.state_dict()
        sd["0.bias"] = ns.zeros(2)
        seq.load_state_dict(sd)
        h = lin.register_state_dict_post_hook(lambda m, sd, prefix, meta: 1)
        try:
            seq.state_dict()
        except RuntimeError as e:
            log.append(str(e))
        h.remove()
        return log, list(sd)

    theirs, ours = _both(run)
    assert ours == theirs
