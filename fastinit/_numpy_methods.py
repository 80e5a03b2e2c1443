"""NumPy's own algorithms on fastinit's stream, for every method without a fast kernel.

``NumPyMethods`` is a mixin of :class:`fastinit.Generator`: each method here
forwards to ``numpy.random.Generator(self.bit_generator)``, so it runs
NumPy's algorithm (its signature, defaults, broadcasting, ``size``/``out``
rules, return types and errors) on the words of the generator's own
Philox4x32 stream.  The bit generator shares the generator's stream
position, so these draws and fastinit's fast fills never overlap (see
``fastinit.Philox4x32`` and docs/NUMPY.md).

Methods that have a fast C kernel are defined on ``Generator`` itself and
take precedence over the ones here (Python's method resolution order):
this module is the complete NumPy surface, ``Generator`` the fast subset.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["NumPyMethods"]

SizeLike = Union[None, int, Sequence[int]]


class NumPyMethods:
    """The methods of ``numpy.random.Generator``, run by NumPy on this stream.

    A subclass sets ``self._numpy_generator`` to
    ``numpy.random.Generator(bit_generator)`` over its own bit generator.
    """

    _numpy_generator: np.random.Generator

    def beta(self, a: ArrayLike, b: ArrayLike, size: SizeLike = None) -> Any:
        """Beta distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.beta`.
        """
        return self._numpy_generator.beta(a, b, size)

    def binomial(self, n: ArrayLike, p: ArrayLike, size: SizeLike = None) -> Any:
        """Binomial distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.binomial`.
        """
        return self._numpy_generator.binomial(n, p, size)

    def bytes(self, length: int) -> Any:
        """Random bytes.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.bytes`.
        """
        return self._numpy_generator.bytes(length)

    def chisquare(self, df: ArrayLike, size: SizeLike = None) -> Any:
        """Chi-square distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.chisquare`.
        """
        return self._numpy_generator.chisquare(df, size)

    def choice(self, a: ArrayLike, size: SizeLike = None, replace: bool = True,
               p: ArrayLike = None, axis: int = 0, shuffle: bool = True) -> Any:
        """A random sample from a given array or range.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.choice`.
        """
        return self._numpy_generator.choice(a, size, replace, p, axis, shuffle)

    def dirichlet(self, alpha: ArrayLike, size: SizeLike = None) -> Any:
        """Dirichlet distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.dirichlet`.
        """
        return self._numpy_generator.dirichlet(alpha, size)

    def exponential(self, scale: ArrayLike = 1.0, size: SizeLike = None) -> Any:
        """Exponential distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.exponential`.
        """
        return self._numpy_generator.exponential(scale, size)

    def f(self, dfnum: ArrayLike, dfden: ArrayLike, size: SizeLike = None) -> Any:
        """F (Fisher-Snedecor) distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.f`.
        """
        return self._numpy_generator.f(dfnum, dfden, size)

    def gamma(self, shape: ArrayLike, scale: ArrayLike = 1.0, size: SizeLike = None) -> Any:
        """Gamma distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.gamma`.
        """
        return self._numpy_generator.gamma(shape, scale, size)

    def geometric(self, p: ArrayLike, size: SizeLike = None) -> Any:
        """Geometric distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.geometric`.
        """
        return self._numpy_generator.geometric(p, size)

    def gumbel(self, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0, size: SizeLike = None) -> Any:
        """Gumbel (extreme value type I) distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.gumbel`.
        """
        return self._numpy_generator.gumbel(loc, scale, size)

    def hypergeometric(self, ngood: ArrayLike, nbad: ArrayLike, nsample: ArrayLike,
                       size: SizeLike = None) -> Any:
        """Hypergeometric distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.hypergeometric`.
        """
        return self._numpy_generator.hypergeometric(ngood, nbad, nsample, size)

    def integers(self, low: ArrayLike, high: Optional[ArrayLike] = None, size: SizeLike = None,
                 dtype: Any = np.int64, endpoint: bool = False) -> Any:
        """Random integers in [low, high) (or [low, high] with endpoint=True).

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.integers`.
        """
        return self._numpy_generator.integers(low, high, size, dtype, endpoint)

    def laplace(self, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0, size: SizeLike = None) -> Any:
        """Laplace (double exponential) distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.laplace`.
        """
        return self._numpy_generator.laplace(loc, scale, size)

    def logistic(self, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0, size: SizeLike = None) -> Any:
        """Logistic distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.logistic`.
        """
        return self._numpy_generator.logistic(loc, scale, size)

    def lognormal(self, mean: ArrayLike = 0.0, sigma: ArrayLike = 1.0,
                  size: SizeLike = None) -> Any:
        """Log-normal distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.lognormal`.
        """
        return self._numpy_generator.lognormal(mean, sigma, size)

    def logseries(self, p: ArrayLike, size: SizeLike = None) -> Any:
        """Logarithmic series distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.logseries`.
        """
        return self._numpy_generator.logseries(p, size)

    def multinomial(self, n: ArrayLike, pvals: ArrayLike, size: SizeLike = None) -> Any:
        """Multinomial distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.multinomial`.
        """
        return self._numpy_generator.multinomial(n, pvals, size)

    def multivariate_hypergeometric(self, colors: ArrayLike, nsample: ArrayLike,
                                    size: SizeLike = None, method: str = 'marginals') -> Any:
        """Multivariate hypergeometric distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.multivariate_hypergeometric`.
        """
        return self._numpy_generator.multivariate_hypergeometric(colors, nsample, size, method)

    def multivariate_normal(self, mean: ArrayLike, cov: ArrayLike, size: SizeLike = None,
                            check_valid: str = 'warn', tol: float = 1e-08, *,
                            method: str = 'svd') -> Any:
        """Multivariate normal distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.multivariate_normal`.
        """
        return self._numpy_generator.multivariate_normal(mean, cov, size, check_valid, tol,
                                                         method=method)

    def negative_binomial(self, n: ArrayLike, p: ArrayLike, size: SizeLike = None) -> Any:
        """Negative binomial distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.negative_binomial`.
        """
        return self._numpy_generator.negative_binomial(n, p, size)

    def noncentral_chisquare(self, df: ArrayLike, nonc: ArrayLike, size: SizeLike = None) -> Any:
        """Noncentral chi-square distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.noncentral_chisquare`.
        """
        return self._numpy_generator.noncentral_chisquare(df, nonc, size)

    def noncentral_f(self, dfnum: ArrayLike, dfden: ArrayLike, nonc: ArrayLike,
                     size: SizeLike = None) -> Any:
        """Noncentral F distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.noncentral_f`.
        """
        return self._numpy_generator.noncentral_f(dfnum, dfden, nonc, size)

    def pareto(self, a: ArrayLike, size: SizeLike = None) -> Any:
        """Pareto II (Lomax) distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.pareto`.
        """
        return self._numpy_generator.pareto(a, size)

    def permutation(self, x: ArrayLike, axis: int = 0) -> Any:
        """A permuted copy of a sequence or range.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.permutation`.
        """
        return self._numpy_generator.permutation(x, axis)

    def permuted(self, x: ArrayLike, *, axis: Optional[int] = None,
                 out: Optional[np.ndarray] = None) -> Any:
        """``x`` permuted along ``axis``, each slice independently.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.permuted`.
        """
        return self._numpy_generator.permuted(x, axis=axis, out=out)

    def poisson(self, lam: ArrayLike = 1.0, size: SizeLike = None) -> Any:
        """Poisson distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.poisson`.
        """
        return self._numpy_generator.poisson(lam, size)

    def power(self, a: ArrayLike, size: SizeLike = None) -> Any:
        """Power distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.power`.
        """
        return self._numpy_generator.power(a, size)

    def rayleigh(self, scale: ArrayLike = 1.0, size: SizeLike = None) -> Any:
        """Rayleigh distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.rayleigh`.
        """
        return self._numpy_generator.rayleigh(scale, size)

    def shuffle(self, x: ArrayLike, axis: int = 0) -> Any:
        """Shuffle ``x`` in place along ``axis``.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.shuffle`.
        """
        return self._numpy_generator.shuffle(x, axis)

    def standard_cauchy(self, size: SizeLike = None) -> Any:
        """Standard Cauchy distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.standard_cauchy`.
        """
        return self._numpy_generator.standard_cauchy(size)

    def standard_exponential(self, size: SizeLike = None, dtype: Any = np.float64,
                             method: str = 'zig', out: Optional[np.ndarray] = None) -> Any:
        """Standard exponential distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.standard_exponential`.
        """
        return self._numpy_generator.standard_exponential(size, dtype, method, out)

    def standard_gamma(self, shape: ArrayLike, size: SizeLike = None, dtype: Any = np.float64,
                       out: Optional[np.ndarray] = None) -> Any:
        """Standard gamma distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.standard_gamma`.
        """
        return self._numpy_generator.standard_gamma(shape, size, dtype, out)

    def standard_t(self, df: ArrayLike, size: SizeLike = None) -> Any:
        """Student's t distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.standard_t`.
        """
        return self._numpy_generator.standard_t(df, size)

    def triangular(self, left: ArrayLike, mode: ArrayLike, right: ArrayLike,
                   size: SizeLike = None) -> Any:
        """Triangular distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.triangular`.
        """
        return self._numpy_generator.triangular(left, mode, right, size)

    def vonmises(self, mu: ArrayLike, kappa: ArrayLike, size: SizeLike = None) -> Any:
        """von Mises distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.vonmises`.
        """
        return self._numpy_generator.vonmises(mu, kappa, size)

    def wald(self, mean: ArrayLike, scale: ArrayLike, size: SizeLike = None) -> Any:
        """Wald (inverse Gaussian) distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.wald`.
        """
        return self._numpy_generator.wald(mean, scale, size)

    def weibull(self, a: ArrayLike, size: SizeLike = None) -> Any:
        """Weibull distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.weibull`.
        """
        return self._numpy_generator.weibull(a, size)

    def zipf(self, a: ArrayLike, size: SizeLike = None) -> Any:
        """Zipf distribution.

        NumPy's algorithm on this generator's stream; parameters, defaults,
        broadcasting and errors as :meth:`numpy.random.Generator.zipf`.
        """
        return self._numpy_generator.zipf(a, size)
