"""Shared check for nn.functional parity tests: one call in JAX, one in torch, same data.

`check_parity` compares the outputs, then the vector-Jacobian products with the same random
cotangent: `jax.vjp` on our side, `torch.autograd.grad` on torch's (via
`parity.torch_value_and_grads`). Gradients torch reports as unused (None) must be zero here.
"""
import jax
import jax.numpy as jnp
import numpy as np

from parity import assert_close, torch_value_and_grads


def check_parity(ours, theirs, *arrays, argnums=None, rtol=1e-5, atol=1e-6, grad_rtol=None,
                 grad_atol=None, seed=0, exact=False):
    """Asserts ours(*arrays) == theirs(*arrays) and equal VJPs w.r.t. `argnums`.

    `arrays` are numpy arrays; floating ones are differentiated unless `argnums` says
    otherwise. Our side runs under `jax.jit`. `exact=True` demands bit-equal values and gradients (NaN == NaN). Returns our
    output and gradients for further checks.
    """
    if argnums is None:
        argnums = [i for i, a in enumerate(arrays) if np.issubdtype(np.asarray(a).dtype, np.floating)]
    jargs = [jnp.asarray(a) for a in arrays]

    def f(*diff):
        full = list(jargs)
        for i, d in zip(argnums, diff):
            full[i] = d
        return ours(*full)

    primals = [jargs[i] for i in argnums]
    shape = jax.eval_shape(f, *primals)
    cot = np.random.default_rng(seed).standard_normal(shape.shape).astype(shape.dtype)

    # One jitted program per check: op-by-op dispatch compiles every small op separately,
    # which made these tests several times slower. The ops are the same either way.
    @jax.jit
    def value_and_vjp(primals, cot):
        out, vjp = jax.vjp(f, *primals)
        return out, vjp(cot)

    out, grads = value_and_vjp(primals, jnp.asarray(cot))
    t_out, t_grads = torch_value_and_grads(theirs, *arrays, argnums=argnums, seed_grad=cot)
    grad_rtol = rtol if grad_rtol is None else grad_rtol
    grad_atol = atol if grad_atol is None else grad_atol
    assert out.dtype == t_out.dtype, f"dtype {out.dtype} != torch {t_out.dtype}"
    if exact:
        np.testing.assert_array_equal(np.asarray(out), t_out, err_msg="value")
    else:
        assert_close(out, t_out, rtol=rtol, atol=atol, msg="value")
    for i, g, tg in zip(argnums, grads, t_grads):
        tg = np.zeros(g.shape, g.dtype) if tg is None else tg
        assert g.dtype == tg.dtype, f"grad {i} dtype {g.dtype} != torch {tg.dtype}"
        if exact:
            np.testing.assert_array_equal(np.asarray(g), tg, err_msg=f"grad of argument {i}")
        else:
            assert_close(g, tg, rtol=grad_rtol, atol=grad_atol, msg=f"grad of argument {i}")
    return out, grads
