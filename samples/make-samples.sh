#!/usr/bin/env bash
# make-samples.sh - regenerate the small sample training packages under samples/.
#
# Usage: bash samples/make-samples.sh          (needs ffmpeg with libx264/aac/libmp3lame, python3)
#
# Deletes and rebuilds ONLY these paths inside samples/:
#   pass/ fail/ exactly-60/ junk/ gbk-names.zip gbk-names.expected.txt
# Output is byte-identical across runs with the same ffmpeg/x264/python(zlib) versions.
#
# ---------------------------------------------------------------- media (exact ffmpeg commands)
# BITEXACT = -fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1
# FF       = ffmpeg -hide_banner -nostdin -v error -y
#
# Video (H.264 yuv420p + AAC-LC mono 48 kHz, MP4, moov before mdat, 160x90, 25 fps, 1 s, ~7 KB);
# HUE and FREQ differ per lesson so no two videos are byte-identical:
#   FF -f lavfi -i "testsrc=s=160x90:r=25:d=1,hue=h=HUE" -f lavfi -i "sine=f=FREQ:d=1:sample_rate=48000" \
#      -c:v libx264 -threads 1 -preset medium -crf 40 -g 25 -pix_fmt yuv420p \
#      -c:a aac -b:a 24k -ac 1 BITEXACT -movflags +faststart -shortest OUT.mp4
# Audio-only MP4 (AAC in an MP4 container, NO video stream: an audio resource, not a video):
#   FF -f lavfi -i "sine=f=330:d=1:sample_rate=48000" -c:a aac -b:a 24k -ac 1 BITEXACT -movflags +faststart OUT.mp4
# MP3 (1 s):
#   FF -f lavfi -i "sine=f=550:d=1:sample_rate=44100" -c:a libmp3lame -b:a 32k BITEXACT OUT.mp3
# PNG / JPEG (single testsrc frame):
#   FF -f lavfi -i "testsrc=s=160x90:r=1" -frames:v 1 BITEXACT OUT.png
#   FF -f lavfi -i "testsrc=s=160x90:r=1" -frames:v 1 -q:v 5 BITEXACT OUT.jpg
# Non-media files are written by the embedded python3: minimal valid PDF (Helvetica text page),
# a small real PPTX (OOXML zip: [Content_Types].xml, _rels/.rels, ppt/presentation.xml + rels,
# slide master, layout, theme, ppt/slides/slide1.xml; fixed timestamps), UTF-8 SRT subtitles, junk bytes.
#
# ---------------------------------------------------------------- packages
# Counts are "course resources" = files minus subtitles (.srt), metadata and junk.
# pass/          5 videos / 7 resources = 0.7143 -> pass (exit 0). Modules 2/3, 2/3, 1/1. One .srt per video.
# fail/          2 videos / 6 resources = 0.3333 -> fail (exit 1). 模块2_法律法规 has no video at all (pptx, png, mp3).
# exactly-60/    3 videos / 5 resources = 0.6000 -> pass (exit 0): 60% itself passes (以上 is inclusive).
#                One module; .srt subtitles present that must not count.
# junk/          4 videos / 8 resources = 0.5000 -> fail (exit 1). Traps:
#                  模块1_基础知识/讲座录像.mp4  is a PDF renamed to .mp4      -> document, not video
#                  模块2_法律法规/音频讲解.mp4  is AAC-in-MP4 with no video -> audio, not video
#                Counting either one as video gives 5/8 = 0.625 (pass); both 6/8 = 0.75 (pass).
#                Junk (not counted): .DS_Store, 模块1_基础知识/Thumbs.db, __MACOSX/._第1课.mp4 (AppleDouble),
#                  模块1_基础知识/~$课件.pptx (162-byte Office owner/lock file),
#                  模块2_法律法规/新建文本文档.txt (zero bytes).
# gbk-names.zip  deflate zip, entry names GBK-encoded with general-purpose bit 11 (UTF-8) CLEAR,
#                create_system MS-DOS, as Windows tools write; directory entries included.
#                3 videos / 4 resources = 0.7500 -> pass (exit 0) + 1 .srt.
#                gbk-names.expected.txt: decoded UTF-8 paths of the FILE entries, one per line, sorted (C locale).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"
umask 022
export TZ=UTC LC_ALL=C.UTF-8

FF=(ffmpeg -hide_banner -nostdin -v error -y)
BITEXACT=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1)
STAMP='2024-03-01 09:00:00'

rm -rf pass fail exactly-60 junk gbk-names.zip gbk-names.expected.txt
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

video() { # out hue freq
  "${FF[@]}" -f lavfi -i "testsrc=s=160x90:r=25:d=1,hue=h=$2" -f lavfi -i "sine=f=$3:d=1:sample_rate=48000" \
    -c:v libx264 -threads 1 -preset medium -crf 40 -g 25 -pix_fmt yuv420p \
    -c:a aac -b:a 24k -ac 1 "${BITEXACT[@]}" -movflags +faststart -shortest "$1"
}

# ---------------------------------------------------------------- media into $WORK
for i in 1 2 3 4 5 6; do video "$WORK/v$i.mp4" $(( i * 50 )) $(( 300 + i * 80 )); done
"${FF[@]}" -f lavfi -i "sine=f=330:d=1:sample_rate=48000" -c:a aac -b:a 24k -ac 1 "${BITEXACT[@]}" -movflags +faststart "$WORK/audio-only.mp4"
"${FF[@]}" -f lavfi -i "sine=f=550:d=1:sample_rate=44100" -c:a libmp3lame -b:a 32k "${BITEXACT[@]}" "$WORK/a.mp3"
"${FF[@]}" -f lavfi -i "testsrc=s=160x90:r=1" -frames:v 1 "${BITEXACT[@]}" "$WORK/img.png"
"${FF[@]}" -f lavfi -i "testsrc=s=160x90:r=1" -frames:v 1 -q:v 5 "${BITEXACT[@]}" "$WORK/img.jpg"

# ---------------------------------------------------------------- packages
python3 - "$HERE" "$WORK" <<'PY'
import io, os, shutil, sys, zipfile

here, work = sys.argv[1], sys.argv[2]
DT = (2024, 3, 1, 9, 0, 0)

def w(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)

def media(name):
    with open(os.path.join(work, name), "rb") as f:
        return f.read()

def pdf(title):
    """Minimal valid one-page PDF (ASCII title, Helvetica)."""
    ops = b"BT /F1 18 Tf 72 720 Td (" + title.encode("ascii") + b") Tj ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)

X = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKGREL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
NS = f'xmlns:a="{A}" xmlns:r="{RELS}" xmlns:p="{P}"'
SPTREE = ('<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
          '<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>')
THEME = (X + f'<a:theme xmlns:a="{A}" name="Office"><a:themeElements><a:clrScheme name="Office">'
         '<a:dk1><a:srgbClr val="000000"/></a:dk1><a:lt1><a:srgbClr val="FFFFFF"/></a:lt1><a:dk2><a:srgbClr val="1F497D"/></a:dk2>'
         '<a:lt2><a:srgbClr val="EEECE1"/></a:lt2><a:accent1><a:srgbClr val="4F81BD"/></a:accent1><a:accent2><a:srgbClr val="C0504D"/></a:accent2>'
         '<a:accent3><a:srgbClr val="9BBB59"/></a:accent3><a:accent4><a:srgbClr val="8064A2"/></a:accent4><a:accent5><a:srgbClr val="4BACC6"/></a:accent5>'
         '<a:accent6><a:srgbClr val="F79646"/></a:accent6><a:hlink><a:srgbClr val="0000FF"/></a:hlink><a:folHlink><a:srgbClr val="800080"/></a:folHlink>'
         '</a:clrScheme><a:fontScheme name="Office"><a:majorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont>'
         '<a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont></a:fontScheme>'
         '<a:fmtScheme name="Office"><a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
         '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:fillStyleLst><a:lnStyleLst><a:ln w="9525"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>'
         '<a:ln w="25400"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="38100"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>'
         '</a:lnStyleLst><a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle>'
         '</a:effectStyleLst><a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
         '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:bgFillStyleLst></a:fmtScheme></a:themeElements></a:theme>').encode()

def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

def pptx(title):
    """Small real one-slide PPTX; zip entries in a fixed order with fixed timestamps."""
    parts = [
        ("[Content_Types].xml", (X + f'<Types xmlns="{CT}"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>'
          '<Override PartName="/ppt/slideMasters/slideMaster1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml"/>'
          '<Override PartName="/ppt/slideLayouts/slideLayout1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml"/>'
          '<Override PartName="/ppt/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>'
          '<Override PartName="/ppt/slides/slide1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>'
          '</Types>').encode()),
        ("_rels/.rels", (X + f'<Relationships xmlns="{PKGREL}"><Relationship Id="rId1" Type="{RELS}/officeDocument" '
          'Target="ppt/presentation.xml"/></Relationships>').encode()),
        ("ppt/presentation.xml", (X + f'<p:presentation {NS}><p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>'
          '<p:sldIdLst><p:sldId id="256" r:id="rId3"/></p:sldIdLst>'
          '<p:sldSz cx="9144000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>').encode()),
        ("ppt/_rels/presentation.xml.rels", (X + f'<Relationships xmlns="{PKGREL}">'
          f'<Relationship Id="rId1" Type="{RELS}/slideMaster" Target="slideMasters/slideMaster1.xml"/>'
          f'<Relationship Id="rId2" Type="{RELS}/theme" Target="theme/theme1.xml"/>'
          f'<Relationship Id="rId3" Type="{RELS}/slide" Target="slides/slide1.xml"/></Relationships>').encode()),
        ("ppt/slideMasters/slideMaster1.xml", (X + f'<p:sldMaster {NS}><p:cSld><p:spTree>{SPTREE}</p:spTree></p:cSld>'
          '<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" accent4="accent4" '
          'accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>'
          '<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst></p:sldMaster>').encode()),
        ("ppt/slideMasters/_rels/slideMaster1.xml.rels", (X + f'<Relationships xmlns="{PKGREL}">'
          f'<Relationship Id="rId1" Type="{RELS}/slideLayout" Target="../slideLayouts/slideLayout1.xml"/>'
          f'<Relationship Id="rId2" Type="{RELS}/theme" Target="../theme/theme1.xml"/></Relationships>').encode()),
        ("ppt/slideLayouts/slideLayout1.xml", (X + f'<p:sldLayout {NS} type="blank"><p:cSld name="Blank"><p:spTree>{SPTREE}</p:spTree></p:cSld>'
          '<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>').encode()),
        ("ppt/slideLayouts/_rels/slideLayout1.xml.rels", (X + f'<Relationships xmlns="{PKGREL}">'
          f'<Relationship Id="rId1" Type="{RELS}/slideMaster" Target="../slideMasters/slideMaster1.xml"/></Relationships>').encode()),
        ("ppt/theme/theme1.xml", THEME),
        ("ppt/slides/slide1.xml", (X + f'<p:sld {NS}><p:cSld><p:spTree>{SPTREE}'
          '<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr>'
          '<p:spPr><a:xfrm><a:off x="457200" y="274638"/><a:ext cx="8229600" cy="1143000"/></a:xfrm>'
          '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr>'
          f'<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="zh-CN"/><a:t>{esc(title)}</a:t></a:r></a:p></p:txBody></p:sp>'
          '</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>').encode()),
        ("ppt/slides/_rels/slide1.xml.rels", (X + f'<Relationships xmlns="{PKGREL}">'
          f'<Relationship Id="rId1" Type="{RELS}/slideLayout" Target="../slideLayouts/slideLayout1.xml"/></Relationships>').encode()),
    ]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            zi = zipfile.ZipInfo(name, DT)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    return buf.getvalue()

def srt(text):
    return (f"1\n00:00:00,000 --> 00:00:00,900\n{text}\n\n"
            f"2\n00:00:00,900 --> 00:00:01,000\n（完）\n").encode("utf-8")

DS_STORE = b"\x00\x00\x00\x01Bud1" + bytes(range(256)) * 2
DS_STORE = DS_STORE + b"\x00" * (6148 - len(DS_STORE))

def thumbs_db():
    """OLE2 compound-file header + deterministic filler."""
    hdr = bytearray(512)
    hdr[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    hdr[24:26] = (0x3E).to_bytes(2, "little"); hdr[26:28] = (3).to_bytes(2, "little")
    hdr[28:30] = b"\xfe\xff"; hdr[30:32] = (9).to_bytes(2, "little"); hdr[32:34] = (6).to_bytes(2, "little")
    return bytes(hdr) + bytes(i * 7 % 251 for i in range(512 * 3))

def appledouble(name):
    d = bytearray(4096)
    d[0:4] = b"\x00\x05\x16\x07"; d[4:8] = b"\x00\x02\x00\x00"; d[8:24] = b"Mac OS X        "
    d[24:26] = b"\x00\x02"
    d[26:38] = bytes.fromhex("000000090000003200000ece")
    d[38:50] = bytes.fromhex("0000000200000f0000000100")
    nm = name.encode()[:200]
    d[0x32:0x32 + len(nm)] = nm
    return bytes(d)

def office_lock(user="teacher"):
    """~$ owner file as Word/PowerPoint writes it: 162 bytes, length-prefixed user name, then UTF-16LE copy."""
    d = bytearray(162)
    u = user.encode("ascii")
    d[0] = len(u); d[1:1 + len(u)] = u
    for i in range(1 + len(u), 54):
        d[i] = 0x20
    d[54] = len(user); u16 = user.encode("utf-16-le")
    d[56:56 + len(u16)] = u16
    return bytes(d)

VID = [media(f"v{i}.mp4") for i in range(1, 7)]
AUDIO_MP4 = media("audio-only.mp4")
MP3, PNG, JPG = media("a.mp3"), media("img.png"), media("img.jpg")

def lesson(root, rel, v, subtitle=True):
    w(os.path.join(root, rel), VID[v])
    if subtitle:
        w(os.path.join(root, os.path.splitext(rel)[0] + ".srt"), srt(os.path.basename(os.path.splitext(rel)[0])))

# ---- pass/: 5 videos / 7 resources
r = os.path.join(here, "pass")
lesson(r, "模块1_基础知识/第1课_导论.mp4", 0)
lesson(r, "模块1_基础知识/第2课_安全责任.mp4", 1)
w(os.path.join(r, "模块1_基础知识/模块1_课件.pptx"), pptx("模块1 基础知识"))
lesson(r, "模块2_法律法规/第3课_法规解读.mp4", 2)
lesson(r, "模块2_法律法规/第4课_责任追究.mp4", 3)
w(os.path.join(r, "模块2_法律法规/法律法规讲义.pdf"), pdf("Module 2 handout"))
lesson(r, "模块3_案例分析/第5课_事故案例.mp4", 4)

# ---- fail/: 2 videos / 6 resources; 模块2 has no video
r = os.path.join(here, "fail")
lesson(r, "模块1_基础知识/第1课_导论.mp4", 0)
lesson(r, "模块1_基础知识/第2课_安全责任.mp4", 1)
w(os.path.join(r, "模块1_基础知识/基础知识讲义.pdf"), pdf("Module 1 handout"))
w(os.path.join(r, "模块2_法律法规/法律法规课件.pptx"), pptx("模块2 法律法规"))
w(os.path.join(r, "模块2_法律法规/法规体系图.png"), PNG)
w(os.path.join(r, "模块2_法律法规/法规解读音频.mp3"), MP3)

# ---- exactly-60/: 3 videos / 5 resources (+ .srt that must not count)
r = os.path.join(here, "exactly-60")
lesson(r, "模块1_基础知识/第1课_导论.mp4", 0)
lesson(r, "模块1_基础知识/第2课_安全责任.mp4", 1)
lesson(r, "模块1_基础知识/第3课_个人防护.mp4", 2)
w(os.path.join(r, "模块1_基础知识/基础知识讲义.pdf"), pdf("Module 1 handout"))
w(os.path.join(r, "模块1_基础知识/基础知识课件.pptx"), pptx("模块1 基础知识"))

# ---- junk/: 4 videos / 8 resources; a renamed PDF and an audio-only MP4 posing as videos; OS/Office junk
r = os.path.join(here, "junk")
lesson(r, "模块1_基础知识/第1课_导论.mp4", 0)
lesson(r, "模块1_基础知识/第2课_安全责任.mp4", 1)
w(os.path.join(r, "模块1_基础知识/课件.pptx"), pptx("模块1 课件"))
w(os.path.join(r, "模块1_基础知识/讲座录像.mp4"), pdf("Lecture recording (actually a PDF)"))
lesson(r, "模块2_法律法规/第3课_法规解读.mp4", 2)
lesson(r, "模块2_法律法规/第4课_责任追究.mp4", 3)
w(os.path.join(r, "模块2_法律法规/法律法规讲义.pdf"), pdf("Module 2 handout"))
w(os.path.join(r, "模块2_法律法规/音频讲解.mp4"), AUDIO_MP4)
# junk, never counted
w(os.path.join(r, ".DS_Store"), DS_STORE)
w(os.path.join(r, "模块1_基础知识/Thumbs.db"), thumbs_db())
w(os.path.join(r, "__MACOSX/._第1课.mp4"), appledouble("第1课.mp4"))
w(os.path.join(r, "模块1_基础知识/~$课件.pptx"), office_lock())
w(os.path.join(r, "模块2_法律法规/新建文本文档.txt"), b"")

# ---- gbk-names.zip: 3 videos / 4 resources + 1 srt, GBK names, UTF-8 flag clear
class GbkInfo(zipfile.ZipInfo):
    """Entry whose name is stored as GBK bytes with general-purpose bit 11 (UTF-8) clear."""
    __slots__ = ()
    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits & ~0x800

files = [
    ("模块1_基础知识/第1课_导论.mp4", VID[3]),
    ("模块1_基础知识/第1课_导论.srt", srt("第1课_导论")),
    ("模块1_基础知识/第2课_安全责任.mp4", VID[4]),
    ("模块1_基础知识/基础知识讲义.pdf", pdf("Module 1 handout")),
    ("模块2_法律法规/第3课_法规解读.mp4", VID[5]),
]
dirs = sorted({f.split("/")[0] + "/" for f, _ in files})
entries = sorted(dirs + [f for f, _ in files], key=lambda s: s.encode("utf-8"))
data = dict(files)
out = os.path.join(here, "gbk-names.zip")
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
    for e in entries:
        zi = GbkInfo(e, DT)
        zi.create_system = 0  # MS-DOS
        if e.endswith("/"):
            zi.external_attr = 0x10
            z.writestr(zi, b"")
        else:
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0x20
            z.writestr(zi, data[e])
with open(os.path.join(here, "gbk-names.expected.txt"), "wb") as f:
    f.write("".join(p + "\n" for p in sorted((p for p, _ in files), key=lambda s: s.encode("utf-8"))).encode("utf-8"))

# self-check: raw names are GBK bytes, bit 11 clear, in both local and central headers
raw = open(out, "rb").read()
with zipfile.ZipFile(out) as z:
    for zi in z.infolist():
        assert zi.flag_bits & 0x800 == 0, zi.filename
        name = zi.filename.encode("cp437").decode("gbk")
        assert name in entries, name
        lh = zi.header_offset
        assert raw[lh:lh + 4] == b"PK\x03\x04"
        flags = int.from_bytes(raw[lh + 6:lh + 8], "little"); nlen = int.from_bytes(raw[lh + 26:lh + 28], "little")
        assert flags & 0x800 == 0 and raw[lh + 30:lh + 30 + nlen] == name.encode("gbk"), name
PY

# ---------------------------------------------------------------- fixed mtimes and modes
for p in pass fail exactly-60 junk; do
  find "$p" -exec touch -h -d "$STAMP" {} +
  chmod -R u=rwX,go=rX "$p"
done
touch -d "$STAMP" gbk-names.zip gbk-names.expected.txt
chmod 644 gbk-names.zip gbk-names.expected.txt
echo "samples regenerated in $HERE"
