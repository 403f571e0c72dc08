# The tape: arrays, ops, graph nodes. See docs/architecture.md for how they fit.

cdef class Array


cdef class Version:
    # Shared by an array and the views of its memory; bumped on every in-place write.
    cdef public Py_ssize_t value


cdef class Meta:
    # Shape and dtype of an array an op did not save: all its VJPs may read of it.
    cdef readonly tuple shape
    cdef readonly object dtype
    cdef readonly Py_ssize_t ndim
    cdef readonly Py_ssize_t size


cdef class Op:
    cdef readonly str name
    cdef readonly object forward       # raw NumPy arrays and scalars -> array or tuple
    cdef readonly object fast          # None, or a compiled forward for common cases,
                                       # tried first with the same arguments: its
                                       # result, or None to leave the call to forward
    cdef readonly object vjp_forward   # forward as Calls run it in a plain backward:
                                       # may return read-only views of its arguments
    cdef readonly object vjp_add       # None, or f(*args, acc): acc += vjp_forward(*args)
                                       # in one pass, True if done (plain backward only)
    cdef readonly tuple vjps           # per input: f(g, ans, *inputs, **kw) or None
    cdef readonly bint variadic        # one vjp for all inputs: f(g, ans, *inputs,
                                       # argnums=(i, ...), **kw) -> their gradients
    cdef readonly bint differentiable
    cdef readonly bint save_inputs
    cdef readonly bint save_output
    cdef readonly bint view            # output shares memory with input 0
    cdef object vjp_for(self, Py_ssize_t i)


cdef class Call:
    cdef readonly Op op                # None: pass the slot's value through
    cdef readonly tuple slots          # G, ANS or input positions: the op's arguments
    cdef Py_ssize_t at[3]              # the same, for the engine
    cdef Py_ssize_t n
    cdef Call bound(self, Op owner)
    cdef tuple args(self, object g, object ans, tuple ins)
    cdef object run(self, object g, object ans, tuple ins, bint graph)
    cdef bint add_into(self, object g, object ans, tuple ins, object acc)


cdef class Node:
    cdef tuple parents                 # per input: producing Node, or None (no gradient)
    cdef tuple parent_idx              # per input: which output of that Node
    cdef readonly bint needs_grad
    # scratch of one backward pass
    cdef Py_ssize_t mark
    cdef Py_ssize_t deps
    cdef bint useful
    cdef list grads


cdef class VarNode(Node):
    cdef public Array grad             # the buffer gradients are written to (or None)
    cdef public str grad_req


cdef class OpNode(Node):
    cdef readonly Op op
    cdef tuple inputs                  # saved raw inputs (None unless op.save_inputs)
    cdef object output                 # saved raw output(s) (None unless op.save_output)
    cdef tuple versions                # Version, value, Version, value... (saved arrays)
    cdef dict kwargs
    cdef tuple in_meta                 # Meta per array input, else None
    cdef tuple out_meta                # (shape, dtype) per output
    cdef type cls                      # array class to wrap saved values in
    cdef bint multi                    # forward returned a tuple
    cdef readonly bint released
    cdef public object trace           # where the op was recorded (anomaly mode)
    cdef public dict retained          # output index -> gradient kept by retain_grad


cdef class Array:
    cdef public object _data           # numpy.ndarray
    cdef public Node _node             # VarNode, OpNode, or None
    cdef public Py_ssize_t _index      # output index in _node
    cdef public Version _version       # None until something needs it
    cdef object __weakref__
