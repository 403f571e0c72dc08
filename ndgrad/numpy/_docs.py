"""np and npx docstrings: NumPy-style examples (``>>> np.exp(...)``) for functions whose
op is documented with an nd example, and np's own wording where the op's summary
describes nd's conventions. ``apply`` puts them on the generated functions (the op's
summary, or SUMMARIES', then the example); tests/test_docstrings.py runs every example
and tests/test_np_names.py checks that no np / npx example calls nd."""
import textwrap

NP_EXAMPLES = {
    "linalg.inv": """\
>>> np.linalg.inv(np.array([[4., 1], [2, 3]]))
array([[ 0.3, -0.1],
       [-0.2,  0.4]])""",
    "linalg.det": """\
>>> np.linalg.det(np.array([[4., 1], [2, 3]]))
array(10.)""",
    "linalg.slogdet": """\
>>> np.linalg.slogdet(np.array([[2., 1], [1, 3]]))
[array(1.), array(1.609438)]""",
    "arange": """\
>>> np.arange(2, 10, 3)
array([2., 5., 8.])""",
    "zeros": """\
>>> np.zeros((2, 3))
array([[0., 0., 0.],
       [0., 0., 0.]])
>>> np.zeros((2, 3)).shape
(2, 3)""",
    "empty": """\
>>> np.empty((2, 3)).shape
(2, 3)""",
    "ones": """\
>>> np.ones((2, 3))
array([[1., 1., 1.],
       [1., 1., 1.]])
>>> np.ones((2,), dtype='int32')
array([1, 1], dtype=int32)""",
    "full": """\
>>> np.full((2, 2), 7)
array([[7., 7.],
       [7., 7.]])""",
    "eye": """\
>>> np.eye(2, 3, k=1)
array([[0., 1., 0.],
       [0., 0., 1.]])""",
    "identity": """\
>>> np.identity(2)
array([[1., 0.],
       [0., 1.]])""",
    "linspace": """\
>>> np.linspace(0, 1, 5)
array([0.  , 0.25, 0.5 , 0.75, 1.  ])""",
    "add": """\
>>> np.add(np.array([1, 2]), 1)
array([2., 3.])""",
    "subtract": """\
>>> np.subtract(np.array([5, 7]), np.array([1, 2]))
array([4., 5.])
>>> np.subtract(np.array([[5], [7]]), np.array([1, 2]))
array([[4., 3.],
       [6., 5.]])""",
    "multiply": """\
>>> np.multiply(np.array([[1, 2], [3, 4]]), np.array([10, 100]))
array([[ 10., 200.],
       [ 30., 400.]])""",
    "divide": """\
>>> np.divide(np.array([1, 2]), 4)
array([0.25, 0.5 ])""",
    "true_divide": """\
>>> np.true_divide(np.array([1, 2]), 4)
array([0.25, 0.5 ])""",
    "power": """\
>>> np.power(np.array([2, 3]), np.array([3, 2]))
array([8., 9.])""",
    "maximum": """\
>>> np.maximum(np.array([1, 5]), np.array([3, 2]))
array([3., 5.])""",
    "minimum": """\
>>> np.minimum(np.array([1, 5]), np.array([3, 2]))
array([1., 2.])""",
    "equal": """\
>>> np.equal(np.array([1, 2, 3]), 2)
array([False,  True, False])""",
    "not_equal": """\
>>> np.not_equal(np.array([1, 2, 3]), 2)
array([ True, False,  True])""",
    "greater": """\
>>> np.greater(np.array([1, 2, 3]), 2)
array([False, False,  True])""",
    "greater_equal": """\
>>> np.greater_equal(np.array([1, 2, 3]), 2)
array([False,  True,  True])""",
    "less": """\
>>> np.less(np.array([1, 2, 3]), 2)
array([ True, False, False])""",
    "less_equal": """\
>>> np.less_equal(np.array([1, 2, 3]), 2)
array([ True,  True, False])""",
    "negative": """\
>>> np.negative(np.array([1, -2]))
array([-1.,  2.])""",
    "exp": """\
>>> np.exp(np.array([0, 1]))
array([1.       , 2.7182817])""",
    "expm1": """\
>>> np.expm1(np.array([0, 1e-10]))
array([0.e+00, 1.e-10])""",
    "log": """\
>>> np.log(np.array([1, 100]))
array([0.       , 4.6051702])""",
    "log1p": """\
>>> np.log1p(np.array([0, 1]))
array([0.       , 0.6931472])""",
    "sqrt": """\
>>> np.sqrt(np.array([4, 2]))
array([2.       , 1.4142135])""",
    "square": """\
>>> np.square(np.array([-3, 2]))
array([9., 4.])""",
    "reciprocal": """\
>>> np.reciprocal(np.array([2, 4]))
array([0.5 , 0.25])""",
    "sin": """\
>>> np.sin(np.array([0, 0.5]))
array([0.        , 0.47942555])""",
    "cos": """\
>>> np.cos(np.array([0, 0.5]))
array([1.        , 0.87758255])""",
    "tanh": """\
>>> np.tanh(np.array([0, 1]))
array([0.       , 0.7615942])""",
    "sign": """\
>>> np.sign(np.array([-2, 0, 3]))
array([-1.,  0.,  1.])""",
    "abs": """\
>>> np.abs(np.array([-2, 3]))
array([2., 3.])""",
    "absolute": """\
>>> np.absolute(np.array([-2, 3]))
array([2., 3.])""",
    "floor": """\
>>> np.floor(np.array([-1.5, 1.5]))
array([-2.,  1.])""",
    "ceil": """\
>>> np.ceil(np.array([-1.5, 1.5]))
array([-1.,  2.])""",
    "trunc": """\
>>> np.trunc(np.array([-1.5, 1.5]))
array([-1.,  1.])""",
    "fix": """\
>>> np.fix(np.array([-1.5, 1.5]))
array([-1.,  1.])""",
    "log2": """\
>>> np.log2(np.array([1, 8]))
array([0., 3.])""",
    "log10": """\
>>> np.log10(np.array([1, 100]))
array([0., 2.])""",
    "cbrt": """\
>>> np.cbrt(np.array([-8, 27]))
array([-2.,  3.])""",
    "tan": """\
>>> np.tan(np.array([0, 0.5]))
array([0.       , 0.5463025])""",
    "arcsin": """\
>>> np.arcsin(np.array([0, 1]))
array([0.       , 1.5707964])""",
    "arccos": """\
>>> np.arccos(np.array([1, 0]))
array([0.       , 1.5707964])""",
    "arctan": """\
>>> np.arctan(np.array([0, 1]))
array([0.       , 0.7853982])""",
    "sinh": """\
>>> np.sinh(np.array([0, 1]))
array([0.       , 1.1752012])""",
    "cosh": """\
>>> np.cosh(np.array([0, 1]))
array([1.       , 1.5430807])""",
    "arcsinh": """\
>>> np.arcsinh(np.array([0, 1]))
array([0.       , 0.8813736])""",
    "arccosh": """\
>>> np.arccosh(np.array([1, 2]))
array([0.      , 1.316958])""",
    "arctanh": """\
>>> np.arctanh(np.array([0, 0.5]))
array([0.        , 0.54930615])""",
    "degrees": """\
>>> np.degrees(np.array([0, 3.14159265]))
array([  0., 180.])""",
    "radians": """\
>>> np.radians(np.array([0, 180]))
array([0.       , 3.1415927])""",
    "mod": """\
>>> np.mod(np.array([-3, 5.5]), 2)
array([1. , 1.5])""",
    "hypot": """\
>>> np.hypot(np.array([3, 5]), np.array([4, 12]))
array([ 5., 13.])""",
    "diag": """\
>>> np.diag(np.array([1, 2]))
array([[1., 0.],
       [0., 2.]])""",
    "random.randn": """\
>>> np.random.randn(2, 3).shape
(2, 3)""",
    "random.rand": """\
>>> x = np.random.rand(2, 3)
>>> x.shape, bool(((x >= 0) & (x < 1)).all())
((2, 3), True)""",
    "asarray": """\
>>> np.asarray([1, 2])
array([1., 2.])
>>> x = np.ones(2)
>>> np.asarray(x) is x
True""",
    "logical_or": """\
>>> np.logical_or(np.array([0., 1, 2]), np.array([1., 0, 0]))
array([ True,  True,  True])""",
    "logical_xor": """\
>>> np.logical_xor(np.array([0., 1, 2]), np.array([1., 0, 3]))
array([ True,  True, False])""",
    "amax": """\
>>> np.amax(np.array([[1., 5], [3, 2]]), axis=0)
array([3., 5.])""",
    "amin": """\
>>> np.amin(np.array([[1., 5], [3, 2]]), axis=1)
array([1., 2.])""",
    "split": """\
>>> np.split(np.arange(6), 3)
[array([0., 1.]), array([2., 3.]), array([4., 5.])]""",
    "around": """\
>>> np.around(np.array([0.5, 1.5, 2.5]))
array([0., 2., 2.])""",
    "bitwise_not": """\
>>> np.bitwise_not(np.array([0, 5], dtype='int32'))
array([-1, -6], dtype=int32)""",
}

NPX_EXAMPLES = {
    "sigmoid": """\
>>> npx.sigmoid(np.array([0, 2]))
array([0.5     , 0.880797])""",
    "relu": """\
>>> npx.relu(np.array([-1, 2]))
array([0., 2.])""",
    "stop_gradient": """\
>>> x = np.array([1, 2])
>>> x.attach_grad()
>>> with autograd.record():
...     y = npx.stop_gradient(x * 2) * x
>>> y.backward()
>>> x.grad
array([2., 4.])""",
    "batch_dot": """\
>>> npx.batch_dot(np.ones((2, 3, 4)), np.ones((2, 4, 5))).shape
(2, 3, 5)""",
    "pick": """\
>>> npx.pick(np.array([[1, 2], [3, 4]]), np.array([0, 1]))
array([1., 4.])""",
    "one_hot": """\
>>> npx.one_hot(np.array([0, 2]), 3)
array([[1., 0., 0.],
       [0., 0., 1.]])""",
    "gather_nd": """\
>>> npx.gather_nd(np.array([[1, 2], [3, 4]]), np.array([[1, 0], [0, 1]]))
array([3., 2.])""",
    "sequence_mask": """\
>>> npx.sequence_mask(np.ones((3, 2)), np.array([1, 2]), use_sequence_length=True)
array([[1., 1.],
       [0., 1.],
       [0., 0.]])""",
    "topk": """\
>>> npx.topk(np.array([[3, 1, 2], [1, 5, 4]]), k=2, ret_typ='value')
array([[3., 2.],
       [5., 4.]])""",
    "softmax": """\
>>> npx.softmax(np.array([[1, 2, 3]]))
array([[0.09003057, 0.24472848, 0.66524094]])""",
    "log_softmax": """\
>>> npx.log_softmax(np.array([[1, 2, 3]]))
array([[-2.407606  , -1.407606  , -0.40760598]])""",
    "activation": """\
>>> npx.activation(np.array([-1, 2]), act_type='relu')
array([0., 2.])""",
    "leaky_relu": """\
>>> npx.leaky_relu(np.array([-2, 1]), act_type='leaky', slope=0.1)
array([-0.2,  1. ])""",
    "fully_connected": """\
>>> npx.fully_connected(np.ones((2, 3)), np.ones((4, 3)), np.zeros(4), num_hidden=4)
array([[3., 3., 3., 3.],
       [3., 3., 3., 3.]])""",
    "batch_flatten": """\
>>> npx.batch_flatten(np.ones((2, 3, 4))).shape
(2, 12)""",
    "convolution": """\
>>> npx.convolution(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), np.zeros(1),
...                 kernel=(2, 2), num_filter=1)
array([[[[4., 4.],
         [4., 4.]]]])""",
    "deconvolution": """\
>>> npx.deconvolution(np.ones((1, 1, 2, 2)), np.ones((1, 1, 2, 2)),
...                   kernel=(2, 2), num_filter=1)
array([[[[1., 2., 1.],
         [2., 4., 2.],
         [1., 2., 1.]]]])""",
    "pooling": """\
>>> npx.pooling(np.arange(16).reshape(1, 1, 4, 4), kernel=(2, 2), stride=(2, 2),
...             pool_type='max')
array([[[[ 5.,  7.],
         [13., 15.]]]])""",
    "dropout": """\
>>> with autograd.train_mode():
...     y = npx.dropout(np.ones((2, 4)), p=0.5)   # each entry 0 or 2""",
    "batch_norm": """\
>>> npx.batch_norm(np.array([[1, 2], [3, 6]]), np.ones(2), np.zeros(2),
...                np.zeros(2), np.ones(2), axis=1)
array([[0.9995004, 1.9990008],
       [2.9985013, 5.9970026]])""",
    "layer_norm": """\
>>> npx.layer_norm(np.array([[1, 2, 3]]), np.ones(3), np.zeros(3))
array([[-1.2247356,  0.       ,  1.2247356]])""",
    "embedding": """\
>>> npx.embedding(np.array([2, 0]), np.arange(6).reshape(3, 2), input_dim=3,
...               output_dim=2)
array([[4., 5.],
       [0., 1.]])""",
}

_DEFAULT_FLOAT = ("in the default float dtype (float32; float64 after "
                  "``npx.set_np(dtype=True)``) unless ``dtype`` says otherwise")
_COMPARE = ("True where x1 {} x2, elementwise with broadcasting (a bool array). Its "
            "gradient is zero.")
SUMMARIES = {
    "split": "Split into ``indices_or_sections`` equal pieces along ``axis`` (an error "
             "if they do not divide it; array_split allows that), or at the given "
             "indices.",
    "arange": "Evenly spaced values in [start, stop), ``step`` apart, " + _DEFAULT_FLOAT +
              " (MXNet's np: ``np.arange(4)`` is float too).",
    "zeros": "An array of zeros of ``shape``, " + _DEFAULT_FLOAT + ".",
    "empty": "An array of ``shape``, " + _DEFAULT_FLOAT + " (MXNet leaves its memory "
             "uninitialised; ndgrad fills it with zeros).",
    "ones": "An array of ones of ``shape``, " + _DEFAULT_FLOAT + ".",
    "full": "An array of ``shape`` filled with ``fill_value``, " + _DEFAULT_FLOAT + ".",
    "eye": "An N x M matrix (M None: N x N) with ones on diagonal ``k``, " +
           _DEFAULT_FLOAT + ".",
    "identity": "The n x n identity matrix, " + _DEFAULT_FLOAT + ".",
    "linspace": "``num`` evenly spaced values from start to stop (included unless not "
                "``endpoint``), " + _DEFAULT_FLOAT + ".",
    "power": "Elementwise power with broadcasting: x1 ** x2.",
    "maximum": "Elementwise maximum with broadcasting; ties send the gradient to x1.",
    "minimum": "Elementwise minimum with broadcasting; ties send the gradient to x1.",
    "equal": _COMPARE.format("=="), "not_equal": _COMPARE.format("!="),
    "greater": _COMPARE.format(">"), "greater_equal": _COMPARE.format(">="),
    "less": _COMPARE.format("<"), "less_equal": _COMPARE.format("<="),
    "mod": "Remainder of x1 / x2 with the sign of x2 (Python's %), with broadcasting; "
           "x % 0 is 0 for integers, as in MXNet.",
    "hypot": "sqrt(x1**2 + x2**2), elementwise with broadcasting.",
    "random.randn": "Samples of the standard normal distribution, of shape (d0, d1, "
                    "...), seeded by ``npx.random.seed``.",
    "random.rand": "Samples of the uniform distribution on [0, 1), of shape (d0, d1, "
                   "...), seeded by ``npx.random.seed``.",
}


def _summary(doc):
    """The text of an op's docstring before its example."""
    return (doc or "").split(">>>")[0].rstrip().rstrip(":").rstrip()


def _reflow(text, width=84):
    """The words of ``text`` (however indented) in lines of at most ``width``
    characters. Not textwrap.fill: its regular expressions on these summaries were a
    sixth of ``import ndgrad``, and it kept the indentation of continued lines."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join(lines + [line])


def apply(namespace, submodules, examples, summaries=None):
    """Give the functions of ``namespace`` (a module's globals; ``submodules`` by name)
    named in ``examples`` the example, after their summary."""
    summaries = summaries or {}
    for full, example in examples.items():
        module, _, name = full.rpartition(".")
        fn = (vars(submodules[module]) if module else namespace)[name]
        summary = summaries.get(full) or _summary(fn.__doc__)
        fn.__doc__ = (_reflow(summary) + "\n\n" +
                      textwrap.indent(example, "    ") + "\n")
