"""A minimal text extractor for the PDFs reportlab writes (no PDF library in the lock file).

It reads every ``n 0 obj``, decodes streams (``/ASCII85Decode``, ``/FlateDecode``), maps each font resource
name to its ``/ToUnicode`` CMap and replays the text operators of the page contents (``Tf``, strings, ``Td``,
``T*``), so a test sees the text a reader would copy, in drawing order.
"""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass

OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
REF = rb"(\d+) 0 R"


@dataclass
class Parsed:
    objects: dict[int, bytes]  # the dictionary part
    streams: dict[int, bytes]  # decoded stream data


def parse(pdf: bytes) -> Parsed:
    objects: dict[int, bytes] = {}
    streams: dict[int, bytes] = {}
    for m in OBJ.finditer(pdf):
        num, body = int(m.group(1)), m.group(2)
        head, sep, rest = body.partition(b"stream")
        objects[num] = head
        if not sep:
            continue
        # One end-of-line follows ``stream``; then exactly ``/Length`` bytes. (Stripping line ends from the
        # data instead cut compressed streams whose last byte happened to be CR or LF: a flaky test.)
        data = rest[2:] if rest.startswith(b"\r\n") else rest[1:] if rest.startswith((b"\n", b"\r")) else rest
        length = re.search(rb"/Length (\d+)( \d+ R)?", head)  # a direct length (reportlab's), not a reference
        direct = length is not None and length.group(2) is None
        data = (
            data[: int(length.group(1))]
            if direct and length
            else data[: data.rfind(b"endstream")].rstrip(b"\r\n")
        )
        filters = re.findall(rb"/(ASCII85Decode|FlateDecode)", head)
        for f in filters:
            if f == b"ASCII85Decode":
                data = data.strip()
                data = base64.a85decode(data if data.startswith(b"<~") else b"<~" + data, adobe=True)
            else:
                data = zlib.decompress(data)
        streams[num] = data
    return Parsed(objects, streams)


def _hex(s: bytes) -> int:
    return int(s, 16)


def cmap(data: bytes) -> dict[int, str]:
    """Code → text of a ToUnicode CMap (bfchar and bfrange sections)."""
    out: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[_hex(src)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            first = ord(bytes.fromhex(dst.decode()).decode("utf-16-be"))
            for i, code in enumerate(range(_hex(lo), _hex(hi) + 1)):
                out[code] = chr(first + i)
    return out


def _literal(s: bytes) -> bytes:
    """The bytes of a PDF literal string's body (escapes resolved)."""
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c == 0x5C:  # backslash
            i += 1
            n = s[i : i + 1]
            octal = re.match(rb"[0-7]{1,3}", s[i : i + 3])
            if octal:
                out.append(int(octal.group(0), 8) & 0xFF)
                i += len(octal.group(0))
                continue
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(n, n)
        else:
            out.append(c)
        i += 1
    return bytes(out)


TOKEN = re.compile(
    rb"/([^\s/\[\]()<>]+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)|(?<![\w*])(Td|TD|T\*|ET)(?![\w*])", re.S
)


def text(pdf: bytes) -> str:
    """The text of all pages, in drawing order, one drawn line per line."""
    parsed = parse(pdf)
    fonts: dict[bytes, dict[int, str]] = {}
    for head in parsed.objects.values():
        if b"/Type /Font" in head and b"/ToUnicode" in head:
            name = re.search(rb"/Name /(\S+)", head)
            uni = re.search(rb"/ToUnicode " + REF, head)
            if name and uni:
                fonts[name.group(1)] = cmap(parsed.streams[int(uni.group(1))])
    out: list[str] = []
    for head in parsed.objects.values():
        if not re.search(rb"/Type /Page\b", head):
            continue
        contents = re.search(rb"/Contents " + REF, head)
        if contents is None:
            continue
        current: dict[int, str] = {}
        for m in TOKEN.finditer(parsed.streams[int(contents.group(1))]):
            if m.group(1) is not None:
                current = fonts.get(m.group(1), {})
            elif m.group(2) is not None:
                raw = _literal(m.group(2))
                out.append("".join(current.get(b, chr(b)) if current else chr(b) for b in raw))
            elif out and not out[-1].endswith("\n"):  # a new line (Td, T*) or the end of a text object
                out.append("\n")
    return "".join(out)
