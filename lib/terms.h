/* terms.h — the term scheme: every prefix, value slot and metadata key.
 *
 * This table is the contract between the indexer and the searcher.  Changing
 * anything here changes what an index means, so bump ARK_FORMAT_VERSION: the
 * indexer refuses to add to an index of another version and says how to
 * rebuild it, and the searcher refuses to read one.
 *
 * Prefixes follow Xapian's conventions: upper-case letters for prefixes, so a
 * prefix can never be confused with a (case-folded, hence lower-case) word;
 * "Z" for stemmed terms; "Q" for the unique id.
 *
 *   term                     positions  what it is
 *   ----------------------   ---------  ------------------------------------------
 *   <word>                   yes        the exact word: NFC, case-folded ("rusmiljøene")
 *   Z<lemma>                 no         each lemma of the word ("Zrusmiljø" for
 *                                       "rusmiljøene"), or its Snowball stem
 *   F<folded>                no         each folded spelling of the word and its
 *                                       lemmas that differs from the word and
 *                                       from what was folded ("Frusmiljoene",
 *                                       "Frusmiljo"; "klubben" gets none)
 *   C<part>                  no         the lemma of each part of a compound
 *                                       ("Crus", "Cmiljø", "Ctiltak")
 *   Q<path>                  no         unique id: the file's path relative to the
 *                                       indexed directory ("Q000_8789f4b9d8cde277.txt")
 *   P<path>                  no         unique id of a file's public view: the
 *                                       document without its internal passages,
 *                                       present only when it has some
 *   K<kind>                  no         the kind, for filters ("Kreferat")
 *   V<level>                 no         who may see the document: "Vpublic" on what
 *                                       public readers see, "Vinternal" on what
 *                                       staff see.  A file with internal passages
 *                                       has its full document (Vinternal only) and
 *                                       its public view (Vpublic only); every
 *                                       search is filtered by one of the two
 *
 * Words of a section's heading count ARK_HEADING_WDF times (exact word and
 * lemmas), so that a heading about the topic weighs more than a mention.
 * The title's words are indexed like the text's, at positions after it
 * (ARK_TITLE_GAP on), so a catalogue's or a record's title is searchable.
 *
 * The synonym table (kept in metadata, under "syn:" keys, one list of words
 * per key: the remote backend serves metadata, not Xapian's synonyms; each
 * shard holds the words of its own documents) maps "Z<lemma>" and
 * "F<folded>" to every exact word seen
 * with that lemma or folded spelling.  A phrase query uses it to match
 * inflected forms and variant spellings at exact positions without storing
 * positions for lemmas: "åpne rusmiljø" becomes
 * PHRASE(OR(forms of Zåpen, ...), OR(forms of Zrusmiljø, ...)).
 *
 * The synonym table also maps "A<abbreviation>" to its expansions and
 * "A<expansion>" to its abbreviations, both as exact words joined by spaces
 * ("Aopd" → "oslo politidistrikt"), learnt from the documents' glossaries.
 *
 * Value slots hold what a hit shows, what filters, sorts and facets read,
 * and what incremental indexing compares.  The document data is the text
 * (UTF-8, for snippets and the document view), compressed by arkiv
 * (textpack.h: Xapian's own compression loses some extreme texts), read
 * only when it is needed; the fields are a JSON object in the meta slot: "id"
 * (the document id shown to users: its path without extension), "title",
 * "path" (relative to the indexed directory), "format", "date",
 * "date_end", "kind", "access", "description", "participants" [names],
 * "pages" [offsets where each page begins], "sections" [{"number",
 * "heading", "presenter", "start", "body", "end", "access"}] with byte
 * offsets into the text, and "fields" {...} kept from a JSON Lines record.
 */
#ifndef ARKIV_TERMS_H
#define ARKIV_TERMS_H

#define ARK_FORMAT_VERSION "8"

#define ARK_PREFIX_STEM "Z" /* lemma or stem */
#define ARK_PREFIX_VARIANT "F"
#define ARK_PREFIX_PART "C"
#define ARK_PREFIX_ABBREV "A" /* synonym keys only, never document terms */
#define ARK_PREFIX_UID "Q"
#define ARK_PREFIX_PUBLIC_UID "P"
#define ARK_PREFIX_KIND "K"
#define ARK_PREFIX_VISIBLE "V"
#define ARK_VISIBLE_PUBLIC "Vpublic"
#define ARK_VISIBLE_INTERNAL "Vinternal"

#define ARK_HEADING_WDF 4
/* The title's words are indexed after the text's, this many positions on. */
#define ARK_TITLE_GAP 100

/* Xapian's hard limit on a term is 245 bytes; longer words are not indexed. */
#define ARK_MAX_TERM 240

enum ark_value_slot {
    ARK_SLOT_SIGNATURE = 0, /* "<size> <mtime> <content hash> <catalogue entry hash>" */
    ARK_SLOT_DATE_FROM = 1, /* first day of the document's date: "2026-03-01" for "2026-03" */
    ARK_SLOT_DATE_TO = 2,   /* last day: "2026-03-31"; the end of a multi-day meeting */
    ARK_SLOT_FACETS = 3,    /* the kind and the year facets: "referat\x1f2025"
                               (XDB_FACET_SEP between; either may be empty).
                               One value, not a slot each: counting facets reads
                               each match's value, a lookup per slot (format 7
                               had two) */
    ARK_SLOT_META = 4,      /* the fields as JSON (see above): all a hit reads,
                               with the data only for a snippet.  One value, not
                               a slot per field: each slot is a lookup of its
                               own (format 6 read four per hit) */
};

/* Metadata keys. */
#define ARK_META_FORMAT "arkiv.format"
/* "full" (the Norwegian analysis) or "basic" (Snowball stems only, the
 * plain-Xapian baseline); chosen when the index is made, used by searches. */
#define ARK_META_ANALYSIS "arkiv.analysis"

#endif
