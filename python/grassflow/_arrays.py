"""Checks of the arrays users pass (shapes, dtypes, finiteness), with messages that name the argument and the fix.
Arrays are never copied here unless they must be: float32 and float64 arrays pass through as they are (the core
reads any layout, and rows laid out as aligned_empty lays them out without any copy: docs/python.md)."""

from __future__ import annotations

import numpy as np


def samples(name: str, X) -> np.ndarray:
    """X as an n×d float32 or float64 array (n ≥ 1, d ≥ 1, finite). Integer and boolean arrays are converted to
    float64 (a copy); other dtypes raise TypeError."""
    if not isinstance(X, np.ndarray):
        try:
            X = np.asarray(X)
        except Exception as error:
            raise TypeError(f"{name}=: expected an n x d array of numbers ({error})") from None
    if X.dtype.kind not in "fiub" or X.dtype.itemsize > 8 and X.dtype.kind == "f":
        raise TypeError(f"{name}=: expected an n x d array of numbers (float32 or float64), got dtype {X.dtype}")
    if X.ndim != 2:
        raise ValueError(f"{name}=: expected a 2-D array, one sample per row (n x d), got shape {X.shape}; "
                         f"reshape a single sample with {name}.reshape(1, -1)")
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{name}=: the array of shape {X.shape} is empty; give at least one row and one column")
    if X.dtype not in (np.float32, np.float64):
        X = X.astype(np.float64)
    if not np.isfinite(X).all():
        rows, cols = np.nonzero(~np.isfinite(X))
        raise ValueError(f"{name}=: entry ({rows[0]}, {cols[0]}) is {X[rows[0], cols[0]]}; NaN and infinite values "
                         f"are not samples (drop or impute those rows)")
    return X


def responses(name: str, y, n: int, rows_of: str = "X") -> np.ndarray:
    """y as a float64 vector of n finite values (a column vector n×1 is accepted), one per row of ``rows_of``."""
    try:
        y = np.asarray(y)
    except Exception as error:
        raise TypeError(f"{name}=: expected a vector of n numbers ({error})") from None
    if y.dtype.kind not in "fiub":
        raise TypeError(f"{name}=: expected a vector of numbers, got dtype {y.dtype}")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"{name}=: expected a vector (n,), got shape {y.shape}")
    if y.shape[0] != n:
        raise ValueError(f"{name}=: {y.shape[0]} responses for {n} rows of {rows_of}; give one response per row")
    y = np.ascontiguousarray(y, dtype=np.float64)
    if not np.isfinite(y).all():
        i = int(np.nonzero(~np.isfinite(y))[0][0])
        raise ValueError(f"{name}=: entry {i} is {y[i]}; NaN and infinite responses are not samples")
    return y


def matrix(name: str, A, rows: int | None = None, cols: int | None = None) -> np.ndarray:
    """A as a finite float64 matrix, of the given shape when given."""
    try:
        A = np.asarray(A)
    except Exception as error:
        raise TypeError(f"{name}=: expected a matrix of numbers ({error})") from None
    if A.dtype.kind not in "fiu":
        raise TypeError(f"{name}=: expected a matrix of numbers (int or float), got dtype {A.dtype}")
    if A.ndim != 2:
        raise ValueError(f"{name}=: expected a 2-D array, got shape {A.shape}")
    if (rows is not None and A.shape[0] != rows) or (cols is not None and A.shape[1] != cols):
        want = f"{rows if rows is not None else 'any'} x {cols if cols is not None else 'any'}"
        raise ValueError(f"{name}=: expected shape {want}, got {A.shape[0]} x {A.shape[1]}")
    A = np.asarray(A, dtype=np.float64)
    if not np.isfinite(A).all():
        raise ValueError(f"{name}=: holds NaN or infinite entries; give a finite matrix")
    return A


def orthonormal(name: str, W, d: int | None = None, r: int | None = None, tolerance: float = 1e-4) -> np.ndarray:
    """W (d×r) with orthonormal columns to ``tolerance`` (‖WᵀW − I‖_F), made exactly orthonormal (same span), as
    ``grassflow train --w-star`` reads it."""
    W = matrix(name, W, d, r)
    if W.shape[1] > W.shape[0]:
        raise ValueError(f"{name}=: {W.shape[1]} columns exceed the {W.shape[0]} rows; an orthonormal frame is d x r "
                         f"with r <= d")
    defect = float(np.linalg.norm(W.T @ W - np.eye(W.shape[1])))
    if not defect <= tolerance:
        raise ValueError(f"{name}=: the columns are not orthonormal (|W'W - I| = {defect:.3g}); orthonormalise them "
                         f"first, e.g. numpy.linalg.qr(W)[0]")
    from . import _core
    return _core.orthonormal_factor(W)


def aligned_empty(shape, dtype=np.float32) -> np.ndarray:
    """An n×d array (zero-filled) that grassflow.train and the baselines read without a copy, for any d: a view of
    a buffer whose rows start on 64-byte boundaries, each padded with zeros to a multiple of 64 bytes (the layout
    of the core's sample storage, core/include/grassflow/kernels.h). Fill it in place (``X[...] = data``).
    dtype: float32 (default) or float64. Raises ValueError for a shape that is not (n, d) or another dtype."""
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype=: {dtype}; grassflow stores samples as float32 or float64")
    n, d = (int(x) for x in shape)
    if n < 0 or d < 1:
        raise ValueError(f"shape=: {tuple(shape)}; give (n, d) with n >= 0 and d >= 1")
    lanes = 64 // dtype.itemsize
    stride = -(-d // lanes) * lanes
    raw = np.zeros(n * stride * dtype.itemsize + 64, dtype=np.uint8)
    offset = (-raw.ctypes.data) % 64
    return raw[offset:offset + n * stride * dtype.itemsize].view(dtype).reshape(n, stride)[:, :d]
