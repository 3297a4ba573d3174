"""hostile_files.py — files that have hurt other engines, written on demand
for tests/e2e/hostile.t (one folder, one indexing run) and for
bench/hostile.py (each kind at the same size, timed against ordinary text).

Each generator takes a size in bytes (roughly what it writes) and returns
the bytes.  The size matters for the benchmark; the test uses small sizes
except where the size is the point (the 200 MB single line)."""
import random

ORDINARY = ("Politirådet drøftet de åpne rusmiljøene i sentrum og "
            "kriminalitetsforebyggende tiltak for ungdom. Oslo politidistrikt "
            "orienterte om situasjonen, og bydelene la fram sine planer. ")


def ordinary(size):
    """Plain Norwegian prose in paragraphs: the yardstick."""
    para = (ORDINARY * 4).strip() + "\n\n"
    return (para * (size // len(para.encode()) + 1)).encode()[:size]


def single_line(size):
    """The same prose without a single line break."""
    return (ORDINARY * (size // len(ORDINARY.encode()) + 1)).encode()[:size]


def combining(size):
    """One letter followed by nothing but combining accents (U+0301, 2 bytes
    each): canonical ordering is quadratic in the length of such a run."""
    return b"a" + "\u0301".encode() * (size // 2)


def combining_mixed(size):
    """Combining accents of two classes alternating (U+0301 above, U+0316
    below): putting them in canonical order is where utf8proc's bubble sort
    goes quadratic."""
    return b"a" + "\u0301\u0316".encode() * (size // 4) + " kvartalsslutt".encode()


def combining_words(size):
    """Words whose letters each carry hundreds of stacked accents."""
    word = "e" + "\u0301\u0302\u0303\u0304" * 100 + " "
    return (word * (size // len(word.encode()) + 1)).encode()[:size].decode(
        "utf-8", "ignore").encode() + b" sluttord"


def long_words(size, length=50000, seed=7):
    """Words of `length` letters, separated by spaces."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyzæøå"
    out, total = [], 0
    while total < size:
        w = "".join(rng.choice(letters) for _ in range(length))
        out.append(w)
        total += len(w.encode()) + 1
    return " ".join(out).encode()[:size] + b" sluttord"


def invalid_utf8(size, seed=11):
    """Prose with an invalid byte sequence (a stray byte, a truncated or
    overlong character, a surrogate) after every eighth word."""
    rng = random.Random(seed)
    bad = [b"\xff", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\xed\xa0\x80", b"\xc0\xaf"]
    out = bytearray()
    for i, word in enumerate((ORDINARY * (size // len(ORDINARY) + 1)).split(" ")):
        out += word.encode() + (rng.choice(bad) if i % 8 == 7 else b"") + b" "
        if len(out) >= size:
            break
    return bytes(out)


def utf16_no_bom(size):
    """Prose in UTF-16LE without a byte-order mark (Windows' "Unicode")."""
    return ordinary(size // 2).decode("utf-8", "ignore").encode("utf-16-le")


def nul_bytes(size):
    """Prose with a stray NUL byte every 4 KB (a crashed editor's save)."""
    text = ordinary(size)
    return b"".join(text[i:i + 4096] + b"\0" for i in range(0, len(text), 4096))


def deep_html(size, depth=100000):
    """Text inside `depth` unclosed-then-closed <div>s, then more prose."""
    depth = min(depth, size // 11)
    return ("<html><body><p>Starttekst om bydelene.</p>" + "<div>" * depth + "dyptekst"
            + "</div>" * depth + "<p>Slutttekst om skjenketider.</p></body></html>").encode()


def broken_html(size):
    """Tags that never close, close twice or cross, bad entities, a script."""
    chunk = ("<p>Ødelagt <b>html <i>om <table><tr><td>brannvesenet</p></div></span>"
             "&amp &lt; &#xFFFFFF; &#0; &bogus; <font><font><a href='x'>lenke</b></i> ")
    body = chunk * (size // len(chunk.encode()) + 1)
    return ("<html><head><title>Brutt side</title><body>" + body
            + "<script>alert('skript')").encode()[:size]


def xxe_xml(size):
    """An external entity that would read /etc/passwd if it were expanded."""
    return ('<?xml version="1.0"?>\n<!DOCTYPE notat [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>\n'
            "<notat><tittel>Vaktliste</tittel><tekst>Vaktlisten for havnevesenet &x; slutt."
            "</tekst></notat>\n").encode()


def billion_laughs(size):
    """Entities that expand to gigabytes."""
    ents = ['<!ENTITY lol "lol">'] + ['<!ENTITY lol%d "%s">' % (i, ("&lol%s;" % (
        i - 1 if i > 1 else "")) * 10) for i in range(1, 10)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE lolz [' + "".join(ents) + "]>\n<lolz>&lol9;</lolz>\n"
            ).encode()


def deep_xml(size, depth=100000):
    return ('<?xml version="1.0"?>' + "<a>" * depth + "tekst" + "</a>" * depth).encode()


def deep_xml_sized(size):
    return deep_xml(size, depth=max(1, size // 7))


def not_a_pdf(size):
    """A .pdf that is a text about something else."""
    return ("Dette er ikke en PDF, bare tekst om fergeleiet. " * (size // 50 + 1)).encode()[:size]


def garbage_pdf(size, seed=13):
    """A PDF header followed by random bytes."""
    rng = random.Random(seed)
    return b"%PDF-1.7\n" + bytes(rng.randrange(256) for _ in range(size))


# name: (generator, size in the hostile folder); the benchmark uses its own size
KINDS = {
    "ordinary.txt": (ordinary, 100000),
    "single-line.txt": (single_line, 100000),
    "combining.txt": (combining, 1 << 20),
    "combining-mixed.txt": (combining_mixed, 1 << 20),
    "combining-words.txt": (combining_words, 100000),
    "long-words.txt": (long_words, 200000),
    "invalid-utf8.txt": (invalid_utf8, 20000),
    "utf16-no-bom.txt": (utf16_no_bom, 20000),
    "nul-bytes.txt": (nul_bytes, 20000),
    "deep.html": (deep_html, 2 << 20),
    "broken.html": (broken_html, 20000),
    "xxe.xml": (xxe_xml, 0),
    "laughs.xml": (billion_laughs, 0),
    "deep.xml": (deep_xml, 0),
    "not-a-pdf.pdf": (not_a_pdf, 5000),
    "garbage.pdf": (garbage_pdf, 20000),
}
