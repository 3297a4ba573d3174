/* searchd.h — what the parts of arkiv-searchd share: its settings, the
 * request being answered, and the functions each part offers.
 *
 *   main.c     flags, signals, graceful stop
 *   server.c   starting and stopping the whole daemon
 *   http.c     libmicrohttpd: parsing, checking and routing a request, answers
 *   api.c      /api/search, /api/doc, /api/suggest, /healthz
 *   feed.c     /feed (Atom)
 *   metrics.c  counters and /metrics (Prometheus text)
 *   auth.c     bearer tokens
 *   web.c      the web page's files
 *   workers.c  one searcher per worker thread, kept at the latest commit
 */
#ifndef ARKIV_SEARCHD_H
#define ARKIV_SEARCHD_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>
#include <microhttpd.h>

#include "arkiv.h"
#include "xalloc.h"

typedef struct {
    const char *const *dbs;    /* the indexes (or stubs of shards), searched as one */
    size_t ndbs;
    double shard_timeout;      /* seconds a remote shard may take to answer; 0: a
                                  quarter of time_limit */
    const char *listen;        /* "127.0.0.1:8080" */
    const char *token_file;    /* NULL: no tokens, everyone is public */
    const char *web_dir;       /* the web page's files */
    unsigned threads;          /* worker threads */
    unsigned max_query_bytes;  /* longest q */
    unsigned max_words;        /* most words in a query */
    unsigned max_expansion;    /* most words a "rus*" may stand for */
    unsigned max_page_size;    /* largest size= */
    unsigned max_depth;        /* page * size may not go past this many hits */
    double time_limit;         /* seconds of matching per query */
    unsigned max_connections;  /* open connections in all */
    unsigned max_per_ip;       /* open connections from one address */
    unsigned timeout;          /* seconds a connection may stay idle */
    int quiet;                 /* no log per request, ours or libmicrohttpd's (for the
                                  HTTP fuzz target's many requests) */
} sd_config;

/* Which endpoint answered: for the log and the metrics. */
typedef enum {
    EP_SEARCH,
    EP_DOC,
    EP_SUGGEST,
    EP_FEED,
    EP_HEALTH,
    EP_METRICS,
    EP_WEB,
    EP_OTHER,
    EP_COUNT
} sd_endpoint;

typedef struct {
    const sd_config *cfg;
    struct MHD_Connection *conn;
    const char *method;
    const char *path;
    int internal; /* the client showed a valid token: staff */
    sd_endpoint endpoint;
    unsigned status; /* 0 until answered */
    long hits; /* -1: not a search */
    struct timespec start;
} sd_request;

/* ---- http.c ---- */

/* The value of query parameter name, or NULL when it is not given. */
const char *http_param(sd_request *r, const char *name);
/* Answers with body (the caller's buffer, freed here), Content-Type type. */
enum MHD_Result http_send(sd_request *r, unsigned status, const char *type, char *body,
                          size_t len);
/* Answers with body, which stays valid until the server stops. */
enum MHD_Result http_send_static(sd_request *r, unsigned status, const char *type,
                                 const char *body, size_t len);
/* Answers with the JSON value (its reference is taken). */
enum MHD_Result http_json(sd_request *r, unsigned status, json_t *body);
/* Answers {"error": {"code", "message"}} with status. */
enum MHD_Result http_error(sd_request *r, unsigned status, const char *code,
                           const char *message);
/* Appends s percent-encoded for a URL (keep_slash: as a path). */
void http_add_escaped(ark_buf *b, const char *s, int keep_slash);
/* Starts serving; *port is the port bound (useful with port 0). */
struct MHD_Daemon *http_start(const sd_config *cfg, unsigned *port, char **err);
/* Stops taking new connections, waits up to `grace` seconds for the
 * requests in flight, then stops. */
void http_stop(struct MHD_Daemon *d, unsigned grace);

/* ---- server.c ---- */

/* Loads the tokens (when cfg->token_file is set) and the web page, then
 * starts serving as http_start does; NULL with *err (the caller frees it)
 * when any of it fails, with nothing left loaded.  cfg must outlive the
 * server. */
struct MHD_Daemon *server_start(const sd_config *cfg, unsigned *port, char **err);
/* http_stop, then closes the searchers and frees the tokens and the page. */
void server_stop(struct MHD_Daemon *d, unsigned grace);

/* ---- api.c, feed.c ---- */

enum MHD_Result api_search(sd_request *r);
enum MHD_Result api_doc(sd_request *r, const char *id);
enum MHD_Result api_suggest(sd_request *r);
enum MHD_Result api_health(sd_request *r);
enum MHD_Result feed_atom(sd_request *r);
/* What every endpoint that reads the index does first: the query text (q=,
 * at most --max-query-bytes), the reader's options (access level, kind=,
 * from=, to=, the limits) and this thread's searcher.  NULL when the request
 * has been answered already (with *res) for a query too long or an index
 * that cannot be opened. */
ark_searcher *api_begin(sd_request *r, const char **q, ark_search_options *o,
                        enum MHD_Result *res);
/* Answers the error for a failed library call. */
enum MHD_Result api_fail(sd_request *r, ark_searcher *s, ark_status st);
/* Milliseconds since the request began. */
double api_elapsed_ms(const sd_request *r);

/* ---- workers.c ---- */

/* This thread's searcher, opened on first use and brought to the latest
 * commit; NULL (the error answered: 503) when the index cannot be opened. */
ark_searcher *workers_searcher(sd_request *r);
/* Closes every thread's searcher; call after the server has stopped. */
void workers_close_all(void);

/* ---- metrics.c ---- */

void metrics_count(sd_endpoint ep, unsigned status, double seconds);
void metrics_inflight(int delta);
long metrics_inflight_now(void);
enum MHD_Result metrics_answer(sd_request *r);
/* Counts a search answered without some shards. */
void metrics_partial(void);
const char *metrics_endpoint_name(sd_endpoint ep);

/* ---- auth.c ---- */

/* Loads the tokens (one per line; blank lines and # comments skipped);
 * 0 on success, else -1 with *err set. */
int auth_load(const char *path, char **err);
/* Whether the Authorization header value is "Bearer <a valid token>";
 * compared in constant time. */
int auth_check(const char *header);
void auth_free(void);

/* ---- web.c ---- */

int web_load(const char *dir, char **err);
/* Answers the file for path ("/", "/app.js", "/style.css"); 0 if none. */
int web_has(const char *path);
enum MHD_Result web_answer(sd_request *r);
void web_free(void);

#endif
