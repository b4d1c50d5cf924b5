"""Attaches the op functions to `Tensor` as methods and operators."""
from .._tensor import Tensor
from . import _arith, _reduce


def _reflect(fn):
    def r(self, other):
        return fn(other, self)

    return r


def _inplace(fn):
    def m(self, *args, **kwargs):
        return self._set_(fn(self, *args, **kwargs))

    return m


Tensor.add = _arith.add
Tensor.sub = _arith.sub
Tensor.mul = _arith.mul
Tensor.div = _arith.div
Tensor.pow = _arith.pow
Tensor.neg = _arith.neg
Tensor.matmul = _arith.matmul
Tensor.sum = _reduce.sum
Tensor.mean = _reduce.mean
Tensor.__add__ = _arith.add
Tensor.__radd__ = _reflect(_arith.add)
Tensor.__sub__ = _arith.sub
Tensor.__rsub__ = _reflect(_arith.sub)
Tensor.__mul__ = _arith.mul
Tensor.__rmul__ = _reflect(_arith.mul)
Tensor.__truediv__ = _arith.div
Tensor.__rtruediv__ = _reflect(_arith.div)
Tensor.__pow__ = _arith.pow
Tensor.__rpow__ = _reflect(_arith.pow)
Tensor.__neg__ = _arith.neg
Tensor.__matmul__ = _arith.matmul
Tensor.__iadd__ = Tensor.add_ = _inplace(_arith.add)
Tensor.__isub__ = Tensor.sub_ = _inplace(_arith.sub)
Tensor.__imul__ = Tensor.mul_ = _inplace(_arith.mul)
Tensor.__itruediv__ = Tensor.div_ = _inplace(_arith.div)
