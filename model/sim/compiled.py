"""The decorator of every compiled loop of the simulation (numba).

Compiled code is cached on disk next to the file that defines it (``cache=True``): the first run
on a machine compiles for 20-40 s, later processes load it in well under a second. The cache
notices edits to a function's own file only, so compiled functions call compiled functions of
their own file only (a caller in another file would keep an old copy of a changed helper).
"""

from numba import njit

# Loops index slices from 0 (so LLVM can drop negative-index checks and use SIMD) and divide with
# numpy's error model (no ZeroDivisionError check in the loop): both keep loops vectorised.
compiled = njit(cache=True, error_model="numpy")
