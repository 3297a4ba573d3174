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
 *   Z<stem>                  no         the Snowball stem of the word ("Zrusmiljø")
 *   Q<path>                  no         unique id: the file's path relative to the
 *                                       indexed directory ("Q000_8789f4b9d8cde277.txt")
 *
 * The synonym table maps "Z<stem>" to every exact word seen with that stem.
 * A phrase query uses it to match inflected forms at exact positions without
 * storing positions for stems: "åpne rusmiljø" becomes
 * PHRASE(OR(forms of Zåpn), OR(forms of Zrusmiljø)).
 *
 * Value slots hold what a hit shows and what incremental indexing compares.
 * The document data holds the document's text, for snippets.
 */
#ifndef ARKIV_TERMS_H
#define ARKIV_TERMS_H

#define ARK_FORMAT_VERSION "1"

#define ARK_PREFIX_STEM "Z"
#define ARK_PREFIX_UID "Q"

/* Xapian's hard limit on a term is 245 bytes; longer words are not indexed. */
#define ARK_MAX_TERM 240

enum ark_value_slot {
    ARK_SLOT_ID = 0,        /* document id shown to users: path without extension */
    ARK_SLOT_TITLE = 1,     /* human title */
    ARK_SLOT_PATH = 2,      /* path relative to the indexed directory */
    ARK_SLOT_SIGNATURE = 3, /* "<size> <mtime> <content hash>" for incremental runs */
};

/* Metadata keys. */
#define ARK_META_FORMAT "arkiv.format"

#endif
