# ruff: noqa: E501
"""jaxprs / transforms / errors / reprs fixture cases for tools/make_jax_fixtures.py.

Cases may carry a "source" string: it is exec'd (in a fresh namespace holding jax, jnp,
lax, np, math, partial, functools, inputs and the input names it mentions) before
"expr" is evaluated in the same namespace.
"""
import textwrap


def S(src):
    return textwrap.dedent(src).strip("\n") + "\n"


# =========================================================================== jaxprs

JAXPR_FUNCS = [
    ("sin_times_2", "def f(x):\n    return jnp.sin(x) * 2\n", ["s_f32", "x_f32", "3.0"]),
    ("python_scalar_literal", "def f(x):\n    return x * 2 + 1.5\n", ["w_f32", "w_i32"]),
    ("weak_typed_input", "def f(x):\n    return x + 1\n", ["1.0", "1", "s_f32", "jnp.asarray(1.0)"]),
    ("closure_const_array", "c = jnp.arange(3.0)\ndef f(x):\n    return x + c\n", ["w_f32"]),
    ("closure_numpy_const", "c = np.arange(3.0)\ndef f(x):\n    return x * c\n", ["w_f32"]),
    ("closure_scalar_const", "c = jnp.float32(2.0)\ndef f(x):\n    return x * c\n", ["w_f32"]),
    ("dot", "def f(a, b):\n    return jnp.dot(a, b)\n", ["x_f32, r_f32", "x_f32, v_f32"]),
    ("matmul_batched", "def f(a, b):\n    return a @ b\n", ["bm_f32, bm_f32"]),
    ("sum_axis", "def f(x):\n    return jnp.sum(x, axis=0)\n", ["x_f32", "x_i8"]),
    ("max_axis_keepdims", "def f(x):\n    return jnp.max(x, axis=1, keepdims=True)\n", ["x_f32"]),
    ("where", "def f(x):\n    return jnp.where(x > 0, x, 0.0)\n", ["x_f32"]),
    ("pytree_dict_input", "def f(p):\n    return p['w'] * p['b'] + 1.0\n", ["{'w': w_f32, 'b': s_f32}"]),
    ("multiple_outputs", "def f(x):\n    return x + 1, x * 2, {'s': jnp.sum(x)}\n", ["w_f32"]),
    ("nested_jit", "@jax.jit\ndef g(y):\n    return y * 2\ndef f(x):\n    return g(x) + 1\n", ["w_f32"]),
    ("jit_outer", "@jax.jit\ndef f(x):\n    return jnp.cos(x) + x\n", ["w_f32"]),
    ("grad_simple", "def h(x):\n    return jnp.sin(x) * x\nf = jax.grad(h)\n", ["s_f32", "3.0"]),
    ("grad_of_sum_tanh", "f = jax.grad(lambda x: jnp.sum(jnp.tanh(x)))\n", ["w_f32"]),
    ("value_and_grad", "f = jax.value_and_grad(lambda x: jnp.sum(x ** 2))\n", ["w_f32"]),
    ("vmap_matvec", "f = jax.vmap(lambda m, v: jnp.dot(m, v), in_axes=(None, 0))\n", ["x_f32, r_f32.T"]),
    ("vmap_sum", "f = jax.vmap(jnp.sum)\n", ["x_f32"]),
    ("lax_cond", "def f(p, x):\n    return lax.cond(p, lambda v: v + 1.0, lambda v: v * 2.0, x)\n", ["True, s_f32"]),
    ("lax_cond_closure", "def f(x):\n    return lax.cond(x > 0, lambda: jnp.sin(x), lambda: jnp.cos(x))\n", ["s_f32"]),
    ("lax_switch", "def f(i, x):\n    return lax.switch(i, [jnp.sin, jnp.cos, jnp.tanh], x)\n", ["1, s_f32"]),
    ("lax_while_loop", "def f(x):\n    return lax.while_loop(lambda c: c < 10.0, lambda c: c * 2.0, x)\n", ["s_f32"]),
    ("lax_fori_loop_static", "def f(x):\n    return lax.fori_loop(0, 3, lambda i, c: c + i, x)\n", ["s_f32"]),
    ("lax_fori_loop_dynamic", "def f(n, x):\n    return lax.fori_loop(0, n, lambda i, c: c * 2.0, x)\n", ["3, s_f32"]),
    ("lax_scan", "def f(xs):\n    return lax.scan(lambda c, x: (c + x, c * x), 0.0, xs)\n", ["w_f32"]),
    ("jvp_sin", "def f(x, t):\n    return jax.jvp(jnp.sin, (x,), (t,))\n", ["s_f32, t_f32"]),
    ("vjp_sin", "def f(x, ct):\n    y, pb = jax.vjp(jnp.sin, x)\n    return pb(ct)\n", ["w_f32, w_f32"]),
    ("integer_pow", "def f(x):\n    return x ** 3\n", ["w_f32", "w_i32"]),
    ("at_set", "def f(x):\n    return x.at[0].set(1.0)\n", ["w_f32"]),
    ("at_add_array_index", "def f(x, i):\n    return x.at[i].add(1.0)\n", ["w_f32, jnp.array([0, 2])"]),
    ("static_slice", "def f(x):\n    return x[1:3]\n", ["l_f32", "x_f32"]),
    ("dynamic_index", "def f(x, i):\n    return x[i]\n", ["w_f32, 1", "x_f32, jnp.int32(1)"]),
    ("gather_int_array", "def f(x):\n    return x[jnp.array([0, 2])]\n", ["w_f32"]),
    ("convert_element_type", "def f(x):\n    return x.astype(jnp.int32)\n", ["w_f32"]),
    ("convert_weak", "def f(x):\n    return jnp.float32(x) + 1\n", ["1"]),
    ("broadcast_add", "def f(a, b):\n    return a + b\n", ["jnp.ones((3, 1)), jnp.ones((1, 4))", "x_f32, v_f32", "x_f32, 1.0"]),
    ("custom_jvp", S("""
        @jax.custom_jvp
        def f(x):
            return jnp.log1p(jnp.exp(x))
        @f.defjvp
        def f_jvp(primals, tangents):
            x, = primals
            t, = tangents
            return f(x), t * jax.nn.sigmoid(x)
        """), ["s_f32"]),
    ("custom_jvp_grad", S("""
        @jax.custom_jvp
        def g(x):
            return jnp.log1p(jnp.exp(x))
        @g.defjvp
        def g_jvp(primals, tangents):
            x, = primals
            t, = tangents
            return g(x), t * jax.nn.sigmoid(x)
        f = jax.grad(g)
        """), ["s_f32"]),
    ("custom_vjp", S("""
        @jax.custom_vjp
        def f(x):
            return jnp.sin(x)
        def f_fwd(x):
            return jnp.sin(x), jnp.cos(x)
        def f_bwd(res, g):
            return (res * g,)
        f.defvjp(f_fwd, f_bwd)
        """), ["s_f32"]),
    ("relu", "f = jax.nn.relu\n", ["w_f32"]),
    ("softmax", "f = jax.nn.softmax\n", ["w_f32"]),
    ("mean", "f = jnp.mean\n", ["x_f32", "x_i32"]),
    ("checkpoint", "f = jax.checkpoint(lambda x: jnp.sin(jnp.sin(x)))\n", ["s_f32"]),
    ("grad_checkpoint", "f = jax.grad(jax.checkpoint(lambda x: jnp.sin(jnp.sin(x))))\n", ["s_f32"]),
    ("cumsum_sort_argmax", "def f(x):\n    return jnp.cumsum(x), jnp.sort(x), jnp.argmax(x)\n", ["w_f32"]),
    ("constant_output", "def f(x):\n    return 1.0\n", ["s_f32"]),
    ("identity", "def f(x):\n    return x\n", ["w_f32"]),
    ("no_args", "def f():\n    return jnp.zeros(2)\n", [""]),
    ("reshape_transpose", "def f(x):\n    return x.reshape(4, 3).T\n", ["x_f32"]),
    ("concatenate_stack", "def f(a, b):\n    return jnp.concatenate([a, b]), jnp.stack([a, b])\n", ["w_f32, w_f32"]),
    ("linalg_norm", "f = jnp.linalg.norm\n", ["w_f32"]),
    ("logsumexp", "f = jax.nn.logsumexp\n", ["w_f32"]),
    ("random_uniform", "def f(k):\n    return jax.random.uniform(k, (2,))\n", ["jax.random.PRNGKey(0)"]),
    ("random_split", "def f(k):\n    return jax.random.split(k)\n", ["jax.random.PRNGKey(0)"]),
    ("pjit_twice", "g = jax.jit(lambda y: y + 1)\ndef f(x):\n    return g(g(x))\n", ["w_f32"]),
    ("jacfwd", "f = jax.jacfwd(lambda x: jnp.sin(x) * x[0])\n", ["w_f32"]),
    ("hessian", "f = jax.hessian(lambda x: jnp.sum(x ** 3))\n", ["w_f32"]),
    ("stop_gradient", "def f(x):\n    return x * lax.stop_gradient(x)\n", ["s_f32"]),
    ("expand_squeeze", "def f(x):\n    return jnp.expand_dims(x, 0).squeeze(0)\n", ["w_f32"]),
    ("bool_ops", "def f(x):\n    return jnp.logical_and(x > 0, x < 1)\n", ["w_f32"]),
    ("clip", "def f(x):\n    return jnp.clip(x, -1.0, 1.0)\n", ["w_f32"]),
    ("int_div", "def f(a, b):\n    return a // b, a % b\n", ["w_i32, w_i32"]),
]


def jaxpr_cases():
    out = []
    for name, src, arg_list in JAXPR_FUNCS:
        for args in arg_list:
            out.append({"name": name, "source": src, "expr": f"jax.make_jaxpr(f)({args})"})
    # static_argnums / kwargs / return_shape
    out.append({"name": "static_argnums", "source": "def f(x, n):\n    return x * n\n",
                "expr": "jax.make_jaxpr(f, static_argnums=1)(w_f32, 3)"})
    out.append({"name": "static_argnums_loop", "source": "def f(x, n):\n    for _ in range(n):\n        x = jnp.sin(x)\n    return x\n",
                "expr": "jax.make_jaxpr(f, static_argnums=(1,))(s_f32, 2)"})
    out.append({"name": "return_shape", "source": "def f(x):\n    return x.sum(), x * 2\n",
                "expr": "jax.make_jaxpr(f, return_shape=True)(w_f32)[1]"})
    out.append({"name": "shape_dtype_struct_args", "source": "def f(x):\n    return jnp.sin(x) * 2\n",
                "expr": "jax.make_jaxpr(f)(jax.ShapeDtypeStruct((2, 3), jnp.float32))"})
    out.append({"name": "jit_static_argnames", "source": "@partial(jax.jit, static_argnames='n')\ndef g(x, n):\n    return x ** n\ndef f(x):\n    return g(x, n=2)\n",
                "expr": "jax.make_jaxpr(f)(w_f32)"})
    out.append({"name": "x64_dot", "source": "def f(a, b):\n    return jnp.dot(a, b) + 1.0\n",
                "expr": "jax.make_jaxpr(f)(x_f64, r_f64)", "x64": True})
    out.append({"name": "x64_weak", "source": "def f(x):\n    return x * 2 + 1.5\n",
                "expr": "jax.make_jaxpr(f)(1.0)", "x64": True})
    out.append({"name": "x64_arange", "source": "def f(x):\n    return x + jnp.arange(3)\n",
                "expr": "jax.make_jaxpr(f)(w_i64)", "x64": True})
    return out


# =========================================================================== transforms

def transform_cases():
    out = []

    def T(name, source, *exprs, x64=False):
        for e in exprs:
            d = {"name": name, "source": S(source) if source else "", "expr": e}
            if x64:
                d["x64"] = True
            out.append(d)

    T("grad_tanh_sum", "def f(x):\n    return jnp.sum(jnp.tanh(x))\n",
      "jax.grad(f)(x_f32)", "jax.grad(f)(w_f32)", "jax.value_and_grad(f)(w_f32)", "jax.jit(jax.grad(f))(w_f32)",
      "jax.grad(jax.jit(f))(w_f32)", "jax.grad(f)(x_f16)", "jax.grad(f)(x_bf16)")
    T("grad_scalar_weak", "def f(x):\n    return x ** 2 + 3 * x\n",
      "jax.grad(f)(3.0)", "jax.grad(f)(jnp.float32(3.0))", "jax.grad(f)(jnp.float16(3.0))", "jax.grad(f)(jnp.asarray(3.0))",
      "jax.grad(f)(3)", "jax.grad(f, allow_int=True)(3)", "jax.grad(f)(jnp.bfloat16(3.0))",
      "jax.grad(lambda x, n: x * n, argnums=(0, 1), allow_int=True)(2.0, 3)",
      "jax.grad(lambda x, n: x * n, argnums=1, allow_int=True)(2.0, jnp.array([1, 2]))",
      "jax.jacrev(lambda x, n: x * n, argnums=(0, 1), allow_int=True)(2.0, 3)")
    T("higher_order_sin", "",
      "jax.grad(jax.grad(jax.grad(jnp.sin)))(1.0)", "jax.grad(jax.grad(jnp.sin))(1.0)",
      "jax.grad(jax.grad(jax.grad(jax.grad(jnp.tanh))))(0.5)", "jax.jacfwd(jax.jacrev(jnp.sin))(1.0)",
      "jax.grad(jax.grad(lambda x: x ** 3))(2.0)", "jax.grad(jax.grad(lambda x: jnp.exp(-x ** 2)))(0.3)")
    T("hessian_quadratic", "A = m_f32\ndef f(x):\n    return x @ A @ x\n",
      "jax.hessian(f)(v_f32)", "jax.grad(f)(v_f32)", "jax.jacfwd(jax.grad(f))(v_f32)", "jax.jacrev(jax.jacfwd(f))(v_f32)")
    T("jacfwd_jacrev", "def f(x):\n    return jnp.sin(x) * jnp.sum(x ** 2)\n",
      "jax.jacfwd(f)(w_f32)", "jax.jacrev(f)(w_f32)", "jax.jacfwd(jax.jacrev(f))(w_f32)", "jax.jacrev(jax.jacrev(f))(w_f32)",
      "jax.hessian(lambda x: jnp.sum(f(x)))(w_f32)", "jax.jacobian(f)(w_f32)")
    T("jac_matrix_in_out", "def f(x):\n    return jnp.tanh(x @ x.T)\n",
      "jax.jacfwd(f)(x_f32[:2, :3])", "jax.jacrev(f)(x_f32[:2, :3])")
    T("vmap_grad_in_axes", "def f(w, x):\n    return jnp.tanh(jnp.dot(w, x))\n",
      "jax.vmap(jax.grad(f), in_axes=(None, 0))(v_f32, x_f32)", "jax.vmap(jax.grad(f, argnums=1), in_axes=(None, 0))(v_f32, x_f32)",
      "jax.vmap(f, in_axes=(None, 0))(v_f32, x_f32)", "jax.vmap(f, in_axes=(0, 0))(x_f32, y_f32)",
      "jax.vmap(f, in_axes=(None, 1))(w_f32, x_f32)", "jax.vmap(jax.value_and_grad(f), in_axes=(None, 0))(v_f32, x_f32)",
      "jax.jit(jax.vmap(jax.grad(f), in_axes=(None, 0)))(v_f32, x_f32)")
    T("per_example_grads", S("""
        def loss(params, x, y):
            w, b = params
            pred = jnp.dot(x, w) + b
            return (pred - y) ** 2
        params = (v_f32, 0.5)
        """),
      "jax.vmap(jax.grad(loss), in_axes=(None, 0, 0))(params, x_f32, w_f32)",
      "jax.grad(lambda p: jnp.mean(jax.vmap(loss, in_axes=(None, 0, 0))(p, x_f32, w_f32)))(params)")
    T("dict_params_linreg_grad", S("""
        xs, ys = inputs.linreg_data()
        xs = jnp.asarray(xs); ys = jnp.asarray(ys)
        def loss(params, x, y):
            pred = params['w'] * x + params['b']
            return jnp.mean((pred - y) ** 2)
        params0 = {'w': jnp.float32(0.0), 'b': jnp.float32(0.0)}
        def train(n, lr=0.05):
            p = params0
            for _ in range(n):
                g = jax.grad(loss)(p, xs, ys)
                p = jax.tree.map(lambda a, b: a - lr * b, p, g)
            return p
        @jax.jit
        def step(p):
            g = jax.grad(loss)(p, xs, ys)
            return jax.tree.map(lambda a, b: a - 0.05 * b, p, g)
        def train_jit(n):
            return lax.fori_loop(0, n, lambda i, p: step(p), params0)
        """),
      "jax.grad(loss)(params0, xs, ys)", "jax.value_and_grad(loss)(params0, xs, ys)", "train(1)", "train(10)",
      "train_jit(100)", "train_jit(1000)", "loss(train_jit(1000), xs, ys)",
      "jax.jit(jax.grad(loss))(params0, xs, ys)", "jax.grad(loss, argnums=(0, 1))(params0, xs, ys)")
    T("rosenbrock_gd", S("""
        def rosen(p):
            x, y = p[0], p[1]
            return (1.0 - x) ** 2 + 100.0 * (y - x ** 2) ** 2
        LR = 0.001
        p0 = jnp.array([-1.2, 1.0])
        @jax.jit
        def step(p):
            return p - LR * jax.grad(rosen)(p)
        def run(n):
            return lax.fori_loop(0, n, lambda i, p: step(p), p0)
        def run_py(n):
            p = p0
            for _ in range(n):
                p = p - LR * jax.grad(rosen)(p)
            return p
        """),
      "jax.grad(rosen)(p0)", "jax.hessian(rosen)(p0)", "jax.grad(rosen)(jnp.array([1.0, 1.0]))", "run_py(5)", "run(100)",
      "run(1000)", "run(5000)", "run(20000)", "run(50000)", "rosen(run(50000))")
    T("sigmoid_sum_value_and_grad", S("""
        def f(A, b, x):
            return jnp.sum(jax.nn.sigmoid(A @ x + b))
        """),
      "jax.value_and_grad(f, argnums=(0, 1))(x_f32, w_f32, v_f32)", "jax.grad(f)(x_f32, w_f32, v_f32)",
      "jax.grad(f, argnums=2)(x_f32, w_f32, v_f32)", "jax.value_and_grad(f, argnums=(0, 1, 2))(x_f32, w_f32, v_f32)")
    T("logistic_predict", S("""
        def sigmoid(x):
            return 0.5 * (jnp.tanh(x / 2) + 1)
        def predict(W, b, inputs):
            return sigmoid(jnp.dot(inputs, W) + b)
        inputs_ = jnp.array([[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.30], [0.74, -2.49, 1.39]])
        targets = jnp.array([True, True, False, True])
        W = jnp.array([0.1, -0.2, 0.3])
        b = jnp.float32(0.05)
        def loss(W, b):
            preds = predict(W, b, inputs_)
            label_probs = preds * targets + (1 - preds) * (1 - targets)
            return -jnp.sum(jnp.log(label_probs))
        """),
      "jax.jvp(lambda W: predict(W, b, inputs_), (W,), (jnp.array([1.0, 0.0, 0.0]),))",
      "jax.vjp(lambda W: predict(W, b, inputs_), W)[1](jnp.ones(4))",
      "jax.vjp(predict, W, b, inputs_)[1](jnp.ones(4))",
      "jax.grad(loss)(W, b)", "jax.grad(loss, 1)(W, b)", "jax.grad(loss, (0, 1))(W, b)", "jax.value_and_grad(loss)(W, b)",
      "jax.jacfwd(predict)(W, b, inputs_)", "jax.jacrev(predict)(W, b, inputs_)", "jax.hessian(loss)(W, b)",
      "jax.jacrev(lambda p: predict(p['W'], p['b'], inputs_))({'W': W, 'b': b})",
      "jax.linearize(lambda W: predict(W, b, inputs_), W)[1](jnp.array([0.0, 1.0, 0.0]))")
    T("registered_point", S("""
        @jax.tree_util.register_pytree_node_class
        class Point:
            def __init__(self, x, y):
                self.x = x
                self.y = y
            def tree_flatten(self):
                return (self.x, self.y), None
            @classmethod
            def tree_unflatten(cls, aux, children):
                return cls(*children)
        def f(p):
            return p.x ** 2 + 3.0 * p.y * p.x
        def unpack(p):
            return (p.x, p.y)
        """),
      "unpack(jax.grad(f)(Point(1.0, 2.0)))", "jax.grad(f)(Point(jnp.float32(1.0), jnp.float32(2.0)))",
      "unpack(jax.jit(lambda p: Point(p.y, p.x))(Point(1.0, 2.0)))",
      "unpack(jax.vmap(lambda p: Point(p.x * 2, p.y + p.x))(Point(w_f32, w_f32)))",
      "jax.tree_util.tree_structure(Point(1.0, 2.0))", "jax.tree.leaves(Point(1.0, (2.0, 3.0)))")
    T("grad_conventions", "",
      "jax.grad(jnp.abs)(0.0)", "jax.grad(jnp.abs)(-0.0)", "jax.grad(jax.nn.relu)(0.0)", "jax.grad(lambda x: jnp.maximum(x, 1.0))(1.0)",
      "jax.grad(lambda x: jnp.minimum(x, 1.0))(1.0)", "jax.grad(jnp.sqrt)(0.0)", "jax.grad(jnp.linalg.norm)(jnp.zeros(3))",
      "jax.grad(lambda x: jnp.where(x > 0, jnp.sqrt(x), 0.0))(0.0)", "jax.grad(lambda x: jnp.max(jnp.array([x, x, 1.0])))(1.0)",
      "jax.grad(lambda x: jnp.max(jnp.stack([x, x])))(1.0)", "jax.grad(lambda x: jnp.sum(jnp.max(x)))(jnp.array([1.0, 3.0, 3.0]))",
      "jax.grad(lambda x: jnp.min(x))(jnp.array([1.0, 1.0, 3.0]))", "jax.grad(jnp.sign)(0.0)", "jax.grad(jnp.floor)(1.5)",
      "jax.grad(jnp.round)(1.5)", "jax.grad(lambda x: x ** 0)(0.0)", "jax.grad(lambda x: x ** 2.0)(0.0)",
      "jax.grad(lambda x: x ** 0.5)(0.0)", "jax.grad(lambda x: x ** 3)(0.0)", "jax.grad(lambda x: x ** -1)(0.0)",
      "jax.grad(lambda x: jnp.power(x, 2.5))(0.0)", "jax.grad(lambda x: jnp.power(2.0, x))(0.0)", "jax.grad(lambda x: jnp.power(0.0, x))(2.0)",
      "jax.grad(lambda x: jnp.arctan2(x, 0.0))(0.0)", "jax.grad(lambda x: jnp.linalg.norm(x))(jnp.array([3.0, 4.0]))",
      "jax.grad(jax.nn.softplus)(0.0)", "jax.grad(jax.nn.sigmoid)(0.0)", "jax.grad(jax.nn.gelu)(1.0)",
      "jax.grad(lambda x: jax.nn.gelu(x, approximate=False))(1.0)", "jax.grad(jax.nn.silu)(1.0)", "jax.grad(jax.nn.elu)(0.0)",
      "jax.grad(jax.nn.leaky_relu)(0.0)", "jax.grad(jax.nn.relu6)(6.0)", "jax.grad(jax.nn.hard_tanh)(1.0)",
      "jax.grad(lambda x: jax.nn.logsumexp(x))(w_f32)", "jax.grad(lambda x: jax.nn.logsumexp(x))(jnp.array([-jnp.inf, 0.0]))",
      "jax.grad(lambda x: jnp.sum(jax.nn.softmax(x) * jnp.arange(3.0)))(w_f32)",
      "jax.grad(lambda x: jnp.sum(jax.nn.log_softmax(x)[0]))(w_f32)", "jax.grad(lambda x: jnp.clip(x, 0.0, 1.0))(1.0)",
      "jax.grad(lambda x: jnp.clip(x, 0.0, 1.0))(0.0)", "jax.grad(lambda x: jnp.clip(x, 0.0, 1.0))(0.5)",
      "jax.grad(lambda x: jnp.log(x))(0.0)", "jax.grad(lambda x: x * jnp.log(x))(0.0)", "jax.grad(lambda x: jax.scipy.special.xlogy(x, x))(0.0)",
      "jax.grad(lambda x: jnp.sinc(x))(0.0)", "jax.grad(lambda x: jnp.arcsin(x))(1.0)", "jax.grad(lambda x: jnp.cbrt(x))(0.0)",
      "jax.grad(lambda x: jnp.prod(x))(jnp.array([2.0, 0.0, 3.0]))", "jax.grad(lambda x: jnp.prod(x))(jnp.array([0.0, 0.0, 3.0]))",
      "jax.grad(lambda x: jnp.sum(jnp.cumprod(x)))(jnp.array([2.0, 0.0, 3.0]))",
      "jax.grad(lambda x: jnp.sum(jnp.sort(x) * jnp.arange(4.0)))(v_f32)", "jax.grad(lambda x: jnp.sum(jnp.cumsum(x) ** 2))(w_f32)",
      "jax.grad(lambda x: x[jnp.array([0, 0, 1])].sum())(w_f32)", "jax.grad(lambda x: x.at[0].set(0.0).sum())(w_f32)",
      "jax.grad(lambda x: x.at[0].add(x[1]).sum())(w_f32)", "jax.grad(lambda x: x.at[0].mul(x[1]).sum())(w_f32)",
      "jax.grad(lambda x: jnp.sum(jnp.where(x > 0, x, jnp.log(x))))(w_f32)",
      "jax.grad(lambda x: jnp.sum(jnp.where(x > 0, x, 0.0) ** 2))(w_f32)", "jax.grad(lambda x: jnp.mean(x))(x_f32)",
      "jax.grad(lambda x: jnp.std(x))(w_f32)", "jax.grad(lambda x: jnp.var(x))(w_f32)", "jax.grad(lambda x: jnp.median(x))(n_f32)",
      "jax.grad(lambda x: jnp.sum(jnp.abs(x)))(jnp.array([-1.0, 0.0, 2.0]))", "jax.grad(lambda x: jnp.max(jnp.abs(x)))(jnp.array([-2.0, 0.0, 2.0]))",
      "jax.grad(lambda x: jnp.sum(lax.stop_gradient(x) * x))(w_f32)", "jax.grad(lambda x: jnp.sum(x[1:] * x[:-1]))(w_f32)",
      "jax.grad(lambda x: jnp.sum(x.reshape(2, 6).T @ jnp.ones(2)))(l_f32)",
      "jax.grad(lambda x: jnp.sum(jnp.linalg.inv(x)))(m_f32)", "jax.grad(lambda x: jnp.linalg.det(x))(m_f32)",
      "jax.grad(lambda x: jnp.sum(jnp.linalg.solve(x, v_f32)))(m_f32)", "jax.grad(lambda x: jnp.sum(jnp.linalg.cholesky(x)))(spd_f32)",
      "jax.grad(lambda x: jnp.sum(jnp.linalg.eigh(x)[0] ** 2))(spd_f32)", "jax.grad(lambda x: jnp.linalg.slogdet(x)[1])(m_f32)",
      "jax.grad(lambda x: jnp.sum(jnp.linalg.svd(x, compute_uv=False)))(x_f32)",
      "jax.grad(lambda x: jnp.sum(jnp.fft.fft(x).real))(sig_f32)", "jax.grad(lambda x: jnp.sum(jnp.abs(jnp.fft.rfft(x)) ** 2))(sig_f32)",
      "jax.grad(lambda x: jnp.sum(jnp.take(x, jnp.array([0, 20]))))(l_f32)",
      "jax.grad(lambda x: jnp.sum(jnp.take(x, jnp.array([0, 20]), mode='clip')))(l_f32)",
      "jax.grad(lambda x: jnp.sum(lax.dynamic_slice(x, (10,), (3,))))(l_f32)",
      "jax.grad(lambda x: jnp.sum(jnp.pad(x, 2, mode='reflect')))(w_f32)", "jax.grad(lambda x: jnp.sum(jnp.roll(x, 1) * jnp.arange(3.0)))(w_f32)",
      "jax.grad(lambda x: jnp.sum(lax.reduce_window(x, -jnp.inf, lax.max, (2, 2), (1, 1), 'VALID')))(x_f32)",
      "jax.grad(lambda x: jnp.sum(lax.reduce_window(x, 0.0, lax.add, (2, 2), (2, 1), 'SAME')))(x_f32)",
      "jax.grad(lambda k: jnp.sum(lax.conv_general_dilated(img_f32, k, (1, 1), 'SAME')))(ker_f32)",
      "jax.grad(lambda x: jnp.sum(lax.conv_general_dilated(x, ker_f32, (2, 2), 'SAME') ** 2))(img_f32)",
      "jax.grad(lambda x: jnp.sum(lax.cummax(x, axis=0)))(jnp.array([1.0, 3.0, 2.0, 3.0]))",
      "jax.grad(lambda x: jnp.sum(lax.cumlogsumexp(x, axis=0)))(w_f32)",
      "jax.grad(lambda x: lax.top_k(x, 2)[0].sum())(l_f32)", "jax.grad(lambda x: jnp.sum(jax.nn.one_hot(2, 3) * x))(w_f32)",
      "jax.grad(lambda x: jnp.sum(jnp.einsum('ij,jk->ik', x, r_f32)))(x_f32)",
      "jax.grad(lambda x: jnp.sum(lax.integer_pow(x, -2)))(p_f32)", "jax.grad(lambda x: jnp.sum(lax.rsqrt(x)))(p_f32)",
      "jax.grad(lambda x: jnp.sum(jax.scipy.special.erf(x)))(w_f32)", "jax.grad(lambda x: jnp.sum(lax.erf_inv(x)))(u_f32)",
      "jax.grad(lambda x: jnp.sum(lax.lgamma(x)))(p_f32)", "jax.grad(lambda x: jnp.sum(lax.digamma(x)))(p_f32)",
      "jax.grad(lambda x: jnp.sum(lax.igamma(x, 2.0)))(p_f32)", "jax.grad(lambda x: jnp.sum(lax.igamma(2.0, x)))(p_f32)",
      "jax.grad(lambda x: jnp.sum(jax.scipy.special.logsumexp(x, axis=1)))(x_f32)",
      "jax.grad(lambda x: jnp.sum(lax.logistic(x)))(w_f32)", "jax.grad(lambda x: jnp.sum(jnp.arctan2(x, 1.0 + x)))(w_f32)",
      "jax.grad(lambda x: jnp.sum(jnp.hypot(x, 2.0)))(w_f32)", "jax.grad(lambda x: jnp.sum(jnp.remainder(x, 0.7)))(w_f32)",
      "jax.grad(lambda x: jnp.sum(x.astype(jnp.float16).astype(jnp.float32)))(w_f32)", "jax.grad(lambda x: jnp.sum(x.astype(jnp.int32)))(w_f32)")
    T("complex_grads", "",
      "jax.grad(lambda z: z ** 2, holomorphic=True)(1.0 + 1.0j)", "jax.grad(lambda z: jnp.sin(z), holomorphic=True)(1.0 + 2.0j)",
      "jax.grad(lambda z: jnp.abs(z) ** 2)(3.0 + 4.0j)", "jax.grad(lambda z: jnp.real(z * jnp.conj(z)))(3.0 + 4.0j)",
      "jax.grad(lambda z: jnp.abs(z))(3.0 + 4.0j)", "jax.grad(lambda z: jnp.real(z))(1.0 + 1.0j)", "jax.grad(lambda z: jnp.imag(z))(1.0 + 1.0j)",
      "jax.grad(lambda z: jnp.real(z ** 2))(1.0 + 2.0j)", "jax.jacfwd(lambda z: z ** 2, holomorphic=True)(w_c64)",
      "jax.jacrev(lambda z: z ** 2, holomorphic=True)(w_c64)", "jax.vjp(lambda z: z ** 2, 1.0 + 1.0j)[1](1.0 + 0.0j)",
      "jax.jvp(lambda z: z ** 2, (1.0 + 1.0j,), (1.0 + 0.0j,))", "jax.grad(lambda x: jnp.abs(jnp.exp(1j * x)) ** 2)(0.5)",
      "jax.grad(lambda x: jnp.real(jnp.fft.fft(x)[1]))(sig_f32)", "jax.grad(lambda z: z ** 2)(1.0 + 1.0j)",
      "jax.grad(lambda x: x ** 2, holomorphic=True)(1.0)", "jax.grad(lambda z: jnp.sum(jnp.abs(z) ** 2))(w_c64)",
      "jax.vjp(jnp.conj, 1.0 + 2.0j)[1](1.0 + 1.0j)", "jax.jvp(jnp.abs, (3.0 + 4.0j,), (1.0 + 0.0j,))")
    T("custom_jvp_fn", S("""
        @jax.custom_jvp
        def softplus(x):
            return jnp.log1p(jnp.exp(x))
        @softplus.defjvp
        def softplus_jvp(primals, tangents):
            x, = primals
            t, = tangents
            return softplus(x), t * jax.nn.sigmoid(x)
        @jax.custom_jvp
        def f2(x, y):
            return jnp.sin(x) * y
        f2.defjvps(lambda t, ans, x, y: jnp.cos(x) * t * y, lambda t, ans, x, y: jnp.sin(x) * t)
        @partial(jax.custom_jvp, nondiff_argnums=(0,))
        def app(g, x):
            return g(x)
        @app.defjvp
        def app_jvp(g, primals, tangents):
            x, = primals
            t, = tangents
            return app(g, x), 3.0 * t
        """),
      "softplus(100.0)", "jax.grad(softplus)(100.0)", "jax.grad(softplus)(0.0)", "jax.vmap(jax.grad(softplus))(w_f32)",
      "jax.grad(jax.grad(softplus))(0.5)", "jax.jvp(softplus, (1.0,), (2.0,))", "jax.jit(jax.grad(softplus))(1.0)",
      "jax.grad(f2, argnums=(0, 1))(1.0, 2.0)", "jax.grad(lambda x: app(jnp.sin, x))(1.0)", "jax.jacrev(softplus)(w_f32)")
    T("custom_vjp_fn", S("""
        @jax.custom_vjp
        def clip_gradient(x):
            return x
        def cg_fwd(x):
            return x, None
        def cg_bwd(res, g):
            return (jnp.clip(g, -0.5, 0.5),)
        clip_gradient.defvjp(cg_fwd, cg_bwd)
        @jax.custom_vjp
        def f(x, y):
            return jnp.sin(x) * y
        def f_fwd(x, y):
            return f(x, y), (jnp.cos(x), jnp.sin(x), y)
        def f_bwd(res, g):
            cos_x, sin_x, y = res
            return (cos_x * g * y, None)
        f.defvjp(f_fwd, f_bwd)
        @partial(jax.custom_vjp, nondiff_argnums=(1,))
        def scaled(x, s):
            return x * s
        scaled.defvjp(lambda x, s: (x * s, None), lambda s, res, g: (g * s * 10.0,))
        """),
      "jax.grad(lambda x: jnp.sum(clip_gradient(x) * 3.0))(w_f32)", "jax.grad(lambda x: clip_gradient(x) ** 2)(2.0)",
      "jax.grad(f, argnums=(0, 1))(1.0, 2.0)", "jax.vmap(jax.grad(f))(w_f32, w_f32)", "jax.jit(jax.grad(f))(1.0, 2.0)",
      "jax.grad(scaled)(1.0, 2.0)", "f(1.0, 2.0)", "jax.jvp(lambda x: f(x, 2.0), (1.0,), (1.0,))",
      "jax.value_and_grad(lambda x: clip_gradient(x) * 5.0)(1.0)")
    T("custom_gradient_fn", S("""
        @jax.custom_gradient
        def f(x):
            return x ** 2, lambda g: (g * 100.0,)
        """), "jax.grad(f)(3.0)", "f(3.0)", "jax.vmap(jax.grad(f))(w_f32)")
    T("checkpoint_fn", S("""
        def g(x):
            return jnp.sin(jnp.sin(x))
        """),
      "jax.grad(jax.checkpoint(g))(2.0)", "jax.grad(jax.remat(g))(2.0)", "jax.vmap(jax.grad(jax.checkpoint(g)))(w_f32)",
      "jax.grad(jax.checkpoint(g, policy=jax.checkpoint_policies.dots_saveable))(2.0)",
      "jax.grad(lambda x: jnp.sum(jax.checkpoint(lambda y: jnp.tanh(y @ m_f32))(x)))(v_f32)",
      "jax.remat is jax.checkpoint")
    T("control_flow_grads", S("""
        def fcond(x):
            return lax.cond(x > 0, jnp.sin, jnp.cos, x)
        def fscan(x, xs):
            def body(c, a):
                c = c * a + jnp.sin(c)
                return c, c ** 2
            c, ys = lax.scan(body, x, xs)
            return c + jnp.sum(ys)
        def ffori(x):
            return lax.fori_loop(0, 4, lambda i, c: c * x + i, 1.0)
        def fwhile(x):
            return lax.while_loop(lambda c: c[1] < 3, lambda c: (c[0] * x, c[1] + 1), (1.0, 0))[0]
        def fswitch(i, x):
            return lax.switch(i, [jnp.sin, jnp.cos, lambda v: v ** 3], x)
        """),
      "jax.grad(fcond)(1.0)", "jax.grad(fcond)(-1.0)", "jax.vmap(jax.grad(fcond))(w_f32)", "jax.vmap(fcond)(w_f32)",
      "jax.grad(fscan)(0.5, w_f32)", "jax.grad(fscan, argnums=1)(0.5, w_f32)", "jax.jacfwd(fscan, argnums=1)(0.5, w_f32)",
      "jax.grad(ffori)(1.5)", "jax.jvp(fwhile, (1.5,), (1.0,))", "jax.jacfwd(fwhile)(1.5)", "jax.grad(fwhile)(1.5)",
      "jax.vmap(fwhile)(w_f32)", "jax.grad(fswitch, argnums=1)(2, 1.5)", "jax.grad(fswitch, argnums=1)(7, 1.5)",
      "jax.vmap(fswitch)(jnp.array([0, 1, 2]), w_f32)", "jax.grad(lambda n, x: lax.fori_loop(0, n, lambda i, c: c * x, 1.0), argnums=1)(3, 2.0)",
      "jax.jit(jax.grad(lambda x: lax.fori_loop(0, 3, lambda i, c: c * x, 1.0)))(2.0)",
      "jax.grad(lambda x: jax.jit(lambda n, y: lax.fori_loop(0, n, lambda i, c: c * y, 1.0))(3, x))(2.0)",
      "jax.linearize(fscan, 0.5, w_f32)[1](1.0, jnp.ones(3))", "jax.vmap(lambda x: fscan(x, w_f32))(w_f32)",
      "jax.vmap(fwhile)(jnp.array([0.5, 2.0, -1.0]))",
      "jax.vmap(lambda c: lax.while_loop(lambda v: v < 10.0, lambda v: v * 2.0, c))(jnp.array([1.0, 3.0, 20.0]))")
    T("jvp_vjp_linearize", S("""
        def f(x, y):
            return jnp.sin(x) * y, x + y
        """),
      "jax.jvp(jnp.sin, (1.0,), (1.0,))", "jax.jvp(f, (w_f32, w_f32), (jnp.ones(3), jnp.zeros(3)))",
      "jax.vjp(f, w_f32, w_f32)[1]((jnp.ones(3), jnp.ones(3)))", "jax.vjp(f, w_f32, w_f32)[0]",
      "jax.vjp(lambda x: (jnp.sin(x), x ** 2), 1.0, has_aux=False)[1]((1.0, 1.0))",
      "jax.vjp(lambda x: (jnp.sin(x), {'aux': x}), 1.0, has_aux=True)[2]", "jax.vjp(jnp.sin, 1.0)[1](1.0)",
      "jax.linearize(jnp.sin, 1.0)[0]", "jax.linearize(jnp.sin, 1.0)[1](2.0)", "jax.linearize(f, w_f32, w_f32)[1](jnp.ones(3), jnp.ones(3))",
      "jax.jvp(lambda x: x * 2, (3,), (np.zeros((), dtype=jax.float0),))", "jax.jvp(lambda x, n: x * n, (1.0, 3), (1.0, np.zeros((), dtype=jax.float0)))",
      "jax.jvp(lambda x: jnp.sum(x ** 2), (w_f32,), (w_f32,), has_aux=False)",
      "jax.jvp(lambda x: (jnp.sin(x), x), (1.0,), (1.0,), has_aux=True)",
      "jax.linear_transpose(lambda x: 2.0 * x + jnp.sum(x), w_f32)(jnp.ones(3))",
      "jax.linear_transpose(lambda x, y: x @ y, m_f32, v_f32)", "jax.linear_transpose(lambda x: x @ m_f32, v_f32)(jnp.ones(4))",
      "jax.jvp(jax.grad(jnp.sin), (1.0,), (1.0,))", "jax.grad(lambda x: jax.jvp(jnp.sin, (x,), (1.0,))[1])(1.0)",
      "jax.vjp(lambda x: x ** 2, 1)[1](1)")
    T("perturbation_confusion", "",
      "jax.grad(lambda x: x * jax.grad(lambda y: x + y)(1.0))(1.0)",
      "jax.grad(lambda x: jax.grad(lambda y: x * y)(2.0))(1.0)",
      "jax.jvp(lambda x: x * jax.jvp(lambda y: x * y, (2.0,), (1.0,))[1], (1.0,), (1.0,))",
      "jax.grad(lambda x: jax.grad(lambda y: x * y ** 2)(x))(3.0)",
      "jax.vmap(lambda x: jax.vmap(lambda y: x * y)(w_f32))(w_f32)")
    T("value_and_grad_aux", S("""
        def f(x):
            return jnp.sum(x ** 2), {'mean': jnp.mean(x), 'n': 3}
        """),
      "jax.value_and_grad(f, has_aux=True)(w_f32)", "jax.grad(f, has_aux=True)(w_f32)", "jax.jacrev(f, has_aux=True)(w_f32)",
      "jax.jacfwd(f, has_aux=True)(w_f32)", "jax.hessian(f, has_aux=True)(w_f32)")
    T("argnums_variants", "def f(a, b, c):\n    return jnp.sum(a * b + c ** 2)\n",
      "jax.grad(f, argnums=(0, 2))(w_f32, w_f32, w_f32)", "jax.grad(f, argnums=1)(w_f32, 2.0, w_f32)",
      "jax.grad(f, argnums=-1)(w_f32, w_f32, w_f32)", "jax.jacrev(f, argnums=(0, 1))(w_f32, w_f32, 1.0)",
      "jax.jacfwd(f, argnums=(1,))(w_f32, w_f32, 1.0)", "jax.grad(f)(w_f32, b=w_f32, c=1.0)",
      "jax.grad(lambda d: d['a'] * d['b'][0] + d['b'][1])({'a': 2.0, 'b': (3.0, 4.0)})",
      "jax.grad(lambda t: t[0] * t[1])((2.0, 3.0))", "jax.grad(lambda l: l[0] ** 2 + l[1])([2.0, 3.0])",
      "jax.grad(lambda d: d['x'] ** 2)({'x': 2.0, 'y': None})")
    T("jacobian_pytrees", "def f(d):\n    return {'out': d['a'] * d['b'], 'sum': jnp.sum(d['a'])}\n",
      "jax.jacrev(f)({'a': w_f32, 'b': 2.0})", "jax.jacfwd(f)({'a': w_f32, 'b': 2.0})",
      "jax.hessian(lambda d: jnp.sum(d['a'] ** 2 * d['b']))({'a': w_f32, 'b': 2.0})")
    T("vmap_variants", S("""
        def mv(m, v):
            return jnp.dot(m, v)
        """),
      "jax.vmap(mv, in_axes=(None, 0))(x_f32, r_f32.T)", "jax.vmap(mv, in_axes=(0, None))(bm_f32, w_f32)",
      "jax.vmap(mv, in_axes=(None, 1))(x_f32, r_f32)", "jax.vmap(mv, in_axes=(None, 1), out_axes=1)(x_f32, r_f32)",
      "jax.vmap(jnp.sum)(x_f32)", "jax.vmap(jnp.sum, in_axes=1)(x_f32)", "jax.vmap(jnp.sum, in_axes=-1)(x_f32)",
      "jax.vmap(jax.vmap(lambda a, b: a * b, in_axes=(0, None)), in_axes=(None, 0))(w_f32, v_f32)",
      "jax.vmap(lambda d: d['a'] + d['b'], in_axes=({'a': 0, 'b': None},))({'a': x_f32, 'b': v_f32})",
      "jax.vmap(lambda a, b: a + b)(x_f32, b=y_f32)", "jax.vmap(lambda a: 1.0, axis_size=3, in_axes=None)(2.0)",
      "jax.vmap(lambda a: a, out_axes=None)(w_f32)", "jax.vmap(lambda a: (a, 2.0), out_axes=(0, None))(w_f32)",
      "jax.vmap(lambda a: jnp.sort(a))(x_f32)", "jax.vmap(jnp.argsort)(x_f32)", "jax.vmap(lambda a, i: a[i])(x_f32, jnp.array([0, 3, 5]))",
      "jax.vmap(lambda a, i: lax.dynamic_slice(a, (i,), (2,)))(x_f32, jnp.array([0, 3, -1]))",
      "jax.vmap(lambda a, i: a.at[i].set(0.0))(x_f32, jnp.array([0, 3, 5]))",
      "jax.vmap(lambda a: lax.cond(a[0] > 0, lambda: a * 2, lambda: -a))(x_f32)",
      "jax.vmap(lambda a: lax.scan(lambda c, v: (c + v, c), 0.0, a))(x_f32)",
      "jax.vmap(jnp.outer)(x_f32, y_f32)", "jax.vmap(jnp.linalg.inv)(bm_f32)", "jax.vmap(jnp.linalg.det)(bm_f32)",
      "jax.vmap(lambda a: jnp.where(a > 0, a, 0.0))(x_f32)", "jax.vmap(jnp.cumsum)(x_f32)",
      "jax.vmap(lambda a: jnp.take(a, jnp.array([0, 9])))(x_f32)", "jax.vmap(lambda a: jnp.nonzero(a, size=2))(x_f32)",
      "jax.vmap(lambda a: jnp.unique(a, size=4, fill_value=0))(x_i32 % 3)", "jax.vmap(lambda a: a.reshape(2, 2))(x_f32)",
      "jax.vmap(lambda a: jnp.concatenate([a, a]))(x_f32)", "jax.vmap(lambda a: a @ m_f32)(x_f32)",
      "jax.vmap(lambda k: jax.random.uniform(k, (2,)))(jax.random.split(jax.random.PRNGKey(0), 3))",
      "jax.vmap(lambda a: lax.conv_general_dilated(a[None], ker_f32, (1, 1), 'SAME')[0])(jnp.concatenate([img_f32, img_f32 * 2]))",
      "jax.vmap(lambda a: lax.reduce_window(a, 0.0, lax.add, (2,), (1,), 'VALID'))(x_f32)",
      "jax.vmap(lambda a, b: lax.dot_general(a, b, (((0,), (0,)), ((), ()))))(x_f32, y_f32)",
      "jax.vmap(lambda a: jnp.pad(a, 1))(x_f32)", "jax.vmap(lambda a: jnp.roll(a, 1))(x_f32)",
      "jax.vmap(lambda a: lax.top_k(a, 2))(x_f32)", "jax.vmap(lambda a: jnp.argmax(a))(x_f32)",
      "jax.vmap(lambda a: jax.nn.softmax(a))(x_f32)", "jax.vmap(lambda a: a.sum(), in_axes=0)(e2_f32)",
      "jax.vmap(lambda a, b: a * b, in_axes=(0, 0))(w_f32, jnp.arange(3))", "jax.vmap(lambda a: a, in_axes=[0])(w_f32)",
      "jax.vmap(lambda *a: sum(a))(w_f32, w_f32, w_f32)", "jax.jit(jax.vmap(mv, in_axes=(None, 0)))(x_f32, r_f32.T)",
      "jax.vmap(jax.jacfwd(jnp.sin))(w_f32)", "jax.vmap(jax.hessian(lambda x: jnp.sum(x ** 3)))(x_f32)")
    T("eval_shape", "def f(x, y):\n    return jnp.dot(x, y), x.sum()\n",
      "jax.eval_shape(f, jax.ShapeDtypeStruct((3, 4), jnp.float32), jax.ShapeDtypeStruct((4,), jnp.float32))",
      "jax.eval_shape(f, x_f32, v_f32)", "jax.eval_shape(lambda x: x + 1, 1.0)", "jax.eval_shape(lambda x: x.astype(jnp.int8), w_f32)",
      "jax.eval_shape(jnp.linalg.svd, m_f32)")
    T("jit_semantics", S("""
        count = [0]
        @jax.jit
        def f(x):
            count[0] += 1
            return x
        def calls(args):
            for a in args:
                f(a)
            return count[0]
        @partial(jax.jit, static_argnums=1)
        def g(x, n):
            count[0] += 1
            return x * n
        @partial(jax.jit, static_argnames='n')
        def h(x, n=2):
            return x ** n
        """),
      "calls([1.0, 2.0, jnp.float32(3), np.float32(3), jnp.ones(2), jnp.ones(3), jnp.ones(3, jnp.int32), 1, True])",
      "calls([w_f32, w_f32, w_f32 + 1, x_f32])", "calls([{'a': 1.0}, {'a': 2.0}, {'b': 1.0}, (1.0,), [1.0]])",
      "(g(w_f32, 2), g(w_f32, 2), g(w_f32, 3), count[0])", "h(w_f32, n=3)", "h(w_f32)",
      "jax.jit(lambda x: None)(1.0)", "jax.jit(lambda x: (x, {'a': [x * 2]}))(1.0)", "jax.jit(lambda x: x)(jnp.asarray(1.0))",
      "jax.jit(lambda x: x)(3)", "jax.jit(lambda x, y: x + y)(1, 2.0)", "jax.jit(lambda: jnp.arange(3))()",
      "jax.jit(lambda x: x.shape)(x_f32)", "jax.jit(lambda x: 'a')(1.0)", "jax.jit(lambda x: x)('a')",
      "jax.jit(lambda x, n: x * n, static_argnums=1)(1.0, [2])", "jax.jit(lambda x: np.float64(1.0) * x)(w_f32)",
      "jax.jit(lambda x: x)(np.float64(1.0))", "jax.jit(lambda x: x)(np.arange(3))", "jax.jit(jnp.sum)(x_i8)",
      "jax.jit(lambda x: jnp.array(1.5) * x)(2)", "jax.jit(lambda x: x, donate_argnums=0)(jnp.ones(3))")
    T("tree_util", S("""
        import jax.flatten_util
        tree = {'b': (1.0, None, [2, 3]), 'a': jnp.ones(2), 'c': {'z': 5, 'y': 6}}
        import collections
        Pair = collections.namedtuple('Pair', ['left', 'right'])
        """),
      "jax.tree.leaves(tree)", "jax.tree.structure(tree)", "jax.tree.flatten(tree)[1].num_leaves",
      "jax.tree.map(lambda v: v * 2, tree)", "jax.tree_util.keystr(jax.tree_util.tree_flatten_with_path(tree)[0][1][0])",
      "[jax.tree_util.keystr(p) for p, _ in jax.tree_util.tree_flatten_with_path(tree)[0]]",
      "jax.tree.leaves(Pair(1, (2, 3)))", "jax.tree.structure(Pair(1, (2, 3)))", "jax.tree.unflatten(jax.tree.structure((1, [2])), [7, 8])",
      "jax.tree.map(lambda a, b: a + b, {'x': 1, 'y': 2}, {'x': 10, 'y': 20})", "jax.tree.map(lambda a, b: a + b, {'x': 1}, {'y': 2})",
      "jax.tree.reduce(lambda a, b: a + b, [1, 2, (3, 4)])", "jax.tree.leaves([None, (), {}, [None]])",
      "jax.tree.transpose(jax.tree.structure([0, 0]), jax.tree.structure((0, 0)), [(1, 2), (3, 4)])",
      "jax.tree.all([True, (1, 0)])", "jax.tree.leaves({'b': 1, 'a': 2})", "jax.flatten_util.ravel_pytree({'a': jnp.ones(2), 'b': 3.0})[0]",
      "jax.tree.map(lambda x: x, {'a': None, 'b': 1})", "jax.tree.leaves(jnp.ones(3))", "jax.tree.broadcast(1, [0, (0, 0)])")
    # the transformation error messages (also in errors.json)
    for name, src, expr in transform_errors():
        T("error_" + name, src, expr)
    # x64 transforms
    T("x64_grads", "def f(x):\n    return jnp.sum(jnp.sin(x) ** 2)\n",
      "jax.grad(f)(x_f64)", "jax.hessian(f)(w_f64)", "jax.grad(lambda x: x ** 2)(3.0)", "jax.grad(f)(x_f32)",
      "jax.jacfwd(jnp.exp)(w_f64)", "jax.grad(lambda z: z ** 2, holomorphic=True)(1.0 + 1.0j)", x64=True)
    return out


def transform_errors():
    return [
        ("grad_non_scalar", "", "jax.grad(lambda x: x * 2)(w_f32)"),
        ("grad_int_input", "", "jax.grad(lambda x: x * 2)(3)"),
        ("grad_complex_output", "", "jax.grad(lambda x: x * 1j)(1.0)"),
        ("grad_int_output", "", "jax.grad(lambda x: jnp.int32(1))(1.0)"),
        ("grad_holomorphic_real_input", "", "jax.grad(lambda x: x ** 2, holomorphic=True)(1.0)"),
        ("grad_argnums_out_of_range", "", "jax.grad(lambda x: x, argnums=1)(1.0)"),
        ("grad_has_aux_not_tuple", "", "jax.grad(lambda x: x ** 2, has_aux=True)(1.0)"),
        ("jvp_non_tuple_primals", "", "jax.jvp(jnp.sin, 1.0, 1.0)"),
        ("jvp_tangent_dtype_mismatch", "", "jax.jvp(jnp.sin, (1.0,), (jnp.float16(1.0),))"),
        ("jvp_tangent_shape_mismatch", "", "jax.jvp(jnp.sin, (w_f32,), (jnp.ones(4),))"),
        ("jvp_structure_mismatch", "", "jax.jvp(lambda a, b: a * b, (1.0, 2.0), (1.0,))"),
        ("jvp_int_tangent", "", "jax.jvp(lambda x: x * 2, (3,), (1,))"),
        ("vjp_ct_shape_mismatch", "", "jax.vjp(jnp.sin, w_f32)[1](jnp.ones(4))"),
        ("vmap_inconsistent_sizes", "", "jax.vmap(lambda a, b: a + b)(w_f32, v_f32)"),
        ("vmap_0d", "", "jax.vmap(lambda a: a)(1.0)"),
        ("vmap_0d_array", "", "jax.vmap(jnp.sin)(s_f32)"),
        ("vmap_all_none", "", "jax.vmap(lambda a: a, in_axes=None)(w_f32)"),
        ("vmap_out_axes_none_batched", "", "jax.vmap(lambda a: a, out_axes=None)(w_f32)"),
        ("vmap_axis_out_of_range", "", "jax.vmap(jnp.sum, in_axes=2)(x_f32)"),
        ("vmap_in_axes_wrong_length", "", "jax.vmap(lambda a, b: a, in_axes=(0, 0, 0))(w_f32, w_f32)"),
        ("vmap_unbound_axis_name", "", "jax.vmap(lambda a: lax.psum(a, 'j'), axis_name='i')(w_f32)"),
        ("psum_outside", "", "lax.psum(w_f32, 'i')"),
        ("jacfwd_int", "", "jax.jacfwd(lambda x: x * 2)(w_i32)"),
        ("jacrev_int", "", "jax.jacrev(lambda x: x * 2)(w_i32)"),
        ("hessian_int", "", "jax.hessian(lambda x: jnp.sum(x ** 2))(w_i32)"),
        ("grad_while_loop", "", "jax.grad(lambda x: lax.while_loop(lambda c: c < 10.0, lambda c: c * x, 1.0))(2.0)"),
        ("grad_fori_dynamic", "", "jax.grad(lambda x, n: lax.fori_loop(0, n, lambda i, c: c * x, 1.0))(2.0, jnp.int32(3))"),
        ("custom_vjp_bad_bwd", S("""
            @jax.custom_vjp
            def f(x):
                return x
            f.defvjp(lambda x: (x, None), lambda r, g: g)
            """), "jax.grad(f)(1.0)"),
        ("custom_jvp_no_rule", "f = jax.custom_jvp(lambda x: x)\n", "jax.grad(f)(1.0)"),
        ("linearize_int", "", "jax.linearize(lambda x: x * 2, 3)"),
        ("tree_map_mismatch", "", "jax.tree.map(lambda a, b: a + b, [1, 2], [1, 2, 3])"),
        ("tree_map_dict_mismatch", "", "jax.tree.map(lambda a, b: a + b, {'x': 1}, {'y': 2})"),
    ]


# =========================================================================== errors

def error_cases():
    out = []

    def E(name, source, expr, x64=False):
        d = {"name": name, "source": S(source) if source else "", "expr": expr}
        if x64:
            d["x64"] = True
        out.append(d)

    E("bool_conversion_jit", "", "jax.jit(lambda x: 1.0 if x > 0 else 0.0)(1.0)")
    E("bool_conversion_jit_def", "@jax.jit\ndef f(x):\n    if x > 0:\n        return x\n    return -x\n", "f(1.0)")
    E("bool_conversion_vmap", "", "jax.vmap(lambda x: 1.0 if x > 0 else 0.0)(w_f32)")
    E("bool_conversion_grad", "", "jax.grad(lambda x: x if x > 0 else -x)(1.0)")
    E("bool_conversion_while_cond", "", "jax.jit(lambda x: [x := x * 2 for _ in range(1)] if bool(x) else x)(1.0)")
    E("and_conversion", "", "jax.jit(lambda x: (x > 0) and (x < 1))(0.5)")
    E("float_jit", "", "jax.jit(lambda x: float(x))(1.0)")
    E("int_jit", "", "jax.jit(lambda x: int(x))(1.0)")
    E("complex_jit", "", "jax.jit(lambda x: complex(x))(1.0)")
    E("item_jit", "", "jax.jit(lambda x: x.item())(1.0)")
    E("tolist_jit", "", "jax.jit(lambda x: x.tolist())(w_f32)")
    E("arange_traced", "", "jax.jit(lambda n: jnp.arange(n))(3)")
    E("arange_traced_start", "", "jax.jit(lambda n: jnp.arange(n, 10))(3)")
    E("linspace_traced_num", "", "jax.jit(lambda n: jnp.linspace(0, 1, n))(3)")
    E("nonzero_jit", "", "jax.jit(jnp.nonzero)(w_f32)")
    E("unique_jit", "", "jax.jit(jnp.unique)(w_f32)")
    E("argwhere_jit", "", "jax.jit(jnp.argwhere)(w_f32)")
    E("where_one_arg_jit", "", "jax.jit(lambda x: jnp.where(x > 0))(w_f32)")
    E("list_index_traced", "lst = [1, 2, 3]\n", "jax.jit(lambda i: lst[i])(1)")
    E("range_traced", "", "jax.jit(lambda n: sum(range(n)))(3)")
    E("np_asarray_tracer", "", "jax.jit(lambda x: np.asarray(x))(1.0)")
    E("np_sin_tracer", "", "jax.jit(lambda x: np.sin(x))(w_f32)")
    E("zeros_traced_shape", "", "jax.jit(lambda n: jnp.zeros(n))(3)")
    E("zeros_traced_shape_tuple", "", "jax.jit(lambda n: jnp.zeros((n, 2)))(3)")
    E("reshape_traced", "", "jax.jit(lambda x, n: x.reshape(n, -1))(l_f32, 3)")
    E("boolean_mask_jit", "", "jax.jit(lambda x: x[x > 0])(w_f32)")
    E("boolean_mask_jit_vector", "", "jax.jit(lambda x, m: x[m])(jnp.arange(5.0), jnp.array([True, False, True, False, True]))")
    E("boolean_mask_at_jit", "", "jax.jit(lambda x: x.at[x > 0].set(0.0))(w_f32)")
    E("traced_slice_start", "", "jax.jit(lambda x, i: x[i:i + 2])(l_f32, 1)")
    E("dynamic_slice_size_traced", "", "jax.jit(lambda x, n: lax.dynamic_slice(x, (0,), (n,)))(l_f32, 2)")
    E("immutable_setitem", "x = jnp.arange(3.0)\ndef run():\n    x[0] = 1\n", "run()")
    E("immutable_delitem", "x = jnp.arange(3.0)\ndef run():\n    del x[0]\n", "run()")
    E("immutable_iadd_ok", "x = jnp.arange(3.0)\ndef run():\n    y = x\n    y += 1\n    return x, y\n", "run()")
    E("sum_list", "", "jnp.sum([1, 2, 3])")
    E("sum_tuple", "", "jnp.sum((1, 2, 3))")
    E("exp_list", "", "jnp.exp([1.0, 2.0])")
    E("add_list", "", "jnp.add([1.0], [2.0])")
    E("dot_list", "", "jnp.dot([1.0], [2.0])")
    E("lax_add_mismatch", "", "lax.add(jnp.float32(1), jnp.int32(1))")
    E("lax_add_python_scalars", "", "lax.add(1, 2.0)")
    E("lax_select_mismatch", "", "lax.select(jnp.array([True]), jnp.array([1.0]), jnp.array([1]))")
    E("cond_branch_mismatch_dtype", "", "lax.cond(True, lambda: jnp.float32(1), lambda: jnp.int32(1))")
    E("cond_branch_mismatch_shape", "", "lax.cond(True, lambda x: x, lambda x: x[:2], w_f32)")
    E("cond_branch_mismatch_tree", "", "lax.cond(True, lambda x: (x, x), lambda x: x, 1.0)")
    E("cond_named_functions", "def true_fun(x):\n    return x\ndef false_fun(x):\n    return x.astype(jnp.int32)\n",
      "lax.cond(True, true_fun, false_fun, 1.0)")
    E("cond_non_scalar_pred", "", "lax.cond(jnp.array([True, False]), lambda: 1.0, lambda: 2.0)")
    E("switch_mismatch", "", "lax.switch(0, [lambda: 1.0, lambda: 1])")
    E("while_body_mismatch", "", "lax.while_loop(lambda c: c < 3, lambda c: c + 1.0, 0)")
    E("while_cond_not_bool", "", "lax.while_loop(lambda c: c, lambda c: c - 1, 3)")
    E("scan_carry_mismatch", "", "lax.scan(lambda c, x: (jnp.ones(2), x), 0.0, w_f32)")
    E("scan_length_mismatch", "", "lax.scan(lambda c, x: (c, x), 0.0, (w_f32, v_f32))")
    E("fori_carry_mismatch", "", "lax.fori_loop(0, 3, lambda i, c: c + 0.5, 0)")
    E("hash_array", "", "hash(jnp.arange(3))")
    E("hash_scalar_array", "", "hash(jnp.float32(1))")
    E("dict_key_array", "", "{jnp.arange(3): 1}")
    E("bool_multi_element", "", "bool(jnp.array([1.0, 2.0]))")
    E("if_multi_element", "def run():\n    if jnp.array([1.0, 2.0]):\n        return 1\n", "run()")
    E("int_multi_element", "", "int(jnp.array([1.0, 2.0]))")
    E("float_multi_element", "", "float(jnp.array([1.0, 2.0]))")
    E("index_float_array", "", "[1, 2, 3][jnp.float32(1)]")
    E("index_array_size_gt1", "", "[1, 2, 3][jnp.array([1, 2])]")
    E("jit_unhashable_static", "", "jax.jit(lambda x, n: x * len(n), static_argnums=1)(1.0, [1, 2])")
    E("jit_str_arg", "", "jax.jit(lambda x: x)('hello')")
    E("jit_return_str", "", "jax.jit(lambda x: 'hello')(1.0)")
    E("jit_return_object", "", "jax.jit(lambda x: object())(1.0)")
    E("jit_static_argnum_out_of_range", "", "jax.jit(lambda x: x, static_argnums=3)(1.0)")
    E("unexpected_tracer_leak", S("""
        leaked = []
        @jax.jit
        def f(x):
            leaked.append(x)
            return x
        f(1.0)
        """), "leaked[0] + 1")
    E("unexpected_tracer_leak_jnp", S("""
        leaked = []
        def g(x):
            leaked.append(x)
            return x
        jax.grad(g)(1.0)
        """), "jnp.sin(leaked[0])")
    E("key_arithmetic", "", "jax.random.key(0) + 1")
    E("split_batched_keys", "", "jax.random.split(jax.random.split(jax.random.PRNGKey(0)))")
    E("uniform_int_dtype", "", "jax.random.uniform(jax.random.PRNGKey(0), (2,), dtype=jnp.int32)")
    E("prngkey_float_seed", "", "jax.random.PRNGKey(1.5)")
    E("python_int_overflow", "", "jnp.array(2**31)")
    E("python_int_overflow_add", "", "jnp.int32(1) + 2**31")
    E("python_int_overflow_uint", "", "jnp.uint8(1) + 256")
    E("int_negative_power", "", "jnp.array(3) ** -1")
    E("int_negative_power_lax", "", "lax.integer_pow(jnp.array(3), -1)")
    E("at_set_shape_mismatch", "", "jnp.zeros(3).at[0].set(jnp.ones(2))")
    E("at_bad_method", "", "jnp.zeros(3).at[0].foo(1.0)")
    E("reshape_bad", "", "jnp.arange(6).reshape(4, 2)")
    E("broadcast_bad", "", "jnp.ones(3) + jnp.ones(4)")
    E("matmul_bad", "", "jnp.ones((2, 3)) @ jnp.ones((2, 3))")
    E("concat_bad", "", "jnp.concatenate([jnp.ones((2, 3)), jnp.ones((2, 4))])")
    E("max_empty", "", "jnp.max(jnp.zeros(0))")
    E("argmax_empty", "", "jnp.argmax(jnp.zeros(0))")
    E("axis_out_of_bounds", "", "jnp.sum(jnp.ones(3), axis=1)")
    E("index_too_many", "", "jnp.ones(3)[0, 0]")
    E("index_float", "", "jnp.ones(3)[1.5]")
    E("index_list_of_lists", "", "jnp.ones((3, 3))[[[0, 1], [1, 2]]]")
    E("index_none_tuple", "", "jnp.ones(3)[None, None, 0, 0]")
    E("numpy_strict_promotion", "def run():\n    with jax.numpy_dtype_promotion('strict'):\n        return jnp.add(jnp.int8(1), jnp.int16(1))\n", "run()")
    E("numpy_strict_promotion_weak_ok", "def run():\n    with jax.numpy_dtype_promotion('strict'):\n        return jnp.add(jnp.int8(1), 1)\n", "run()")
    E("dtype_unknown", "", "jnp.zeros(3, dtype='foo')")
    E("astype_object", "", "jnp.zeros(3).astype(object)")
    E("array_object", "", "jnp.array([object()])")
    E("array_ragged", "", "jnp.array([[1, 2], [3]])")
    E("array_string", "", "jnp.array('abc')")
    E("array_none", "", "jnp.array(None)")
    E("zeros_negative", "", "jnp.zeros(-1)")
    E("eye_float_n", "", "jnp.eye(2.5)")
    E("vmap_psum_no_axis", "", "jax.vmap(lambda a: lax.psum(a, 'i'))(w_f32)")
    E("jit_traced_shape_in_ones", "", "jax.jit(lambda x: jnp.ones(x.sum()))(w_i32)")
    E("device_put_bad", "", "jax.device_put(1.0, 'cpu')")
    E("tracer_iter_0d", "", "jax.jit(lambda x: [a for a in x])(1.0)")
    E("tracer_len_0d", "", "jax.jit(lambda x: len(x))(1.0)")
    E("iter_0d", "", "list(jnp.float32(1.0))")
    E("len_0d", "", "len(jnp.float32(1.0))")
    E("eval_shape_str", "", "jax.eval_shape(lambda x: x, 'a')")
    E("make_jaxpr_str", "", "jax.make_jaxpr(lambda x: x)('a')")
    E("x64_int_overflow", "", "jnp.array(2**63)", x64=True)
    E("x64_lax_add", "", "lax.add(jnp.float64(1), jnp.float32(1))", x64=True)
    for name, src, expr in transform_errors():
        E(name, src, expr)
    return out


# =========================================================================== reprs

def repr_cases():
    objs = [
        "jnp.array([1.0, 2.0])", "jnp.array(1.0)", "jnp.asarray(1.0)", "jnp.float32(1.0)", "jnp.array([1, 2, 3])",
        "jnp.array(1)", "jnp.array([True, False])", "jnp.array(True)", "jnp.array([1 + 2j, 3 - 4j])", "jnp.array(1j)",
        "x_f32", "x_i32", "x_bool", "x_c64", "x_f16", "x_bf16", "x_u8", "x_i8", "b3_f32", "s_f32", "s_i32", "e_f32", "e2_f32",
        "jnp.zeros((0, 3, 0))", "jnp.arange(1001.0)", "jnp.arange(1001)", "jnp.arange(10000).reshape(100, 100)",
        "jnp.ones((100, 100))", "jnp.arange(30.0).reshape(2, 3, 5)", "jnp.arange(5) * 1.5", "sp_f32", "sp_i32", "sp_u8", "sp_f16",
        "jnp.array([1e10, 1e-5, 1.0])", "jnp.array([1e-10, 1.0])", "jnp.array([123456789.0])", "jnp.array([0.1, 0.2, 0.3])",
        "jnp.array([1.5, jnp.nan, jnp.inf])", "jnp.array([-0.0])", "jnp.array(-0.0)", "jnp.array([1.0, 2.0, 3.0]) / 3",
        "jnp.array([100.0, 2.5])", "jnp.array([1e16])", "jnp.array([-1, 10, 100])", "jnp.array([[1.0, -2.5], [3.25, 4.0]])",
        "jnp.array([2**31 - 1, -2**31])", "jnp.array([1, 2], dtype=jnp.uint32)", "jnp.array([1.0], dtype=jnp.bfloat16)",
        "jnp.array(1.0, dtype=jnp.float16)", "jnp.array(3.0) * 2", "jnp.ones(3) * 2.0", "jnp.arange(3.0) + 1",
        "jnp.array([1.0, 2.0]) + 1j", "jnp.array(1.0) + 1j", "jnp.int8(1) + 1", "jnp.zeros(2, jnp.int8) + 1.0",
        "jnp.array([1.123456789, 2.0])", "jnp.array(1.123456789)", "jnp.linspace(0, 1, 7)", "jnp.array([[1e-7, 1.0]])",
        "jnp.array([[1, 2], [3, 4]], dtype=jnp.int16)", "jnp.eye(3)", "jnp.array([1.0], dtype=jnp.float8_e4m3fn)",
        "jnp.array([1, -1], dtype=jnp.int4)", "jnp.arange(12).reshape(3, 4) > 5", "jnp.full((2, 2), jnp.nan)",
        "jax.random.key(0)", "jax.random.PRNGKey(0)", "jax.random.split(jax.random.key(0), 2)", "jax.random.key(0, impl='rbg')",
        "jax.ShapeDtypeStruct((2, 3), jnp.float32)", "jax.ShapeDtypeStruct((), jnp.int32, weak_type=True)",
        "jax.ShapeDtypeStruct((2,), jnp.dtype('bfloat16'))", "jax.eval_shape(lambda x: x * 2, 1.0)",
        "jax.tree.structure({'a': (1, None), 'b': 2})", "jax.tree.structure([1, (2, 3)])", "jax.tree.structure(None)",
        "jax.tree.structure(1)", "jax.tree.structure((1,))", "jax.tree.structure({'b': [1, 2], 'a': {'c': 3}})",
        "jax.tree.structure([])", "jax.tree.structure(jnp.ones(3))", "jax.tree.structure(((), [], {}, None))",
        "jax.tree.structure(__import__('collections').OrderedDict([('b', 1), ('a', 2)]))",
        "jax.tree_util.tree_flatten_with_path({'a': [1, (2,)], 'b': 3})[0]",
        "jax.tree_util.keystr(jax.tree_util.tree_flatten_with_path({'a': [1, (2,)]})[0][1][0])",
        "jax.tree_util.DictKey('a')", "jax.tree_util.SequenceKey(1)", "jax.tree_util.GetAttrKey('x')", "jax.tree_util.FlattenedIndexKey(0)",
        "jnp.float32", "jnp.dtype('float32')", "jnp.dtype('bfloat16')", "x_f32.dtype", "x_bf16.dtype", "jnp.bfloat16",
        "jnp.int32", "jnp.bool_", "jnp.complex64", "jax.float0", "jnp.finfo(jnp.float32)",
        "jnp.finfo(jnp.bfloat16)", "jnp.finfo(jnp.float16)", "jnp.iinfo(jnp.int8)", "jnp.iinfo(jnp.uint32)",
        "jax.devices()", "jax.devices()[0]", "x_f32.sharding", "x_f32.device", "jax.typeof(x_f32)", "jax.typeof(jnp.asarray(1.0))",
        "jax.typeof(jnp.asarray(1))", "jax.typeof(x_bf16)", "jax.typeof(jax.random.key(0))", "jax.make_jaxpr(jnp.sin)(1.0)",
        "jax.make_jaxpr(lambda x: x)(1)", "jnp.add", "jnp.sin", "jnp.sum", "lax.add", "jax.jit(jnp.sin)", "jax.grad(jnp.sin)",
        "jax.nn.relu", "jax.tree_util.Partial(jnp.add, 1.0)", "lax.Precision.HIGHEST", "lax.GatherScatterMode.CLIP",
        "lax.RoundingMethod.TO_NEAREST_EVEN", "lax.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,))",
        "lax.ConvDimensionNumbers((0, 1, 2, 3), (0, 1, 2, 3), (0, 1, 2, 3))", "jnp.s_[1:2, ::3]", "jnp.newaxis", "jnp.pi", "jnp.e",
        "jnp.euler_gamma", "jnp.inf", "jnp.nan", "jax.numpy.linalg.eigh(jnp.eye(2))", "jnp.unique_counts(jnp.array([1, 1, 2]))",
        "jax.numpy.linalg.slogdet(jnp.eye(2))", "jax.config.jax_enable_x64", "jax.default_backend()", "jax.__version__",
        "jnp.ndarray", "jax.Array", "type(x_f32)", "type(jnp.float32(1))", "jnp.float32(1).dtype", "jnp.iinfo(jnp.int32).max",
    ]
    out = []
    for o in objs:
        out.append({"name": "repr", "expr": f"repr({o})"})
        out.append({"name": "str", "expr": f"str({o})"})
    # tracer reprs, captured inside transformations
    tracer_src = S("""
        seen = []
        def capture(x):
            seen.append((repr(x), str(x), type(x).__name__))
            return x
        """)
    for e in ["jax.jit(capture)(1.0)", "jax.jit(capture)(jnp.float32(1.0))", "jax.jit(capture)(w_i32)", "jax.jit(capture)(1)",
              "jax.vmap(capture)(w_f32)", "jax.grad(lambda x: capture(x) * 1.0)(1.0)", "jax.jvp(capture, (1.0,), (1.0,))",
              "jax.make_jaxpr(capture)(x_f32)", "jax.linearize(capture, 1.0)", "jax.vjp(capture, w_f32)",
              "jax.jit(jax.vmap(capture))(x_f32)", "jax.eval_shape(capture, jax.ShapeDtypeStruct((2,), jnp.bfloat16))"]:
        out.append({"name": "tracer_repr", "source": tracer_src, "expr": f"({e}, seen)[1]"})
    # finfo fields
    fields = ["bits", "eps", "epsneg", "max", "min", "tiny", "smallest_normal", "smallest_subnormal", "resolution",
              "precision", "nexp", "nmant", "machep", "negep", "minexp", "maxexp", "iexp", "dtype"]
    for dt in ["bfloat16", "float16", "float32", "float8_e4m3fn", "float8_e5m2"]:
        out.append({"name": "finfo_fields", "expr": "{k: (repr(getattr(fi, k)), str(getattr(fi, k)), float(getattr(fi, k)) if k not in ('dtype',) else None) for k in %r}" % (fields,),
                    "source": f"fi = jnp.finfo(jnp.{dt})\n"})
    for dt in ["int8", "int16", "int32", "uint8", "uint32", "int4"]:
        out.append({"name": "iinfo_fields", "expr": "{k: getattr(ii, k) for k in ['bits', 'min', 'max']} | {'dtype': str(ii.dtype)}",
                    "source": f"ii = jnp.iinfo(jnp.{dt})\n"})
    for dt in ["float32", "float16", "bfloat16", "float64", "int8", "uint32", "bool", "complex64", "int4", "float8_e4m3fn", "float0"]:
        src = f"d = jnp.dtype({dt!r})\n" if dt != "float0" else "d = jax.float0\n"
        out.append({"name": "dtype_names", "source": src,
                    "expr": "(d.name, str(d), repr(d), d.itemsize, d.kind, d.char, getattr(d, 'type').__name__)"})
    for e in ["jnp.float32.__name__", "jnp.bfloat16.__name__", "jnp.bool_.__name__", "jnp.float32.dtype", "repr(jnp.float32.dtype)",
              "jnp.dtype(jnp.float32) == np.float32", "jnp.float32 == np.float32", "jnp.float32(2.5).dtype.name",
              "type(jnp.float32(2.5)).__name__", "jnp.float_.__name__", "jnp.int_.__name__", "jnp.int_(3).dtype.name",
              "np.dtype(jnp.bfloat16).name", "jnp.result_type(jnp.bfloat16).name", "str(jnp.array([1.0]).dtype)",
              "jax.dtypes.canonicalize_dtype(jnp.float64).name", "jax.dtypes.canonicalize_dtype(jnp.int64).name",
              "jax.dtypes.float0", "str(jax.dtypes.float0)", "jax.dtypes.issubdtype(jnp.bfloat16, jnp.floating)"]:
        out.append({"name": "dtype_misc", "expr": e})
    # printoptions
    out.append({"name": "printoptions", "source": S("""
        def run():
            with jnp.printoptions(precision=2):
                return repr(jnp.array([1.123456, 2.0])), str(jnp.array([1.123456, 2.0]))
        """), "expr": "run()"})
    out.append({"name": "printoptions", "source": S("""
        def run():
            with jnp.printoptions(threshold=5):
                return repr(jnp.arange(10.0)), str(jnp.arange(10))
        """), "expr": "run()"})
    # x64 reprs
    for o in ["jnp.array([1.0, 2.0])", "jnp.array(1.0)", "jnp.array([1, 2])", "x_f64", "x_i64", "jnp.asarray(1.0, jnp.float32)",
              "jax.random.PRNGKey(0)", "jax.typeof(x_f64)", "jax.make_jaxpr(jnp.sin)(1.0)", "jnp.array([0.1, 0.2, 0.3])"]:
        out.append({"name": "repr", "expr": f"repr({o})", "x64": True})
        out.append({"name": "str", "expr": f"str({o})", "x64": True})
    return out


# =========================================================================== typed PRNG keys

_KEYS_SRC = S("""
    k = jax.random.key(0)
    ks = jax.random.split(k, 4)
    raw = jax.random.PRNGKey(0)
    f0 = np.zeros((), jax.dtypes.float0)
    """)

# (name, expr); every case runs after _KEYS_SRC.  Results are values, key arrays (their data),
# reprs, jaxpr texts or errors (type and message).
TYPED_KEY_EXPRS = [
    # the dtype, metadata and reprs
    ("repr", "repr(k)"), ("repr", "repr(ks)"), ("repr", "str(jax.random.split(k, (2, 3)))"),
    ("repr", "repr(ks[:0])"), ("repr", "repr(k.dtype)"), ("repr", "str(ks.dtype)"),
    ("repr", "repr(jax.typeof(ks))"), ("repr", "str(jax.typeof(k))"), ("repr", "f'{k}'"),
    ("repr", "repr(jax.ShapeDtypeStruct((), k.dtype))"),
    ("repr", "repr(jax.eval_shape(jax.random.split, k))"),
    ("repr", "repr(jax.tree_util.tree_structure({'a': ks}))"),
    ("meta", "(k.shape, ks.shape, ks.ndim, ks.size, k.itemsize, ks.nbytes, len(ks))"),
    ("meta", "(jnp.shape(ks), jnp.ndim(ks), jnp.size(ks))"),
    ("meta", "(jnp.issubdtype(k.dtype, jax.dtypes.prng_key), jax.dtypes.issubdtype(k.dtype, jax.dtypes.extended), jnp.issubdtype(k.dtype, jnp.integer), jnp.issubdtype(k.dtype, jnp.floating))"),
    ("meta", "(isinstance(k, jax.Array), k.dtype == jax.random.key_dtype(), k.dtype == ks.dtype)"),
    ("meta", "jax.random.key_impl(k)"), ("meta", "jax.random.key_impl(raw)"),
    ("meta", "jax.random.key_impl(ks)"),
    ("tree", "jax.tree_util.tree_leaves({'a': ks, 'b': 1})"),
    ("tree", "jax.tree_util.tree_map(lambda x: x.shape, {'a': ks})"),
    # making and unwrapping keys
    ("make", "jax.random.key(42)"), ("make", "jax.random.key(-1)"),
    ("make", "jax.random.key(jnp.uint32(7))"), ("make", "jax.random.key(np.int8(3))"),
    ("make", "jax.random.key(2**40)"), ("make", "jax.random.PRNGKey(5)"),
    ("make", "jax.random.key_data(ks)"), ("make", "jax.random.key_data(raw)"),
    ("make", "jax.random.key_data(jax.random.split(k, (2, 3)))"),
    ("make", "jax.random.wrap_key_data(jnp.arange(6, dtype=jnp.uint32).reshape(3, 2))"),
    ("make", "jax.random.wrap_key_data(np.array([1, 2], np.uint32), impl='threefry2x32')"),
    ("make", "jax.random.wrap_key_data(jax.random.key_data(ks)) == ks"),
    ("make", "jax.random.clone(k)"), ("make", "jax.random.clone(raw)"),
    ("make", "jax.random.key(0, impl='threefry2x32')"),
    # key operations and samplers: typed and raw keys give the same bits
    ("ops", "jax.random.split(k)"), ("ops", "jax.random.split(k, 3)"),
    ("ops", "jax.random.split(k, (2, 2))"), ("ops", "jax.random.split(k, 0)"),
    ("ops", "jax.random.split(raw, 3)"), ("ops", "jax.random.split(k, np.int32(2))"),
    ("ops", "jax.random.fold_in(k, 7)"), ("ops", "jax.random.fold_in(raw, 7)"),
    ("ops", "jax.random.fold_in(k, jnp.uint32(2**32 - 1))"),
    ("ops", "jax.random.fold_in(k, 2.5)"),
    ("ops", "jax.random.bits(k, (3,))"), ("ops", "jax.random.bits(k, (2,), jnp.uint8)"),
    ("ops", "jax.random.bits(raw, (3,), jnp.uint16)"),
    ("ops", "jax.random.uniform(k, (3,))"), ("ops", "jax.random.uniform(ks[1], (2, 2), minval=-1.0, maxval=3.0)"),
    ("ops", "jax.random.normal(k, (3,))"), ("ops", "jax.random.randint(k, (4,), 0, 10)"),
    ("ops", "jax.random.permutation(k, 6)"), ("ops", "jax.random.choice(k, 5, (3,))"),
    ("ops", "jax.random.bernoulli(k, 0.3, (4,))"),
    ("ops", "jax.random.randint(jax.random.fold_in(jax.random.split(k)[1], 3), (2,), 0, 100)"),
    # indexing and the structural jnp/lax operations JAX allows on keys
    ("struct", "ks[0]"), ("struct", "ks[1:3]"), ("struct", "ks[::-1]"), ("struct", "ks[-1]"),
    ("struct", "ks[jnp.array([0, 2])]"), ("struct", "ks[np.array([True, False, True, False])]"),
    ("struct", "ks[None].shape"), ("struct", "ks[..., None].shape"), ("struct", "k[()]"),
    ("struct", "ks.reshape(2, 2)"), ("struct", "jnp.reshape(ks, (2, 2))"),
    ("struct", "ks.reshape(2, 2).ravel()"), ("struct", "ks.reshape(2, 2).flatten()"),
    ("struct", "ks.reshape(2, 2).T"), ("struct", "ks.reshape(2, 2).transpose()"),
    ("struct", "jnp.transpose(ks.reshape(2, 2))"), ("struct", "ks.reshape(2, 2).swapaxes(0, 1)"),
    ("struct", "jnp.moveaxis(ks.reshape(2, 2), 0, 1)"), ("struct", "ks.reshape(1, 4).squeeze()"),
    ("struct", "jnp.squeeze(ks.reshape(1, 4), 0)"), ("struct", "jnp.expand_dims(ks, 0)"),
    ("struct", "jnp.concatenate([ks, ks[:1]])"), ("struct", "jnp.stack([k, ks[1]])"),
    ("struct", "jnp.stack([ks, ks], axis=1)"), ("struct", "jnp.hstack([ks, ks])"),
    ("struct", "jnp.vstack([ks, ks])"), ("struct", "jnp.broadcast_to(k, (3,))"),
    ("struct", "jnp.broadcast_arrays(k, ks)"), ("struct", "jnp.atleast_1d(k)"),
    ("struct", "jnp.where(jnp.array([True, False, True, False]), ks, ks[::-1])"),
    ("struct", "jnp.where(True, k, ks)"),
    ("struct", "lax.select(jnp.array([True, False, True, False]), ks, ks[::-1])"),
    ("struct", "jnp.take(ks, jnp.array([3, 0]))"), ("struct", "ks.take(jnp.array([1]))"),
    ("struct", "jnp.flip(ks)"), ("struct", "jnp.roll(ks, 1)"), ("struct", "jnp.tile(ks, 2)"),
    ("struct", "jnp.copy(ks)"), ("struct", "ks.copy()"), ("struct", "jnp.asarray(ks)"),
    ("struct", "jnp.array(k)"),
    ("struct", "ks.at[0].set(k)"), ("struct", "ks.at[jnp.array([1, 2])].set(k)"),
    ("struct", "ks.at[2].get()"), ("struct", "list(ks)"),
    ("struct", "lax.reshape(ks, (2, 2))"), ("struct", "lax.broadcast(k, (2,))"),
    ("struct", "lax.broadcast_in_dim(ks, (3, 4), (1,))"), ("struct", "lax.slice(ks, (1,), (3,))"),
    ("struct", "lax.dynamic_slice(ks, (1,), (2,))"),
    ("struct", "lax.dynamic_update_slice(ks, ks[:2], (1,))"),
    ("struct", "lax.dynamic_index_in_dim(ks, 1, keepdims=False)"),
    ("struct", "lax.index_in_dim(ks, 2)"), ("struct", "lax.rev(ks, (0,))"),
    ("struct", "lax.concatenate([ks, ks], 0)"), ("struct", "lax.transpose(ks.reshape(2, 2), (1, 0))"),
    ("struct", "lax.squeeze(ks.reshape(1, 4), (0,))"), ("struct", "lax.expand_dims(ks, (0,))"),
    ("struct", "lax.copy_p.bind(ks)"),
    ("struct", "jnp.repeat(ks, 2)"), ("struct", "jnp.split(ks, 2)"), ("struct", "jnp.ravel(ks)"),
    ("struct", "jnp.take_along_axis(ks, jnp.array([1, 0]), axis=0)"),
    ("struct", "jnp.concat([ks, ks])"), ("struct", "jnp.append(ks, k)"),
    ("struct", "jnp.insert(ks, 1, k)"), ("struct", "jnp.delete(ks, 1)"),
    ("struct", "jnp.select([jnp.array([True, False, True, False])], [ks], k)"),
    ("struct", "lax.select_n(jnp.array([0, 1, 2, 0]), ks, ks[::-1], ks)"),
    ("struct", "jnp.choose(jnp.array([0, 1, 0, 1]), [ks, ks[::-1]])"),
    ("struct", "lax.switch(1, [lambda: k, lambda: ks[1]])"), ("struct", "jnp.isin(ks, ks)"),
    ("struct", "lax.broadcast_to_rank(k, 2)"), ("struct", "jnp.tile(k, (2, 2))"),
    ("struct", "jnp.array_split(ks, 3)"), ("struct", "jnp.unstack(ks)"),
    ("struct", "lax.dynamic_update_index_in_dim(ks, k, 1, 0)"),
    ("struct", "jax.device_put(ks)"), ("struct", "lax.stop_gradient(k)"),
    ("struct", "jax.tree_util.tree_map(lambda k: jax.random.split(k), {'a': k})"),
    # creation of key arrays by jnp/lax (the fill value becomes every word of the data)
    ("create", "jnp.zeros_like(ks)"), ("create", "jnp.ones_like(ks)"),
    ("create", "jnp.empty_like(ks)"), ("create", "jnp.full_like(ks, 3)"),
    ("create", "jnp.full_like(ks, k)"), ("create", "lax.full_like(ks, 3)"),
    ("create", "jnp.zeros((2,), k.dtype)"), ("create", "jnp.ones((2,), k.dtype)"),
    ("create", "jnp.full((2,), k)"), ("create", "jnp.full((2,), 5, k.dtype)"),
    ("create", "lax.full((2,), k)"), ("create", "jnp.array([k, ks[1]])"),
    ("create", "jnp.asarray([k, ks[1]])"),
    # comparisons
    ("compare", "k == k"), ("compare", "k != k"), ("compare", "ks == ks[::-1]"),
    ("compare", "k == ks"), ("compare", "ks != ks"), ("compare", "jnp.equal(ks, ks)"),
    ("compare", "jnp.not_equal(k, ks)"), ("compare", "lax.eq(ks, ks)"), ("compare", "lax.ne(ks, ks)"),
    ("compare", "jnp.array_equal(ks, ks)"),
    # transformations
    ("transform", "jax.jit(jax.random.split)(k)"), ("transform", "jax.jit(lambda k: k)(k)"),
    ("transform", "jax.jit(lambda k: (k, jax.random.key_data(k)))(ks)"),
    ("transform", "jax.jit(lambda: jax.random.key(3))()"),
    ("transform", "jax.jit(lambda i: jax.random.uniform(jax.random.fold_in(k, i)))(5)"),
    ("transform", "jax.jit(lambda k: ks[k])(2)"),
    ("transform", "jax.jit(lambda ks, i: ks[i])(ks, 2)"),
    ("transform", "jax.vmap(lambda k: jax.random.uniform(k))(ks)"),
    ("transform", "jax.vmap(jax.random.split)(ks)"),
    ("transform", "jax.vmap(lambda k: jax.random.split(k), out_axes=1)(ks)"),
    ("transform", "jax.vmap(jax.random.fold_in, (None, 0))(k, jnp.arange(3))"),
    ("transform", "jax.vmap(jax.random.fold_in)(ks, jnp.arange(4))"),
    ("transform", "jax.vmap(jax.random.key)(jnp.arange(3))"),
    ("transform", "jax.vmap(jax.random.key_data, in_axes=1)(ks.reshape(2, 2))"),
    ("transform", "jax.vmap(jax.random.wrap_key_data)(jnp.arange(6, dtype=jnp.uint32).reshape(3, 2))"),
    ("transform", "jax.vmap(lambda k: jax.random.bits(k, (2,)))(ks.reshape(2, 2)[:, 1])"),
    ("transform", "jax.vmap(jax.vmap(lambda k: jax.random.normal(k)))(ks.reshape(2, 2))"),
    ("transform", "jax.vmap(lambda k, x: jnp.where(x > 0, k, ks[0]))(ks, jnp.array([1., -1., 2., -2.]))"),
    ("transform", "jax.lax.map(lambda k: jax.random.randint(k, (), 0, 100), ks)"),
    ("transform", "lax.scan(lambda c, _: (jax.random.split(c)[0], jax.random.uniform(c)), k, None, length=3)"),
    ("transform", "lax.scan(lambda c, k: (c + jax.random.uniform(k), k), 0.0, ks)"),
    ("transform", "lax.scan(lambda c, x: (c, jax.random.fold_in(k, x)), 0, jnp.arange(3))"),
    ("transform", "lax.cond(True, lambda k: jax.random.split(k)[1], lambda k: k, k)"),
    ("transform", "lax.cond(False, lambda: jax.random.key(1), lambda: jax.random.key(2))"),
    ("transform", "lax.while_loop(lambda c: c[1] < 3, lambda c: (jax.random.split(c[0])[0], c[1] + 1), (k, 0))"),
    ("transform", "lax.fori_loop(0, 3, lambda i, c: jax.random.fold_in(c, i), k)"),
    ("transform", "jax.grad(lambda x, k: x * jax.random.uniform(k))(2.0, k)"),
    ("transform", "jax.grad(lambda x, k: x * jax.random.uniform(k), argnums=(0, 1), allow_int=True)(2.0, k)"),
    ("transform", "jax.grad(lambda k: jax.random.uniform(k), allow_int=True)(ks[0])"),
    ("transform", "jax.vjp(lambda k: jax.random.uniform(k), k)[1](1.0)"),
    ("transform", "jax.jvp(lambda k: jax.random.split(k), (k,), (f0,))"),
    ("transform", "jax.jvp(lambda x: x * jax.random.normal(k), (1.0,), (1.0,))"),
    ("transform", "jax.value_and_grad(lambda x, k: jnp.sum(x * jax.random.normal(k, (3,))))(jnp.ones(3), k)"),
    ("transform", "jax.jacfwd(lambda x, k: x * jax.random.uniform(k, (2,)))(1.0, k)"),
    ("transform", "jax.linearize(lambda x: x * jax.random.uniform(k), 1.0)[1](2.0)"),
    ("transform", "jax.checkpoint(lambda x, k: x * jax.random.uniform(k))(2.0, k)"),
    ("transform", "jax.grad(jax.checkpoint(lambda x, k: x * jax.random.uniform(k)))(2.0, k)"),
    ("transform", "jax.jit(jax.vmap(lambda k: jax.random.split(k, 3)))(ks)"),
    ("transform", "jax.vmap(lambda k: lax.cond(True, lambda k: jax.random.split(k)[0], lambda k: k, k))(ks)"),
    ("transform", "jax.jit(lambda c: jax.random.uniform(ks[1]) + c)(1.0)"),
    ("transform", "jax.grad(lambda x: jax.random.normal(jax.random.fold_in(k, 3)) * x ** 2)(3.0)"),
    ("transform", "jax.vmap(jax.random.key_data, in_axes=-1)(ks.reshape(2, 2))"),
    ("transform", "jax.vmap(lambda k: jax.random.split(k), out_axes=-1)(ks).shape"),
    ("transform", "jax.vmap(lambda k: jax.random.split(k), out_axes=-1)(ks)"),
    ("transform", "jax.jit(lambda k: jax.random.split(k, 3)[::-1], donate_argnums=0)(jax.random.key(4))"),
    ("transform", "jax.jit(lambda x, k: x)(1.0, k)"),
    ("transform", "jax.vmap(lambda i: jax.random.randint(jax.random.fold_in(k, i), (), 0, 99))(jnp.arange(3))"),
    ("transform", "jax.hessian(lambda x, k: jnp.sum(x ** 2 * jax.random.uniform(k, (2,))))(jnp.ones(2), k)"),
    # errors, as JAX raises them
    ("error", "k + 1"), ("error", "1 + k"), ("error", "k + k"), ("error", "k - 1"),
    ("error", "k * 2"), ("error", "np.float32(2) * k"), ("error", "k / 2"), ("error", "k // 2"),
    ("error", "k % 2"), ("error", "k & 1"), ("error", "k << 1"), ("error", "-k"),
    ("error", "abs(k)"), ("error", "~k"), ("error", "k < k"), ("error", "k >= 1"),
    ("error", "k == 1"), ("error", "k == raw"), ("error", "ks == ks[:2]"),
    ("error", "jnp.add(k, 1)"), ("error", "lax.add(k, k)"), ("error", "lax.mul(ks, ks)"),
    ("error", "jax.jit(lambda k: k + 1)(k)"), ("error", "jax.jit(lambda k: k * k)(k)"),
    ("error", "jax.jit(lambda k: -k)(k)"),
    ("error", "np.asarray(k)"), ("error", "bool(k)"), ("error", "hash(k)"), ("error", "len(k)"),
    ("error", "iter(k)"), ("error", "k[0]"), ("error", "ks[0, 0]"),
    ("error", "jax.jit(lambda k: bool(k))(k)"), ("error", "jax.jit(lambda k: np.asarray(k))(k)"),
    ("error", "jax.jit(lambda k: list(k))(k)"),
    ("error", "lax.convert_element_type(ks, jnp.uint32)"), ("error", "jnp.asarray(ks, dtype=jnp.uint32)"),
    ("error", "jax.jit(lambda k: k.astype(jnp.uint32))(ks)"),
    ("error", "ks.astype(jnp.uint32)"), ("error", "ks.sum()"), ("error", "ks.item()"),
    ("error", "ks.tolist()"), ("error", "ks.real"),
    ("error", "jnp.concatenate([ks, jnp.zeros(4, jnp.uint32)])"),
    ("error", "jnp.result_type(k, 1)"),
    ("error", "lax.sort(ks)"), ("error", "jnp.argsort(ks)"), ("error", "jnp.unique(ks)"),
    ("error", "jnp.sum(ks)"), ("error", "jax.jit(lambda k: k.sum())(ks)"),
    ("error", "ks.at[0].add(k)"), ("error", "jnp.where(ks)"), ("error", "jnp.flatnonzero(ks)"),
    ("error", "jnp.diagonal(ks.reshape(2, 2))"), ("error", "lax.reduce_max(ks, (0,))"),
    ("error", "lax.cumsum(ks)"),
    ("error", "jax.random.split(ks)"), ("error", "jax.random.split(jax.random.key_data(ks))"),
    ("error", "jax.random.uniform(ks)"), ("error", "jax.random.fold_in(ks, 1)"),
    ("error", "jax.random.bits(ks)"), ("error", "jax.random.fold_in(k, jnp.arange(2))"),
    ("error", "jax.random.fold_in(k, 2**33)"), ("error", "jax.random.fold_in(k, -1)"),
    ("error", "jax.random.key(k)"), ("error", "jax.random.PRNGKey(k)"),
    ("error", "jax.random.key(jnp.arange(2))"), ("error", "jax.random.key(1.5)"),
    ("error", "jax.random.split(jnp.zeros(2))"), ("error", "jax.random.split(jnp.zeros(2, jnp.int32))"),
    ("error", "jax.random.split(jnp.zeros(3, jnp.uint32))"), ("error", "jax.random.split('abc')"),
    ("error", "jax.random.split(5)"), ("error", "jax.random.split(np.uint32(5))"),
    ("error", "jax.random.uniform([0, 0])"),
    ("error", "jax.random.key_data(jnp.zeros(2, jnp.int32))"),
    ("error", "jax.random.wrap_key_data(jnp.zeros(2, jnp.int32))"),
    ("error", "jax.random.wrap_key_data(k)"),
    ("error", "jax.random.wrap_key_data(jnp.zeros((2, 3), jnp.uint32))"),
    ("error", "jax.grad(lambda k: jax.random.uniform(k))(k)"),
    ("error", "jax.vmap(lambda k: jax.random.uniform(k), in_axes=1)(ks.reshape(2, 2))"),
    ("error", "lax.scan(lambda c, x: (jax.random.key_data(c), x), k, None, length=2)"),
    ("error", "lax.cond(True, lambda: k, lambda: raw)"),
]

# jaxprs of typed-key code: (name, function source defining f, argument expression)
TYPED_KEY_JAXPRS = [
    ("key", "f = jax.random.key\n", "0"),
    ("key_jit", "f = jax.jit(jax.random.key)\n", "0"),
    ("key_int8", "f = jax.random.key\n", "jnp.int8(3)"),
    ("prngkey", "f = jax.random.PRNGKey\n", "0"),
    ("split", "f = jax.random.split\n", "k"),
    ("split_shape", "def f(k):\n    return jax.random.split(k, (2, 3))\n", "k"),
    ("split_raw", "f = jax.random.split\n", "raw"),
    ("fold_in", "f = jax.random.fold_in\n", "k, 3"),
    ("fold_in_const", "def f(k):\n    return jax.random.fold_in(k, 3)\n", "k"),
    ("fold_in_raw", "f = jax.random.fold_in\n", "raw, 3"),
    ("fold_in_float", "f = jax.random.fold_in\n", "k, 2.0"),
    ("bits", "def f(k):\n    return jax.random.bits(k, (3,))\n", "k"),
    ("bits_u8", "def f(k):\n    return jax.random.bits(k, (3,), jnp.uint8)\n", "k"),
    ("bits_raw", "def f(k):\n    return jax.random.bits(k)\n", "raw"),
    ("uniform", "def f(k):\n    return jax.random.uniform(k, (2,))\n", "k"),
    ("key_data", "f = jax.random.key_data\n", "k"),
    ("key_data_raw", "f = jax.random.key_data\n", "raw"),
    ("wrap", "f = jax.random.wrap_key_data\n", "jnp.zeros(2, jnp.uint32)"),
    ("clone", "f = jax.random.clone\n", "k"),
    ("clone_raw", "f = jax.random.clone\n", "raw"),
    ("reshape", "def f(k):\n    return k.reshape(2, 2)\n", "ks"),
    ("index", "def f(k):\n    return k[1]\n", "ks"),
    ("slice", "def f(k):\n    return k[1:3]\n", "ks"),
    ("rev", "def f(k):\n    return k[::-1]\n", "ks"),
    ("dynamic_index", "def f(k, i):\n    return k[i]\n", "ks, 2"),
    ("gather", "def f(k):\n    return k[jnp.array([0, 2])]\n", "ks"),
    ("at_set", "def f(k):\n    return k.at[0].set(k[1])\n", "ks"),
    ("concat", "def f(k):\n    return jnp.concatenate([k, k])\n", "ks"),
    ("stack", "def f(k):\n    return jnp.stack([k, k])\n", "k"),
    ("broadcast_to", "def f(k):\n    return jnp.broadcast_to(k, (3,))\n", "k"),
    ("expand_squeeze", "def f(k):\n    return jnp.expand_dims(k, 0).squeeze(0)\n", "ks"),
    ("transpose", "def f(k):\n    return k.T\n", "ks.reshape(2, 2)"),
    ("select_n", "def f(p, a, b):\n    return lax.select(p, a, b)\n", "jnp.array([True, False, True, False]), ks, ks"),
    ("eq", "def f(a, b):\n    return a == b\n", "k, k"),
    ("ne", "def f(a):\n    return a != a\n", "ks"),
    ("vmap_uniform", "f = jax.vmap(lambda k: jax.random.uniform(k))\n", "ks"),
    ("vmap_split", "f = jax.vmap(jax.random.split)\n", "ks"),
    ("vmap_fold_in", "f = jax.vmap(jax.random.fold_in, (None, 0))\n", "k, jnp.arange(3)"),
    ("vmap_fold_in_both", "f = jax.vmap(jax.random.fold_in)\n", "ks, jnp.arange(4)"),
    ("vmap_key", "f = jax.vmap(jax.random.key)\n", "jnp.arange(3)"),
    ("vmap_bits", "f = jax.vmap(lambda k: jax.random.bits(k, (2,)))\n", "ks"),
    ("vmap_wrap", "f = jax.vmap(jax.random.wrap_key_data)\n", "jnp.zeros((3, 2), jnp.uint32)"),
    ("vmap_unwrap", "f = jax.vmap(jax.random.key_data)\n", "ks"),
    ("vmap_unwrap_axis1", "f = jax.vmap(jax.random.key_data, in_axes=1)\n", "ks.reshape(2, 2)"),
    ("vmap_wrap_axis1", "f = jax.vmap(jax.random.wrap_key_data, in_axes=1)\n", "jnp.zeros((2, 5), jnp.uint32)"),
    ("zeros_like", "f = jnp.zeros_like\n", "ks"),
    ("full_like", "def f(k):\n    return lax.full_like(k, 3)\n", "ks"),
    ("take", "def f(k):\n    return jnp.take(k, jnp.array([7, 1]))\n", "ks"),
    ("while", "def f(k):\n    return lax.while_loop(lambda c: c[1] < 2, lambda c: (jax.random.split(c[0])[1], c[1] + 1), (k, 0))\n", "k"),
    ("gamma", "def f(k):\n    return jax.random.gamma(k, 2.0)\n", "k"),
    ("device_put", "f = jax.device_put\n", "ks"),
    ("uniform_scalar", "def f(k):\n    return jax.random.uniform(k)\n", "k"),
    ("scan_uniform", "def f(k):\n    return lax.scan(lambda c, _: (jax.random.split(c)[0], jax.random.uniform(c)), k, None, length=2)\n", "k"),
    ("custom_jvp", S("""
        @jax.custom_jvp
        def f(x, k):
            return x * jax.random.bits(k).astype(jnp.float32)
        @f.defjvp
        def f_jvp(p, t):
            return f(*p), t[0]
        """), "2.0, k"),
    ("jit_split", "f = jax.jit(jax.random.split)\n", "k"),
    ("scan_carry", "def f(k):\n    return lax.scan(lambda c, _: (jax.random.split(c)[0], jax.random.bits(c)), k, None, length=2)\n", "k"),
    ("cond", "def f(p, k):\n    return lax.cond(p, lambda k: jax.random.split(k)[0], lambda k: k, k)\n", "True, k"),
    ("grad", "f = jax.grad(lambda x, k: x * jax.random.bits(k).astype(jnp.float32))\n", "1.0, k"),
    ("closure_key", "def f(x):\n    return x + jax.random.bits(k)\n", "jnp.uint32(1)"),
    ("shape_dtype_struct", "f = jax.random.split\n", "jax.ShapeDtypeStruct((), k.dtype)"),
]


def typed_key_cases():
    out = []
    for name, expr in TYPED_KEY_EXPRS:
        out.append({"name": name, "source": _KEYS_SRC, "expr": expr})
    for name, src, args in TYPED_KEY_JAXPRS:
        out.append({"name": "jaxpr_" + name, "source": _KEYS_SRC + src,
                    "expr": f"jax.make_jaxpr(f)({args})"})
    return out
