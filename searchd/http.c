/* http.c — libmicrohttpd glue: check a request, route it, answer, log.
 *
 * Every answer goes through http_send, so every response carries the same
 * safety headers and every request is logged once (method, path, status,
 * time, hits; never the query text) and counted in the metrics.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "searchd.h"
#include "xalloc.h"

/* The parameters each endpoint takes; any other is refused, so that a
 * misspelt one ("szie") is an error rather than silently ignored. */
static const char *const search_params[] = {"q", "kind", "from", "to", "sort", "page", "size",
                                            NULL};
static const char *const q_only[] = {"q", NULL};
static const char *const no_params[] = {NULL};

static int valid_utf8(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        size_t k;
        unsigned cp;
        if (c < 0x80) {
            if (c == 0)
                return 0;
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            k = 1, cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            k = 2, cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            k = 3, cp = c & 0x07;
        } else {
            return 0;
        }
        for (size_t j = 1; j <= k; j++) {
            if (i + j >= n || (p[i + j] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i + j] & 0x3f);
        }
        static const unsigned min[] = {0, 0x80, 0x800, 0x10000};
        if (cp < min[k] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += k + 1;
    }
    return 1;
}

static int hex(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Decodes %HH escapes strictly.  A broken escape turns the whole value into
 * one 0xff byte, which is never valid UTF-8, so the check that follows
 * refuses it with a clear error instead of guessing.  So does %00: the path
 * reaches the access handler as a C string, and a NUL would cut it short
 * ("/api/doc/x.txt%00.jpg" served as "/api/doc/x.txt"). */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    size_t in = 0, out = 0;
    while (s[in]) {
        if (s[in] != '%') {
            s[out++] = s[in++];
            continue;
        }
        int hi = hex(s[in + 1]), lo = hi < 0 ? -1 : hex(s[in + 2]);
        if (hi < 0 || lo < 0 || hi + lo == 0) {
            s[0] = (char)0xff;
            s[1] = '\0';
            return 1;
        }
        s[out++] = (char)(hi * 16 + lo);
        in += 3;
    }
    s[out] = '\0';
    return out;
}

const char *http_param(sd_request *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

void http_add_escaped(ark_buf *b, const char *s, int keep_slash)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/'))
            ark_buf_addc(b, (char)c);
        else
            ark_buf_printf(b, "%%%02X", c);
    }
}

typedef struct {
    const char *const *allowed;
    char *bad; /* the first problem, as a message */
    const char *code;
} param_check;

static enum MHD_Result check_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    param_check *pc = cls;
    if (!valid_utf8(key, key_size) || (value && !valid_utf8(value, value_size))) {
        pc->code = "bad_encoding";
        pc->bad = ark_strdup("a parameter is not valid percent-encoded UTF-8 without NUL bytes");
        return MHD_NO;
    }
    if (!pc->allowed)
        return MHD_YES;
    for (size_t i = 0; pc->allowed[i]; i++)
        if (strcmp(pc->allowed[i], key) == 0)
            return MHD_YES;
    pc->code = "unknown_parameter";
    pc->bad = ark_sprintf("unknown parameter \"%.64s\"", key);
    return MHD_NO;
}

/* Answers 400 and returns 0 when a parameter is unknown or badly encoded. */
static int params_ok(sd_request *r, const char *const *allowed, enum MHD_Result *res)
{
    param_check pc = {allowed, NULL, NULL};
    MHD_get_connection_values_n(r->conn, MHD_GET_ARGUMENT_KIND, check_param, &pc);
    if (!pc.bad)
        return 1;
    *res = http_error(r, MHD_HTTP_BAD_REQUEST, pc.code, pc.bad);
    free(pc.bad);
    return 0;
}

/* Queues resp with the headers every answer carries. */
static enum MHD_Result queue(sd_request *r, unsigned status, const char *type,
                             struct MHD_Response *resp)
{
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    if (r->endpoint != EP_WEB)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (status == MHD_HTTP_UNAUTHORIZED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"arkiv\"");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    enum MHD_Result res = MHD_queue_response(r->conn, status, resp);
    MHD_destroy_response(resp);
    r->status = status;
    return res;
}

enum MHD_Result http_send(sd_request *r, unsigned status, const char *type, char *body,
                          size_t len)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    return queue(r, status, type, resp);
}

enum MHD_Result http_send_static(sd_request *r, unsigned status, const char *type,
                                 const char *body, size_t len)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_PERSISTENT);
    return resp ? queue(r, status, type, resp) : MHD_NO;
}

enum MHD_Result http_json(sd_request *r, unsigned status, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text)
        return http_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", "internal error");
    return http_send(r, status, "application/json; charset=utf-8", text, strlen(text));
}

enum MHD_Result http_error(sd_request *r, unsigned status, const char *code, const char *message)
{
    json_t *msg = json_string(message);
    if (!msg)
        msg = json_string("invalid request");
    json_t *e = json_pack("{s:{s:s, s:o}}", "error", "code", code, "message", msg);
    char *text = e ? json_dumps(e, JSON_COMPACT) : NULL;
    json_decref(e);
    if (!text)
        text = ark_strdup("{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}");
    return http_send(r, status, "application/json; charset=utf-8", text, strlen(text));
}

/* Routes a checked request to its endpoint. */
static enum MHD_Result route(sd_request *r)
{
    enum MHD_Result res;
    const char *p = r->path;
    if (web_has(p)) {
        r->endpoint = EP_WEB;
        /* a shared link may carry anything (tracking tags, say): the page
         * reads what it knows */
        return params_ok(r, NULL, &res) ? web_answer(r) : res;
    }
    if (strcmp(p, "/api/search") == 0) {
        r->endpoint = EP_SEARCH;
        return params_ok(r, search_params, &res) ? api_search(r) : res;
    }
    if (strncmp(p, "/api/doc/", 9) == 0 && p[9]) {
        r->endpoint = EP_DOC;
        return params_ok(r, q_only, &res) ? api_doc(r, p + 9) : res;
    }
    if (strcmp(p, "/api/suggest") == 0) {
        r->endpoint = EP_SUGGEST;
        return params_ok(r, q_only, &res) ? api_suggest(r) : res;
    }
    if (strcmp(p, "/feed") == 0) {
        r->endpoint = EP_FEED;
        return params_ok(r, (const char *const[]){"q", "kind", "from", "to", NULL}, &res)
                   ? feed_atom(r)
                   : res;
    }
    if (strcmp(p, "/healthz") == 0) {
        r->endpoint = EP_HEALTH;
        return params_ok(r, no_params, &res) ? api_health(r) : res;
    }
    if (strcmp(p, "/metrics") == 0) {
        r->endpoint = EP_METRICS;
        return params_ok(r, no_params, &res) ? metrics_answer(r) : res;
    }
    return http_error(r, MHD_HTTP_NOT_FOUND, "not_found", "no such page");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **state)
{
    (void)version;
    (void)upload_data;
    if (*state) {
        /* a body after the answer was queued: read and drop it */
        *upload_size = 0;
        return MHD_YES;
    }
    sd_request *r = ark_calloc(1, sizeof *r);
    clock_gettime(CLOCK_MONOTONIC, &r->start);
    r->cfg = cls;
    r->conn = conn;
    r->method = method;
    r->path = url;
    r->endpoint = EP_OTHER;
    r->hits = -1;
    *state = r;
    metrics_inflight(1);
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return http_error(r, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                          "only GET and HEAD are served");
    if (!valid_utf8(url, strlen(url)))
        return http_error(r, MHD_HTTP_BAD_REQUEST, "bad_encoding",
                          "the path is not valid percent-encoded UTF-8");
    const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_AUTHORIZATION);
    if (auth) {
        if (!auth_check(auth))
            return http_error(r, MHD_HTTP_UNAUTHORIZED, "unauthorized",
                              "the access token is not valid");
        r->internal = 1;
    }
    return route(r);
}

/* Writes s to the log with control characters replaced, at most max bytes. */
static void log_clean(char *out, size_t cap, const char *s)
{
    size_t n = 0;
    for (; s && *s && n + 1 < cap; s++)
        out[n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
    out[n] = '\0';
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **state,
                         enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)conn;
    sd_request *r = *state;
    if (!r)
        return;
    double ms = api_elapsed_ms(r);
    unsigned status = r->status;
    char path[160], method[16];
    log_clean(path, sizeof path, r->path);
    log_clean(method, sizeof method, r->method);
    const char *done = why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (not completed)";
    if (r->cfg->quiet) {
        /* no access log */
    } else if (r->hits >= 0) {
        fprintf(stderr, "%s %s %u %.1fms hits=%ld%s\n", method, path, status, ms, r->hits, done);
    } else {
        fprintf(stderr, "%s %s %u %.1fms%s\n", method, path, status, ms, done);
    }
    metrics_count(r->endpoint, status, ms / 1000.0);
    metrics_inflight(-1);
    free(r);
    *state = NULL;
}

/* Parses "HOST:PORT" ("127.0.0.1:8080", "[::1]:8080") into addr. */
static int parse_listen(const char *listen, struct sockaddr_storage *addr, char **err)
{
    memset(addr, 0, sizeof *addr);
    const char *colon = strrchr(listen, ':');
    char *end;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || colon[1] == '\0' || *end || port < 0 || port > 65535) {
        *err = ark_sprintf("--listen wants HOST:PORT, not \"%s\"", listen);
        return -1;
    }
    char host[64];
    size_t hlen = (size_t)(colon - listen);
    if (hlen >= 2 && listen[0] == '[' && listen[hlen - 1] == ']') {
        listen++;
        hlen -= 2;
    }
    if (hlen >= sizeof host) {
        *err = ark_sprintf("--listen: the host is too long");
        return -1;
    }
    memcpy(host, listen, hlen);
    host[hlen] = '\0';
    struct sockaddr_in *v4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((unsigned short)port);
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((unsigned short)port);
    } else {
        *err = ark_sprintf("--listen: \"%s\" is not an IP address", host);
        return -1;
    }
    return 0;
}

struct MHD_Daemon *http_start(const sd_config *cfg, unsigned *port, char **err)
{
    struct sockaddr_storage addr;
    if (parse_listen(cfg->listen, &addr, err) != 0)
        return NULL;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC;
    if (!cfg->quiet)
        flags |= MHD_USE_ERROR_LOG; /* libmicrohttpd's word on each broken request */
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, (void *)cfg, MHD_OPTION_SOCK_ADDR, &addr,
        MHD_OPTION_THREAD_POOL_SIZE, cfg->threads, MHD_OPTION_CONNECTION_LIMIT,
        cfg->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_per_ip,
        MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout, MHD_OPTION_UNESCAPE_CALLBACK, unescape,
        NULL, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
    if (!d) {
        *err = ark_sprintf("cannot listen on %s (in use, or not an address of this machine)",
                           cfg->listen);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    *port = info ? info->port : 0;
    return d;
}

void http_stop(struct MHD_Daemon *d, unsigned grace)
{
    MHD_socket s = MHD_quiesce_daemon(d);
    if (s != MHD_INVALID_SOCKET)
        close(s);
    /* the requests in flight finish; idle keep-alive connections do not count */
    for (unsigned waited = 0; metrics_inflight_now() > 0 && waited < grace * 10; waited++)
        usleep(100 * 1000);
    MHD_stop_daemon(d);
}
