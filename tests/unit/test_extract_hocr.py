"""Tesseract's hOCR output read into lines and words, and lines placed on the page."""

from __future__ import annotations

import numpy as np

from services.extract.hocr import parse_hocr
from services.extract.ocr import to_lines
from services.extract.scan_image import Render
from services.extract.tuning import DEFAULT

HOCR = """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><body>
 <div class='ocr_page' id='page_1' title='image "stdin"; bbox 0 0 2480 3508; ppageno 0'>
  <div class='ocr_carea' id='block_1_1' title="bbox 282 218 2274 275">
   <p class='ocr_par' id='par_1_1' lang='nld' title="bbox 282 218 2274 275">
    <span class='ocr_line' id='line_1_1' title="bbox 282 218 2274 275; x_size 42; x_descenders 7">
     <span class='ocrx_word' id='word_1_1' title='bbox 282 219 434 245; x_wconf 96'>Gemeente</span>
     <span class='ocrx_word' id='word_1_2' title='bbox 447 218 564 263; x_wconf 89'>Bergdijk</span>
     <span class='ocrx_word' id='word_1_3' title='bbox 2021 242 2190 275; x_wconf 96'>R&amp;D</span>
     <span class='ocrx_word' id='word_1_4' title='bbox 2203 245 2274 269; x_wconf 30'> </span>
    </span>
   </p>
  </div>
 </div>
</body></html>
"""


def test_lines_carry_their_words_size_and_entities() -> None:
    (line,) = parse_hocr(HOCR)
    assert line.size == 42.0
    assert [w.text for w in line.words] == ["Gemeente", "Bergdijk", "R&D"]
    assert line.words[0].box == (282, 219, 434, 245)
    assert line.words[1].confidence == 89


def test_a_line_is_cut_at_a_gap_wider_than_a_word_space() -> None:
    render = Render(np.zeros((10, 10), dtype=np.uint8), 300, 0, 0)
    lines = sorted(to_lines(parse_hocr(HOCR), render, 1, DEFAULT.text), key=lambda ln: ln.x0)
    assert [ln.text for ln in lines] == ["Gemeente Bergdijk", "R&D"]
    first = lines[0]
    assert first.ocr and first.page == 1
    assert abs(first.size - 42 * 72 / 300) < 0.01
    # every word stands as high as its line, as in a text layer
    assert {(w.y0, w.y1) for w in first.words} == {(first.y0, first.y1)}
