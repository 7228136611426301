"""Images: decode fully with Pillow under a pixel limit, then re-encode from pixels into a fresh file.

Rules (SECURITY.md "Uploads"):
- only the decoder of the format the content announced is used (``Image.open(formats=[...])``), so Pillow
  never hands a file to another plugin (e.g. EPS, which would start Ghostscript);
- pixel flood: more pixels than the policy allows is refused before decoding (``Image.MAX_IMAGE_PIXELS`` is
  set from the policy, and Pillow's decompression-bomb warning is an error);
- ``verify()``, then a full decode of the first frame (a truncated file is refused, never padded);
- EXIF orientation is applied (``ImageOps.exif_transpose``), then the pixels are copied into a new image
  with no metadata and saved as JPEG (photos) or PNG (transparency, PNG and GIF sources). Nothing of the
  original file survives: no EXIF, GPS, XMP, ICC profile, comment or appended data.

Colour profiles are dropped, not converted: colours are taken as sRGB (wide-gamut phone photos look a little
flatter). Animated GIF and WebP keep their first frame only.
"""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps

from dangjian.core.errors import BusinessError
from dangjian.core.uploads.detect import GIF, JPEG, PNG, WEBP, Format, corrupt

_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", GIF: "GIF", WEBP: "WEBP"}
JPEG_QUALITY = 88

# Image.MAX_IMAGE_PIXELS is module state: one decode at a time per process holds it at its policy's value.
_LIMIT_LOCK = threading.Lock()


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    fmt: Format
    width: int
    height: int


def too_many_pixels(max_pixels: int) -> BusinessError:
    return BusinessError("upload.too_many_pixels", f"图片像素过大（上限 {max_pixels // 10_000} 万像素）")


@contextmanager
def _pixel_limit(max_pixels: int) -> Iterator[None]:
    with _LIMIT_LOCK:
        saved = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = max_pixels
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                yield
        finally:
            Image.MAX_IMAGE_PIXELS = saved


def reencode(data: bytes, fmt: Format, *, max_pixels: int, max_side: int | None = None) -> CleanImage:
    """Decode ``data`` (already known to be ``fmt``) and return a freshly encoded copy of its pixels.

    Raises ``upload.too_many_pixels`` over ``max_pixels`` and ``upload.corrupt`` when decoding fails.
    ``max_side`` scales the image down so that neither side exceeds it.
    """
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # a global someone may have switched on; truncated files are refused
        raise RuntimeError("ImageFile.LOAD_TRUNCATED_IMAGES must stay False for uploads")
    formats = [_PILLOW_FORMATS[fmt]]
    try:
        with _pixel_limit(max_pixels):
            with Image.open(io.BytesIO(data), formats=formats) as probe:
                if probe.width * probe.height > max_pixels:
                    raise too_many_pixels(max_pixels)
                probe.verify()
            with Image.open(io.BytesIO(data), formats=formats) as image:
                image.seek(0)
                image.load()
                pixels = _pixels(image, fmt)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels(max_pixels) from None
    except BusinessError:
        raise
    except Exception:  # OSError, SyntaxError, ValueError, EOFError, struct.error…: not a decodable image
        raise corrupt() from None
    if max_side and max(pixels.size) > max_side:
        pixels.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    fresh = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())  # pixels only, no info, no palette
    out = io.BytesIO()
    if fresh.mode == "RGBA" or fmt in (PNG, GIF):
        fresh.save(out, "PNG", compress_level=6)
        out_fmt = PNG
    else:
        fresh.save(out, "JPEG", quality=JPEG_QUALITY)
        out_fmt = JPEG
    return CleanImage(out.getvalue(), out_fmt, fresh.width, fresh.height)


def _pixels(image: Image.Image, fmt: Format) -> Image.Image:
    """The decoded first frame, upright, in L, RGB or RGBA."""
    upright = ImageOps.exif_transpose(image) or image
    mode = upright.mode
    transparent = mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in upright.info
    if transparent:
        return upright.convert("RGBA")
    if mode.startswith("I;16"):
        upright, mode = upright.convert("I"), "I"
    if mode in ("I", "F"):
        return upright.point(lambda value: value / 256).convert("L")
    if mode in ("1", "L"):
        return upright.convert("L")
    return upright.convert("RGB")
