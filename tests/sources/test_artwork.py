"""Artwork URL rewriting and image header sniffing, on real URLs and on images built here."""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from tagbridge.core.config import ArtSize
from tagbridge.core.errors import ResponseError
from tagbridge.core.http import HttpResponse
from tagbridge.sources.artwork import (
    PROBE_BYTES,
    artwork_file_stem,
    build_probe_request,
    image_kind,
    image_size,
    parse_probe,
    plan_itunes_artwork,
    rewrite_itunes_artwork,
)

# Real artworkUrl100 values from ../shared/data/recorded/itunes/.
RAM = ("https://is1-ssl.mzstatic.com/image/thumb/Music115/v4/e8/43/5f/"
       "e8435ffa-b6b9-b171-40ab-4ff3959ab661/886443919266.jpg/100x100bb.jpg")
HTTP_SOURCE = ("http://is3.mzstatic.com/image/thumb/Music/v4/b3/5e/28/"
               "b35e28a2-2485-3124-721c-1948a9b99220/source/100x100bb.jpg")
DATE_PATH = "https://is1-ssl.mzstatic.com/image/thumb/Music/y2003/m12/d01/h13/s02.qaszsuic.jpg/100x100bb.jpg"
LEGACY = "http://is2.mzstatic.com/image/pf/us/r30/Music/81/08/42/mzi.jpzmjowd.100x100-75.jpg"

RAM_PATH = "Music115/v4/e8/43/5f/e8435ffa-b6b9-b171-40ab-4ff3959ab661/886443919266.jpg"


@pytest.mark.parametrize(
    ("url", "size", "expected"),
    [
        (RAM, ArtSize(3000), f"https://is1-ssl.mzstatic.com/image/thumb/{RAM_PATH}/3000x3000bb.jpg"),
        (RAM, ArtSize(600), f"https://is1-ssl.mzstatic.com/image/thumb/{RAM_PATH}/600x600bb.jpg"),
        (RAM, ArtSize(None), f"https://a1.mzstatic.com/us/r1000/0/{RAM_PATH}"),
        (RAM.replace("100x100bb.jpg", "100x100bb.png"), ArtSize(1200),
         f"https://is1-ssl.mzstatic.com/image/thumb/{RAM_PATH}/1200x1200bb.png"),
        (RAM.replace("100x100bb.jpg", "60x60bb.webp"), ArtSize(1200),
         f"https://is1-ssl.mzstatic.com/image/thumb/{RAM_PATH}/1200x1200bb.webp"),
        (HTTP_SOURCE, ArtSize(3000),
         ("https://is3-ssl.mzstatic.com/image/thumb/Music/v4/b3/5e/28/"
          "b35e28a2-2485-3124-721c-1948a9b99220/source/3000x3000bb.jpg")),
        (HTTP_SOURCE, ArtSize(None),
         "https://a1.mzstatic.com/us/r1000/0/Music/v4/b3/5e/28/b35e28a2-2485-3124-721c-1948a9b99220/source"),
        (DATE_PATH, ArtSize(1400),
         "https://is1-ssl.mzstatic.com/image/thumb/Music/y2003/m12/d01/h13/s02.qaszsuic.jpg/1400x1400bb.jpg"),
        (DATE_PATH, ArtSize(None), "https://a1.mzstatic.com/us/r1000/0/Music/y2003/m12/d01/h13/s02.qaszsuic.jpg"),
        (LEGACY, ArtSize(600), "https://is2-ssl.mzstatic.com/image/pf/us/r30/Music/81/08/42/mzi.jpzmjowd.600x600-75.jpg"),
        (LEGACY, ArtSize(None), None),
    ],
    ids=["3000", "600", "original", "png", "webp", "http-upgraded", "http-original", "date-path",
         "date-path-original", "legacy-pf", "legacy-pf-original"],
)
def test_rewrites_itunes_artwork_urls(url: str, size: ArtSize, expected: str | None) -> None:
    assert rewrite_itunes_artwork(url, size) == expected, f"{url} at {size} should become {expected}"


@pytest.mark.parametrize(
    "url",
    [
        "",
        "garbage",
        "not a url at all /100x100bb.jpg",
        "https://example.com/image/thumb/Music115/v4/aa/file.jpg/100x100bb.jpg",
        "https://is1-ssl.mzstatic.com.evil.example/image/thumb/Music/a/file.jpg/100x100bb.jpg",
        "https://is1-ssl.mzstatic.com/image/thumb/Music115/v4/e8/43/5f/file.jpg",  # no size segment
        "https://is1-ssl.mzstatic.com/image/thumb/100x100bb.jpg",  # no path before the size
        "https://is1-ssl.mzstatic.com:8443/image/thumb/Music/a/file.jpg/100x100bb.jpg",
        "ftp://is1.mzstatic.com/image/thumb/Music/a/file.jpg/100x100bb.jpg",
        "https://a1.mzstatic.com/us/r1000/0/" + RAM_PATH,  # already the original
        "http://is2.mzstatic.com/image/pf/us/r30/Music/81/08/42/mzi.jpzmjowd.jpg",  # legacy without size
        "https://is1-ssl.mzstatic.com/image/thumb/Music/a/file.jpg/100x100bb.gif",
        "https://is1-ssl.mzstatic.com:notaport/image/thumb/Music/a/file.jpg/100x100bb.jpg",
    ],
)
def test_malformed_or_foreign_artwork_urls_give_none(url: str) -> None:
    assert rewrite_itunes_artwork(url, ArtSize(3000)) is None, f"{url!r} should not be rewritten"
    assert rewrite_itunes_artwork(url, ArtSize(None)) is None, f"{url!r} should have no original form"


@pytest.mark.parametrize("pixels", [50, 100, 600, 1200, 3000, 5000, 100000])
def test_never_produces_the_999_form_that_answers_400(pixels: int) -> None:
    for url in (RAM, HTTP_SOURCE, DATE_PATH):
        out = rewrite_itunes_artwork(url, ArtSize(pixels))
        assert out is not None and "-999" not in out and out.endswith(f"/{pixels}x{pixels}bb.jpg")


def test_legacy_urls_are_flagged_as_unverified() -> None:
    plan = plan_itunes_artwork(LEGACY, ArtSize(600))
    assert plan is not None and plan.legacy and plan.requested is None


def test_every_recorded_artwork_url_rewrites(recorded: Callable[[str], Path]) -> None:
    urls = set()
    for path in sorted(recorded("itunes").glob("*.json")):
        for row in json.loads(path.read_text(encoding="utf-8"))["results"]:
            if "artworkUrl100" in row:
                urls.add(row["artworkUrl100"])
    assert len(urls) > 40, "the recorded iTunes bodies should hold dozens of artwork URLs"
    for url in urls:
        assert rewrite_itunes_artwork(url, ArtSize(3000)), f"{url} should rewrite"
        assert artwork_file_stem(url), f"{url} should have a file stem"


@pytest.mark.parametrize(
    ("url", "stem"),
    [
        (RAM, "886443919266"),
        (f"https://a1.mzstatic.com/us/r1000/0/{RAM_PATH}", "886443919266"),
        (HTTP_SOURCE, "source"),
        (DATE_PATH, "s02.qaszsuic"),
        (LEGACY, "mzi.jpzmjowd"),
        ("https://example.com/886443919266.jpg", None),
        ("", None),
        ("https://is1-ssl.mzstatic.com/image/thumb/Music/file.jpg", None),
    ],
)
def test_artwork_file_stem_is_the_uploaded_file_name(url: str, stem: str | None) -> None:
    assert artwork_file_stem(url) == stem


# --- images built here ----------------------------------------------------------------------

def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _jpeg(width: int, height: int, *, sof: int = 0xC0, padding: int = 0) -> bytes:
    """A JPEG header: SOI, APP0 JFIF, a DQT, a DHT (0xC4, not a frame header), SOFn, SOS."""
    app0 = _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    dqt = _segment(0xDB, b"\x00" + bytes(range(64)))
    dht = _segment(0xC4, b"\x00" + bytes(16) + b"")
    frame = _segment(sof, struct.pack(">BHHB", 8, height, width, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01")
    sos = _segment(0xDA, b"\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00")
    return b"\xff\xd8" + app0 + dqt + b"\xff" * padding + dht + frame + sos + b"\x12\x34" + b"\xff\xd9"


def _gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00" + b";"


def _webp(chunk: bytes, payload: bytes) -> bytes:
    body = b"WEBP" + chunk + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _webp_lossy(width: int, height: int) -> bytes:
    return _webp(b"VP8 ", b"\x30\x01\x00\x9d\x01\x2a" + struct.pack("<HH", width, height) + bytes(8))


def _webp_lossless(width: int, height: int) -> bytes:
    bits = (width - 1) | ((height - 1) << 14)
    return _webp(b"VP8L", b"\x2f" + struct.pack("<I", bits) + bytes(4))


def _webp_extended(width: int, height: int) -> bytes:
    return _webp(b"VP8X", b"\x00\x00\x00\x00" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little"))


IMAGES = {
    "png": (_png(7, 3), (7, 3), "png"),
    "jpeg-baseline": (_jpeg(640, 480), (640, 480), "jpeg"),
    "jpeg-progressive": (_jpeg(3000, 2999, sof=0xC2), (3000, 2999), "jpeg"),
    "jpeg-fill-bytes": (_jpeg(1400, 1400, padding=5), (1400, 1400), "jpeg"),
    "gif": (_gif(250, 120), (250, 120), "gif"),
    "webp-vp8": (_webp_lossy(500, 501), (500, 501), "webp"),
    "webp-vp8l": (_webp_lossless(1200, 16383), (1200, 16383), "webp"),
    "webp-vp8x": (_webp_extended(20000, 3), (20000, 3), "webp"),
}


@pytest.mark.parametrize("name", list(IMAGES))
def test_image_size_reads_the_header(name: str) -> None:
    data, size, kind = IMAGES[name]
    assert image_size(data) == size, f"{name} should read as {size}"
    assert image_kind(data) == kind


@pytest.mark.parametrize("name", list(IMAGES))
def test_truncated_images_never_raise(name: str) -> None:
    data, size, _kind = IMAGES[name]
    for cut in range(len(data) + 1):
        got = image_size(data[:cut])
        assert got in (None, size), f"{name} cut at {cut} bytes gave {got}, not None or {size}"
    assert image_size(data) == size


def test_jpeg_without_a_frame_header_before_the_scan_gives_none() -> None:
    assert image_size(b"\xff\xd8" + _segment(0xDA, b"\x00" * 8) + b"\xff\xd9") is None
    assert image_size(b"\xff\xd8\xff\xd9") is None
    assert image_size(b"\xff\xd8\xff\xe0\x00\x01") is None  # a length below 2 is corrupt


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00", b"garbage bytes here", b"<html>not an image</html>", bytes(range(256)) * 4,
     b"\x89PNG\r\n\x1a\n" + bytes(16), b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(20), b"GIF89a\x00\x00\x00\x00"],
)
def test_garbage_is_not_an_image(data: bytes) -> None:
    assert image_size(data) is None


def test_a_real_png_written_to_disk_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "cover.png"
    path.write_bytes(_png(33, 17))
    assert image_size(path.read_bytes()[:64]) == (33, 17)


# --- the probe ------------------------------------------------------------------------------

def test_probe_request_asks_for_a_prefix_and_skips_the_cache() -> None:
    request = build_probe_request(RAM, "itunes")
    assert request.max_bytes == PROBE_BYTES == 65536
    assert request.cacheable is False and request.method == "GET" and request.source == "itunes"


@pytest.mark.parametrize("status", [200, 206])
def test_probe_reads_partial_and_full_answers(status: int) -> None:
    request = build_probe_request(RAM, "itunes")
    body = _jpeg(3000, 3000)[:200]
    assert parse_probe(request, HttpResponse(status=status, url=RAM, body=body)) == (3000, 3000)


def test_probe_of_a_dead_image_url_raises() -> None:
    request = build_probe_request(RAM, "itunes")
    with pytest.raises(ResponseError):
        parse_probe(request, HttpResponse(status=400, url=RAM, body=b""))


def test_a_configured_mirror_serves_the_cdn_paths_but_no_other_host_does() -> None:
    thumb = "http://127.0.0.1:8123/image/thumb/Music/a/886443919266.jpg/100x100bb.jpg"
    plan = plan_itunes_artwork(thumb, ArtSize(3000), mirrors=("127.0.0.1:8123",))
    assert plan is not None and plan.url == "http://127.0.0.1:8123/image/thumb/Music/a/886443919266.jpg/3000x3000bb.jpg"
    assert plan_itunes_artwork(thumb, ArtSize(3000)) is None, "an unknown host is refused"
    assert plan_itunes_artwork(thumb, ArtSize(None), mirrors=("127.0.0.1:8123",)) is None, \
        "a mirror has no original-upload host"


def test_only_a_whole_image_is_complete() -> None:
    from tagbridge.sources.artwork import image_complete

    whole = _png(4, 3)
    assert image_complete(whole)
    assert not image_complete(whole[: len(whole) // 2]), "cut off in transit"
    assert not image_complete(whole[:-1]), "one byte short"
    assert not image_complete(b"<html><body>Sign in</body></html>")
    assert not image_complete(b"")
    jpeg_head = b"\xff\xd8\xff\xc0\x00\x11\x08\x00\x02\x00\x03\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    assert image_complete(jpeg_head + b"\xff\xd9") and not image_complete(jpeg_head + b"\x00\x00")
