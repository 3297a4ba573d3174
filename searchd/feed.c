/* feed.c — /feed?q=…: an Atom feed (RFC 4287) of the newest documents
 * matching a query, so a journalist can follow a topic in a feed reader. */
#include <stdlib.h>
#include <string.h>

#include "searchd.h"
#include "xalloc.h"

#define FEED_ENTRIES 20

static void add_xml(ark_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': ark_buf_adds(b, "&amp;"); break;
        case '<': ark_buf_adds(b, "&lt;"); break;
        case '>': ark_buf_adds(b, "&gt;"); break;
        case '"': ark_buf_adds(b, "&quot;"); break;
        default:
            /* XML 1.0 allows no control characters but tab and line breaks */
            if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n' || *s == '\r')
                ark_buf_addc(b, *s);
        }
    }
}

/* An Atom date from a document date ("2023-04-21", "2026-03", "2023"). */
static void add_date(ark_buf *b, const char *date)
{
    char day[11] = "1970-01-01";
    size_t n = date ? strlen(date) : 0;
    if (n == 4 || n == 7 || n == 10)
        memcpy(day, date, n);
    ark_buf_adds(b, day);
    ark_buf_adds(b, "T00:00:00Z");
}

/* Whether a Host header is a host name or address and a port, nothing
 * else: it goes into the feed as it is, and a control character or a byte
 * that is not UTF-8 would make the whole feed unreadable XML. */
static int plain_host(const char *host)
{
    static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]";
    size_t n = strlen(host);
    return n > 0 && n < 256 && strspn(host, ok) == n;
}

/* The site's address as the client reached it, for absolute links. */
static void add_base(ark_buf *b, sd_request *r)
{
    const char *host = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    ark_buf_adds(b, "http://");
    if (host && plain_host(host))
        ark_buf_adds(b, host);
    else
        ark_buf_adds(b, "localhost");
}

static void add_link(ark_buf *b, sd_request *r, const char *q, const char *doc)
{
    add_base(b, r);
    ark_buf_adds(b, "/?");
    if (doc) {
        ark_buf_adds(b, "doc=");
        http_add_escaped(b, doc, 0);
        ark_buf_adds(b, "&amp;");
    }
    ark_buf_adds(b, "q=");
    http_add_escaped(b, q, 0);
}

static void add_entry(ark_buf *b, sd_request *r, const char *q, const ark_hit *h)
{
    ark_buf_adds(b, "<entry>\n<title>");
    add_xml(b, h->title);
    ark_buf_adds(b, "</title>\n<id>");
    add_base(b, r);
    ark_buf_adds(b, "/api/doc/");
    http_add_escaped(b, h->path, 1);
    ark_buf_adds(b, "</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
    add_link(b, r, q, h->path);
    ark_buf_adds(b, "\"/>\n<updated>");
    add_date(b, h->date);
    ark_buf_adds(b, "</updated>\n");
    if (h->kind && *h->kind) {
        ark_buf_adds(b, "<category term=\"");
        add_xml(b, h->kind);
        ark_buf_adds(b, "\"/>\n");
    }
    ark_buf_adds(b, "<summary>");
    add_xml(b, h->snippet);
    ark_buf_adds(b, "</summary>\n</entry>\n");
}

enum MHD_Result feed_atom(sd_request *r)
{
    enum MHD_Result answered;
    const char *q;
    ark_search_options o;
    ark_searcher *s = api_begin(r, &q, &o, &answered);
    if (!s)
        return answered;
    o.html = 0;
    o.mark_open = "";
    o.mark_close = "";
    o.sort = ARK_SORT_NEWEST;
    o.limit = FEED_ENTRIES;
    ark_results *res;
    ark_status st = ark_search(s, q, &o, &res);
    if (st != ARK_OK)
        return api_fail(r, s, st);
    r->hits = (long)res->total;
    ark_buf b = ARK_BUF_INIT;
    ark_buf_adds(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                     "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>arkiv: ");
    add_xml(&b, q);
    ark_buf_adds(&b, "</title>\n<id>");
    add_base(&b, r);
    ark_buf_adds(&b, "/feed?q=");
    http_add_escaped(&b, q, 0);
    ark_buf_adds(&b, "</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
    add_link(&b, r, q, NULL);
    ark_buf_adds(&b, "\"/>\n<updated>");
    add_date(&b, res->nhits ? res->hits[0].date : NULL);
    ark_buf_adds(&b, "</updated>\n<author><name>arkiv</name></author>\n");
    for (size_t i = 0; i < res->nhits; i++)
        add_entry(&b, r, q, &res->hits[i]);
    ark_buf_adds(&b, "</feed>\n");
    ark_results_free(res);
    size_t len = b.len;
    return http_send(r, MHD_HTTP_OK, "application/atom+xml; charset=utf-8", ark_buf_take(&b), len);
}
