"""PNG bytes of an RGB image, compressed in horizontal strips on several cores, mostly
while the picture is still being drawn.

Pillow's public encoder (Image.save) tries several row filters on every row and runs on
one core, after the drawing: on a big board it took longer than the drawing. Unfiltered
rows of a flat-colour picture compress nearly as well. Each strip ends in a sync flush,
so the strips' deflate blocks concatenate into one zlib stream (as pigz does). zlib lets
go of the GIL, so the rows the painter has finished (`rows_done`) are compressed while it
draws the rest.

The rows are read with Pillow's raw packer (`Image._getencoder`, not public API);
tests/test_export_encoder.py pins what this module relies on, so that a Pillow upgrade
that changes it fails there.
"""

import os
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor

from PIL import Image

PNG_LEVEL = 1  # flat colours compress well even at zlib's fastest level
PNG_STRIP_BYTES = 1024 * 1024  # a strip and its compressor stay in the CPU cache
PNG_THREADS = min(4, os.cpu_count() or 1)


def encode_png(image, dpi=96):
    """An RGB image as PNG bytes (see PngEncoder)."""
    return PngEncoder(image, dpi).finish()


class PngEncoder:
    """Compresses `image` strip by strip as `rows_done` says rows are final; `finish`
    returns the PNG. `dpi` goes in the pHYs chunk: slide software places a scale-2
    picture at CSS size."""

    def __init__(self, image, dpi=96):
        self.image = image
        self.dpi = dpi
        self.width, self.height = image.size
        self.rows = max(1, PNG_STRIP_BYTES // (self.width * 3))
        self.pool = ThreadPoolExecutor(PNG_THREADS)
        self.parts = []
        self.next_row = 0

    def rows_done(self, y):
        """Rows above `y` will not change any more: start compressing them."""
        while self.next_row + self.rows <= min(y, self.height):
            self._submit(self.next_row + self.rows)

    def finish(self):
        self.rows_done(self.height)
        if self.next_row < self.height:
            self._submit(self.height)
        with self.pool:
            parts = [part.result() for part in self.parts]
        return png_file(self.width, self.height, self.dpi, parts)

    def abandon(self):
        self.pool.shutdown(cancel_futures=True)

    def _submit(self, y1):
        self.parts.append(self.pool.submit(compress_rows, self.image, self.next_row, y1))
        self.next_row = y1


def compress_rows(image, y0, y1):
    """Rows y0..y1 as one piece of the PNG's zlib stream: (deflate blocks, Adler-32 of
    the rows, their length). The last rows finish the stream, the others end flushed."""
    data = packed_rows(image, y0, y1)
    deflate = zlib.compressobj(PNG_LEVEL, zlib.DEFLATED, -15)
    end = zlib.Z_FINISH if y1 == image.height else zlib.Z_SYNC_FLUSH
    body = deflate.compress(b"\0") + deflate.compress(data) + deflate.flush(end)
    return body, zlib.adler32(data, zlib.adler32(b"\0")), 1 + len(data)


def packed_rows(image, y0, y1):
    """Rows y0..y1 as PNG stores them, each after a 0 (filter "none") byte, but for the
    first row's 0, which compress_rows adds.

    Pillow's raw packer (what Image.tobytes uses), given a stride one byte longer than a
    row, writes the box's rows straight into that layout, each followed by a 0: one copy
    of the pixels, where crop, tobytes and joining in the filter bytes made three.
    """
    row = image.width * 3 + 1
    packer = Image._getencoder("RGB", "raw", ("RGB", row, 1))
    packer.setimage(image.im, (0, y0, image.width, y1))
    _length, status, rows = packer.encode((y1 - y0) * row)
    if status != 1:  # 1: all rows packed, in one buffer of exactly that size
        raise RuntimeError(f"PNG rows {y0}..{y1} not packed ({status})")
    return memoryview(rows)[:-1]


def png_file(width, height, dpi, parts):
    """The PNG around the compressed parts, in order."""
    checksum = 1
    for _body, adler, length in parts:
        checksum = adler32_combine(checksum, adler, length)
    per_metre = round(dpi / 0.0254)
    return b"".join([
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),  # 8-bit RGB
        _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        _chunk(b"IDAT", b"\x78\x01"),  # zlib header: deflate, 32 KB window, fastest level
        *(_chunk(b"IDAT", body) for body, _adler, _length in parts),
        _chunk(b"IDAT", struct.pack(">I", checksum)),
        _chunk(b"IEND", b""),
    ])


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def adler32_combine(first, second, second_length):
    """Adler-32 of two byte strings end to end, from theirs (zlib's adler32_combine)."""
    base = 65521
    rem = second_length % base
    sum1 = first & 0xFFFF
    sum2 = (rem * sum1) % base
    sum1 = (sum1 + (second & 0xFFFF) + base - 1) % base
    sum2 = (sum2 + (first >> 16) + (second >> 16) + base - rem) % base
    return sum1 | (sum2 << 16)
