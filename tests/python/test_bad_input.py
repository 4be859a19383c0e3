"""The bad-input contract of the Python package (docs/errors.md, "Python"): every bad call raises ValueError (the
package's InputError / LimitError are ValueErrors) or TypeError whose message starts with the keyword it is
about and says how to fix it, in the CLI's wording for the same key; never a crash, never NaN returned."""
import numpy as np
import pytest

import grassflow

X = np.random.default_rng(0).standard_normal((200, 4))
y = X[:, 0] * X[:, 1]
W2 = np.eye(4)[:, :2]

# (call, exception, start of the message, a word of the fix)
CASES = [
    (lambda: grassflow.flow("z1 +* 2", "joint", d=10), grassflow.InputError, 'link=: expression "z1 +* 2"', "write"),
    (lambda: grassflow.flow("", "joint", d=10), grassflow.InputError, "link=: empty link expression", "give"),
    (lambda: grassflow.flow("foo(z1)", "joint", d=10), grassflow.InputError, "link=:", "function"),
    (lambda: grassflow.flow("preset:nope", "joint", d=10), grassflow.InputError, "link=:", "preset"),
    (lambda: grassflow.flow(5, "joint", d=10), TypeError, "link=: expected a string", "string"),
    (lambda: grassflow.flow("z1", "banana", d=10), grassflow.InputError, "objective=: unknown objective", "joint"),
    (lambda: grassflow.flow("z1", "joint", d=2.5), grassflow.InputError, "d=: '2.5' is not a whole number", "give"),
    (lambda: grassflow.flow("z1", "joint", d=0), grassflow.InputError, "d=: '0' is not a whole number", "give"),
    (lambda: grassflow.flow("z1", "joint", d="1000"), TypeError, "d=: expected a number", "number"),
    (lambda: grassflow.flow("z1", "joint", d=float("nan")), grassflow.InputError, "d=:", "give"),
    (lambda: grassflow.flow("z1*z2", "joint", d=1), grassflow.InputError, "r=: r = 2 exceeds d = 1", "choose"),
    (lambda: grassflow.flow("z1", "joint", d=10, r=40), grassflow.InputError, "r=: '40' is not an integer", "0"),
    (lambda: grassflow.flow("z1", "joint", d=10, t_max=0), grassflow.InputError, "t_max=: '0' is not a positive",
     "give"),
    (lambda: grassflow.flow("z1", "joint", d=10, init="foo"), grassflow.InputError, "init=:", "random"),
    (lambda: grassflow.flow("z1", "joint", d=10, seed=-1), grassflow.InputError, "seed=:", "seed"),
    (lambda: grassflow.flow("z1", "joint", d=10, seed=1.5), grassflow.InputError, "seed=:", "whole"),
    (lambda: grassflow.flow("z1*z2", "joint", d=10, M0=[[1.5, 0], [0, 0.1]]), grassflow.InputError,
     "M0=: overlap M: its largest singular value is 1.5", "scale"),
    (lambda: grassflow.flow("z1*z2", "joint", d=10, M0=[["a", "b"]]), TypeError, "M0=: expected an r x r array",
     "numbers"),
    (lambda: grassflow.flow("z1*z2", "joint", d=10, M0=[[np.nan, 0], [0, 0.1]]), grassflow.InputError, "M0=:",
     "finite"),
    (lambda: grassflow.flow("z1*z2", "joint", d=10, degree=100), grassflow.InputError, "degree=: '100'", "99"),
    (lambda: grassflow.flow("z1", "joint", d=10, t=[-1.0]), grassflow.InputError, "t=: t = -1", "within"),
    (lambda: grassflow.flow("z1", "joint", d=10, t=[np.inf]), ValueError, "t=: the times hold NaN", "finite"),
    (lambda: grassflow.flow("z1", "joint", d=10, bogus=1), TypeError, "flow() got an unexpected keyword", "bogus"),
    (lambda: grassflow.loss("z1*z2", [[0.5, 0], [0, 0.1], [0, 0]], "joint"), grassflow.InputError,
     "M=: M is 3x2", "2x2"),
    (lambda: grassflow.loss("z1*z2", [[0.5, 0], [0, np.inf]], "joint"), ValueError, "M=: holds NaN", "finite"),
    (lambda: grassflow.loss("z1*z2", [[1.5, 0], [0, 0.1]], "joint"), grassflow.InputError, "M=: overlap M",
     "scale"),
    (lambda: grassflow.hermite("z1", degree=-1), grassflow.InputError, "degree=: '-1'", "99"),
    (lambda: grassflow.hermite("z1*z2*z3*z4*z5*z6*z7*z8*z9", degree=8), grassflow.LimitError,
     "degree=/r=: the coefficient tensors", "lower"),
    (lambda: grassflow.sweep("z1", "joint", d=[], seeds=2), grassflow.InputError, "d=: give at least one", "d="),
    (lambda: grassflow.sweep("z1", "joint", d=[100, "x"]), TypeError, "d=: expected a number", "number"),
    (lambda: grassflow.sweep("z1", "joint", d=[100], seeds=0), ValueError, "seeds=: 0; need 1 <= seeds", "<="),
    (lambda: grassflow.sweep("z1", "joint", d=[100], init="equator"), grassflow.InputError, "init=:", "random"),
    (lambda: grassflow.train(X, y[:10], r=2), ValueError, "y=: 10 responses for 200 rows", "one response per row"),
    (lambda: grassflow.train(X, y), ValueError, "r=: give the rank r >= 1", "r >= 1"),
    (lambda: grassflow.train(X, y, r=5), ValueError, "r=: r = 5; need 1 <= r <= d = 4", "r <= d"),
    (lambda: grassflow.train(np.where(X > 2, np.nan, X), y, r=2), ValueError, "X=: entry", "drop"),
    (lambda: grassflow.train(X.astype(str), y, r=2), TypeError, "X=: expected an n x d array of numbers", "float"),
    (lambda: grassflow.train(X[0], y, r=2), ValueError, "X=: expected a 2-D array", "reshape"),
    (lambda: grassflow.train(X, y, r=2, w_star=W2 * 2), ValueError, "w_star=: the columns are not orthonormal",
     "qr"),
    (lambda: grassflow.train(X, y, r=2, w_star=np.eye(5)[:, :2]), ValueError, "w_star=: expected shape 4 x 2",
     "shape"),
    (lambda: grassflow.train(X, y, r=2, lr=0), grassflow.InputError, "lr=: eta = 0", "> 0"),
    (lambda: grassflow.train(X, y, r=2, lr="fast"), TypeError, "lr=: expected a number", "number"),
    (lambda: grassflow.train(X, y, r=2, steps=-3), ValueError, "steps=: -3; need 0 <= steps", "<="),
    (lambda: grassflow.train(X, y, r=2, features="splines"), grassflow.InputError, "features=:", "hermite"),
    (lambda: grassflow.train(X, y, r=2, schedule="foo"), grassflow.InputError, "schedule=:", "constant"),
    (lambda: grassflow.train(X, y, r=2, online=True), ValueError, "online=: online SGD draws fresh samples", "X"),
    (lambda: grassflow.train(X, y, r=2, online=True, lagged=True), ValueError, "lagged=:", "choose"),
    (lambda: grassflow.train(link="z1", n=100), ValueError, "d=: required", "d >= 1"),
    (lambda: grassflow.train(link="z1", d=10), ValueError, "n=: required", "n >= 1"),
    (lambda: grassflow.train(d=10, n=100), ValueError, "link=: give the target link", "preset"),
    (lambda: grassflow.train(link="z1", d=10, n=100, online=True), ValueError,
     "n=: the online sample budget n = 100 is below one batch of B = 256", "batch"),
    (lambda: grassflow.train(link="z1", d=10, n=1e9, float32=True), grassflow.LimitError, "samples:", "fewer"),
    (lambda: grassflow.train(X, y, r=2, test_fraction=1.5), ValueError, "test_fraction=: 1.5", "0 <= f < 1"),
    (lambda: grassflow.sir(X[:3], y[:3], 1), grassflow.InputError, "n=: SIR:", "n"),
    (lambda: grassflow.save(X, y, 9), grassflow.InputError, "r=: SAVE:", "r"),
    (lambda: grassflow.sir(X, y, 2, slices=1), ValueError, "slices=: 1; need 2 <= slices", "<="),
    (lambda: grassflow.phd(np.ones((200, 4)), y, 1), grassflow.InputError, "data=: pHd:", "column"),
    (lambda: grassflow.principal_angles(W2, np.eye(3)[:, :2]), ValueError, "B=: expected shape 4 x any", "shape"),
    (lambda: grassflow.principal_angles(W2 * 3, W2), ValueError, "A=: the columns are not orthonormal", "qr"),
    (lambda: grassflow.haar_stiefel(2, 3), grassflow.InputError, "d=: d = 2 is below r = 3", "d >= r"),
    (lambda: grassflow.haar_stiefel(5, 2, seed=-4), ValueError, "seed=: -4; need 0 <= seed", "<="),
    # Found by review: out-of-range training knobs once crashed the interpreter; huge integers, None for a
    # required argument, duplicate dimensions, a 0-d array, a frame beyond the memory cap.
    (lambda: grassflow.train(X, y, r=2, steps=10, lr=-1), grassflow.InputError, "lr=: eta = -1", "> 0"),
    (lambda: grassflow.train(X, y, r=2, steps=10, ridge=-1), grassflow.InputError, "ridge=: lambda = -1", ">= 0"),
    (lambda: grassflow.train(X, y, r=2, steps=1e30), ValueError, "steps=: 1000000000000000019884624838656", "<="),
    (lambda: grassflow.train(X, y, r=2, steps=2**63), ValueError, "steps=: 9223372036854775808", "<="),
    (lambda: grassflow.train(X, y, r=2, threads=2**40), ValueError, "threads=: 1099511627776", "<= 1024"),
    (lambda: grassflow.train(X, y, r=2, X_test=X[:5], y_test=y[:4]), ValueError,
     "y_test=: 4 responses for 5 rows of X_test", "one response"),
    (lambda: grassflow.train(link="preset:he2", d=1e9, n=1, steps=1), grassflow.LimitError, "d=: a 1000000000 x 1",
     "lower d"),
    (lambda: grassflow.haar_stiefel(10**9, 1), grassflow.LimitError, "d=: a 1000000000 x 1", "lower d"),
    (lambda: grassflow.haar_stiefel(2**31, 1), ValueError, "d=: 2147483648", "<="),
    (lambda: grassflow.haar_stiefel(5, 2, seed=2**64), ValueError, "seed=: 18446744073709551616", "<="),
    (lambda: grassflow.sweep("z1", "joint", d=[100], seeds=2**31), ValueError, "seeds=: 2147483648", "<="),
    (lambda: grassflow.sweep("z1", "joint", d=[100], seeds=2, seed_start=2**64 - 1), ValueError,
     "seed_start=: 18446744073709551615", "<="),
    (lambda: grassflow.sweep("z1", "joint", d=[100, 100, 1000]), ValueError, "d=: [100, 100, 1000] names", "once"),
    (lambda: grassflow.sir(X, y, 2**40), ValueError, "r=: 1099511627776", "<="),
    (lambda: grassflow.hermite(None), TypeError, "link=: required", "help"),
    (lambda: grassflow.flow("z1", "joint", d=None), TypeError, "d=: required", "help"),
    (lambda: grassflow.loss("z1", [[0.5]], None), TypeError, "objective=: required", "help"),
    (lambda: grassflow.loss("z1", [[True]], "joint"), TypeError, "M=: expected a matrix of numbers", "int or float"),
    (lambda: grassflow.flow("z1", "joint", d=10, t=[1e40]), grassflow.InputError, "t=: t = 1e+40 is outside", "within"),
    (lambda: grassflow.train(link="z1", d=5, n=10, steps=1).link(np.full((3, 1), np.nan)), ValueError, "Z=: entry",
     "drop"),
    (lambda: grassflow.train(link="z1", d=5, n=10, steps=1).link.hermite(nodes=0), ValueError, "nodes=: 0", ">= 1"),
    (lambda: grassflow.hermite("z1", degree=40).as_tensors(), ValueError, "as_tensors: numpy arrays have at most 32",
     "degree=32"),
]


@pytest.mark.parametrize("call,error,start,fix", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_bad_call(call, error, start, fix):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert message.startswith(start), message
    assert fix in message, message


def test_table_is_large_enough():
    assert len(CASES) >= 30


def test_same_wording_as_the_cli(cli):
    import subprocess
    from conftest import CLI
    p = subprocess.run([CLI, "flow", "--link", "z1", "--objective", "joint", "--d", "2.5"], capture_output=True,
                       text=True)
    with pytest.raises(grassflow.InputError) as info:
        grassflow.flow("z1", "joint", d=2.5)
    assert p.stderr.strip() == "grassflow: error: --d: " + str(info.value)[len("d=: "):]
