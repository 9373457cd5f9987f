"""List bullets that OCR leaves out.

Tesseract often drops a round bullet: the glyph is a lone dot, which it takes for a speck.
The item's text then starts at the same indent as the wrapped lines of the item before, and
two items run together. A bullet is still plain to see in the image: one compact, filled
blob at mid-height, a little left of where the line's text starts.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Mask = npt.NDArray[np.bool_]

_REACH_EM = 2.2
_CLEAR_EM = 0.15
_MAX_EM = 0.6
_FILL = 0.5


def bullet_before(ink: Mask, c0: int, r0: int, r1: int) -> bool:
    """Whether a bullet stands left of a line whose text box starts at pixel column `c0`
    and spans pixel rows `r0`..`r1`."""
    em = r1 - r0
    if em < 4:
        return False
    left = max(int(c0 - _REACH_EM * em), 0)
    right = int(c0 - _CLEAR_EM * em)
    if right - left < 2 or r0 < 0 or r1 > ink.shape[0]:
        return False
    window = ink[r0:r1, left:right]
    rows = np.flatnonzero(window.any(axis=1))
    cols = np.flatnonzero(window.any(axis=0))
    if rows.size == 0:
        return False
    height = int(rows[-1] - rows[0] + 1)
    width = int(cols[-1] - cols[0] + 1)
    if height > _MAX_EM * em or width > _MAX_EM * em or min(height, width) < 0.15 * em:
        return False
    if int(window.sum()) < _FILL * height * width:
        return False
    middle = float(rows[0] + rows[-1]) / 2
    return 0.3 * em <= middle <= 0.8 * em
