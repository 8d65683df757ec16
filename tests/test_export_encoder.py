"""The PNG encoder: what it writes decodes to the picture, and the Pillow behaviour it
relies on (the raw packer behind Image.tobytes, reached through Image._getencoder) is
still there. If a Pillow upgrade changes that, these tests fail, not the downloads."""

import io
import zlib

import pytest
from PIL import Image, ImageDraw

from journeyboard.export.encoder import PngEncoder, adler32_combine, encode_png, packed_rows


def picture(width=301, height=157):
    image = Image.new("RGB", (width, height), (243, 245, 249))
    draw = ImageDraw.Draw(image)
    for i in range(0, width, 7):
        draw.line((i, 0, width - i, height), fill=(i % 256, (3 * i) % 256, 90), width=2)
    draw.text((10, 10), "Klanttevredenheidsonderzoek", fill=(31, 42, 68))
    return image


def test_pillows_raw_packer_writes_rows_with_a_zero_after_each():
    # What packed_rows asks of Pillow: a stride one byte longer than a row leaves a 0
    # after every row, and status 1 says all rows were packed at once.
    image = picture()
    row = image.width * 3
    packer = Image._getencoder("RGB", "raw", ("RGB", row + 1, 1))
    packer.setimage(image.im, (0, 20, image.width, 30))
    _length, status, data = packer.encode(10 * (row + 1))
    assert status == 1
    assert len(data) == 10 * (row + 1)
    expected = image.crop((0, 20, image.width, 30)).tobytes()
    assert b"".join(data[i * (row + 1) : i * (row + 1) + row] for i in range(10)) == expected
    assert all(data[i * (row + 1) + row] == 0 for i in range(10))


def test_packed_rows_are_the_png_filter_layout_without_the_first_filter_byte():
    image = picture()
    raw = image.tobytes()
    row = image.width * 3
    rows = [raw[y * row : (y + 1) * row] for y in range(5, 12)]
    assert bytes(packed_rows(image, 5, 12)) == b"\0".join(rows)


@pytest.mark.parametrize("size", [(301, 157), (1, 1), (4000, 700)])
def test_the_png_decodes_to_the_same_pixels_with_its_dpi(size):
    image = picture(*size)
    decoded = Image.open(io.BytesIO(encode_png(image, dpi=192)))
    decoded.load()
    assert decoded.format == "PNG" and decoded.mode == "RGB"
    assert decoded.tobytes() == image.tobytes()
    assert [round(value) for value in decoded.info["dpi"]] == [192, 192]


def test_rows_compressed_while_drawing_give_the_same_file():
    image = picture(2000, 900)
    streamed = PngEncoder(image)
    for y in range(0, 900, 50):
        streamed.rows_done(y)
    assert streamed.finish() == encode_png(image)


def test_adler32_of_two_pieces_combines_as_of_the_whole():
    first, second = b"journey" * 1000, b"board" * 3000
    assert adler32_combine(zlib.adler32(first), zlib.adler32(second), len(second)) == zlib.adler32(first + second)
