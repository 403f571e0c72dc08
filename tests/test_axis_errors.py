"""An axis out of range is an error naming the op, the axis and the shape, in every
namespace, and changes nothing: never a silent wrap-around (axis 2 of a 2-d array read
as axis 0). The valid negative axes keep working (checked against NumPy)."""
import numpy as onp
import pytest

from ndgrad import autograd, nd, np, npx
from ndgrad.ops.axes import AxisError, normalize_axis, normalize_axes

_V = [[0., 1, 2], [3, 4, 5]]


def _nd():
    return nd.array(_V)


def _case_id(case):
    return f"{case[0]}-{case[1]}"


def _np():
    return np.array(_V)


def _ones(n):
    return nd.ones((n,))


ND = [
    # (op name in the message, axis in the message, call on a (2, 3) nd array)
    *[("topk", a, lambda x, a=a: nd.topk(x, axis=a)) for a in (2, 3, -3, 7)],
    *[("topk", a, lambda x, a=a: nd.topk(x, axis=a, ret_typ="value")) for a in (2, -3)],
    *[("topk", a, lambda x, a=a: nd.topk(x, axis=a, ret_typ="mask")) for a in (2, -3)],
    *[("sort", a, lambda x, a=a: nd.sort(x, axis=a)) for a in (2, 3, -3, 7)],
    *[("argsort", a, lambda x, a=a: nd.argsort(x, axis=a)) for a in (2, 3, -3, 7)],
    *[("LayerNorm", a, lambda x, a=a: nd.LayerNorm(x, _ones(2), _ones(2), axis=a))
      for a in (2, 5, -3)],
    ("LayerNorm", 2, lambda x: nd.LayerNorm(x, _ones(3), _ones(3), axis=2)),
    *[("BatchNorm", a, lambda x, a=a: nd.BatchNorm(x, _ones(2), _ones(2), _ones(2),
                                                    _ones(2), axis=a))
      for a in (2, 3, -3)],
    ("BatchNorm", 3, lambda x: nd.BatchNorm(x, _ones(3), _ones(3), _ones(3), _ones(3),
                                            axis=3)),
    ("slice_like", 3, lambda x: nd.slice_like(x, nd.zeros((1, 2)), axes=(3,))),
    ("slice_like", -3, lambda x: nd.slice_like(x, nd.zeros((1, 2)), axes=(-3,))),
    ("Dropout", 5, lambda x: nd.Dropout(x, p=0.5, axes=(5,), mode="always")),
    ("concat", 3, lambda x: nd.concat(x, x, dim=3)),
    ("concat", -3, lambda x: nd.concat(x, x, dim=-3)),
    ("stack", 3, lambda x: nd.stack(x, x, axis=3)),
    ("stack", -4, lambda x: nd.stack(x, x, axis=-4)),
    ("flip", 3, lambda x: nd.flip(x, axis=3)),
    ("reverse", 2, lambda x: nd.reverse(x, axis=2)),
    ("slice_axis", 3, lambda x: nd.slice_axis(x, axis=3, begin=0, end=1)),
    ("split", 3, lambda x: nd.split(x, num_outputs=1, axis=3)),
    ("pick", 3, lambda x: nd.pick(x, nd.array([0, 1]), axis=3)),
    ("take", 3, lambda x: nd.take(x, nd.array([0]), axis=3)),
    ("argmax", 3, lambda x: nd.argmax(x, axis=3)),
    ("argmin", -3, lambda x: nd.argmin(x, axis=-3)),
    ("squeeze", 3, lambda x: nd.squeeze(x, axis=3)),
    ("swapaxes", 3, lambda x: nd.swapaxes(x, 0, 3)),
    ("broadcast_axis", 3, lambda x: nd.broadcast_axis(x, axis=3, size=2)),
    ("broadcast_like", 5, lambda x: nd.broadcast_like(nd.ones((1, 3)), x, lhs_axes=(0,),
                                                      rhs_axes=(5,))),
    ("broadcast_like", -3, lambda x: nd.broadcast_like(nd.ones((1, 3)), x,
                                                       lhs_axes=(0,), rhs_axes=(-3,))),
    *[(name, 3, lambda x, f=getattr(nd, name): f(x, axis=3))
      for name in ("sum", "mean", "norm", "max", "min", "prod", "nansum", "nanprod")],
    ("sum", -3, lambda x: nd.sum(x, axis=(0, -3))),
    ("sum", 3, lambda x: nd.sum(x, axis=3, exclude=True)),
    ("expand_dims", 4, lambda x: nd.expand_dims(x, axis=4)),
    ("repeat", 5, lambda x: nd.repeat(x, repeats=2, axis=5)),
    ("transpose", 5, lambda x: nd.transpose(x, axes=(0, 5))),
    ("diag", 5, lambda x: nd.diag(x, axis1=0, axis2=5)),
    ("softmax", 5, lambda x: nd.softmax(x, axis=5)),
    ("log_softmax", -5, lambda x: nd.log_softmax(x, axis=-5)),
    ("softmin", 2, lambda x: nd.softmin(x, axis=2)),
]

NP = [pytest.param(*case, id=_case_id(case)) for case in [
    *[("sort", a, lambda x, a=a: np.sort(x, axis=a)) for a in (2, -3, 7)],
    *[("argsort", a, lambda x, a=a: np.argsort(x, axis=a)) for a in (2, -3, 7)],
    *[("topk", a, lambda x, a=a: npx.topk(x, axis=a)) for a in (2, -3, 7)],
    ("layer_norm", 2, lambda x: npx.layer_norm(x, np.ones(2), np.ones(2), axis=2)),
    ("batch_norm", 3, lambda x: npx.batch_norm(x, np.ones(2), np.ones(2), np.ones(2),
                                               np.ones(2), axis=3)),
    ("sum", 5, lambda x: np.sum(x, axis=5)),
    ("concatenate", 3, lambda x: np.concatenate([x, x], axis=3)),
    ("stack", 3, lambda x: np.stack([x, x], axis=3)),
    ("take", 3, lambda x: np.take(x, np.array([0]), axis=3)),
    ("pick", 3, lambda x: npx.pick(x, np.array([0, 1]), axis=3)),
    ("expand_dims", 4, lambda x: np.expand_dims(x, axis=4)),
    ("softmax", 5, lambda x: npx.softmax(x, axis=5)),
    ("tensordot", 5, lambda x: np.tensordot(x, x, axes=([5], [0]))),
    ("tensordot", -3, lambda x: np.tensordot(x, x, axes=([-3], [0]))),
]]
NP += [pytest.param(*case, id=_case_id(case)) for case in [
    ("flip", 5, lambda x: np.flip(x, axis=5)),
    ("swapaxes", 5, lambda x: np.swapaxes(x, 0, 5)),
    ("squeeze", 5, lambda x: np.squeeze(x, axis=5)),
    ("moveaxis", 5, lambda x: np.moveaxis(x, 0, 5)),
]]


def _check(make, name, axis, fn):
    x = make()
    x.attach_grad()
    with pytest.raises(IndexError) as info:
        with autograd.record():
            fn(x)
    assert isinstance(info.value, ValueError)  # AxisError: both, as NumPy's
    msg = str(info.value)
    # the op (as the user called it, or the engine op behind it), the axis, the shape
    assert msg.split(":")[0].lower().replace("_", "") in (
        name.lower().replace("_", ""), "concat"), msg
    assert f"axis {axis}" in msg or f"axes ({axis}" in msg or f" {axis} " in msg, msg
    assert "(2, 3)" in msg, msg
    assert x.asnumpy().tolist() == _V
    assert x.grad.asnumpy().tolist() == [[0.] * 3] * 2


@pytest.mark.parametrize("name,axis,fn", ND, ids=[_case_id(c) for c in ND])
def test_nd_axis_out_of_range_is_an_error_naming_op_axis_and_shape(name, axis, fn):
    _check(_nd, name, axis, fn)


@pytest.mark.parametrize("name,axis,fn", NP)
def test_np_axis_out_of_range_is_an_error_naming_op_axis_and_shape(name, axis, fn):
    _check(_np, name, axis, fn)


def test_valid_negative_axes_still_work():
    x = onp.array([[3., 1, 2], [1, 5, 4]])
    a = nd.array(x)
    for ax in (0, 1, -1, -2):
        onp.testing.assert_array_equal(nd.sort(a, axis=ax).asnumpy(), onp.sort(x, ax))
        onp.testing.assert_array_equal(nd.argsort(a, axis=ax).asnumpy(),
                                       onp.argsort(x, ax, kind="stable"))
        onp.testing.assert_array_equal(np.sort(np.array(x), axis=ax).asnumpy(),
                                       onp.sort(x, ax))
        top = nd.topk(a, axis=ax, k=1, ret_typ="value").asnumpy()
        onp.testing.assert_array_equal(top, onp.take(-onp.sort(-x, ax), [0], axis=ax))
        mean = x.mean(axis=ax, keepdims=True)
        std = onp.sqrt(x.var(axis=ax, keepdims=True) + 1e-5)
        n = x.shape[ax]
        got = nd.LayerNorm(a, nd.ones(n), nd.zeros(n), axis=ax).asnumpy()
        onp.testing.assert_allclose(got, (x - mean) / std, rtol=1e-5, atol=1e-6)
        c = x.shape[ax]
        bn = nd.BatchNorm(a, nd.ones(c), nd.zeros(c), nd.zeros(c), nd.ones(c), axis=ax)
        onp.testing.assert_allclose(bn.asnumpy(), x / onp.sqrt(1 + 1e-3), rtol=1e-6)
    onp.testing.assert_array_equal(
        nd.slice_like(a, nd.zeros((1, 2)), axes=(-1,)).asnumpy(), x[:, :2])
    onp.testing.assert_array_equal(nd.stack(a, a, axis=-3).asnumpy(), onp.stack([x, x]))
    onp.testing.assert_array_equal(nd.concat(a, a, dim=-2).asnumpy(),
                                   onp.concatenate([x, x]))


def test_the_helper():
    assert normalize_axis("op", -1, (2, 3)) == 1
    assert normalize_axis("op", 2, (2, 3), ndim=3) == 2
    assert normalize_axis("op", 1.0, (2, 3)) == 1
    assert normalize_axes("op", (-1, 0), (2, 3)) == (1, 0)
    with pytest.raises(AxisError, match=r"op: axis 2 is out of range for an array of "
                                        r"shape \(2, 3\) \(axes -2 to 1 are valid\)"):
        normalize_axis("op", 2, (2, 3))
    with pytest.raises(AxisError, match=r"op: axes \(1, -1\) name an axis twice"):
        normalize_axes("op", (1, -1), (2, 3))
    with pytest.raises(TypeError, match="op: an axis must be an integer, not 'a'"):
        normalize_axis("op", "a", (2, 3))
    with pytest.raises(AxisError, match=r"it has no axes"):
        normalize_axis("op", 0, ())


@pytest.mark.parametrize("call, start", [
    (lambda: nd.reverse(nd.ones((2, 2)), axis=3), "reverse: axis 3 "),
    (lambda: npx.batch_norm(np.ones((2, 3)), np.ones(3), np.ones(3), np.ones(3),
                            np.ones(3), axis=5), "batch_norm: axis 5 "),
])
def test_an_alias_names_itself_once(call, start):
    # Regression: "reverse: flip: axis 3 ..." (the alias, then the op behind it).
    with pytest.raises(AxisError) as info:
        call()
    assert str(info.value).startswith(start), str(info.value)
