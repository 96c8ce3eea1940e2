#!/usr/bin/env bash
# Build the document fixtures in tests/fixtures/documents/ (PDF, EPUB, DOCX,
# ODT, DOTX, OTT) from real articles, with real producers: pandoc, pdfLaTeX
# (through pandoc) and LibreOffice in headless mode.
#
#   scripts/make-doc-fixtures.sh            # build (re-runnable, overwrites)
#   KEEP_WORK=1 scripts/make-doc-fixtures.sh   # keep the temp dir with the
#                                              # Markdown intermediates
#
# Inputs (read only): ../shared/data/news/bbc/{business/001,sport/010,tech/020}.txt
# (line 1 = title, then the body) and ../shared/seed/000_e0bcc2af21a72206.txt
# (title line, "Month DD YYYY, by Author" dateline, body). If ../shared is
# missing the script says so and exits 0 without touching the fixtures.
#
# Every article goes first through pandoc into Markdown with a YAML metadata
# block (title, author, date, lang); all outputs are made from that file.
# The authors and dates of the BBC articles are NOT in the source text: the
# fixed values below are documented fixture values, not facts.
#
# Determinism: every producer runs through at_date(): TZ=UTC,
# SOURCE_DATE_EPOCH = the fixture's metadata date at 12:00 UTC (pandoc: DOCX
# zip times and core dates, EPUB dcterms:modified; pdfTeX/xdvipdfmx: Info
# /CreationDate and /ModDate), under faketime frozen at that same instant
# (pandoc 2.17 stamps ODT/EPUB zip entries with the clock; LibreOffice ignores
# SOURCE_DATE_EPOCH and stamps zip entries, meta/core dates and the PDF
# /CreationDate with the clock) and SAL_RAND_REPEATABLE=1 (LibreOffice's
# random rsids in settings.xml). PDF trailer /IDs and EPUB identifiers are
# fixed per fixture. With the same tool versions, a re-run gives
# byte-identical files (checked with sha256sum over several runs).
# What still varies: LibreOffice's PDF export writes its two font subsets in
# either order (a race inside soffice); lo_convert re-converts until the PDF
# equals the existing fixture, so in practice the files stay the same. Other
# versions of pandoc/TeX Live/LibreOffice give other bytes (layout, generator
# strings, font subsets).
# Side effect worth knowing: the LibreOffice dates (meta.xml
# meta:creation-date/dc:date, core.xml dcterms:modified, PDF /CreationDate)
# come out as the fixture date only because of faketime; unfaked they would
# be the conversion time (see README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=../shared
DEST=tests/fixtures/documents   # replaced only once everything built and checked
PKGS=(pandoc libreoffice-writer-nogui poppler-utils texlive-latex-base
      texlive-latex-recommended texlive-fonts-recommended lmodern
      texlive-xetex faketime unzip qpdf)

log() { printf '[make-doc-fixtures] %s\n' "$*" >&2; }

# ---------------------------------------------------------------- inputs
if [[ ! -d $SHARED/data/news/bbc || ! -d $SHARED/seed ]]; then
    log "skip: $SHARED (articles) is missing; fixtures left as they are"
    exit 0
fi

# ---------------------------------------------------------------- tools
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
        || missing+=("$p")
done
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]})); then
    log "installing missing Debian packages: ${missing[*]}"
    SUDO=(); [[ $(id -u) -eq 0 ]] || SUDO=(sudo)
    "${SUDO[@]}" apt-get update -q
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
for t in pandoc soffice pdflatex xelatex pdfinfo pdftotext unzip faketime md5sum python3 qpdf; do
    command -v "$t" >/dev/null || { log "error: $t not found"; exit 1; }
done

WORK=$(mktemp -d)
if [[ -n ${KEEP_WORK:-} ]]; then log "work dir kept: $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi
OUT=$WORK/out
mkdir -p "$OUT" "$DEST"

# LibreOffice: private profile so it neither touches ~ nor clashes with a
# running instance; no Thumbnails/thumbnail.png in ODT/OTT (it is ~45 KB).
LO=(soffice -env:UserInstallation=file://"$WORK"/lo-profile --headless --norestore)
mkdir -p "$WORK/lo-profile/user"
cat >"$WORK/lo-profile/user/registrymodifications.xcu" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Save/Document"><prop oor:name="GenerateThumbnail" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
EOF

# expected.json is written at the end from these lines (tab separated):
# file, title, author, date, first_words, producer, source
EXPECTED=$WORK/expected.tsv
: >"$EXPECTED"

first_words() { # the first 12 words of a body file
    tr -s ' \n\t' '   ' <"$1" | sed 's/^ *//' | cut -d' ' -f1-12
}
expect() { # file producer key
    local k=$3
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "${TITLE[$k]}" "${AUTHOR[$k]}" \
        "${DATE[$k]}" "$(first_words "$WORK/$k.body.txt")" "$2" "${SOURCE[$k]}" >>"$EXPECTED"
}
epoch() { date -u -d "$1 12:00:00" +%s; }
at_date() { # date cmd... : run cmd with the clock frozen at date 12:00 UTC
    local d=$1; shift
    TZ=UTC SOURCE_DATE_EPOCH=$(epoch "$d") SAL_RAND_REPEATABLE=1 XDG_CACHE_HOME="$WORK/cache" \
        faketime -f "$d 12:00:00" "$@"
}

declare -A TITLE AUTHOR DATE SOURCE

# ---------------------------------------------------------------- intermediates
# BBC article -> escaped HTML paragraphs -> pandoc -> Markdown + YAML metadata.
# Going through pandoc's Markdown writer escapes whatever Markdown would
# otherwise read as markup ($, *, _ ...), so the text stays as put in.
bbc_md() { # key src author date
    local key=$1 src=$2
    TITLE[$key]=$(head -n1 "$src")
    SOURCE[$key]=${src#../}
    AUTHOR[$key]=$3
    DATE[$key]=$4
    tail -n +2 "$src" | sed '/^[[:space:]]*$/d' >"$WORK/$key.body.txt"
    sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's|.*|<p>&</p>|' \
        "$WORK/$key.body.txt" >"$WORK/$key.html"
    pandoc -f html -t markdown-smart -s --wrap=none \
        -M title="${TITLE[$key]}" -M author="${AUTHOR[$key]}" \
        -M date="${DATE[$key]}" -M lang=en-GB \
        "$WORK/$key.html" -o "$WORK/$key.md"
}

# The seed is already Markdown-ish (links like "[company](#)", "\$6 million"),
# so its body is read as Markdown; the title and dateline lines are taken out
# into the metadata.
seed_md() {
    local key=seed src=$SHARED/seed/000_e0bcc2af21a72206.txt
    local lines
    mapfile -t lines < <(sed '/^[[:space:]]*$/d' "$src" | head -n2)
    TITLE[$key]=${lines[0]}
    SOURCE[$key]=${src#../}
    [[ ${lines[1]} =~ ^[A-Z][a-z]+\ [0-9]{1,2}\ [0-9]{4},\ by\ (.+)$ ]] \
        || { log "error: unexpected seed dateline: ${lines[1]}"; exit 1; }
    AUTHOR[$key]=${BASH_REMATCH[1]}            # Chad Day
    DATE[$key]=$(date -u -d "${lines[1]%%,*}" +%F)  # 2017-11-11
    # body: everything after the dateline, blank lines (paragraphs) kept
    awk 'n >= 2 { print; next } NF { n++ }' "$src" | sed '/./,$!d' >"$WORK/$key.body.md"
    # plain words of the body, as a reader of the outputs should see them
    pandoc -f markdown-smart -t plain --wrap=none "$WORK/$key.body.md" \
        -o "$WORK/$key.body.txt"
    pandoc -f markdown-smart -t markdown-smart -s --wrap=none \
        -M title="${TITLE[$key]}" -M author="${AUTHOR[$key]}" \
        -M date="${DATE[$key]}" -M lang=en-US \
        "$WORK/$key.body.md" -o "$WORK/$key.md"
}

BBC=$SHARED/data/news/bbc
seed_md
bbc_md bbc-business-001 "$BBC/business/001.txt" "BBC News Staff" 2005-03-01
bbc_md bbc-sport-010    "$BBC/sport/010.txt"    "BBC News Staff" 2005-02-10
bbc_md bbc-tech-020     "$BBC/tech/020.txt"     "BBC News Staff" 2005-02-16

# Long multi-article documents for the layout fixtures: the three BBC bodies,
# each under its own section heading (the headings feed the running header).
multi_md() { # key title date
    local key=$1
    TITLE[$key]=$2; AUTHOR[$key]="BBC News Staff"; DATE[$key]=$3
    SOURCE[$key]="shared/data/news/bbc/{business/001,tech/020,sport/010}.txt"
    {
        for k in bbc-business-001 bbc-tech-020 bbc-sport-010; do
            printf '<h1>%s</h1>\n' "${TITLE[$k]}"
            sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' \
                -e 's|.*|<p>&</p>|' "$WORK/$k.body.txt"
        done
    } >"$WORK/$key.html"
    # body as put in: the section titles come first (they are body text too)
    for k in bbc-business-001 bbc-tech-020 bbc-sport-010; do
        printf '%s\n' "${TITLE[$k]}"; cat "$WORK/$k.body.txt"
    done >"$WORK/$key.body.txt"
    pandoc -f html -t markdown-smart -s --wrap=none \
        -M title="$2" -M author="BBC News Staff" -M date="$3" -M lang=en-GB \
        "$WORK/$key.html" -o "$WORK/$key.md"
}
multi_md twocolumn "BBC News digest: business, technology and sport" 2005-03-01
multi_md headers   "BBC News digest with running headers" 2005-03-01

# ---------------------------------------------------------------- producers
PANDOC_IN=(-f markdown-smart)
# PDFs through a TeX engine. pandoc's LaTeX template puts title/author/date
# on the title block (\maketitle) and title/author into hyperref's
# pdftitle/pdfauthor (PDF Info dict); the Info /CreationDate and /ModDate are
# pdfTeX's, i.e. SOURCE_DATE_EPOCH = the metadata date at 12:00 UTC.
# Fonts: pandoc's default Latin Modern Type 1 subsets cost ~25 KB per design
# size (3 sizes: ~90 KB for seed), so only seed.pdflatex.pdf keeps that default;
# the others use Times (URW Nimbus Type 1, one file for all sizes, ~25 KB).
# seed.xelatex.pdf has Latin Modern OpenType as CID (Identity-H) fonts.
tex_pdf() { # engine key out [extra pandoc args...]
    local engine=$1 key=$2 out=$3 id; shift 3
    # fixed trailer /ID (otherwise a hash of the time and pandoc's temp path)
    id=$(printf 'trove-fixture:%s' "$out" | md5sum | cut -c1-32)
    printf '%s\n' "\\ifdefined\\pdftrailerid\\pdftrailerid{$id}\\fi" \
        "\\ifdefined\\XeTeXrevision\\special{pdf:trailerid [<$id> <$id>]}\\fi" \
        >"$WORK/$out.id.tex"
    at_date "${DATE[$key]}" \
        pandoc "${PANDOC_IN[@]}" "$WORK/$key.md" --pdf-engine="$engine" \
        -V papersize="${PAPER:-a4}" -V geometry:margin=2.5cm \
        -H "$WORK/$out.id.tex" "$@" -o "$OUT/$out"
    local v
    case $engine in
        pdflatex) v="pdflatex ($(pdflatex --version | head -n1 | sed 's/ (.*//'))" ;;
        xelatex) v="xelatex ($(xelatex --version | head -n1 | sed 's/ (.*//'))" ;;
    esac
    expect "$out" "pandoc $(pandoc_v) + $v" "$key"
}
pandoc_v() { pandoc --version | head -n1 | cut -d' ' -f2; }

pandoc_out() { # key ext
    local key=$1 ext=$2 out=$1.pandoc.$2 extra=()
    [[ $ext == epub ]] && extra=(-M identifier="urn:trove-fixture:$key")
    at_date "${DATE[$key]}" \
        pandoc "${PANDOC_IN[@]}" "$WORK/$key.md" "${extra[@]}" -o "$OUT/$out"
    expect "$out" "pandoc $(pandoc_v)" "$key"
}

# soffice --convert-to; the output name is fixed by LibreOffice (input stem),
# so convert in a scratch dir and rename.
# LibreOffice's PDF export writes its font subsets in an order that changes
# from run to run (objects of DejaVuSerif and DejaVuSans-Bold swap places;
# same content otherwise), so there are two possible PDFs. To keep re-runs
# from churning git, a PDF is converted again (up to 6 times) until it equals
# the previous run's file; if it never does, the last one is kept.
lo_convert() { # key input(fixture name) filter ext out
    local key=$1 in=$2 filter=$3 ext=$4 out=$5 dir try=1
    while :; do
        dir=$(mktemp -d -p "$WORK")
        cp "$OUT/$in" "$dir/src.${in##*.}"
        at_date "${DATE[$key]}" "${LO[@]}" --convert-to "$ext${filter:+:$filter}" \
            --outdir "$dir" "$dir/src.${in##*.}" >"$dir/log" 2>&1 \
            || { cat "$dir/log" >&2; log "error: soffice failed for $out"; exit 1; }
        [[ -s $dir/src.$ext ]] || { cat "$dir/log" >&2; log "error: no $out"; exit 1; }
        if [[ $ext != pdf || ! -f $DEST/$out || $try -ge 6 ]] \
            || cmp -s "$dir/src.$ext" "$DEST/$out"; then
            break
        fi
        try=$((try + 1))
    done
    mv "$dir/src.$ext" "$OUT/$out"
    expect "$out" "LibreOffice $(soffice --version | awk '{print $2; exit}') from $in" "$key"
}

for key in seed bbc-business-001 bbc-sport-010 bbc-tech-020; do
    log "building $key"
    pandoc_out "$key" docx
    pandoc_out "$key" odt
    pandoc_out "$key" epub
    if [[ $key == seed ]]; then
        tex_pdf pdflatex "$key" "$key.pdflatex.pdf"        # pandoc's defaults
        tex_pdf xelatex  "$key" "$key.xelatex.pdf"
    else
        tex_pdf pdflatex "$key" "$key.pdflatex.pdf" -V fontfamily=times
    fi
done

# LibreOffice: the other producer. DOCX -> ODT and ODT -> DOCX round trips
# for every article; PDFs and templates for some.
for key in seed bbc-business-001 bbc-sport-010 bbc-tech-020; do
    log "LibreOffice conversions for $key"
    lo_convert "$key" "$key.pandoc.docx" "" odt  "$key.libreoffice.odt"
    lo_convert "$key" "$key.pandoc.odt"  "MS Word 2007 XML" docx "$key.libreoffice.docx"
done
lo_convert seed             seed.pandoc.odt              writer_pdf_Export pdf "seed.libreoffice.pdf"
lo_convert bbc-tech-020     bbc-tech-020.pandoc.docx     writer_pdf_Export pdf "bbc-tech-020.libreoffice.pdf"
lo_convert seed             seed.pandoc.odt              "" ott  "seed.libreoffice.ott"
lo_convert seed             seed.pandoc.docx             "MS Word 2007 XML Template" dotx "seed.libreoffice.dotx"

# Layout fixtures (pdflatex, 2+ pages each).
log "building layout PDFs"
tex_pdf pdflatex twocolumn twocolumn.pdflatex.pdf -V fontfamily=times -V classoption=twocolumn
# Running header on pages 2+ (a fixed text left, the current section title
# right, and a rule) and a "Page N" footer on every page (fancyhdr; the title
# page has the footer only). A5 paper so that it runs to 4+ pages.
cat >"$WORK/headers.tex" <<'EOF'
\usepackage{fancyhdr}
\pagestyle{fancy}
\fancyhf{}
\fancyhead[L]{\small BBC News digest}
\fancyhead[R]{\small\nouppercase{\leftmark}}
\fancyfoot[C]{Page \thepage}
\fancypagestyle{plain}{\fancyhf{}\fancyfoot[C]{Page \thepage}\renewcommand{\headrulewidth}{0pt}}
EOF
PAPER=a5 tex_pdf pdflatex headers headers.pdflatex.pdf -V fontfamily=times -H "$WORK/headers.tex"

# Hostile and awkward PDFs (hostile/, not in expected.json), made from bbc-business-001's:
# encrypted with a user password (trove cannot read it), encrypted with an owner
# password only (AES-128 and RC4-40: readers open these without asking), and a page
# that is a picture with no text layer, as a scanner makes. qpdf's --static-id and
# --static-aes-iv (its options for reproducible test files) keep re-runs identical.
log "building hostile PDFs"
HOSTILE=$WORK/hostile
mkdir -p "$HOSTILE"
qpdf --static-id --static-aes-iv --encrypt reader owner 256 -- \
    "$OUT/bbc-business-001.pdflatex.pdf" "$HOSTILE/user-password.pdf"
qpdf --static-id --static-aes-iv --encrypt "" owner 128 --use-aes=y -- \
    "$OUT/bbc-business-001.pdflatex.pdf" "$HOSTILE/owner-aes128.pdf"
qpdf --static-id --allow-weak-crypto --encrypt "" owner 40 -- \
    "$OUT/bbc-business-001.pdflatex.pdf" "$HOSTILE/owner-rc4.pdf"
python3 - "$WORK/scan.png" <<'PYEOF'
# A grey 300x120 picture with dark bars, like a scanned line of text (PNG by hand).
import struct, sys, zlib
w, h = 300, 120
rows = b"".join(b"\0" + bytes(40 if (y // 12) % 2 and (x // 7) % 3 else 235 for x in range(w))
                for y in range(h))
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))
open(sys.argv[1], "wb").write(png)
PYEOF
printf '%s\n' '\documentclass{article}' '\usepackage{graphicx}' '\pdftrailerid{scan}' \
    '\pagestyle{empty}' '\begin{document}' '\includegraphics[width=\textwidth]{scan.png}' \
    '\end{document}' >"$WORK/scan.tex"
(cd "$WORK" && at_date 2017-11-11 pdflatex -interaction=batchmode scan.tex >/dev/null)
cp "$WORK/scan.pdf" "$HOSTILE/scan.pdf"
for f in "$HOSTILE"/*.pdf; do
    case $f in
        *user-password*) ! pdftotext "$f" - >/dev/null 2>&1 || { log "error: $f opens"; exit 1; } ;;
        *scan*) [[ -z $(pdftotext "$f" - | tr -d '[:space:]') ]] || { log "error: $f has text"; exit 1; } ;;
        *) pdftotext "$f" - | grep -q "TimeWarner" || { log "error: $f unreadable"; exit 1; } ;;
    esac
done

# ---------------------------------------------------------------- expected.json
python3 - "$EXPECTED" "$OUT/expected.json" <<'EOF'
import json, sys
rows = {}
for line in open(sys.argv[1], encoding="utf-8"):
    f, title, author, date, words, producer, source = line.rstrip("\n").split("\t")
    rows[f] = {"title": title, "author": author, "date": date,
               "first_words": words, "producer": producer, "source": source}
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump(dict(sorted(rows.items())), out, indent=2, ensure_ascii=False)
    out.write("\n")
EOF

# ---------------------------------------------------------------- check
# Read every fixture back (pdfinfo/pdftotext, the XML parts of the zips) and
# check that title, author, date and the first words are in it. Text is
# compared after folding curly quotes, ligatures, line-end hyphens and
# whitespace. Known losses are reported as "note", not as failures.
log "checking the fixtures"
python3 - "$OUT" <<'PYEOF'
import html, json, os, re, subprocess, sys, zipfile

out = sys.argv[1]
expected = json.load(open(os.path.join(out, "expected.json"), encoding="utf-8"))

def norm(t):
    t = html.unescape(t)
    for a, b in {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                 "\ufb01": "fi", "\ufb02": "fl", "\ufb00": "ff", "\ufb03": "ffi",
                 "\ufb04": "ffl", "\u00a0": " ", "\u00ad": ""}.items():
        t = t.replace(a, b)
    t = re.sub(r"(\w)-\n(\w)", r"\1\2", t)
    return re.sub(r"\s+", " ", t).strip()

def xml_text(x, para):
    x = re.sub(r"<text:s(?: text:c=\"(\d+)\")?/>",
               lambda m: " " * int(m.group(1) or 1), x)
    x = re.sub(r"<text:tab/>|<w:tab/>", " ", x)
    x = re.sub(para, "\n", x)
    return re.sub(r"<[^>]+>", "", x)

def tag(x, name):
    m = re.search(r"<%s\b[^>]*>([^<]*)</%s>" % (name, name), x)
    return html.unescape(m.group(1)) if m else ""

def read(path):
    ext = path.rsplit(".", 1)[1]
    if ext == "pdf":
        info = subprocess.run(["pdfinfo", "-isodates", path], capture_output=True,
                              text=True, check=True).stdout
        def field(k):
            m = re.search(r"^%s:\s*(.*)$" % k, info, re.M)
            return m.group(1) if m else ""
        text = subprocess.run(["pdftotext", path, "-"], capture_output=True,
                              text=True, check=True).stdout
        return field("Title"), field("Author"), field("CreationDate"), text
    z = zipfile.ZipFile(path)
    if ext in ("docx", "dotx"):
        core = z.read("docProps/core.xml").decode()
        body = xml_text(z.read("word/document.xml").decode(), r"</w:p>")
        return (tag(core, "dc:title"), tag(core, "dc:creator"),
                tag(core, "dcterms:created"), body)
    if ext in ("odt", "ott"):
        meta = z.read("meta.xml").decode()
        body = xml_text(z.read("content.xml").decode(), r"</text:[ph]>")
        creator = tag(meta, "dc:creator") or tag(meta, "meta:initial-creator")
        date = tag(meta, "dc:date") or tag(meta, "meta:creation-date")
        return tag(meta, "dc:title"), creator, date, body
    if ext == "epub":
        container = z.read("META-INF/container.xml").decode()
        opf_path = re.search(r'full-path="([^"]+)"', container).group(1)
        opf = z.read(opf_path).decode()
        base = os.path.dirname(opf_path)
        items = dict(re.findall(r'<item id="([^"]+)" href="([^"]+)"', opf))
        spine = re.findall(r'<itemref idref="([^"]+)"', opf)
        body = "\n".join(xml_text(z.read(os.path.join(base, items[i])).decode(),
                                  r"</(?:p|h\d|div)>") for i in spine)
        return tag(opf, "dc:title"), tag(opf, "dc:creator"), tag(opf, "dc:date"), body
    raise SystemExit("unknown type: " + path)

bad = 0
for name, e in expected.items():
    title, author, date, body = read(os.path.join(out, name))
    problems, notes = [], []
    if norm(title) != norm(e["title"]):
        problems.append("title %r" % title)
    if norm(author) != norm(e["author"]):
        problems.append("author %r" % author)
    if not date.startswith(e["date"]):
        if name.endswith(".libreoffice.pdf") and e["date"] in body:
            notes.append("Info date is the conversion time %s; date only in the text" % date)
        else:
            problems.append("date %r" % date)
    b = norm(body)
    for what in ("title", "author", "date"):
        if norm(e[what]) not in b:
            notes.append("%s not in the text" % what)
    if norm(e["first_words"]) not in b:
        col = ""
        if name.startswith("twocolumn."):  # left column of page 1 only (A4)
            col = norm(subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-x", "0",
                "-y", "0", "-W", "298", "-H", "842", os.path.join(out, name), "-"],
                capture_output=True, text=True, check=True).stdout)
        if norm(e["first_words"]) in col:
            notes.append("first words only in a left-column crop: pdftotext's "
                         "default reading order interleaves the columns")
        else:
            problems.append("first words not in the text")
    bad += bool(problems)
    print("  %-36s %s%s" % (name, "FAIL: " + "; ".join(problems) if problems else "ok",
                            "".join(" [note: %s]" % n for n in notes)), file=sys.stderr)
sys.exit(1 if bad else 0)
PYEOF

# ---------------------------------------------------------------- install
rm -f "$DEST"/*.pdf "$DEST"/*.epub "$DEST"/*.docx "$DEST"/*.odt "$DEST"/*.dotx \
    "$DEST"/*.ott "$DEST"/expected.json
cp "$OUT"/* "$DEST"/
rm -rf "$DEST/hostile"
cp -r "$HOSTILE" "$DEST/hostile"
log "done: $(ls "$OUT" | wc -l) files in $DEST ($(du -ch "$OUT"/* | tail -n1 | cut -f1)); README.md there is kept as is"
