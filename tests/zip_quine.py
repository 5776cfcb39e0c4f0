#!/usr/bin/env python3
"""Write a zip quine: a zip whose one entry, deflated, is the zip itself.

Used by tests/rule_fixtures.rs (TP087). Russ Cox's construction ("Zip Files
All The Way Down", research.swtch.com/zip): deflate's stored blocks print
bytes (Ln: print the next n bytes) and its fixed-Huffman blocks copy
(Rn: repeat the last n bytes), and one fixed program of those two prints
the prefix P (local header), itself, then the suffix S (central directory
and end record). Every op but the last is exactly 5 bytes, so that the
program can print itself in 20-byte (4-op) pieces; the CRC field, which
appears inside what it covers, is found by solving crc32(file(v)) = v,
affine in v over GF(2).

Usage: zip_quine.py OUT.zip. Checks its output with zlib and zipfile.
"""

import io
import itertools
import struct
import sys
import zipfile
import zlib

# (symbol, base, extra bits) for lengths 3..258 and distances 1..32768.
LENGTHS = [(257 + i, base, extra) for i, (base, extra) in enumerate([
    (3, 0), (4, 0), (5, 0), (6, 0), (7, 0), (8, 0), (9, 0), (10, 0), (11, 1), (13, 1),
    (15, 1), (17, 1), (19, 2), (23, 2), (27, 2), (31, 2), (35, 3), (43, 3), (51, 3),
    (59, 3), (67, 4), (83, 4), (99, 4), (115, 4), (131, 5), (163, 5), (195, 5),
    (227, 5), (258, 0)])]
DISTANCES = [(i, base, extra) for i, (base, extra) in enumerate([
    (1, 0), (2, 0), (3, 0), (4, 0), (5, 1), (7, 1), (9, 2), (13, 2), (17, 3), (25, 3),
    (33, 4), (49, 4), (65, 5), (97, 5), (129, 6), (193, 6), (257, 7), (385, 7),
    (513, 8), (769, 8), (1025, 9), (1537, 9), (2049, 10), (3073, 10), (4097, 11),
    (6145, 11), (8193, 12), (12289, 12), (16385, 13), (24577, 13)])]


class Bits:
    """Deflate's bit order: fields LSB first, Huffman codes MSB first."""

    def __init__(self):
        self.bits = []

    def field(self, value, n):
        self.bits += [(value >> i) & 1 for i in range(n)]

    def code(self, value, n):
        self.bits += [(value >> i) & 1 for i in reversed(range(n))]

    def block(self, final):
        self.field(final, 1)
        self.field(1, 2)  # fixed Huffman codes

    def end_of_block(self):
        self.code(0, 7)  # symbol 256

    def copy(self, length, dist):
        if length == 258:
            sym, base, extra = 285, 258, 0
        else:
            sym, base, extra = [t for t in LENGTHS if t[1] <= length][-1]
        if sym < 280:
            self.code(sym - 256, 7)
        else:
            self.code(0xC0 + sym - 280, 8)
        self.field(length - base, extra)
        dsym, dbase, dextra = [t for t in DISTANCES if t[1] <= dist][-1]
        self.code(dsym, 5)
        self.field(dist - dbase, dextra)

    def bytes(self):
        assert len(self.bits) % 8 == 0
        return bytes(sum(b << i for i, b in enumerate(self.bits[k:k + 8]))
                     for k in range(0, len(self.bits), 8))


def copy_bits(length, dist):
    w = Bits()
    w.copy(length, dist)
    return len(w.bits)


def repeat(n):
    """Rn in exactly 5 bytes: one fixed block of one to three copies from n
    back, then empty fixed blocks (10 bits each) to fill; None if none fits."""
    for k in (1, 2, 3):
        for parts in itertools.product(range(3, min(n, 258) + 1), repeat=k - 1):
            last = n - sum(parts)
            if not 3 <= last <= 258:
                continue
            lens = list(parts) + [last]
            bits = 3 + sum(copy_bits(l, n) for l in lens) + 7
            if bits > 40 or (40 - bits) % 10:
                continue
            w = Bits()
            w.block(0)
            for l in lens:
                w.copy(l, n)
            w.end_of_block()
            for _ in range((40 - bits) // 10):
                w.block(0)
                w.end_of_block()
            return w.bytes()
    return None


def final_repeat(n):
    """The last op: copy n bytes from n back in the final block, padded."""
    w = Bits()
    w.block(1)
    left = n
    while left:
        l = min(left, 258)
        if left - l in (1, 2):
            l -= 3
        w.copy(l, n)
        left -= l
    w.end_of_block()
    w.bits += [0] * (-len(w.bits) % 8)
    return w.bytes()


def literal(n):
    """Ln: a stored block header (byte aligned) for n bytes."""
    return struct.pack('<BHH', 0, n, n ^ 0xFFFF)


def quine(name, crc):
    p, s = 30 + len(name), 46 + len(name) + 22
    rp, r20 = repeat(p + 5), repeat(20)
    if rp is None or r20 is None:
        return None
    rs_len = 1
    while len(final_repeat(s + rs_len)) != rs_len:
        rs_len += 1
    rs = final_repeat(s + rs_len)
    d_len = p + s + 140 + 2 * rs_len
    total = p + d_len + s
    head = struct.pack('<HHHHIII', 0, 8, 0, 0x21, crc, d_len, total)
    local = b'PK\x03\x04' + struct.pack('<H', 20) + head + struct.pack('<HH', len(name), 0) + name
    central = (b'PK\x01\x02' + struct.pack('<HH', 20, 20) + head
               + struct.pack('<HHHHHII', len(name), 0, 0, 0, 0, 0, 0) + name)
    end = b'PK\x05\x06' + struct.pack('<HHHHIIH', 0, 0, 1, 1, len(central), p + d_len, 0)
    P, S = local, central + end
    assert (len(P), len(S)) == (p, s)
    lp, ls, l5, l20, l0 = literal(p + 5), literal(s + rs_len), literal(5), literal(20), literal(0)
    # Op by op (payloads in brackets), what it prints:
    # Lp+5 [P Lp+5]; Rp+5; L5 [Rp+5]; L5 [L5]; L20 [Rp+5 L5 L5 L20]; R20;
    # L20 [R20 L20 R20 L20]; R20; L20 [R20 L0 L0 Ls]; R20; L0; L0;
    # Ls [Rs S]; Rs — which is P, then all of the above, then S.
    D = (lp + P + lp + rp + l5 + rp + l5 + l5 + l20 + rp + l5 + l5 + l20 + r20
         + l20 + r20 + l20 + r20 + l20 + r20 + l20 + r20 + l0 + l0 + ls + r20
         + l0 + l0 + ls + rs + S + rs)
    assert len(D) == d_len
    return P + D + S


def crc_fixed_point(name):
    """v with crc32(quine(name, v)) == v, or None."""
    base = quine(name, 0)
    if base is None:
        return None
    c0 = zlib.crc32(base)
    cols = [zlib.crc32(quine(name, 1 << i)) ^ c0 for i in range(32)]
    # Gaussian elimination of (M + I) v = c0, M's columns being cols.
    rows = [[sum((((cols[i] >> r) & 1) ^ (i == r)) << i for i in range(32)), (c0 >> r) & 1]
            for r in range(32)]
    pivots = []
    for col in range(32):
        at = next((r for r in range(len(pivots), 32) if rows[r][0] >> col & 1), None)
        if at is None:
            continue
        i = len(pivots)
        rows[i], rows[at] = rows[at], rows[i]
        for r in range(32):
            if r != i and rows[r][0] >> col & 1:
                rows[r][0] ^= rows[i][0]
                rows[r][1] ^= rows[i][1]
        pivots.append(col)
    if any(rows[r][1] for r in range(len(pivots), 32)):
        return None
    return sum(1 << col for r, col in enumerate(pivots) if rows[r][1])


def main(out):
    # The name's length makes the prefix's repeat fit 5 bytes (p + 5 = 65).
    for name in [b'this-course-package-itself.zip', b'this-course-package-copy-1.zip',
                 b'this-course-package-copy-2.zip']:
        crc = crc_fixed_point(name)
        if crc is None:
            continue
        data = quine(name, crc)
        assert zlib.crc32(data) == crc
        assert zlib.decompressobj(-15).decompress(data[30 + len(name):]) == data
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert z.read(name.decode()) == data, 'zipfile does not read it back'
        with open(out, 'wb') as f:
            f.write(data)
        return
    sys.exit('no zip quine found for these names')


if __name__ == '__main__':
    main(sys.argv[1])
