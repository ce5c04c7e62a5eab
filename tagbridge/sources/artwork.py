"""Cover images as bytes and URLs: iTunes artwork URL rewriting and image header sniffing.

What belongs here: pure functions over artwork URLs and the first bytes of an image, plus the
request/response pair that probes an image's real size with a ranged GET. What doesn't:
deciding which album an image belongs to (the source modules and core/match.py) or fetching
anything (drivers).

iTunes artwork URL forms seen in real responses (``../shared/data/recorded/README.md``):

* ``https://isN-ssl.mzstatic.com/image/thumb/<path>/<file>.jpg/100x100bb.jpg`` (today's form;
  ``<file>`` is often the UPC, or ``source``, or a date path ``Music/y2003/m12/d01/...``);
* ``http://isN.mzstatic.com/image/thumb/...`` (2016-2017, plain http);
* ``http://isN.mzstatic.com/image/pf/us/r30/Music/81/08/42/mzi.jpzmjowd.100x100-75.jpg``
  (legacy, 2015).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urlsplit

from tagbridge.core.config import ArtSize
from tagbridge.core.http import HttpRequest, HttpResponse, check_status

__all__ = [
    "ItunesArtwork",
    "plan_itunes_artwork",
    "rewrite_itunes_artwork",
    "artwork_file_stem",
    "image_size",
    "image_complete",
    "image_kind",
    "build_probe_request",
    "parse_probe",
    "PROBE_BYTES",
]

#: Bytes a size probe asks for: enough for any JPEG's SOF marker behind EXIF/ICC segments in practice.
PROBE_BYTES = 65536

#: Where the untouched upload lives: ``/image/thumb/`` dropped, last path segment dropped.
_ORIGINAL_BASE = "https://a1.mzstatic.com/us/r1000/0/"

_HOST = re.compile(r"^is(\d+)(-ssl)?\.mzstatic\.com$")
# The size segment of a thumb URL: "100x100bb.jpg", also "60x60bb.png", "100x100-75.jpg", "600x600cc.webp".
_THUMB_SIZE = re.compile(r"^\d+x\d+(?:[a-z]{1,3})?(?:-\d+)?\.(jpg|jpeg|png|webp)$", re.IGNORECASE)
# The legacy file name carries its size inline: "mzi.jpzmjowd.100x100-75.jpg".
_LEGACY_FILE = re.compile(r"^(?P<stem>.+)\.\d+x\d+-(?P<quality>\d+)\.(?P<ext>jpg|jpeg|png)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class ItunesArtwork:
    """Where to get an iTunes cover at a wanted size, and what size to expect from there."""

    url: str
    #: The CDN's own size request (``3000``), or None for the original upload / an unverified form.
    requested: int | None
    legacy: bool = False


def plan_itunes_artwork(url: str, size: ArtSize, *, mirrors: Collection[str] = ()) -> ItunesArtwork | None:
    """The rewritten artwork URL for ``size``, or None when ``url`` is not a usable mzstatic URL.

    ``NxNbb`` answers min(N, original): the CDN never upscales. The ``100000x100000-999`` form
    is never produced; it is reported to answer HTTP 400 now. Plain-http hosts are upgraded to
    their ``isN-ssl`` https twins.

    ``mirrors`` names other hosts (``host[:port]``) trusted to serve the CDN's paths: the host
    of a configured iTunes mirror or test server. Any other host gives None.

    Legacy ``/image/pf/`` URLs (2015) are rewritten to ``{N}x{N}-{quality}``, the form that
    server used for every size, and flagged ``legacy``: whether it still serves them is
    unverified, so callers should not promise a size. They have no known original-upload
    form, so ``original`` yields None for them.
    """
    parts = _split(url, mirrors)
    if parts is None:
        return None
    host, segments = parts
    if segments[:2] == ["image", "thumb"] and len(segments) >= 4:
        last = _THUMB_SIZE.match(segments[-1])
        if last is None:
            return None
        body = "/".join(segments[2:-1])
        if size.pixels is None:
            # The original upload lives on Apple's a1 host; a mirror of the CDN has no such place.
            return ItunesArtwork(url=_ORIGINAL_BASE + body, requested=None) if _is_apple(host) else None
        ext = last.group(1).lower()
        return ItunesArtwork(url=f"{host}image/thumb/{body}/{size.pixels}x{size.pixels}bb.{ext}",
                             requested=size.pixels)
    if segments[:2] == ["image", "pf"] and len(segments) >= 3:
        legacy = _LEGACY_FILE.match(segments[-1])
        if legacy is None or size.pixels is None:
            return None
        name = f"{legacy['stem']}.{size.pixels}x{size.pixels}-{legacy['quality']}.{legacy['ext']}"
        return ItunesArtwork(url=host + "/".join(segments[:-1] + [name]), requested=None, legacy=True)
    return None


def rewrite_itunes_artwork(url: str, size: ArtSize) -> str | None:
    """``url`` rewritten to ask for ``size`` (see :func:`plan_itunes_artwork`); None if it cannot be."""
    plan = plan_itunes_artwork(url, size)
    return plan.url if plan else None


def artwork_file_stem(url: str) -> str | None:
    """The uploaded file's name without extension, often the album's UPC (``"886443919266"``).

    Works on thumb URLs, legacy ``/image/pf/`` URLs and original-upload (``a1.mzstatic.com``)
    URLs; None for anything else.
    """
    parts = _split(url)
    if parts is not None:
        segments = parts[1]
        if segments[:2] == ["image", "thumb"] and len(segments) >= 4 and _THUMB_SIZE.match(segments[-1]):
            return _stem(segments[-2])
        if segments[:2] == ["image", "pf"] and len(segments) >= 3:
            legacy = _LEGACY_FILE.match(segments[-1])
            return legacy["stem"] if legacy else None
        return None
    try:
        split = urlsplit(url.strip())
    except (ValueError, AttributeError):
        return None
    if split.hostname == "a1.mzstatic.com" and split.path.startswith("/us/r1000/0/") and split.path.count("/") > 4:
        return _stem(split.path.rsplit("/", 1)[-1])
    return None


#: Inner extensions Apple keeps in an upload's name: "<barcode>.rgb.jpg", "<barcode>.tif.jpg".
_INNER_EXTENSIONS = (".rgb", ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".psd")


def _stem(name: str) -> str | None:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    lowered = stem.casefold()
    for ext in _INNER_EXTENSIONS:
        if lowered.endswith(ext):
            stem = stem[: -len(ext)]
            break
    return stem or None


def _split(url: str, mirrors: Collection[str] = ()) -> tuple[str, list[str]] | None:
    """The host to ask (``https://isN-ssl.mzstatic.com/``) and the path segments of an artwork URL.

    Apple's ``isN`` hosts are upgraded to their https twins. A host named in ``mirrors`` is
    kept as it is, and only its ``/image/...`` path shape is relied on; any other host is refused.
    """
    if not isinstance(url, str):
        return None
    try:
        split = urlsplit(url.strip())
        port = split.port
    except ValueError:
        return None
    if split.scheme not in ("http", "https") or not split.hostname:
        return None
    segments = [s for s in split.path.split("/") if s]
    match = _HOST.match(split.hostname)
    if match is not None and port is None:
        return f"https://is{match.group(1)}-ssl.mzstatic.com/", segments
    netloc = split.netloc.rpartition("@")[2].lower()
    if netloc not in {m.lower() for m in mirrors}:
        return None
    return f"{split.scheme}://{netloc}/", segments


def _is_apple(host: str) -> bool:
    return host.endswith(".mzstatic.com/")


# --- image headers --------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# SOFn markers carry the frame size; C4 (DHT), C8 (JPG extension) and CC (DAC) share the range but do not.
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Markers without a length field: TEM, RST0-7, SOI, EOI.
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD9)})


def image_kind(data: bytes) -> str | None:
    """``"jpeg"``, ``"png"``, ``"gif"`` or ``"webp"`` from the magic bytes; None otherwise."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(_PNG_SIGNATURE):
        return "png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def image_complete(data: bytes) -> bool:
    """True when ``data`` is a whole image, not one cut off in transit: its end marker is there.

    A download that broke off mid-body still starts like an image, and a viewer shows the top
    of it; written over good art, it would lose the user's cover. JPEG must end with EOI
    (``FFD9``, trailing padding allowed), PNG with its IEND chunk, GIF with its trailer byte,
    and a WebP must be as long as its RIFF header says.
    """
    kind = image_kind(data)
    if kind is None or image_size(data) is None:
        return False
    if kind == "jpeg":
        return data.rstrip(b"\x00").endswith(b"\xff\xd9")
    if kind == "png":
        return data.rstrip(b"\x00").endswith(b"IEND\xaeB`\x82")
    if kind == "gif":
        return data.rstrip(b"\x00").endswith(b"\x3b")
    # RIFF size counts the bytes after the 8-byte header; chunks are padded to even lengths.
    declared = int.from_bytes(data[4:8], "little") + 8
    return len(data) >= declared


def image_size(data: bytes) -> tuple[int, int] | None:
    """``(width, height)`` read from an image's header; None for truncated or unknown data.

    Never raises: this runs on the first bytes of a ranged GET, which may end anywhere.
    """
    kind = image_kind(data)
    try:
        if kind == "png":
            size = _png_size(data)
        elif kind == "jpeg":
            size = _jpeg_size(data)
        elif kind == "gif":
            size = struct.unpack("<HH", data[6:10]) if len(data) >= 10 else None
        elif kind == "webp":
            size = _webp_size(data)
        else:
            size = None
    except (struct.error, IndexError, ValueError):
        return None
    if size is None or size[0] <= 0 or size[1] <= 0:
        return None
    return int(size[0]), int(size[1])


def _png_size(data: bytes) -> tuple[int, int] | None:
    # The IHDR chunk must come first: length (4), type (4), width (4), height (4).
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    pos, end = 2, len(data)
    while pos < end:
        if data[pos] != 0xFF:
            return None  # lost sync: not a well-formed segment boundary
        while pos < end and data[pos] == 0xFF:  # any number of 0xFF fill bytes may precede a marker
            pos += 1
        if pos >= end:
            return None
        marker = data[pos]
        pos += 1
        if marker in _JPEG_STANDALONE:
            if marker == 0xD9:
                return None
            continue
        if pos + 2 > end:
            return None
        (length,) = struct.unpack(">H", data[pos:pos + 2])
        if length < 2:
            return None
        if marker in _JPEG_SOF:
            if pos + 7 > end:
                return None
            height, width = struct.unpack(">HH", data[pos + 3:pos + 7])
            return width, height
        if marker == 0xDA:
            return None  # scan data before any frame header: no size to be had
        pos += length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 ":
        # Lossy: 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height.
        if len(data) < 30 or data[23:26] != b"\x9d\x01\x2a":
            return None
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        # Lossless: signature 0x2f, then width-1 and height-1 as 14-bit fields.
        if len(data) < 25 or data[20] != 0x2F:
            return None
        (bits,) = struct.unpack("<I", data[21:25])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        # Extended: flags (1), reserved (3), canvas width-1 and height-1 as 24-bit fields.
        if len(data) < 30:
            return None
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    return None


# --- the size probe -------------------------------------------------------------------------

def build_probe_request(url: str, source: str) -> HttpRequest:
    """A ranged GET for the first :data:`PROBE_BYTES` of an image, never cached."""
    # Images come from CDNs (mzstatic, i.scdn.co, archive.org), not from the rate-limited APIs.
    return HttpRequest(url=url, source=source, max_bytes=PROBE_BYTES, cacheable=False, rate_limited=False)


def parse_probe(request: HttpRequest, response: HttpResponse) -> tuple[int, int] | None:
    """The probed image's ``(width, height)``; None when its header cannot be read.

    Raises:
        ResponseError, RateLimited, Unavailable: for statuses other than 200 and 206 (a dead
        image URL is worth knowing, unlike an unreadable header).
    """
    check_status(request, response, ok=(200, 206))
    return image_size(response.body)
