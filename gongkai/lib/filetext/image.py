"""Images: no OCR, so never any text; staff see that the picture is not searchable."""

from .base import Extractor, Limits, NoText


class ImageExtractor(Extractor):
    kind = "image"
    label = "图片"

    def text(self, path, limits: Limits) -> str:
        raise NoText("图片，无文字层")
