"""torch's tensor repr (provisional minimal version; see tests for the full rules)."""
import numpy as np


def tensor_repr(t):
    arr = np.asarray(t._data)
    body = np.array2string(arr, separator=", ", precision=4)
    extra = ""
    if t.grad_fn is not None:
        extra = f", grad_fn=<{t.grad_fn.name()}>"
    elif t.requires_grad:
        extra = ", requires_grad=True"
    return f"tensor({body}{extra})"
