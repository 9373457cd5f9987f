"""List bullets that OCR leaves out.

Tesseract often drops a round bullet: the glyph is a lone dot, which it takes for a speck.
The item's text then starts at the same indent as the wrapped lines of the item before, and
two items run together. A bullet is still plain to see in the image: one compact, filled
blob at mid-height, a little left of where the line's text starts.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .tuning import BulletTuning

Mask = npt.NDArray[np.bool_]


def bullet_before(ink: Mask, c0: int, r0: int, r1: int, tuning: BulletTuning) -> bool:
    """Whether a bullet stands left of a line whose text box starts at pixel column `c0`
    and spans pixel rows `r0`..`r1`."""
    em = r1 - r0
    if em < tuning.min_line_px:
        return False
    left = max(int(c0 - tuning.reach_em * em), 0)
    right = int(c0 - tuning.clear_em * em)
    if right - left < tuning.min_window_px or r0 < 0 or r1 > ink.shape[0]:
        return False
    window = ink[r0:r1, left:right]
    rows = np.flatnonzero(window.any(axis=1))
    cols = np.flatnonzero(window.any(axis=0))
    if rows.size == 0:
        return False
    height = int(rows[-1] - rows[0] + 1)
    width = int(cols[-1] - cols[0] + 1)
    if max(height, width) > tuning.max_em * em or min(height, width) < tuning.min_em * em:
        return False
    if int(window.sum()) < tuning.fill_share * height * width:
        return False
    middle = float(rows[0] + rows[-1]) / 2
    return tuning.centre_top * em <= middle <= tuning.centre_bottom * em
