"""The tape: recording ops on arrays and running reverse mode over what was recorded.

``apply`` runs an op's forward on raw NumPy data and, while recording, links the
outputs to a new ``OpNode``. ``run_backward`` walks the recorded graph iteratively
(dependency counts and a ready stack) and calls each op's VJPs. VJPs are written with
ndgrad ops, so with ``create_graph`` the engine wraps what they see in arrays and the
backward pass is itself recorded.
"""
cimport cython
cimport numpy as cnp
from cpython.object cimport PyObject_Call
from cpython.pystate cimport PyThreadState_GetDict
from cpython.ref cimport PyObject, Py_DECREF, Py_INCREF, Py_REFCNT
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_New, PyTuple_SET_ITEM
import threading
from weakref import getweakrefcount

import numpy as np

from ndgrad import _threads

cnp.import_array()

# The two ops the engine itself applies to gradients: summing back to an input's
# (broadcast) shape and casting to its dtype. Installed by ndgrad.ops at import.
cdef Op _sum_to = None
cdef Op _cast = None
cdef Py_ssize_t _pass_id = 0


class AutogradError(RuntimeError):
    """Misuse of autograd: backward without a graph, over a freed graph, etc."""


def install(Op sum_to, Op cast):
    global _sum_to, _cast
    _sum_to = sum_to
    _cast = cast


# ---- recording and training flags, one pair per thread ------------------------------
# MXNet keeps them thread-local; so do we, so that threads can record and differentiate
# independent graphs at once. They live in the thread state's dict, which Python clears
# when the thread ends: a C lookup, where a threading.local attribute costs a Python one.
@cython.final
@cython.no_gc
cdef class _Flags:
    cdef bint recording
    cdef bint training


cdef str _FLAGS_KEY = "ndgrad.flags"


cdef _Flags _flags():
    """The calling thread's flags; a new thread starts with both off."""
    cdef dict state = <dict>PyThreadState_GetDict()
    f = state.get(_FLAGS_KEY)
    if f is None:
        f = state[_FLAGS_KEY] = _Flags.__new__(_Flags)
    return <_Flags>f


@cython.final
cdef class ThreadFlags:
    """``flags.recording`` and ``flags.training``: the calling thread's flags."""
    @property
    def recording(self):
        return _flags().recording

    @recording.setter
    def recording(self, value):
        _flags().recording = value

    @property
    def training(self):
        return _flags().training

    @training.setter
    def training(self, value):
        _flags().training = value


flags = ThreadFlags()


@cython.final
cdef class Scope:
    """Sets this thread's recording and/or training flag (None: unchanged) for a
    ``with`` block, then restores both."""
    cdef object recording, training
    cdef bint prev_recording, prev_training

    def __init__(self, recording, training):
        self.recording = recording
        self.training = training

    def __enter__(self):
        cdef _Flags f = _flags()
        self.prev_recording, self.prev_training = f.recording, f.training
        if self.recording is not None:
            f.recording = self.recording
        if self.training is not None:
            f.training = self.training

    def __exit__(self, *exc):
        cdef _Flags f = _flags()
        f.recording, f.training = self.prev_recording, self.prev_training
        return False


@cython.no_gc
@cython.freelist(64)
cdef class Version:
    pass


@cython.no_gc
@cython.freelist(64)
cdef class Meta:
    def __repr__(self):
        return f"<Meta shape={self.shape} dtype={self.dtype}>"


cdef inline Meta _meta(object data):
    cdef Meta m = Meta.__new__(Meta)
    cdef cnp.ndarray a
    if cnp.PyArray_CheckExact(data):  # read the fields, not the Python attributes
        a = <cnp.ndarray>data
        m.shape = data.shape
        m.dtype = <object>cnp.PyArray_DESCR(a)
        m.ndim = cnp.PyArray_NDIM(a)
        m.size = cnp.PyArray_SIZE(a)
    else:
        m.shape = data.shape
        m.dtype = data.dtype
        m.ndim = len(m.shape)
        m.size = data.size
    return m


cdef class Op:
    def __init__(self, str name, forward, vjps=(), *, bint variadic=False,
                 bint differentiable=True, bint save_inputs=True,
                 bint save_output=False, bint view=False, vjp_forward=None,
                 vjp_add=None, fast=None):
        self.name = name
        self.forward = forward
        self.fast = fast
        self.vjp_forward = forward if vjp_forward is None else vjp_forward
        self.vjp_add = vjp_add
        self.variadic = variadic
        self.differentiable = differentiable
        self.save_inputs = save_inputs
        self.save_output = save_output
        self.view = view
        self.vjps = tuple([(<Call>v).bound(self) if isinstance(v, Call) else v
                           for v in vjps])

    cdef object vjp_for(self, Py_ssize_t i):
        if self.variadic:
            return self.vjps[0]
        return self.vjps[i] if i < len(self.vjps) else None

    def __call__(self, *args, **kwargs):
        return _invoke(self, args, kwargs)

    def __repr__(self):
        return f"<ndgrad op {self.name}>"


# Stands for the op being defined in its own Calls (see Call).
SELF = Op("SELF", None)

# Slots of a Call besides the inputs' positions (0, 1, ...).
cdef enum:
    _SHAPE = -3  # the shape of input 0 (saved or not: its Meta has it too)
    _G = -2      # the gradient arriving at the op's output
    _ANS = -1    # the op's output
G, ANS, SHAPE = _G, _ANS, _SHAPE


@cython.final
cdef class Call:
    """A VJP that is a single op applied to the backward pass's values, declared
    instead of written as a function: ``Call(multiply, G, 1)`` is ``lambda g, ans, a,
    b: multiply(g, b)``, ``Call(reshape, G, SHAPE)`` is ``lambda g, ans, x:
    reshape(g, x.shape)``. The engine calls the op itself, with no Python frame
    between, which is most of a cheap VJP's cost. ``op`` None: the value in the one
    slot (``Call(None, G)`` passes the gradient through, as add's VJPs do); ``op``
    SELF: the op the Call is a VJP of (multiply's own VJPs multiply). The op gets no
    keyword arguments; in a plain backward pass it runs as its ``vjp_forward``.
    """
    def __init__(self, Op op, *slots):
        if not 1 <= len(slots) <= 3 or (op is None and len(slots) != 1):
            raise ValueError(f"Call: {len(slots)} slots; an op takes 1 to 3, None takes 1")
        for s in slots:
            if type(s) is not int or s < _SHAPE:
                raise ValueError(f"Call: slot {s!r} is not G, ANS, SHAPE or an input "
                                 "position")
        self.op = op
        self.slots = slots
        self.n = len(slots)
        for k in range(self.n):
            self.at[k] = slots[k]

    cdef Call bound(self, Op owner):
        """This Call with SELF replaced by ``owner``; checks the slots against what
        ``owner`` saves for the backward pass."""
        for s in self.slots:
            if s == _ANS and not owner.save_output or s >= 0 and not owner.save_inputs:
                raise ValueError(f"{owner.name}: a Call VJP reads "
                                 f"{'the output' if s == _ANS else f'input {s}'}, which "
                                 "the op does not save")
        return Call(owner, *self.slots) if self.op is SELF else self

    cdef tuple args(self, object g, object ans, tuple ins):
        cdef Py_ssize_t k, s, i
        cdef tuple args = PyTuple_New(self.n)
        for k in range(self.n):
            s = self.at[k]
            i = 0 if s == _SHAPE else s  # the input read, if any (G and ANS are < 0)
            if i >= len(ins):  # checked: indexing is unchecked in release builds
                raise ValueError(f"{self!r}: reads input {i} of an op given {len(ins)}")
            _set(args, k, g if s == _G else ans if s == _ANS else
                 ins[0].shape if s == _SHAPE else ins[s])
        return args

    cdef object run(self, object g, object ans, tuple ins, bint graph):
        cdef tuple args = self.args(g, ans, ins)
        if self.op is None:
            return args[0]
        return _invoke(self.op, args, _NO_KWARGS) if graph else self.op.vjp_forward(*args)

    cdef bint add_into(self, object g, object ans, tuple ins, object acc):
        """In a plain pass, add the Call's result into ``acc`` with the op's
        ``vjp_add`` kernel; False if the op has none or it does not apply."""
        if self.op is None or self.op.vjp_add is None:
            return False
        return self.op.vjp_add(*self.args(g, ans, ins), acc)

    def __call__(self, g, ans, *ins, **kwargs):
        return self.run(g, ans, ins, True)

    def __repr__(self):
        names = {_G: "G", _ANS: "ANS", _SHAPE: "SHAPE"}
        return (f"Call({self.op.name if self.op is not None else None}, "
                f"{', '.join([names.get(s, str(s)) for s in self.slots])})")


@cython.no_gc
cdef class Node:
    pass


@cython.no_gc
cdef class VarNode(Node):
    def __init__(self, grad, str grad_req):
        self.parents = ()
        self.parent_idx = ()
        self.grad = grad
        self.grad_req = grad_req
        self.needs_grad = grad_req != "null"


@cython.no_gc
@cython.freelist(64)
cdef class OpNode(Node):
    def __repr__(self):
        return f"<OpNode {self.op.name}{' (freed)' if self.released else ''}>"

    # Read-only views for graph inspection (ndgrad.graph); nodes never hold arrays.
    @property
    def input_nodes(self):
        return self.parents

    @property
    def input_indices(self):
        return self.parent_idx

    @property
    def input_meta(self):
        """Per input: Meta (shape, dtype) of an array, None for a non-array argument."""
        return self.in_meta

    @property
    def output_meta(self):
        return self.out_meta

    @property
    def attrs(self):
        return dict(self.kwargs) if self.kwargs else {}

    @property
    def constants(self):
        """Per input: the non-array argument (a scalar...), None for arrays; None
        altogether once the graph is freed."""
        if self.inputs is None:
            return None
        return tuple([None if m is not None else x
                      for m, x in zip(self.in_meta, self.inputs)])


# Arithmetic operators live here, in C, because they are the hottest path of all.
cdef Op _add = None, _sub = None, _mul = None, _div = None, _pow = None, _neg = None
cdef tuple _OPERANDS = (int, float, bool, np.generic, np.ndarray)
cdef dict _NO_KWARGS = {}


def install_arithmetic(Op add, Op sub, Op mul, Op div, Op pow, Op neg):
    global _add, _sub, _mul, _div, _pow, _neg
    _add, _sub, _mul, _div, _pow, _neg = add, sub, mul, div, pow, neg


cdef inline bint _operand(object x):
    return isinstance(x, Array) or isinstance(x, _OPERANDS)


cdef class Array:
    """Data, and the place of that data in the recorded graph. See ndgrad.ndarray."""

    # In C, not in ndgrad.ndarray: adapters and VJPs read these on every call, where a
    # Python property costs a frame.
    @property
    def shape(self):
        return self._data.shape

    @property
    def size(self):
        return self._data.size

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def grad(self):
        """The gradient buffer of a variable (see attach_grad), the gradient kept
        by retain_grad() after backward, or None."""
        node = self._node
        if isinstance(node, VarNode):
            return (<VarNode>node).grad
        if node is not None and (<OpNode>node).retained is not None:
            return (<OpNode>node).retained.get(self._index)
        return None

    def backward(self, out_grad=None, retain_graph=False, train_mode=True):
        """Compute the gradients of this array with respect to the variables.

        A non-scalar array is summed first (``out_grad`` defaults to ones).
        """
        run_backward([self], [out_grad], retain_graph, False, None, False, train_mode,
                     None if out_grad is None else type(self)._head_grad)

    def __setitem__(self, key, value):
        # In C, not in ndgrad.ndarray: a training loop's parameter updates (x[:] = y)
        # are done by assign_all without a Python frame; the rest is _setitem's.
        if not assign_all(self, key, value):
            self._setitem(key, value)

    def __add__(self, other):
        return _arith(_add, _ELIDE_ADD, self, other) if _operand(other) else NotImplemented

    def __radd__(self, other):
        return _arith(_add, _ELIDE_ADD, other, self) if _operand(other) else NotImplemented

    def __sub__(self, other):
        return _arith(_sub, _ELIDE_SUB, self, other) if _operand(other) else NotImplemented

    def __rsub__(self, other):
        return _arith(_sub, _ELIDE_SUB, other, self) if _operand(other) else NotImplemented

    def __mul__(self, other):
        return _arith(_mul, _ELIDE_MUL, self, other) if _operand(other) else NotImplemented

    def __rmul__(self, other):
        return _arith(_mul, _ELIDE_MUL, other, self) if _operand(other) else NotImplemented

    def __truediv__(self, other):
        return _arith(_div, _ELIDE_DIV, self, other) if _operand(other) else NotImplemented

    def __rtruediv__(self, other):
        return _arith(_div, _ELIDE_DIV, other, self) if _operand(other) else NotImplemented

    def __pow__(self, other, mod=None):
        return apply(_pow, (self, other), _NO_KWARGS) if _operand(other) else NotImplemented

    def __rpow__(self, other, mod=None):
        return apply(_pow, (other, self), _NO_KWARGS) if _operand(other) else NotImplemented

    def __neg__(self):
        return apply(_neg, (self,), _NO_KWARGS)


# ---- temporary elision ---------------------------------------------------------------
# In ``a * b + c`` the product is a temporary: nothing can see it once the sum is
# formed, so the sum may be written into its buffer instead of a new one, as NumPy does
# for its own arrays. A wrong guess is a silent wrong answer, so _temporary proves it
# (docs/architecture.md, "Temporary elision").

cdef extern from "Python.h":
    ctypedef struct PyFrameObject
    PyFrameObject* PyEval_GetFrame()
    Py_ssize_t _refcount "Py_REFCNT"(PyObject* o)  # of a borrowed pointer: no new reference

cdef extern from *:
    """
    /* The C calls between the interpreter and an operator's slot, as return addresses:
       the chains a plain `a + b` in Python code takes (recorded at import), and a check
       that the running call came down one of them. Outside glibc (backtrace() and
       dl_iterate_phdr()), and where a refcount of 1 proves nothing (free-threaded
       builds; 3.14, whose LOAD_FAST_BORROW pushes a local onto the value stack without
       a reference of its own): never. */
    #if defined(__GLIBC__) && !defined(Py_GIL_DISABLED) && PY_VERSION_HEX < 0x030E0000
    #include <dlfcn.h>
    #include <execinfo.h>
    #include <link.h>
    #include <string.h>

    #define NDGRAD_CHAIN 8  /* calls, at most, from the eval loop to this module */
    #define NDGRAD_CHAINS 6 /* per operator, room for more than the 4 seen: to the
                               slot of its lhs or rhs, of an extension type or of a
                               Python subclass (NDArray) */
    static void *ndgrad_chain[4][NDGRAD_CHAINS][NDGRAD_CHAIN];
    static int ndgrad_chain_len[4][NDGRAD_CHAINS];
    static int ndgrad_calibrated;  /* set after import's probe: no chain added later */
    static char *ndgrad_code_lo, *ndgrad_code_hi;  /* this module's code segment */

    static int ndgrad_callers(void **out, int max);

    static int ndgrad_find_code(struct dl_phdr_info *info, size_t size, void *unused) {
        char *self = (char *)&ndgrad_callers, *lo;
        int i;
        for (i = 0; i < info->dlpi_phnum; i++) {
            lo = (char *)info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
            if (info->dlpi_phdr[i].p_type == PT_LOAD && lo <= self
                    && self < lo + info->dlpi_phdr[i].p_memsz) {
                ndgrad_code_lo = lo;
                ndgrad_code_hi = lo + info->dlpi_phdr[i].p_memsz;
                return 1;
            }
        }
        return 0;
    }

    /* The return addresses of the calls that led here, from the first one outside
       this module (the frames before it are this module's: the operator's slot and
       what it called), into out; at most max; their number. No dladdr(): it scans a
       library's symbols, 80k instructions for libpython's. */
    static int ndgrad_callers(void **out, int max) {
        void *frames[NDGRAD_CHAIN + 16];  /* and this module's own, fewer */
        int n = backtrace(frames, NDGRAD_CHAIN + 16), i = 0, k = 0;
        while (i < n && ndgrad_code_lo <= (char *)frames[i]
               && (char *)frames[i] < ndgrad_code_hi)
            i++;
        while (i < n && k < max)
            out[k++] = frames[i++];
        return k;
    }

    /* Called from a slot of operator op run by a plain operator in Python code: keep
       the chain up to and including the call from the eval loop, if new. */
    static void ndgrad_calibrate(int op) {
        void *frames[NDGRAD_CHAIN];
        Dl_info info;
        int n, i, c;
        if (ndgrad_calibrated)
            return;
        if (!ndgrad_code_lo)
            dl_iterate_phdr(ndgrad_find_code, NULL);
        n = ndgrad_callers(frames, NDGRAD_CHAIN);
        for (i = 0; i < n; i++) {
            if (dladdr(frames[i], &info) && info.dli_sname
                    && strcmp(info.dli_sname, "_PyEval_EvalFrameDefault") == 0)
                break;
        }
        if (i == n)
            return;
        for (c = 0; c < NDGRAD_CHAINS && ndgrad_chain_len[op][c]; c++) {
            if (ndgrad_chain_len[op][c] == i + 1 && memcmp(ndgrad_chain[op][c], frames,
                                                           (i + 1) * sizeof(void *)) == 0)
                return;
        }
        if (c < NDGRAD_CHAINS) {
            memcpy(ndgrad_chain[op][c], frames, (i + 1) * sizeof(void *));
            ndgrad_chain_len[op][c] = i + 1;
        }
    }

    /* 1 if the running slot was called by the interpreter's operator op, down one of
       the chains ndgrad_calibrate recorded. */
    static int ndgrad_from_operator(int op) {
        void *frames[NDGRAD_CHAIN];
        int n = ndgrad_callers(frames, NDGRAD_CHAIN), c;
        for (c = 0; c < NDGRAD_CHAINS; c++) {
            int len = ndgrad_chain_len[op][c];
            if (len && len <= n
                    && memcmp(frames, ndgrad_chain[op][c], len * sizeof(void *)) == 0)
                return 1;
        }
        return 0;
    }
    static void ndgrad_end_calibration(void) { ndgrad_calibrated = 1; }
    static int ndgrad_calibrated_for(int op) { return ndgrad_chain_len[op][0] > 0; }
    #else
    static void ndgrad_calibrate(int op) { (void)op; }
    static void ndgrad_end_calibration(void) {}
    static int ndgrad_calibrated_for(int op) { (void)op; return 0; }
    static int ndgrad_from_operator(int op) { (void)op; return 0; }
    #endif
    """
    void ndgrad_calibrate(int op)
    void ndgrad_end_calibration()
    bint ndgrad_calibrated_for(int op)
    bint ndgrad_from_operator(int op)

cdef enum:
    _ELIDE_ADD = 0
    _ELIDE_SUB = 1
    _ELIDE_MUL = 2
    _ELIDE_DIV = 3

# NumPy's threshold (NPY_MIN_ELIDE_BYTES): below it the checks (a C backtrace among
# them) cost about what the allocation they save does; small arrays skip them.
cdef Py_ssize_t _ELIDE_MIN_BYTES = 256 * 1024
cdef int _OWN_BEHAVED = (cnp.NPY_ARRAY_OWNDATA | cnp.NPY_ARRAY_WRITEABLE
                         | cnp.NPY_ARRAY_ALIGNED | cnp.NPY_ARRAY_C_CONTIGUOUS)
cdef int _OPCODE[4]  # per operator: its bytecode (-1: unknown, never elide)
cdef int _OPARG[4]   # and argument (-1: none, Python 3.10's BINARY_ADD...)


cdef _read_operator_codes():
    """_OPCODE and _OPARG of + - * / in this Python's bytecode: BINARY_OP and its NB_*
    argument from 3.11 on, BINARY_ADD... before."""
    import dis
    import opcode
    cdef int k
    nb_ops = getattr(opcode, "_nb_ops", None) or getattr(dis, "_nb_ops", None)
    args = {sym: i for i, (_, sym) in enumerate(nb_ops or ())}
    names = ("BINARY_ADD", "BINARY_SUBTRACT", "BINARY_MULTIPLY", "BINARY_TRUE_DIVIDE")
    for k, sym in enumerate(("+", "-", "*", "/")):
        if "BINARY_OP" in opcode.opmap:
            _OPCODE[k] = opcode.opmap["BINARY_OP"] if sym in args else -1
            _OPARG[k] = args.get(sym, -1)
        else:
            _OPCODE[k] = opcode.opmap.get(names[k], -1)
            _OPARG[k] = -1


_read_operator_codes()


cdef class _OperatorProbe:
    """Records, at import, the C calls by which a plain operator in Python code reaches
    this module (ndgrad_calibrate): through the slot of an extension type, and through
    a Python subclass's (as for NDArray), for the left operand and for the right."""
    def __add__(self, other):
        ndgrad_calibrate(_ELIDE_ADD)

    def __radd__(self, other):
        ndgrad_calibrate(_ELIDE_ADD)

    def __sub__(self, other):
        ndgrad_calibrate(_ELIDE_SUB)

    def __rsub__(self, other):
        ndgrad_calibrate(_ELIDE_SUB)

    def __mul__(self, other):
        ndgrad_calibrate(_ELIDE_MUL)

    def __rmul__(self, other):
        ndgrad_calibrate(_ELIDE_MUL)

    def __truediv__(self, other):
        ndgrad_calibrate(_ELIDE_DIV)

    def __rtruediv__(self, other):
        ndgrad_calibrate(_ELIDE_DIV)


exec(compile("class Sub(Probe): pass\n"
             "for p in (Probe(), Sub()):\n"
             "    p + p; 1 + p; p - p; 1 - p; p * p; 1 * p; p / p; 1 / p\n",
             "<ndgrad: operator call chains>", "exec"), {"Probe": _OperatorProbe})
ndgrad_end_calibration()  # the probe, called later (operator.add(p, 1)...), adds nothing


def _elision_available():
    """Whether the operators can elide here: each has its bytecode and a call chain."""
    return all([_OPCODE[k] >= 0 and ndgrad_calibrated_for(k) for k in range(4)])


cdef bint _executing(int code):
    """The innermost Python frame's current instruction is operator ``code``."""
    cdef PyFrameObject* f = PyEval_GetFrame()
    if f == NULL or _OPCODE[code] < 0:
        return False
    frame = <object><PyObject*>f
    cdef bytes co = frame.f_code.co_code  # adaptive instructions shown as BINARY_OP
    cdef Py_ssize_t i = frame.f_lasti
    return (0 <= i < len(co) - 1 and co[i] == _OPCODE[code]
            and (_OPARG[code] < 0 or co[i + 1] == _OPARG[code]))


cdef inline bint _broadcasts_to(cnp.ndarray o, cnp.ndarray x):
    """Shape of ``o`` broadcasts to that of ``x``, which does not grow."""
    cdef int k, lead = cnp.PyArray_NDIM(x) - cnp.PyArray_NDIM(o)
    cdef cnp.npy_intp* od = cnp.PyArray_DIMS(o)
    cdef cnp.npy_intp* xd = cnp.PyArray_DIMS(x)
    if lead < 0:
        return False
    for k in range(cnp.PyArray_NDIM(o)):
        if od[k] != 1 and od[k] != xd[k + lead]:
            return False
    return True


cdef object _temporary(object x, object other, Op op, int code):
    """The data of ``x`` if the result of ``x (op) other`` (either order) may be written
    into it, else None. Cheap checks first: small arrays leave at the size."""
    # 1. x is referenced once: by whoever passed it to the operator, which is the
    #    interpreter's value stack if 6. holds (the slot's arguments are borrowed).
    if not isinstance(x, Array) or _refcount(<PyObject*>x) != 1:
        return None
    cdef Array a = <Array>x
    # 2. Nothing tracks its memory: no version counter (made when an op saves the
    #    array or a view shares its memory), not a variable (its data is the user's).
    if a._version is not None or a._node is not None and not isinstance(a._node, OpNode):
        return None
    # 3. Its data is an exact ndarray (a subclass may keep references of its own) that
    #    only x refers to: no view of it (a view holds its base), no other Array, no
    #    node (what a node saves it holds), and is large.
    if not cnp.PyArray_CheckExact(a._data) or _refcount(<PyObject*>a._data) != 1:
        return None
    cdef cnp.ndarray d = <cnp.ndarray>a._data
    if cnp.PyArray_NBYTES(d) < _ELIDE_MIN_BYTES:
        return None
    # 4. It owns its memory (is not itself a view) and the result may go there as is:
    #    writeable, aligned, C-contiguous, native float32/float64 (an integer division
    #    is float64), with the operator's result dtype and shape: the other operand is
    #    an array of the same dtype that broadcasts to x's shape, or a Python int or
    #    float that NumPy's promotion keeps at x's dtype (NumPy 1's value-based rules
    #    differ from NumPy 2's; result_type is the running NumPy's).
    cdef int t = cnp.PyArray_TYPE(d)
    if (cnp.PyArray_BASE(d) != NULL or not cnp.PyArray_CHKFLAGS(d, _OWN_BEHAVED)
            or not cnp.PyArray_ISNOTSWAPPED(d)
            or t != cnp.NPY_FLOAT32 and t != cnp.NPY_FLOAT64):
        return None
    o = (<Array>other)._data if isinstance(other, Array) else other
    if cnp.PyArray_CheckExact(o):
        if (cnp.PyArray_TYPE(<cnp.ndarray>o) != t
                or not cnp.PyArray_ISNOTSWAPPED(<cnp.ndarray>o)
                or not _broadcasts_to(<cnp.ndarray>o, d)):
            return None
    elif type(o) is float or type(o) is int:
        if np.result_type(d, o) != d.dtype:
            return None
    else:
        return None
    # 5. The tape will not keep x's data: an op that saves its inputs for backward
    #    (multiply, divide) would save the buffer the result overwrites.
    if op.save_inputs and _flags().recording:
        return None
    # 6. The one reference of 1. is the interpreter's value stack: the calling Python
    #    frame is running this very operator, and the C calls from the eval loop to this
    #    slot are those of a plain operator, so no C code (NumPy's object loops, a bound
    #    method-wrapper) passed a borrowed reference whose owner still holds it.
    if not _executing(code) or not ndgrad_from_operator(code):
        return None
    # 7. No weak reference: it could bring x or its data back to life.
    if getweakrefcount(x) or getweakrefcount(d):
        return None
    return d


cdef object _arith(Op op, int code, object lhs, object rhs):
    """lhs (op) rhs for an operator: into the buffer of an operand that is a temporary
    (_temporary), else as any op call."""
    into = _temporary(lhs, rhs, op, code)
    if into is None:
        into = _temporary(rhs, lhs, op, code)
    return _apply(op, (lhs, rhs), _NO_KWARGS, into)


cdef bint assign_all(Array dst, key, value) except -1:
    """``dst[:] = value`` when ``value`` is an array (ndgrad or NumPy) of dst's shape
    and dtype and nothing is to be recorded (a parameter update): the copy into dst's
    memory and the version bump ArrayBase._setitem's general path makes, without
    its steps (there is nothing to fit, cast or refuse). False, having done nothing,
    in every other case."""
    if not (type(key) is slice and (<slice>key).start is None
            and (<slice>key).stop is None and (<slice>key).step is None):
        return False
    src = (<Array>value)._data if isinstance(value, Array) else value
    if not (cnp.PyArray_CheckExact(dst._data) and cnp.PyArray_CheckExact(src)):
        return False
    cdef cnp.ndarray d = <cnp.ndarray>dst._data, v = <cnp.ndarray>src
    if not (cnp.PyArray_ISWRITEABLE(d) and cnp.PyArray_SAMESHAPE(d, v)
            and cnp.PyArray_EquivTypes(d.descr, v.descr)):
        return False
    if _flags().recording and (_needs_grad(dst) or isinstance(value, Array)
                               and _needs_grad(<Array>value)):
        return False
    cnp.PyArray_CopyInto(d, v)
    if dst._version is not None:
        dst._version.value += 1
    return True


cdef inline bint _needs_grad(Array a):
    return a._node is not None and a._node.needs_grad


cdef object _invoke(Op op, tuple args, dict kwargs):
    # On raw NumPy values an op is its forward: this is what lets one VJP serve
    # both plain backward (raw data) and create_graph backward (recorded arrays).
    for a in args:
        if isinstance(a, Array):
            return apply(op, args, kwargs)
    return _forward(op, args, kwargs)


cdef inline object _forward(Op op, tuple raw, dict kwargs):
    """The op's forward on raw values: its ``fast`` kernel unless that declines.
    PyObject_Call passes the keywords as they are (f(*a, **kw) would copy them)."""
    cdef object out
    if op.fast is not None:
        out = PyObject_Call(op.fast, raw, kwargs) if kwargs else op.fast(*raw)
        if out is not None:
            return out
    return PyObject_Call(op.forward, raw, kwargs) if kwargs else op.forward(*raw)


cdef inline Array _wrap(type cls, object data, Node node, Py_ssize_t index):
    cdef Array a = cls.__new__(cls)
    a._data = data
    a._node = node
    a._index = index
    return a


cdef inline Version _version_of(Array a):
    if a._version is None:
        a._version = Version.__new__(Version)
    return a._version


cpdef object apply(Op op, tuple args, dict kwargs):
    """Run ``op`` on ``args`` (arrays and scalars); record it if an input needs a gradient."""
    return _apply(op, args, kwargs, None)


cdef object _apply(Op op, tuple args, dict kwargs, object into):
    """apply; ``into``: an ndarray the forward writes its result into (``out=``), the
    buffer of a temporary operand (see _temporary), or None."""
    if op is None:
        raise TypeError("apply: op must be an ndgrad Op, not None")
    cdef Py_ssize_t n = len(args), i
    cdef tuple raw = PyTuple_New(n)  # args with arrays replaced by their data
    cdef type cls = None
    cdef bint needs = False
    cdef Array a
    cdef object x
    for i in range(n):
        x = args[i]
        if isinstance(x, Array):
            a = <Array>x
            x = a._data
            if cls is None:
                cls = type(a)
            elif type(a) is not cls:
                raise _mixed(op.name, cls, type(a))
            if a._node is not None and a._node.needs_grad:
                needs = True
        Py_INCREF(x)  # PyTuple_SET_ITEM steals a reference
        PyTuple_SET_ITEM(raw, i, x)
    try:
        out = op.forward(*raw, out=into) if into is not None else _forward(op, raw, kwargs)
    except (ValueError, IndexError, TypeError, OverflowError) as e:
        raise _named(e, op.name, raw) from None
    if cnp.PyArray_CheckExact(out):  # one array: the common case
        result = _wrap(cls, out, None, 0)
        if op.view:
            _share_version(result, args, raw)
        if needs and op.differentiable and _flags().recording:
            _record(op, args, raw, kwargs, out, result, False, cls)
        return result
    cdef bint multi = type(out) is tuple
    cdef tuple outs = out if multi else (out,)
    # NumPy returns scalars from 0-d computations; arrays hold ndarrays only.
    outs = tuple([o if cnp.PyArray_CheckExact(o) else np.asarray(o) for o in outs])
    cdef tuple wrapped = tuple([_wrap(cls, o, None, 0) for o in outs])
    if op.view:
        _share_version(wrapped[0], args, raw)
    if needs and op.differentiable and _flags().recording:
        _record(op, args, raw, kwargs, outs if multi else outs[0],
                wrapped if multi else wrapped[0], multi, cls)
    return wrapped if multi else wrapped[0]


cdef _share_version(Array out, tuple args, tuple raw):
    # A view shares its base's version counter, so writes through either are seen.
    # NumPy points a view at the array it was made from, or at that array's own base:
    # a non-empty output of a view op with one of those as base overlaps its input,
    # which np.may_share_memory (several times slower) would only confirm.
    cdef Py_ssize_t i
    cdef object data = out._data, base
    for i in range(len(args)):
        if isinstance(args[i], Array):
            base = data.base
            if ((base is not None and (base is raw[i] or base is raw[i].base)
                 and data.size) or np.may_share_memory(data, raw[i])):
                out._version = _version_of(<Array>args[i])
            return


cdef str _titled(str msg, str title, tuple aliases):
    """``msg`` starting with the function's name ``title``, once: a message from an
    alias (``aliases``: the op's other names) is renamed, so that nd.reverse says
    "reverse: ...", not "reverse: flip: ..."."""
    cdef str head = msg.partition(":")[0]
    if head == title:
        return msg
    if head in aliases:
        return title + msg[len(head):]
    return f"{title}: {msg}"


def namespace_function(Op op not None, str title, type cls, object adapter,
                       tuple inputs, object check_ctx, bint plain, tuple aliases=()):
    """The namespace function ``title`` (nd.tanh...) calling ``op``: it translates the
    namespace's arguments (``adapter``, if given), checks ``ctx``, has ``cls._apply``
    apply the flavour's conventions and writes to ``out``. Compiled, and called by
    the user directly (no Python function around it: a frame per call), because it
    runs for every call of every namespace function; _namespace gives it its name,
    documentation and signature. ``aliases``: the op's names in every namespace, for
    error messages. ``plain``: ``cls._apply`` is just ``_finish(op(...))``;
    then a result needing no finishing (an array of ``cls``, or a NumPy array that
    only needs wrapping in one, at least ``cls._min_ndim``-dimensional) is returned
    without calling either."""
    hook = cls._apply
    finish = cls._finish
    cdef int min_ndim = cls._min_ndim
    # The flavour's functions return arrays of their own memory (MXNet's nd ops write
    # new arrays), not views; an op that saved its output keeps it (the node's).
    cdef bint own = cls._own_results and not op.save_output

    def call(*args, out=None, name=None, ctx=None, **kwargs):
        if ctx is not None:
            check_ctx(ctx)
        if adapter is not None:
            try:
                args, kwargs = adapter(*args, **kwargs)
            except (ValueError, IndexError) as e:  # name the function, as ops do
                raise type(e)(_titled(str(e), title, aliases)) from None
        elif kwargs and len(args) < len(inputs):
            args += tuple([kwargs.pop(n) for n in inputs[len(args):] if n in kwargs])
        if plain:
            result = _invoke(op, args, kwargs)
            if (cnp.PyArray_CheckExact(result)
                    and cnp.PyArray_NDIM(<cnp.ndarray>result) >= min_ndim):
                result = _wrap(cls, result, None, 0)  # a creator's (nd.array, nd.zeros)
            elif not (type(result) is cls and cnp.PyArray_Check((<Array>result)._data)
                      and cnp.PyArray_NDIM(<cnp.ndarray>(<Array>result)._data) >= min_ndim):
                result = finish(result)
        else:
            result = hook(op, args, kwargs)
        if out is None:
            return own_memory(result) if own else result
        out[:] = result  # a copy already: a view needs none of its own first
        return out
    return call


cpdef object own_memory(object result, bint contiguous_views=False):
    """``result`` (an Array, or a list or tuple of them) with the data of each that is
    a NumPy view (it may share memory with an input) copied, and its version counter,
    the one it shared with its base, dropped: as MXNet's ops, which write new arrays.
    ``contiguous_views``: C-contiguous views stay views, as MXNet's basic indexing
    keeps them (x[0], x[1:]); other indexing results are copies there."""
    cdef Array a
    if type(result) is list or type(result) is tuple:
        for r in result:
            own_memory(r, contiguous_views)
        return result
    if not isinstance(result, Array):
        return result
    a = <Array>result
    if cnp.PyArray_Check(a._data) and cnp.PyArray_BASE(<cnp.ndarray>a._data) != NULL:
        if contiguous_views and cnp.PyArray_IS_C_CONTIGUOUS(<cnp.ndarray>a._data):
            return result
        a._data = cnp.PyArray_NewCopy(<cnp.ndarray>a._data, cnp.NPY_CORDER)
        a._version = None
    return result


cdef object _mixed(str name, type a, type b):
    # An nd NDArray and an np ndarray in one op: MXNet refuses it too.
    return TypeError(f"{name}: cannot mix arrays of two flavours ({a.__name__} and "
                     f"{b.__name__}) in one op; convert one with x.as_np_ndarray() or "
                     "x.as_nd_ndarray()")


cdef object _named(Exception e, str name, tuple raw):
    """The same error, saying which op failed and on what shapes (NumPy's messages
    name neither)."""
    msg = str(e)
    if msg.startswith(name + ":"):
        return e
    shapes = ", ".join([str(x.shape) for x in raw if isinstance(x, np.ndarray)])
    if shapes and "shape" not in msg:
        msg = f"{msg} (input shapes {shapes})"
    try:
        return type(e)(f"{name}: {msg}")
    except Exception:  # a subclass whose constructor wants more (NumPy's loop errors)
        for base in (ValueError, IndexError, TypeError, OverflowError):
            if isinstance(e, base):
                return base(f"{name}: {msg}")


cdef inline Meta _input_meta(Array a, object data):
    """Shape and dtype of input ``a``: its producer's output Meta when that still
    describes the data (no new Meta and shape tuple per edge), else read afresh."""
    cdef Node p = a._node
    cdef tuple metas
    if p is not None and isinstance(p, OpNode) and cnp.PyArray_CheckExact(data):
        metas = (<OpNode>p).out_meta
        if 0 <= a._index < len(metas) and _fits(<cnp.ndarray>data, <Meta>metas[a._index]):
            return <Meta>metas[a._index]
    return _meta(data)


# Shared immutable tuples of n zeros and of n Nones, for the tape's common cases.
cdef tuple _ZEROS = tuple([(0,) * n for n in range(5)])
cdef tuple _NONES = tuple([(None,) * n for n in range(5)])


cdef inline void _set(tuple t, Py_ssize_t i, object x):
    Py_INCREF(x)  # PyTuple_SET_ITEM steals a reference
    PyTuple_SET_ITEM(t, i, x)


cdef inline void _set_new(tuple t, Py_ssize_t i, object x):
    """_set into a slot that may already hold an item (dropped)."""
    old = PyTuple_GET_ITEM(t, i)
    if old != NULL:
        Py_DECREF(<object>old)
    _set(t, i, x)


cdef tuple _saved_versions(Op op, tuple args, object wrapped, bint multi):
    """(Version, value, Version, value...) of every array the node saves, flat: one
    tuple for the node, not one per array."""
    cdef list out = []
    cdef Array a
    if op.save_inputs:
        for x in args:
            if isinstance(x, Array):
                a = <Array>x
                out.append(_version_of(a))
                out.append(a._version.value)
    if op.save_output:
        for x in (wrapped if multi else (wrapped,)):
            a = <Array>x
            out.append(_version_of(a))
            out.append(a._version.value)
    return tuple(out)


cdef _record(Op op, tuple args, tuple raw, dict kwargs, object outs, object wrapped,
             bint multi, type cls):
    """Link ``wrapped`` (the result array, or a tuple of them if ``multi``), computed
    from ``outs`` (raw), to a new node for ``op`` applied to ``args``."""
    cdef Py_ssize_t n = len(args), i
    cdef OpNode node = OpNode.__new__(OpNode)
    # Built in place: these tuples are made for every recorded op.
    cdef tuple parents = PyTuple_New(n), meta = PyTuple_New(n)
    # Most inputs are output 0 of their producer: those nodes share a tuple of zeros.
    cdef bint few = n < len(_ZEROS), indexed = False
    cdef tuple pidx = <tuple>_ZEROS[n] if few else PyTuple_New(n)
    cdef tuple consts = None if op.save_inputs else PyTuple_New(n)
    cdef Array a
    cdef object m
    cdef Meta same = None  # an input's Meta that describes the output too
    for i in range(n):
        p, k, m = None, 0, None
        if isinstance(args[i], Array):
            a = <Array>args[i]
            m = _input_meta(a, raw[i])
            if a._node is not None and a._node.needs_grad:
                p, k = a._node, a._index
                if k != 0 and few and not indexed:  # the shared zeros will not do
                    pidx, indexed = PyTuple_New(n), True
                    for j in range(n):
                        _set(pidx, j, 0)
            if same is None and not multi and _fits(<cnp.ndarray>outs, <Meta>m):
                same = <Meta>m
        _set(parents, i, p)
        if indexed or not few:
            _set_new(pidx, i, k)
        _set(meta, i, m)
        if consts is not None:  # non-array arguments are kept: VJPs may need them
            _set(consts, i, raw[i] if m is None else None)
    node.op = op
    node.parents = parents
    node.parent_idx = pidx
    node.in_meta = meta
    if multi:
        node.out_meta = tuple([_meta(o) for o in outs])
    else:
        node.out_meta = (same if same is not None else _meta(outs),)
    node.kwargs = kwargs
    node.cls = cls
    node.multi = multi
    node.needs_grad = True
    node.inputs = raw if consts is None else consts
    if op.save_output:
        node.output = outs
    node.versions = _saved_versions(op, args, wrapped, multi) \
        if op.save_inputs or op.save_output else ()
    if _anomaly_hook is not None:
        node.trace = _anomaly_hook()
    if not multi:
        a = <Array>wrapped
        a._node = node
        a._index = 0
        return
    for i in range(len(wrapped)):
        a = <Array>wrapped[i]
        a._node = node
        a._index = i


# Set by ndgrad.autograd's anomaly mode: ``hook()`` returns the forward traceback to
# keep on each recorded node; ``check(node, i, g)`` inspects each gradient a VJP makes.
cdef object _anomaly_hook = None
cdef object _anomaly_check = None


def set_anomaly_hook(hook, check=None):
    global _anomaly_hook, _anomaly_check
    _anomaly_hook = hook
    _anomaly_check = check


cdef object _zeros(Meta meta, type cls, bint graph):
    z = np.zeros(meta.shape, dtype=meta.dtype)
    return _wrap(cls, z, None, 0) if graph else z


cdef inline bint _fits(cnp.ndarray g, Meta m):
    """g already has m's shape and dtype."""
    cdef Py_ssize_t k
    cdef cnp.npy_intp* dims = cnp.PyArray_DIMS(g)
    if cnp.PyArray_NDIM(g) != m.ndim:
        return False
    for k in range(m.ndim):
        if dims[k] != <Py_ssize_t>m.shape[k]:
            return False
    return <object>cnp.PyArray_DESCR(g) is m.dtype or g.dtype == m.dtype


cdef object _fit(OpNode node, Py_ssize_t i, object g, bint graph):
    """Sum ``g`` back to input ``i``'s shape and cast it to its dtype."""
    cdef Meta m = <Meta>node.in_meta[i]
    if cnp.PyArray_CheckExact(g) and _fits(<cnp.ndarray>g, m):
        return g  # the common case, decided without a Python-level call
    if not hasattr(g, "shape"):  # a VJP may return a scalar
        g = np.asarray(g, dtype=m.dtype)
    if g.shape != m.shape:
        try:
            # On a NumPy array the op is its forward (_invoke): called directly, without
            # Op.__call__'s steps and keyword dict (a bias gradient, every step).
            g = (_sum_to.forward(g, m.shape) if cnp.PyArray_CheckExact(g)
                 else _sum_to(g, shape=m.shape))
        except ValueError:
            raise ValueError(
                f"backward of '{node.op.name}': the gradient for input {i} has shape "
                f"{g.shape}, which does not reduce to the input's shape {m.shape}") from None
    if g.dtype != m.dtype:
        g = _cast(g, dtype=m.dtype)
    return g


cdef _check_versions(OpNode node):
    cdef Version v
    cdef tuple vs = node.versions
    cdef Py_ssize_t i
    for i in range(0, len(vs), 2):
        v, value = <Version>vs[i], vs[i + 1]
        if v.value != value:
            raise AutogradError(
                f"backward: an array that '{node.op.name}' saved for the backward pass "
                f"was modified in place after it was recorded (version {v.value}, "
                f"recorded at {value}). Write to a copy instead, or record the "
                "computation again after the write.")


cdef list _topo(list heads, dict targets):
    """Visit the graph above ``heads`` without recursion; count dependencies.

    Returns the visited nodes in post-order (parents before children). A node is
    "useful" if a gradient is wanted there or above it; only useful edges count.
    """
    global _pass_id
    _pass_id += 1
    cdef Py_ssize_t pid = _pass_id
    cdef list order = []
    cdef list stack = []
    cdef Node node, p
    cdef Py_ssize_t i, top = 0  # the stack is stack[:top] (see _push)
    for node in heads:
        if node.mark == pid:
            continue
        _visit(node, pid)
        top = _push(stack, top, node)
        while top:
            node = <Node>stack[top - 1]
            # A node's deps counts its parents visited while it is on the stack: it
            # holds no dependency count before the node is done (post-order: no
            # consumer of it is done before it, as the graph has no cycles).
            i = node.deps
            if i < len(node.parents):
                node.deps = i + 1
                p = node.parents[i]
                if p is not None and p.mark != pid:
                    _visit(p, pid)
                    top = _push(stack, top, p)
                continue
            top -= 1
            node.deps = 0
            order.append(node)
            if targets is None:
                node.useful = isinstance(node, VarNode)
            else:
                node.useful = node in targets
            for p in node.parents:
                if p is not None and p.useful:
                    node.useful = True
                    break
            if node.useful:
                if isinstance(node, OpNode):
                    _check_versions(<OpNode>node)
                for p in node.parents:
                    if p is not None and p.useful:
                        p.deps += 1
    return order


cdef inline Py_ssize_t _push(list stack, Py_ssize_t top, object x):
    """Push ``x`` on the stack ``stack[:top]``; the new top. A stack pops by lowering
    ``top``: list.pop() frees the list's memory whenever it empties (and reallocates
    it below half full), which cost backward more than its bookkeeping."""
    if top < len(stack):
        stack[top] = x
    else:
        stack.append(x)
    return top + 1


cdef _visit(Node node, Py_ssize_t pid):
    if isinstance(node, OpNode) and (<OpNode>node).released:
        raise AutogradError(
            f"backward: the graph through '{(<OpNode>node).op.name}' was freed by an "
            "earlier backward pass. Pass retain_graph=True to the first backward() to "
            "run backward through the same graph again.")
    node.mark = pid
    node.deps = 0
    node.useful = False
    node.grads = None


cdef inline bint _sums_in_place(object a):
    """A gradient sum ``a`` may be added into: nothing but ``node.grads`` and the
    caller refers to it and it owns its memory, so a write into it is seen by nobody
    (a VJP may hand one array to several inputs, as add does; then it is referred to
    more than that); and it is large (on small arrays a typed loop's new sum beats
    NumPy's in-place add)."""
    return (cnp.PyArray_CheckExact(a) and Py_REFCNT(a) == 2
            and cnp.PyArray_BASE(<cnp.ndarray>a) == NULL
            and cnp.PyArray_ISWRITEABLE(<cnp.ndarray>a)
            and cnp.PyArray_SIZE(<cnp.ndarray>a) > 512)


cdef _accumulate(Node node, Py_ssize_t idx, object g, Py_ssize_t n_out, bint graph):
    """Add a gradient arriving at output ``idx`` of ``node``: into the sum so far
    when that may be written (_sums_in_place: less memory), else as a new array."""
    if not 0 <= idx < n_out:  # _index is writable from Python: never trust it
        raise AutogradError(f"backward: output index {idx} of a node with {n_out} "
                            "output(s); the array's graph link is corrupt")
    if node.grads is None:
        node.grads = [None] * n_out
    prev = node.grads[idx]
    if prev is None:
        node.grads[idx] = g
    elif graph:
        node.grads[idx] = prev + g
    elif _sums_in_place(prev):
        if _threads.split(np.add, prev, g, out=prev) is None:
            np.add(prev, g, out=prev)
    else:
        node.grads[idx] = _add.forward(prev, g)


cdef object _sum_so_far(Node p, Py_ssize_t idx):
    """The gradient summed so far at output ``idx`` of ``p`` if a VJP may add into it
    in place (_sums_in_place), else None. Not in anomaly mode, which checks each
    VJP's own result."""
    if p.grads is None or _anomaly_check is not None or not 0 <= idx < len(p.grads):
        return None
    prev = p.grads[idx]
    return prev if prev is not None and _sums_in_place(prev) else None


cdef tuple _saved_inputs(OpNode node, bint graph):
    """The inputs as the VJPs see them: raw data, or arrays linked to the graph when
    ``graph``. Arrays the op did not save are their Meta (shape and dtype only)."""
    if node.op.save_inputs and not graph:
        return node.inputs  # as recorded: nothing to substitute
    cdef list out = list(node.inputs)
    cdef Py_ssize_t i
    for i in range(len(out)):
        m = node.in_meta[i]
        if m is None:
            continue
        if out[i] is None:
            out[i] = m
        elif graph:
            out[i] = _wrap(node.cls, out[i], node.parents[i], node.parent_idx[i])
    return tuple(out)


cdef object _saved_output(OpNode node, bint graph):
    if node.output is None or not graph:
        return node.output
    if node.multi:
        return tuple([_wrap(node.cls, o, node, k) for k, o in enumerate(node.output)])
    return _wrap(node.cls, node.output, node, 0)


cdef Py_ssize_t _run_node(OpNode node, bint graph, list ready,
                          Py_ssize_t n_ready) except -1:
    """Run the VJPs of ``node`` into its inputs' gradients; push the inputs now done
    on the stack ``ready[:n_ready]`` (see _push) and return its new top."""
    cdef Py_ssize_t i, n_out = len(node.out_meta)
    cdef Node p
    cdef list gs = node.grads if node.grads is not None else [None] * n_out
    node.grads = None
    cdef bint any_grad = False
    for i in range(n_out):
        if gs[i] is not None:
            any_grad = True
        elif node.multi:
            gs[i] = _zeros(node.out_meta[i], node.cls, graph)
    cdef object ins = None, ans = None, g = None, gi
    cdef list together = None
    if any_grad:
        ins = _saved_inputs(node, graph)
        ans = _saved_output(node, graph)
        g = tuple(gs) if node.multi else gs[0]
        if node.op.variadic:
            together = _variadic_grads(node, g, ans, ins)
    for i in range(len(node.parents)):
        p = node.parents[i]
        if p is None or not p.useful:
            continue
        if any_grad:
            vjp = node.op.vjp_for(i)
            gi = None
            if together is not None:
                gi = together[i]
            elif type(vjp) is Call:
                acc = None if graph else _sum_so_far(p, node.parent_idx[i])
                if acc is None or not (<Call>vjp).add_into(g, ans, ins, acc):
                    gi = (<Call>vjp).run(g, ans, ins, graph)
                acc = None
            elif vjp is not None:
                if node.kwargs:
                    gi = PyObject_Call(vjp, (g, ans) + ins, node.kwargs)
                else:  # no keywords: None or empty
                    gi = vjp(g, ans, *ins)
            if gi is not None:
                if _anomaly_check is not None:
                    _anomaly_check(node, i, gi)
                _accumulate(p, node.parent_idx[i], _fit(node, i, gi, graph),
                            _n_outputs(p), graph)
        p.deps -= 1
        if p.deps == 0:
            n_ready = _push(ready, n_ready, p)
    return n_ready


cdef list _variadic_grads(OpNode node, object g, object ans, tuple ins):
    """Per input, the gradient from a variadic op's one VJP call, which is given the
    positions wanted (``argnums``) and returns their gradients in that order: one call
    for all n inputs keeps a wide fan-in (add_n of 10,000 arrays) linear in n."""
    cdef Py_ssize_t i, n = len(node.parents)
    cdef list out = [None] * n
    argnums = tuple([i for i in range(n) if node.parents[i] is not None
                     and (<Node>node.parents[i]).useful])
    grads = node.op.vjps[0](g, ans, *ins, argnums=argnums, **node.kwargs)
    if len(grads) != len(argnums):
        raise ValueError(f"backward of '{node.op.name}': {len(grads)} gradients for "
                         f"{len(argnums)} inputs")
    for i, gi in zip(argnums, grads):
        out[i] = gi
    return out


cdef inline Py_ssize_t _n_outputs(Node p):
    return len((<OpNode>p).out_meta) if isinstance(p, OpNode) else 1


cdef _release(OpNode node):
    node.inputs = None
    node.output = None
    node.kwargs = None
    cdef Py_ssize_t n = len(node.parents)
    node.parents = <tuple>_NONES[n] if n < len(_NONES) else (None,) * n
    node.released = True


# A backward pass keeps its scratch state (dependency counts, gradients) on the nodes,
# and threads may share nodes (a common parameter): passes run one at a time. Forward
# passes and recording run concurrently. Re-entrant, for backward inside a backward
# (a Function whose backward calls grad).
_backward_lock = threading.RLock()


def run_backward(list heads, list head_grads, bint retain_graph=False,
                 bint create_graph=False, list variables=None,
                 bint allow_unreachable=False, bint train_mode=True, given=None):
    """Reverse mode from ``heads`` (arrays) seeded with ``head_grads``, with this
    thread's recording flag set to ``create_graph`` and its training flag to
    ``train_mode`` meanwhile.

    With ``variables`` None, gradients go to every attached variable above the heads
    (written or added per its grad_req) and None is returned. Otherwise the gradients
    of ``variables`` are returned, in order, and no ``.grad`` is touched; a variable
    the heads do not depend on is an error, or gets zeros with ``allow_unreachable``.
    A head gradient None is ones of the head's shape and dtype; others are raw arrays,
    or arrays of the heads' class with create_graph, or are first passed through
    ``given(k, head, g, create_graph)`` (checks and casts) if that is given.
    """
    head_grads = _head_grads(heads, head_grads, create_graph, given)
    cdef _Flags f = _flags()
    cdef bint prev_recording = f.recording, prev_training = f.training
    f.recording, f.training = create_graph, train_mode
    try:
        with _backward_lock:
            return _backward(heads, head_grads, retain_graph, create_graph, variables,
                             allow_unreachable)
    finally:
        f.recording, f.training = prev_recording, prev_training


cpdef check_head_kind(Py_ssize_t k, dtype):
    if dtype.kind not in "biuf":
        raise TypeError(f"backward: head gradient {k} has dtype {dtype}; it must be "
                        "real numbers (it is cast to the head's dtype)")


cdef extern from "numpy/arrayobject.h":
    # NULL descr: the prototype's dtype (numpy's .pxd types it as a dtype, never NULL)
    object _new_like "PyArray_NewLikeArray"(cnp.ndarray, cnp.NPY_ORDER, void*, int)


cdef list _head_grads(list heads, list head_grads, bint graph, given):
    """The heads checked to be arrays and their gradients, in head order: ones for
    None (compiled: every backward() of a loss takes this path), the rest
    ``given(k, head, g, graph)``; wrapped in the heads' class when ``graph``."""
    cdef Py_ssize_t k, n = len(heads)
    for k in range(n):
        if not isinstance(heads[k], Array):
            raise TypeError(f"backward: head {k} is a {type(heads[k]).__name__}, not "
                            "an array")
    if len(head_grads) != n:
        raise ValueError(f"backward: {n} heads but {len(head_grads)} head gradients")
    cdef list out = [None] * n
    cdef cnp.ndarray data, ones
    cdef Array h
    for k in range(n):
        h, g = <Array>heads[k], head_grads[k]
        if g is None:
            data = h._data
            check_head_kind(k, <object>cnp.PyArray_DESCR(data))
            # np.empty(shape, dtype) then fill: np.ones in half the time
            ones = _new_like(data, cnp.NPY_CORDER, NULL, 0)
            cnp.PyArray_FillWithScalar(ones, 1)
            g = ones
        elif given is not None:
            g = given(k, h, g, graph)
        if graph and not isinstance(g, Array):
            g = _wrap(type(h), g, None, 0)
        out[k] = g
    return out


cdef _backward(list heads, list head_grads, bint retain_graph, bint create_graph,
               list variables, bint allow_unreachable):
    cdef Array h
    cdef Node node
    cdef list head_nodes = []
    cdef dict targets = None
    cdef Py_ssize_t k
    for h in heads:
        if h._node is None:
            raise AutogradError(
                "backward: this array is not part of a recorded graph. Call "
                "attach_grad() on the inputs and compute the array inside "
                "`with autograd.record():` before calling backward.")
        head_nodes.append(h._node)
    if variables is not None:
        targets = {}
        for k, v in enumerate(variables):
            if not isinstance(v, Array) or (<Array>v)._node is None:
                raise AutogradError(
                    f"grad: variable {k} is not part of the recorded graph; call "
                    "attach_grad() on it before recording.")
            targets.setdefault((<Array>v)._node, []).append((k, (<Array>v)._index))

    cdef list order = _topo(head_nodes, targets)
    if targets is not None and not allow_unreachable:
        for node, entries in targets.items():
            if node.mark != _pass_id:
                raise AutogradError(
                    f"grad: variable {entries[0][0]} is unreachable from the heads: "
                    "they were not computed from it inside record() (or only through "
                    "detach()), so it has no gradient.")
    cdef list ready = []
    cdef Py_ssize_t n_ready = 0  # the stack is ready[:n_ready] (see _push)
    cdef list delivered = []
    cdef list kept = []             # (node, gradients) of outputs under retain_grad
    cdef list results = [None] * (len(variables) if variables is not None else 0)
    try:
        for k in range(len(heads)):
            node = head_nodes[k]
            if node.useful:
                _accumulate(node, (<Array>heads[k])._index, head_grads[k],
                            _n_outputs(node), create_graph)
        for node in head_nodes:
            if node.useful and node.deps == 0 and node not in ready[:n_ready]:
                n_ready = _push(ready, n_ready, node)
        while n_ready:
            n_ready -= 1
            node = ready[n_ready]
            if targets is not None and node in targets:
                for k, idx in targets[node]:
                    results[k] = node.grads[idx] if node.grads is not None else None
            if isinstance(node, VarNode):
                if targets is None:
                    delivered.append((node, node.grads[0] if node.grads else None))
                node.grads = None
            else:
                if targets is None and (<OpNode>node).retained is not None:
                    kept.append((node, list(node.grads) if node.grads else None))
                n_ready = _run_node(<OpNode>node, create_graph, ready, n_ready)
                if not retain_graph:  # free what it saved now: lower peak memory
                    _release(<OpNode>node)
    finally:
        for node in order:
            node.grads = None
            node.deps = 0
    for k in range(len(delivered)):
        node, g = delivered[k]
        delivered[k] = None  # so that `g` is the only reference to a fresh gradient
        _deliver(<VarNode>node, g)
        g = None
    for node, gs in kept:
        _keep(<OpNode>node, gs)
    if variables is None:
        return None
    for k, v in enumerate(variables):
        if results[k] is None:
            z = np.zeros_like((<Array>v)._data)
            results[k] = _wrap(type(v), z, None, 0) if create_graph else z
    return results


cdef _keep(OpNode node, list gs):
    """Store a copy of the gradient that reached each retained output (zeros if none)."""
    for idx in node.retained:
        g = gs[idx] if gs is not None else None
        if g is None:
            data = np.zeros(node.out_meta[idx].shape, dtype=node.out_meta[idx].dtype)
        else:
            data = np.array(g._data if isinstance(g, Array) else g, copy=True)
        node.retained[idx] = _wrap(node.cls, data, None, 0)


cdef inline bint _replaceable(object old, object g):
    """The buffer ``old`` may be swapped for the gradient ``g`` instead of copied
    into: the caller's reference is all there is to ``g`` (a fresh array nobody else
    sees), ``old`` is referred to by its Array alone (no view, no NumPy alias of
    ``x.grad`` exists, so nobody can tell), and both are plain writable C-contiguous
    arrays of one dtype and shape."""
    return (cnp.PyArray_CheckExact(g) and cnp.PyArray_CheckExact(old)
            and Py_REFCNT(g) == 2 and Py_REFCNT(old) == 2  # + the caller's references
            and _plain(<cnp.ndarray>old) and _plain(<cnp.ndarray>g)
            and cnp.PyArray_SAMESHAPE(<cnp.ndarray>old, <cnp.ndarray>g)
            and cnp.PyArray_TYPE(<cnp.ndarray>old) == cnp.PyArray_TYPE(<cnp.ndarray>g))


cdef inline bint _plain(cnp.ndarray a):
    """Owns its memory, which is writable, aligned, C-contiguous and in native byte
    order."""
    return cnp.PyArray_BASE(a) == NULL and cnp.PyArray_ISCARRAY(a)


cdef _deliver(VarNode node, object g):
    if node.grad_req == "null" or node.grad is None:
        return
    cdef Array buf = node.grad
    if isinstance(g, Array):
        g = (<Array>g)._data
    if node.grad_req == "add":
        if g is None:
            return
        np.add(buf._data, g, out=buf._data, casting="unsafe")
    elif g is None:
        buf._data[...] = 0
    elif _replaceable(buf._data, g):
        buf._data = g  # MXNet writes into the buffer; here no one can see the difference
    else:
        np.copyto(buf._data, g, casting="unsafe")
    if buf._version is not None:
        buf._version.value += 1
