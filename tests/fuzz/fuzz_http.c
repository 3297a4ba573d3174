/* fuzz_http.c — fuzz target for the daemon's request handling.
 *
 * The real arkiv-searchd, started once in this process as main.c starts it
 * (server_start: tokens, web page, libmicrohttpd on 127.0.0.1, a free
 * port) over fuzz_common.c's index.  Each input is sent as it is over a
 * fresh TCP connection, as a client would send it, and the first answer is
 * read back.  The promises checked:
 *
 *   - whatever the bytes, the daemon answers with an HTTP status line or
 *     closes the connection (an incomplete or unreadable request), and
 *     does so within ANSWER_SECONDS;
 *   - the status is never a server error: the index is sound, so any 5xx
 *     but libmicrohttpd's own 505 (an HTTP version it does not speak) means
 *     a request broke something;
 *   - an answer of ours (it has a Content-Type) carries the safety headers,
 *     a JSON body parses, an error body is {"error": {"code", "message"}},
 *     an Atom feed is well-formed XML, and the body is as long as
 *     Content-Length says;
 *   - afterwards the daemon still answers GET /healthz with 200.
 *
 * A request that stops short leaves libmicrohttpd waiting for the rest, so
 * when the answer is slow to come (QUIET_MS) the client half-closes the
 * connection: the daemon then sees the end and answers or closes at once.
 */
#define _GNU_SOURCE /* memmem */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <libxml/parser.h>

#include "fuzz.h"
#include "searchd.h"
#include "xalloc.h"

#define QUIET_MS 3           /* no answer this long: half-close */
#define ANSWER_SECONDS 30    /* no answer at all this long: the daemon hangs */
#define MAX_ANSWER (1 << 20) /* read no further */

/* A staff token, so that inputs that guess the header see internal text. */
#define TOKEN "fuzz-staff-token-0123456789"

static sd_config cfg;
static struct MHD_Daemon *daemon_handle;
static unsigned port;

/* At exit, before fuzz_common.c removes the index and the web page. */
static void stop_daemon(void)
{
    server_stop(daemon_handle, 0);
    daemon_handle = NULL;
}

/* The daemon as main.c starts it, with the defaults of its flags but for a
 * free port, two threads, a short idle timeout and no access log. */
static void start_daemon(void)
{
    const char *root = fuzz_tmp_dir();
    const char *db = fuzz_index();
    static char *web, *tokens;
    web = ark_sprintf("%s/web", root);
    tokens = ark_sprintf("%s/tokens", root);
    if (mkdir(web, 0700) != 0)
        fuzz_fail("http", "mkdir %s failed", web);
    fuzz_write_file(web, "index.html", "<!doctype html><title>arkiv</title>\n");
    fuzz_write_file(web, "app.js", "\"use strict\";\n");
    fuzz_write_file(web, "style.css", "body { margin: 0 }\n");
    fuzz_write_file(root, "tokens", "# staff\n" TOKEN "\n");
    static const char *dbs[1];
    dbs[0] = db;
    cfg = (sd_config){.dbs = dbs,
                      .ndbs = 1,
                      .listen = "127.0.0.1:0",
                      .token_file = tokens,
                      .web_dir = web,
                      .threads = 2,
                      .max_query_bytes = 1000,
                      .max_words = 128,
                      .max_expansion = 500,
                      .max_page_size = 100,
                      .max_depth = 1000,
                      .time_limit = 2.0,
                      .max_connections = 256,
                      .max_per_ip = 64,
                      .timeout = 1,
                      .quiet = 1};
    char *err = NULL;
    daemon_handle = server_start(&cfg, &port, &err);
    if (!daemon_handle)
        fuzz_fail("http", "server_start: %s", err ? err : "?");
    atexit(stop_daemon);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int connect_daemon(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
        fuzz_fail("http", "cannot connect to the daemon: %s", strerror(errno));
    return fd;
}

/* Sends all of data; the daemon may close early (a request it refused
 * before reading all of it), which is no error. */
static void send_all(int fd, const uint8_t *data, size_t size)
{
    while (size > 0) {
        ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
            return;
        if (n < 0)
            fuzz_fail("http", "send: %s", strerror(errno));
        data += n;
        size -= (size_t)n;
    }
}

/* One answer parsed: where its head ends and what it says. */
typedef struct {
    unsigned status;  /* 0: no status line (yet) */
    size_t head_len;  /* through the blank line; 0: the head is not all here */
    long content_len; /* -1: not given */
} answer;

/* The value of header name in head[0..len), or NULL; the value runs to the
 * line's end. */
static const char *header(const char *head, size_t len, const char *name)
{
    size_t n = strlen(name);
    for (const char *line = memchr(head, '\n', len); line && line < head + len;
         line = memchr(line, '\n', (size_t)(head + len - line))) {
        line++;
        if ((size_t)(head + len - line) > n && strncasecmp(line, name, n) == 0 && line[n] == ':')
            return line + n + 1 + strspn(line + n + 1, " \t");
    }
    return NULL;
}

/* Parses the first final answer in b (a 100 Continue before it is passed
 * over). */
static void parse_answer(const ark_buf *b, answer *a, size_t *from)
{
    memset(a, 0, sizeof *a);
    a->content_len = -1;
    *from = 0;
    for (;;) {
        const char *s = b->data + *from;
        size_t len = b->len - *from;
        const char *end = memmem(s, len, "\r\n\r\n", 4);
        if (!end)
            return;
        a->head_len = (size_t)(end - s) + 4;
        a->status = len >= 12 && (memcmp(s, "HTTP/1.1 ", 9) == 0 || memcmp(s, "HTTP/1.0 ", 9) == 0)
                        ? (unsigned)strtoul(s + 9, NULL, 10)
                        : 0;
        if (a->status >= 100 && a->status < 200) {
            *from += a->head_len;
            continue;
        }
        const char *cl = header(s, a->head_len, "Content-Length");
        if (cl)
            a->content_len = strtol(cl, NULL, 10);
        return;
    }
}

/* Whether b holds a whole answer: a head and as much body as it says. */
static int complete(const ark_buf *b)
{
    answer a;
    size_t from;
    if (!b->len)
        return 0;
    parse_answer(b, &a, &from);
    return a.head_len && a.content_len >= 0 && b->len - from - a.head_len >= (size_t)a.content_len;
}

/* Sends the request and reads until a whole answer is in, or the daemon
 * closes the connection. */
static void exchange(const uint8_t *data, size_t size, ark_buf *out)
{
    int fd = connect_daemon();
    send_all(fd, data, size);
    int half_closed = 0;
    double deadline = now() + ANSWER_SECONDS;
    char chunk[16384];
    while (!complete(out) && out->len < MAX_ANSWER) {
        struct pollfd p = {fd, POLLIN, 0};
        int ms = half_closed ? (int)((deadline - now()) * 1000) : QUIET_MS;
        int r = poll(&p, 1, ms > 0 ? ms : 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0 && !half_closed) {
            shutdown(fd, SHUT_WR);
            half_closed = 1;
            continue;
        }
        if (r == 0)
            fuzz_fail("http", "no answer within %d seconds: the daemon hangs", ANSWER_SECONDS);
        ssize_t n = recv(fd, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 || (n < 0 && errno == ECONNRESET))
            break;
        if (n < 0)
            fuzz_fail("http", "recv: %s", strerror(errno));
        ark_buf_add(out, chunk, (size_t)n);
    }
    /* closed with a reset: no TIME_WAIT left behind per input, which would
     * use up the ports of a long run */
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
}

static void check_json(unsigned status, const char *body, size_t len)
{
    json_error_t e;
    json_t *v = json_loadb(body, len, 0, &e);
    if (!v)
        fuzz_fail("http", "status %u with a JSON body that does not parse (%s): %.200s", status,
                  e.text, body);
    if (status >= 400) {
        json_t *err = json_object_get(v, "error");
        if (!json_is_string(json_object_get(err, "code")) ||
            !json_is_string(json_object_get(err, "message")))
            fuzz_fail("http", "status %u without {\"error\": {\"code\", \"message\"}}: %.200s",
                      status, body);
    }
    json_decref(v);
}

static void check_atom(const char *body, size_t len)
{
    xmlDocPtr doc = xmlReadMemory(body, (int)len, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        fuzz_fail("http", "the Atom feed is not well-formed XML: %.300s", body);
    xmlFreeDoc(doc);
}

/* The headers and body of an answer our code made. */
static void check_ours(const answer *a, const char *head, const char *body, size_t body_len)
{
    const char *type = header(head, a->head_len, "Content-Type");
    if (!header(head, a->head_len, "X-Content-Type-Options") ||
        !header(head, a->head_len, "Content-Security-Policy"))
        fuzz_fail("http", "status %u without the safety headers", a->status);
    if (body_len == 0)
        return; /* HEAD */
    if (a->content_len >= 0 && body_len != (size_t)a->content_len)
        fuzz_fail("http", "a body of %zu bytes, but Content-Length %ld", body_len, a->content_len);
    if (strncmp(type, "application/json", 16) == 0)
        check_json(a->status, body, body_len);
    else if (strncmp(type, "application/atom+xml", 20) == 0)
        check_atom(body, body_len);
}

static void check_answer(const ark_buf *b)
{
    if (!b->len)
        return; /* closed without a word: a request it could not read */
    answer a;
    size_t from;
    parse_answer(b, &a, &from);
    if (!a.status)
        fuzz_fail("http", "the answer does not begin with a status line: %.80s", b->data);
    if (a.status < 100 || a.status > 599 || (a.status >= 500 && a.status != 505))
        fuzz_fail("http", "status %u", a.status);
    const char *head = b->data + from;
    if (header(head, a.head_len, "Content-Type")) {
        size_t body_len = b->len - from - a.head_len;
        if (a.content_len >= 0 && body_len > (size_t)a.content_len)
            body_len = (size_t)a.content_len; /* a pipelined second answer */
        check_ours(&a, head, head + a.head_len, body_len);
    }
}

/* The daemon still answers. */
static void check_alive(void)
{
    static const char HEALTH[] = "GET /healthz HTTP/1.1\r\nHost: arkiv\r\n\r\n";
    ark_buf b = ARK_BUF_INIT;
    exchange((const uint8_t *)HEALTH, sizeof HEALTH - 1, &b);
    answer a;
    size_t from;
    if (b.len)
        parse_answer(&b, &a, &from);
    if (!b.len || a.status != 200)
        fuzz_fail("http", "after this input /healthz gets %.80s", b.len ? b.data : "no answer");
    ark_buf_free(&b);
}

int fuzz_http_one(const uint8_t *data, size_t size)
{
    if (!daemon_handle)
        start_daemon();
    ark_buf b = ARK_BUF_INIT;
    exchange(data, size, &b);
    if (b.data)
        check_answer(&b);
    ark_buf_free(&b);
    check_alive();
    return 0;
}

FUZZ_LIBFUZZER_ENTRY(fuzz_http_one)
