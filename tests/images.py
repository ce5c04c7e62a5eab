"""Real image bytes for the art tests, made with the stdlib: a PNG (zlib + struct) and a baseline JPEG.

What belongs here: encoders small enough to read. A served cover has to be a real image, because
the plugin checks that a download is whole (PNG ends with IEND, JPEG with EOI) before it lets
fetchart near it, and reads its size from the header. Not here: serving them (``conftest.py``).
"""

from __future__ import annotations

import struct
import zlib

__all__ = ["jpeg", "png"]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, rgb: tuple[int, int, int] = (200, 30, 90)) -> bytes:
    """A solid-colour 8-bit RGB PNG of ``width`` x ``height``."""
    row = b"\x00" + bytes(rgb) * width  # filter type 0, then the pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(row * height, 9))
            + _chunk(b"IEND", b""))


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def jpeg(width: int, height: int) -> bytes:
    """A mid-grey baseline greyscale JPEG of ``width`` x ``height``.

    Every 8x8 block is "DC difference 0, end of block": with a one-code Huffman table for each
    (the single code ``0``), that is two zero bits a block, padded with ones to a whole byte.
    """
    blocks = -(-width // 8) * -(-height // 8)
    bits = 2 * blocks
    scan = bytearray(bits // 8)
    if bits % 8:
        scan.append(0xFF >> (bits % 8))  # the remaining bits are padding ones
    one_code = bytes([1] + [0] * 15) + b"\x00"  # one code of length 1, for symbol 0
    return b"".join((
        b"\xff\xd8",
        _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
        _segment(0xDB, b"\x00" + b"\x01" * 64),  # quantisation table 0, all ones
        _segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"),
        _segment(0xC4, b"\x00" + one_code),  # DC table 0
        _segment(0xC4, b"\x10" + one_code),  # AC table 0: symbol 0 is end-of-block
        _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),
        bytes(scan),
        b"\xff\xd9",
    ))
