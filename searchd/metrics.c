/* metrics.c — counters for /metrics, in Prometheus's text format.
 *
 * Lock-free: each counter is an atomic, bumped once per request when it
 * completes.  Times are summed in microseconds to stay integral.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "searchd.h"
#include "xalloc.h"

static const double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                0.1,   0.25,   0.5,   1,    2.5,   5};
#define NBOUNDS (sizeof bounds / sizeof *bounds)

static const char *const names[EP_COUNT] = {"search", "doc",     "suggest", "feed",
                                            "health", "metrics", "web",     "other"};

static atomic_ulong requests[EP_COUNT][6]; /* by status class: 0 (none), 1xx .. 5xx */
static atomic_ulong buckets[EP_COUNT][NBOUNDS];
static atomic_ulong micros[EP_COUNT];
static atomic_long inflight;
static atomic_ulong partial;

void metrics_partial(void)
{
    atomic_fetch_add(&partial, 1);
}

const char *metrics_endpoint_name(sd_endpoint ep)
{
    return names[ep];
}

void metrics_count(sd_endpoint ep, unsigned status, double seconds)
{
    unsigned cls = status / 100 <= 5 ? status / 100 : 0;
    atomic_fetch_add(&requests[ep][cls], 1);
    for (size_t i = 0; i < NBOUNDS; i++)
        if (seconds <= bounds[i])
            atomic_fetch_add(&buckets[ep][i], 1);
    atomic_fetch_add(&micros[ep], (unsigned long)(seconds * 1e6));
}

void metrics_inflight(int delta)
{
    atomic_fetch_add(&inflight, delta);
}

long metrics_inflight_now(void)
{
    return atomic_load(&inflight);
}

static void requests_text(ark_buf *b)
{
    ark_buf_adds(b, "# HELP arkiv_requests_total Requests answered, by endpoint and status.\n"
                    "# TYPE arkiv_requests_total counter\n");
    for (int e = 0; e < EP_COUNT; e++)
        for (int c = 0; c < 6; c++) {
            unsigned long n = atomic_load(&requests[e][c]);
            if (n || (c == 2 && e <= EP_SUGGEST))
                ark_buf_printf(b, "arkiv_requests_total{endpoint=\"%s\",status=\"%s\"} %lu\n",
                               names[e], (const char *[]){"none", "1xx", "2xx", "3xx", "4xx",
                                                          "5xx"}[c],
                               n);
        }
    ark_buf_adds(b, "# HELP arkiv_errors_total Requests answered with a server error (5xx).\n"
                    "# TYPE arkiv_errors_total counter\n");
    unsigned long errors = 0;
    for (int e = 0; e < EP_COUNT; e++)
        errors += atomic_load(&requests[e][5]);
    ark_buf_printf(b, "arkiv_errors_total %lu\n", errors);
}

static void latency_text(ark_buf *b)
{
    ark_buf_adds(b, "# HELP arkiv_request_duration_seconds Time to answer a request.\n"
                    "# TYPE arkiv_request_duration_seconds histogram\n");
    for (int e = 0; e < EP_COUNT; e++) {
        unsigned long count = 0;
        for (int c = 0; c < 6; c++)
            count += atomic_load(&requests[e][c]);
        if (!count)
            continue;
        for (size_t i = 0; i < NBOUNDS; i++)
            ark_buf_printf(b, "arkiv_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} %lu\n",
                           names[e], bounds[i], atomic_load(&buckets[e][i]));
        ark_buf_printf(b, "arkiv_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} %lu\n",
                       names[e], count);
        ark_buf_printf(b, "arkiv_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n", names[e],
                       (double)atomic_load(&micros[e]) / 1e6);
        ark_buf_printf(b, "arkiv_request_duration_seconds_count{endpoint=\"%s\"} %lu\n", names[e],
                       count);
    }
}

enum MHD_Result metrics_answer(sd_request *r)
{
    ark_buf b = ARK_BUF_INIT;
    requests_text(&b);
    latency_text(&b);
    ark_buf_printf(&b, "# HELP arkiv_requests_in_flight Requests being answered.\n"
                       "# TYPE arkiv_requests_in_flight gauge\n"
                       "arkiv_requests_in_flight %ld\n",
                   metrics_inflight_now());
    ark_buf_printf(&b, "# HELP arkiv_partial_responses_total Searches answered without some "
                       "shards, which could not be reached.\n"
                       "# TYPE arkiv_partial_responses_total counter\n"
                       "arkiv_partial_responses_total %lu\n",
                   atomic_load(&partial));
    ark_searcher *s = workers_searcher(r);
    if (!s) {
        ark_buf_free(&b);
        return MHD_YES;
    }
    unsigned docs;
    unsigned long rev;
    /* the public count, whoever asks: metrics are scraped, not read by staff */
    if (ark_searcher_stats(s, 0, &docs, &rev) == ARK_OK)
        ark_buf_printf(&b, "# HELP arkiv_index_revision The index revision searched.\n"
                           "# TYPE arkiv_index_revision gauge\n"
                           "arkiv_index_revision %lu\n"
                           "# HELP arkiv_index_documents Documents the public can find.\n"
                           "# TYPE arkiv_index_documents gauge\n"
                           "arkiv_index_documents %u\n",
                       rev, docs);
    size_t shards, missing = ark_searcher_missing(s, &shards);
    ark_buf_printf(&b, "# HELP arkiv_shards Databases (shards) the index is made of.\n"
                       "# TYPE arkiv_shards gauge\n"
                       "arkiv_shards %zu\n"
                       "# HELP arkiv_shards_missing Shards that could not be reached.\n"
                       "# TYPE arkiv_shards_missing gauge\n"
                       "arkiv_shards_missing %zu\n",
                   shards, missing);
    size_t len = b.len;
    return http_send(r, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
                     ark_buf_take(&b), len);
}
