/* status.h — the one status type of libarkiv, with its messages.
 *
 * Every fallible library call returns an ark_status; ARK_OK is 0.  The codes
 * and their messages are defined together in one X-macro table so that they
 * cannot drift apart.  The messages are log-safe: they never echo user input
 * or paths; details that do go into a separate message owned by the caller.
 */
#ifndef ARKIV_STATUS_H
#define ARKIV_STATUS_H

#define ARK_STATUS_TABLE(X)                                                                        \
    X(ARK_OK, "success")                                                                           \
    X(ARK_EIO, "file could not be read or written")                                                \
    X(ARK_EBINARY, "not a document arkiv can read")                                                \
    X(ARK_EPARSE, "document is broken beyond repair")                                              \
    X(ARK_ETOOBIG, "file is too large")                                                            \
    X(ARK_ENOTFOUND, "not found")                                                                  \
    X(ARK_EMODIFIED, "index was modified while reading; reopen and retry")                         \
    X(ARK_ELOCKED, "index is locked by another writer")                                            \
    X(ARK_ECORRUPT, "index is corrupt")                                                            \
    X(ARK_EOPEN, "index could not be opened")                                                      \
    X(ARK_EVERSION, "index has another format version")                                            \
    X(ARK_EINVAL, "invalid argument")                                                              \
    X(ARK_EQUERY, "query could not be understood")                                                 \
    X(ARK_EEMPTYQUERY, "query has no words to search for")                                         \
    X(ARK_EUNREACHABLE, "no shard of the index could be reached")                                  \
    X(ARK_EXAPIAN, "search engine error")                                                          \
    X(ARK_EINTERNAL, "internal error")

typedef enum {
#define ARK_STATUS_ENUM(code, msg) code,
    ARK_STATUS_TABLE(ARK_STATUS_ENUM)
#undef ARK_STATUS_ENUM
        ARK_STATUS_COUNT
} ark_status;

/* The fixed, log-safe message for a status.  Borrowed, static. */
const char *ark_status_message(ark_status st);

/* The code's name, e.g. "ARK_ELOCKED", for tests and logs.  Borrowed, static. */
const char *ark_status_name(ark_status st);

#endif
