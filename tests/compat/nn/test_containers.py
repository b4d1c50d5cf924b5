"""Containers and Parameter vs torch: Sequential/ModuleList/ModuleDict/ParameterList/
ParameterDict behaviour and reprs, Parameter semantics, and the guide's SimpleNet print."""
import copy
import pickle
from collections import OrderedDict

import jax
import numpy as np
import pytest
import torch

import compat


def _both(fn):
    return fn(torch), fn(compat)


def test_sequential_indexing_slicing_and_mutation_like_torch():
    def run(ns):
        nn = ns.nn
        seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
        out = [len(seq), type(seq[-1]).__name__, repr(seq[1:]), type(seq[:2]).__name__]
        seq.append(nn.Tanh())
        seq.insert(1, nn.Sigmoid())
        del seq[0]
        out.append(repr(seq))
        out.append([n for n, _ in seq.named_children()])
        seq2 = nn.Sequential(OrderedDict([("a", nn.ReLU()), ("b", nn.Tanh())]))
        out += [repr(seq2), repr(seq2.a), repr(seq + seq2), repr(seq2 * 2)]
        seq2[0] = nn.ELU()
        out.append(repr(seq2))
        out.append(type(seq2.pop(1)).__name__)
        out.append([type(m).__name__ for m in seq2.extend([nn.ReLU()])])
        return out

    theirs, ours = _both(run)
    assert ours == theirs


def test_sequential_forward_chains_modules():
    seq = compat.nn.Sequential(compat.nn.Linear(2, 2), compat.nn.ReLU())
    x = compat.ones(3, 2)
    lin_out = seq[0](x)
    np.testing.assert_array_equal(np.asarray(seq(x)._data), np.maximum(np.asarray(lin_out._data), 0))


def test_modulelist_and_moduledict_like_torch():
    def run(ns):
        nn = ns.nn
        ml = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
        ml.append(nn.ReLU())
        ml += [nn.ReLU()]
        ml.insert(0, nn.Tanh())
        out = [repr(ml), len(ml), repr(ml[1:3]), [n for n, _ in ml.named_parameters()][:4]]
        del ml[1]
        out.append(repr(ml))
        out.append(repr(nn.ModuleList()))
        md = nn.ModuleDict({"b": nn.ReLU(), "a": nn.Linear(1, 1)})
        md["c"] = nn.Tanh()
        md.update([("d", nn.ELU())])
        out += [repr(md), list(md.keys()), "a" in md, len(md), type(md.pop("b")).__name__,
                [k for k in md], list(md.state_dict())]
        return out

    theirs, ours = _both(run)
    assert ours == theirs


def test_parameter_containers_like_torch():
    def run(ns):
        nn = ns.nn
        pl = nn.ParameterList([nn.Parameter(ns.zeros(2, 3)), ns.ones(1)])
        pl.append(ns.zeros(4))
        pd = nn.ParameterDict({"b": nn.Parameter(ns.zeros(2, 3)), "a": ns.ones(1)})
        pd["c"] = ns.zeros(2)
        pd2 = pd | nn.ParameterDict({"z": ns.zeros(1)})
        return [repr(pl), len(pl), type(pl[1]).__name__, list(pl.state_dict()),
                [tuple(p.shape) for p in pl.parameters()], repr(pd), list(pd.keys()),
                list(pd.state_dict()), type(pd["a"]).__name__, list(pd2.keys()), "c" in pd,
                pd.get("nope", 3), repr(pl[1:])]

    theirs, ours = _both(run)
    assert ours == theirs


def _simplenet(ns):
    """The guide's SimpleNet, defined against `ns.nn`."""

    class SimpleNet(ns.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = ns.nn.Linear(10, 5)
            self.relu = ns.nn.ReLU()
            self.fc2 = ns.nn.Linear(5, 2)

        def forward(self, x):
            return self.fc2(self.relu(self.fc1(x)))

    return SimpleNet()


def test_simplenet_print_equals_torch():
    assert str(_simplenet(compat)) == str(_simplenet(torch))
    assert str(_simplenet(compat)) == (
        "SimpleNet(\n"
        "  (fc1): Linear(in_features=10, out_features=5, bias=True)\n"
        "  (relu): ReLU()\n"
        "  (fc2): Linear(in_features=5, out_features=2, bias=True)\n"
        ")"
    )


def test_nested_repr_equals_torch():
    def build(ns):
        nn = ns.nn
        return repr(nn.Sequential(
            nn.Conv2d(1, 32, 3, 1), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
            nn.Sequential(nn.Linear(96, 128), nn.BatchNorm1d(128), nn.LSTM(4, 4)),
            nn.ModuleDict({"head": nn.ModuleList([nn.Linear(128, 10), nn.LogSoftmax(dim=1)])})))

    theirs, ours = _both(build)
    assert ours == theirs


def test_parameter_semantics():
    p = compat.nn.Parameter(compat.tensor([1.0, 2.0]))
    assert isinstance(p, compat.Tensor) and p.requires_grad and p.is_leaf
    assert repr(p) == repr(torch.nn.Parameter(torch.tensor([1.0, 2.0])))
    assert repr(compat.nn.Parameter(compat.zeros(2), requires_grad=False)) == repr(
        torch.nn.Parameter(torch.zeros(2), requires_grad=False))
    y = p * 2
    assert type(y) is compat.Tensor and y.grad_fn is not None
    with compat.no_grad():
        q = compat.nn.Parameter(compat.ones(1))
    assert q.requires_grad  # no_grad does not affect Parameter creation, as torch
    e = compat.nn.Parameter()
    assert tuple(e.shape) == (0,)
    d = copy.deepcopy(p)
    assert type(d) is compat.nn.Parameter and d is not p and d.tolist() == [1.0, 2.0]
    r = pickle.loads(pickle.dumps(p))
    assert type(r) is compat.nn.Parameter and r.requires_grad and r.tolist() == [1.0, 2.0]
    leaves, tree = jax.tree_util.tree_flatten({"w": p})
    back = jax.tree_util.tree_unflatten(tree, leaves)["w"]
    assert type(back) is compat.nn.Parameter and back.requires_grad
    out = jax.jit(lambda t: t)(p)
    assert type(out) is compat.nn.Parameter
    with pytest.raises(TypeError, match="Parameter"):
        compat.nn.Parameter([1.0])
    b = compat.nn.Buffer(compat.ones(2), persistent=False)
    assert isinstance(b, compat.nn.Buffer) and not isinstance(compat.ones(2), compat.nn.Buffer)
    assert compat.nn.parameter.Parameter is compat.nn.Parameter


def test_missing_torch_api_names_itself():
    with pytest.raises(AttributeError, match=r"`torch.nn.Transformer` is not supported by compat yet"):
        compat.nn.Transformer
    with pytest.raises(AttributeError, match=r"`torch.nn.functional.interpolate` is not supported"):
        compat.nn.functional.interpolate
