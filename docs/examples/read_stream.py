#!/usr/bin/env python3
"""Reference reader for tokenpath activation streams, format v1 (docs/stream-format.md is the spec).

    python3 read_stream.py FILE            summary of the stream
    python3 read_stream.py --json FILE     machine-readable dump (every tensor decoded, hashed and summed)
    python3 read_stream.py --verify FILE   decode every frame, check every CRC32C, report torn tails
    --pure                                 ignore the optional lz4 / zstandard / crc32c modules (tests the fallbacks)

Exit codes: 0 the stream is complete and every frame read; 1 corrupt (broken framing, a frame that does not
decode or fails its CRC, a Zstd frame without the zstandard module); 2 usage error, unreadable file or not a
tokenpath stream; 3 torn tail (the last frame is incomplete, everything before it is fine).

Needs numpy. Uses lz4.block, zstandard and crc32c when installed; LZ4 and CRC32C have pure-Python fallbacks here.
"""
import hashlib
import json
import math
import mmap
import struct
import sys
from collections import Counter, namedtuple

import numpy as np

try:
    import lz4.block as _lz4
except ImportError:
    _lz4 = None
try:
    import zstandard as _zstd
except ImportError:
    _zstd = None
try:
    from crc32c import crc32c as _crc32c_ext
except ImportError:
    _crc32c_ext = None

FRAME = struct.Struct(">HI")                  # name_len, data_len
TENSOR = struct.Struct(">HBBBBBBqiIqIId")     # the 48 fixed bytes of a tensor header
TOKEN = struct.Struct(">HqiqiH")              # the 28 fixed bytes of a __token frame
MAGIC = b"TPSTREAM"
MAX_NDIM = 16
# code: (name, numpy dtype of the stored elements); bfloat16 has no numpy type and is widened by hand
DTYPES = {0: ("float32", "<f4"), 1: ("float64", "<f8"), 2: ("float16", "<f2"), 3: ("bfloat16", "<u2"),
          4: ("int8", "i1"), 5: ("uint8", "u1"), 6: ("int32", "<i4"), 7: ("int64", "<i8"), 8: ("boolean", "?")}
CODECS = {0: "none", 1: "lz4", 2: "zstd"}
TRANSFORMS = {0: "none", 1: "fp16", 2: "bf16", 3: "int8_block"}
JSON_FRAMES = ("__drops", "__resume", "__request", "__end")

Frame = namedtuple("Frame", "offset name data_offset data_len")
Tensor = namedtuple("Tensor", "codec shuffled transform dtype request step param timestamp_ns raw_len crc32c "
                              "max_abs_error shape sample header_len")


class FormatError(Exception):
    """The stream breaks format v1 here."""


# ---------------------------------------------------------------- CRC32C (Castagnoli, reflected 0x82F63B78)
def _table():
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    return t


_CRC_TABLE = _table()


def crc32c(data, pure=False):
    if _crc32c_ext is not None and not pure:
        return _crc32c_ext(bytes(data))
    crc, t = 0xFFFFFFFF, _CRC_TABLE
    for b in data:
        crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


# ---------------------------------------------------------------- codecs
def lz4_block_decompress(src, raw_len):
    """LZ4 block format: sequences of token, literals, 2-byte LE offset, match; the last one has no match."""
    out, i, n = bytearray(), 0, len(src)
    try:
        while True:
            token = src[i]
            i += 1
            lit = token >> 4
            if lit == 15:
                while True:
                    lit += src[i]
                    i += 1
                    if src[i - 1] != 255:
                        break
            if i + lit > n or len(out) + lit > raw_len:
                raise FormatError("lz4 literal run past the end")
            out += src[i:i + lit]
            i += lit
            if i == n:
                break
            offset = src[i] | (src[i + 1] << 8)
            i += 2
            mlen = token & 15
            if mlen == 15:
                while True:
                    mlen += src[i]
                    i += 1
                    if src[i - 1] != 255:
                        break
            mlen += 4
            if offset == 0 or offset > len(out) or len(out) + mlen > raw_len:
                raise FormatError("lz4 match outside the output")
            start = len(out) - offset
            if mlen <= offset:
                out += out[start:start + mlen]
            else:  # overlapping match: the last `offset` bytes repeat
                out += (bytes(out[start:]) * (mlen // offset + 1))[:mlen]
    except IndexError:
        raise FormatError("lz4 payload is truncated") from None
    if len(out) != raw_len:
        raise FormatError(f"lz4 payload decodes to {len(out)} bytes, header says {raw_len}")
    return bytes(out)


def decompress(codec, payload, raw_len, pure=False):
    if codec == 0:
        if len(payload) != raw_len:
            raise FormatError(f"uncompressed payload is {len(payload)} bytes, header says {raw_len}")
        return payload
    if codec == 1:
        if raw_len > 255 * len(payload) + 16:
            raise FormatError(f"lz4 payload of {len(payload)} bytes cannot decode to {raw_len}")
        if _lz4 is None or pure:
            return lz4_block_decompress(payload, raw_len)
        try:
            raw = _lz4.decompress(payload, uncompressed_size=raw_len)
        except Exception as e:
            raise FormatError(f"lz4 payload is corrupt: {e}") from None
    else:
        if _zstd is None or pure:
            raise FormatError("Zstd-compressed, and the zstandard module is not installed "
                              "(apt-get install python3-zstandard, or pip install zstandard)")
        try:
            size = _zstd.frame_content_size(payload)
            if size != raw_len:  # checked before anything is allocated from it
                raise FormatError(f"zstd frame content size {size} does not match raw_len {raw_len}")
            raw = _zstd.ZstdDecompressor().decompress(payload, max_output_size=raw_len)
        except FormatError:
            raise
        except Exception as e:
            raise FormatError(f"zstd payload is corrupt: {e}") from None
    if len(raw) != raw_len:
        raise FormatError(f"payload decodes to {len(raw)} bytes, header says {raw_len}")
    return raw


def unshuffle(raw, elem):
    """Inverse byte-shuffle: plane b holds byte b of every element; trailing bytes were copied as they were."""
    n = len(raw) // elem
    if elem <= 1 or n == 0:
        return raw
    planes = np.frombuffer(raw, np.uint8, count=n * elem).reshape(elem, n)
    return planes.T.tobytes() + raw[n * elem:]


# ---------------------------------------------------------------- frames
class Stream:
    """A stream file: iterate frames with frames(); after a full iteration, .end says how the file ends."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self.size = f.seek(0, 2)
            self.buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if self.size else b""
        self.end = None
        first, end = self._locate(0)
        if first is None or first.name != "__tokenpath":
            why = end["message"] if first is None else f"first frame is '{first.name[:60]}', expected '__tokenpath'"
            raise FormatError(f"not a tokenpath stream: {why}")
        d = self.data(first)
        if len(d) < 12 or d[:8] != MAGIC:
            raise FormatError("not a tokenpath stream: bad magic in the header frame (expected TPSTREAM)")
        self.version, self.flags = struct.unpack(">HH", d[8:12])
        if self.version != 1:
            raise FormatError(f"unsupported stream format version {self.version} (this reader reads 1)")
        self.metadata = json.loads(d[12:].decode("utf-8"))

    def _locate(self, pos):
        """The frame at pos, or (None, end) where the stream ends. Lengths are checked against the file size."""
        def end(status, message):
            return None, {"status": status, "offset": pos, "file_size": self.size, "message": message}
        if pos == self.size:
            return end("clean", "end of file")
        if self.size - pos < FRAME.size:
            return end("torn", f"incomplete frame header: {self.size - pos} of 6 bytes")
        name_len, data_len = FRAME.unpack_from(self.buf, pos)
        if name_len == 0:
            return end("corrupt", "frame with an empty name")
        stop = pos + FRAME.size + name_len + data_len
        if stop > self.size:
            return end("torn", f"incomplete frame: declares {stop - pos} bytes, {self.size - pos} present")
        try:
            name = self.buf[pos + 6:pos + 6 + name_len].decode("utf-8")
        except UnicodeDecodeError:
            return end("corrupt", "frame name is not valid UTF-8")
        return Frame(pos, name, pos + 6 + name_len, data_len), None

    def frames(self):
        pos = 0
        while True:
            frame, end = self._locate(pos)
            if frame is None:
                self.end = end
                return
            yield frame
            pos = frame.data_offset + frame.data_len

    def data(self, frame):
        return self.buf[frame.data_offset:frame.data_offset + frame.data_len]


def parse_tensor_header(d):
    if len(d) < TENSOR.size:
        raise FormatError(f"tensor frame data is {len(d)} bytes, shorter than the 48-byte tensor header")
    (hlen, codec, filt, transform, dtype, ndim, flags, request, step, param, ts, raw_len, crc,
     err) = TENSOR.unpack_from(d, 0)
    for what, code, known in (("codec", codec, CODECS), ("filter", filt, (0, 1)),
                              ("transform", transform, TRANSFORMS), ("dtype", dtype, DTYPES)):
        if code not in known:
            raise FormatError(f"unknown {what} code {code}")
    if ndim > MAX_NDIM or flags & ~1:
        raise FormatError(f"ndim {ndim} or flags {flags:#x} outside format v1")
    base = TENSOR.size + 8 * ndim
    if not base <= hlen <= len(d):
        raise FormatError(f"tensor header_len {hlen} is inconsistent (ndim {ndim}, frame data {len(d)})")
    shape = list(struct.unpack_from(f">{ndim}q", d, TENSOR.size))
    if any(s < 0 for s in shape):
        raise FormatError(f"negative dimension in shape {shape}")
    sample = None
    if flags & 1:
        if hlen < base + 9:
            raise FormatError("sample flag set but no sample section")
        axis, orig, count = struct.unpack_from(">BII", d, base)
        if axis >= ndim or count != shape[axis] or hlen != base + 9 + 4 * count:
            raise FormatError(f"sample section inconsistent (axis {axis}, count {count}, header_len {hlen})")
        idx = list(struct.unpack_from(f">{count}I", d, base + 9))
        if any(i >= orig for i in idx):
            raise FormatError(f"sample index outside axis length {orig}")
        sample = {"axis": axis, "original_length": orig, "indices": idx}
    elif hlen != base:
        raise FormatError(f"tensor header_len {hlen} but ndim {ndim} needs {base}")
    if transform and dtype != 0:
        raise FormatError(f"transform {TRANSFORMS[transform]} on source dtype {DTYPES[dtype][0]}")
    if math.isnan(err) or err < 0:
        raise FormatError(f"invalid max_abs_error {err}")
    n = math.prod(shape)
    if transform == 3:
        if param <= 0:
            raise FormatError(f"int8_block with block size {param}")
        expected = 4 * -(-n // param) + n
    else:
        expected = n * (2 if transform in (1, 2) else np.dtype(DTYPES[dtype][1]).itemsize)
    if expected != raw_len:
        raise FormatError(f"raw_len {raw_len} does not match shape {shape} (expected {expected})")
    return Tensor(codec, filt == 1, transform, dtype, request, step, param, ts, raw_len, crc, err, shape, sample, hlen)


def bf16_to_f32(u16):
    return (u16.astype("<u4") << 16).view("<f4")


def decode_tensor(stream, frame, pure=False):
    """(header, array): float32 for lossy frames and bfloat16 sources, the source dtype otherwise."""
    where = f"frame '{frame.name}' at offset {frame.offset}"
    try:
        d = stream.data(frame)
        h = parse_tensor_header(d)
        raw = decompress(h.codec, d[h.header_len:], h.raw_len, pure)
        if h.shuffled:
            raw = unshuffle(raw, {0: np.dtype(DTYPES[h.dtype][1]).itemsize, 3: 1}.get(h.transform, 2))
        got = crc32c(raw, pure)
        if got != h.crc32c:
            raise FormatError(f"CRC32C mismatch: stored {h.crc32c:08x}, computed {got:08x}")
    except FormatError as e:
        raise FormatError(f"{where}: {e}") from None
    n = math.prod(h.shape)
    if h.transform == 1:
        a = np.frombuffer(raw, "<f2").astype("<f4")
    elif h.transform == 2 or h.dtype == 3:
        a = bf16_to_f32(np.frombuffer(raw, "<u2"))
    elif h.transform == 3:
        blocks = -(-n // h.param)
        scales = np.frombuffer(raw, "<f4", count=blocks)
        q = np.frombuffer(raw, "i1", count=n, offset=4 * blocks)
        a = q.astype("<f4") * np.repeat(scales, h.param)[:n]
    else:
        a = np.frombuffer(raw, DTYPES[h.dtype][1])
    return h, a.reshape(h.shape), raw


def parse_token(d):
    if len(d) < TOKEN.size:
        raise FormatError(f"token frame data is {len(d)} bytes, shorter than 28")
    fixed, request, step, ts, token_id, flags = TOKEN.unpack_from(d, 0)
    if not TOKEN.size <= fixed <= len(d):
        raise FormatError(f"token frame fixed_len {fixed} is inconsistent with its {len(d)} bytes")
    return {"request": request, "step": step, "timestamp_ns": ts, "token_id": token_id,
            "last": bool(flags & 1), "text": d[fixed:].decode("utf-8", "replace")}


# ---------------------------------------------------------------- CLI
def total(values):
    """Exact (correctly rounded) sum of the values; inf or nan when one is not finite."""
    v = values.astype(np.float64).ravel()
    return math.fsum(v.tolist()) if np.isfinite(v).all() else float(v.sum())


def _num(x):
    return x if math.isfinite(x) else str(x)  # strict JSON has no NaN / Infinity


def dump(stream, pure):
    out = {"file_size": stream.size, "version": stream.version, "flags": stream.flags, "header": stream.metadata,
           "tensors": [], "tokens": [], "events": [], "skipped": []}
    for f in stream.frames():
        if f.name == "__tokenpath" and f.offset == 0:
            continue
        if not f.name.startswith("__"):
            h, a, raw = decode_tensor(stream, f, pure)
            v = (a.view("u1") if a.dtype == bool else a).astype("<f4")  # bool as its byte value, as Java does
            out["tensors"].append({
                "offset": f.offset, "name": f.name, "request": h.request, "step": h.step,
                "timestamp_ns": h.timestamp_ns, "shape": h.shape, "dtype": DTYPES[h.dtype][0],
                "codec": CODECS[h.codec], "shuffle": h.shuffled, "transform": TRANSFORMS[h.transform],
                "max_abs_error": _num(h.max_abs_error), "sample": h.sample,
                "sha256": hashlib.sha256(v.tobytes()).hexdigest(),
                "raw_sha256": hashlib.sha256(raw).hexdigest(),
                "sum": _num(total(v))})
        elif f.name == "__token":
            t = parse_token(stream.data(f))
            out["tokens"].append({"offset": f.offset, **t})
        elif f.name in JSON_FRAMES:
            out["events"].append({"offset": f.offset, "name": f.name, "data": json.loads(stream.data(f))})
        else:  # a reserved name from a later format revision: skip it
            out["skipped"].append({"offset": f.offset, "name": f.name})
    out["end"] = stream.end
    return out


def summary(stream, pure):
    names, kinds, texts = Counter(), Counter(), {}
    for f in stream.frames():
        kinds[f.name if f.name.startswith("__") else "tensor"] += 1
        if not f.name.startswith("__"):
            h = parse_tensor_header(stream.data(f))
            names[(f.name, DTYPES[h.dtype][0], TRANSFORMS[h.transform], tuple(h.shape))] += 1
        elif f.name == "__token":
            t = parse_token(stream.data(f))
            texts[t["request"]] = texts.get(t["request"], "") + t["text"]
    m = stream.metadata
    print(f"{stream.path}: tokenpath stream v{stream.version}, {stream.size} bytes, "
          f"written by {m.get('writer')} at {m.get('created')}")
    print("frames: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    for (name, dtype, transform, shape), count in sorted(names.items()):
        print(f"  {name:40s} {dtype:8s} {transform:10s} {list(shape)} x{count}")
    for request, text in texts.items():
        print(f"request {request}: {text!r}")
    print(describe_end(stream.end))


def describe_end(e):
    if e["status"] == "clean":
        return f"clean end at offset {e['offset']}"
    kind = "torn tail" if e["status"] == "torn" else "corrupt framing"
    return f"{kind} at offset {e['offset']} ({e['file_size'] - e['offset']} trailing bytes): {e['message']}"


def verify(stream, pure):
    errors = checked = frames = 0
    for f in stream.frames():
        frames += 1
        try:
            if not f.name.startswith("__"):
                decode_tensor(stream, f, pure)
                checked += 1
            elif f.name == "__token":
                parse_token(stream.data(f))
            elif f.name in JSON_FRAMES:
                json.loads(stream.data(f))
            elif f.offset:
                print(f"note: skipped frame '{f.name}' at offset {f.offset} (reserved name unknown to format v1)")
        except (FormatError, ValueError) as e:
            errors += 1
            print(f"error: {e}" if isinstance(e, FormatError) else f"error: frame '{f.name}' at offset {f.offset}: {e}")
    print(f"verify: {frames} frames, {checked} tensors CRC-checked, {errors} errors; {describe_end(stream.end)}")
    return errors


def main(argv):
    flags = {a for a in argv if a.startswith("--")}
    files = [a for a in argv if not a.startswith("--")]
    if len(files) != 1 or not flags <= {"--json", "--verify", "--pure"} or {"--json", "--verify"} <= flags:
        print(__doc__, file=sys.stderr)
        return 2
    pure = "--pure" in flags
    try:
        stream = Stream(files[0])
    except (OSError, FormatError, ValueError) as e:
        print(f"read_stream: {files[0]}: {e}", file=sys.stderr)
        return 2
    try:
        if "--verify" in flags:
            errors = verify(stream, pure)
        elif "--json" in flags:
            errors = 0
            print(json.dumps(dump(stream, pure)))
        else:
            errors = 0
            summary(stream, pure)
    except (FormatError, ValueError) as e:
        print(f"read_stream: {files[0]}: {e}", file=sys.stderr)
        return 1
    if errors or stream.end["status"] == "corrupt":
        return 1
    return 3 if stream.end["status"] == "torn" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
