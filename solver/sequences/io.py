"""Reading RGB-D frames from disk (PNG, as in the TUM RGB-D benchmark)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image


class UnreadableImageError(OSError):
    """An image file that exists but cannot be decoded (truncated, corrupt, not an image); names the file."""


def read_image(path: str | Path) -> np.ndarray:
    """An image file as a NumPy array (uint8 or uint16, gray or RGB).

    ``FileNotFoundError`` (naming it) when there is no such file, :class:`UnreadableImageError`
    naming it when it cannot be decoded.
    """
    try:
        with Image.open(path) as im:
            if im.mode in ("P", "LA", "RGBA", "CMYK", "YCbCr"):
                im = im.convert("RGB")
            return np.asarray(im)  # decodes: a truncated file fails here
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise
    except (OSError, SyntaxError, ValueError) as error:  # PIL's decoders raise all three
        raise UnreadableImageError(f"{path}: cannot read the image ({error})") from error


def read_depth(path: str | Path, depth_scale: float = 5000.0) -> np.ndarray:
    """A 16-bit depth PNG in metres (``value / depth_scale``; 0 stays 0 = missing)."""
    raw = read_image(path)
    if raw.ndim != 2:
        raise ValueError(f"{path}: depth image must be single-channel, got shape {raw.shape}")
    return raw.astype(np.float64) / float(depth_scale)
