/* main.c — arkiv-searchd: flags, start, and a graceful stop on SIGTERM or
 * SIGINT (requests in flight finish, then exit 0). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "searchd.h"

#ifndef ARKIV_WEB_DIR
#define ARKIV_WEB_DIR "searchd/web"
#endif

#define GRACE_SECONDS 10

static void usage(FILE *out)
{
    fputs("usage: arkiv-searchd --db DIR [options]\n"
          "Serves the arkiv index DIR over HTTP: a JSON API and a web page.\n"
          "\n"
          "  --db DIR               the index (made by arkiv-index), a sharded index or a\n"
          "                         Xapian stub naming shards (\"remote HOST:PORT\" for\n"
          "                         xapian-tcpsrv); --db again adds more, searched as one\n"
          "  --shard-timeout MS     time a remote shard may take to answer before it is\n"
          "                         left out of the answer (default: time limit / 4)\n"
          "  --listen HOST:PORT     where to listen (default 127.0.0.1:8080; port 0: any free)\n"
          "  --threads N            worker threads (default 4)\n"
          "  --token-file FILE      bearer tokens for staff, one per line; without a valid\n"
          "                         token a client sees public material only\n"
          "  --web DIR              the web page's files (default " ARKIV_WEB_DIR ")\n"
          "  --max-query-bytes N    longest query (default 1000)\n"
          "  --max-words N          most words in a query (default 128)\n"
          "  --max-expansion N      most words a word* may stand for (default 500)\n"
          "  --max-page-size N      largest page of hits (default 100)\n"
          "  --max-depth N          hits that can be paged through (default 1000)\n"
          "  --time-limit MS        matching time per query (default 2000)\n"
          "  --max-connections N    open connections in all (default 256)\n"
          "  --max-per-ip N         open connections from one address (default 64)\n"
          "  --timeout SECONDS      idle time before a connection is closed (default 15)\n",
          out);
}

/* Reads flag i's value as a number in [min, max]; exits on a bad one. */
static unsigned flag_number(int argc, char **argv, int i, unsigned min, unsigned max)
{
    char *end;
    unsigned long v = i + 1 < argc ? strtoul(argv[i + 1], &end, 10) : 0;
    if (i + 1 >= argc || *end || argv[i + 1][0] == '-' || v < min || v > max) {
        fprintf(stderr, "arkiv-searchd: %s wants a number from %u to %u\n", argv[i], min, max);
        exit(2);
    }
    return (unsigned)v;
}

static const char *flag_text(int argc, char **argv, int i)
{
    if (i + 1 >= argc) {
        fprintf(stderr, "arkiv-searchd: %s wants a value\n", argv[i]);
        exit(2);
    }
    return argv[i + 1];
}

#define MAX_DBS 64

static void parse_flags(int argc, char **argv, sd_config *c)
{
    static const char *dbs[MAX_DBS];
    c->dbs = dbs;
    for (int i = 1; i < argc; i += 2) {
        const char *f = argv[i];
        if (strcmp(f, "--help") == 0 || strcmp(f, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(f, "--db") == 0) {
            if (c->ndbs == MAX_DBS) {
                fprintf(stderr, "arkiv-searchd: at most %d --db\n", MAX_DBS);
                exit(2);
            }
            dbs[c->ndbs++] = flag_text(argc, argv, i);
        } else if (strcmp(f, "--shard-timeout") == 0) {
            c->shard_timeout = flag_number(argc, argv, i, 1, 600000) / 1000.0;
        } else if (strcmp(f, "--listen") == 0) {
            c->listen = flag_text(argc, argv, i);
        } else if (strcmp(f, "--token-file") == 0) {
            c->token_file = flag_text(argc, argv, i);
        } else if (strcmp(f, "--web") == 0) {
            c->web_dir = flag_text(argc, argv, i);
        } else if (strcmp(f, "--threads") == 0) {
            c->threads = flag_number(argc, argv, i, 1, 256);
        } else if (strcmp(f, "--max-query-bytes") == 0) {
            c->max_query_bytes = flag_number(argc, argv, i, 1, 4096);
        } else if (strcmp(f, "--max-words") == 0) {
            c->max_words = flag_number(argc, argv, i, 1, 1000);
        } else if (strcmp(f, "--max-expansion") == 0) {
            c->max_expansion = flag_number(argc, argv, i, 1, 100000);
        } else if (strcmp(f, "--max-page-size") == 0) {
            c->max_page_size = flag_number(argc, argv, i, 1, 10000);
        } else if (strcmp(f, "--max-depth") == 0) {
            c->max_depth = flag_number(argc, argv, i, 1, 100000);
        } else if (strcmp(f, "--time-limit") == 0) {
            c->time_limit = flag_number(argc, argv, i, 1, 600000) / 1000.0;
        } else if (strcmp(f, "--max-connections") == 0) {
            c->max_connections = flag_number(argc, argv, i, 1, 100000);
        } else if (strcmp(f, "--max-per-ip") == 0) {
            c->max_per_ip = flag_number(argc, argv, i, 1, 100000);
        } else if (strcmp(f, "--timeout") == 0) {
            c->timeout = flag_number(argc, argv, i, 1, 3600);
        } else {
            fprintf(stderr, "arkiv-searchd: unknown flag %s\n", f);
            usage(stderr);
            exit(2);
        }
    }
    if (!c->ndbs) {
        usage(stderr);
        exit(2);
    }
}

static void fail(char *err)
{
    fprintf(stderr, "arkiv-searchd: %s\n", err);
    free(err);
    exit(1);
}

int main(int argc, char **argv)
{
    sd_config c = {NULL, 0, 0, "127.0.0.1:8080", NULL, ARKIV_WEB_DIR, 4, 1000, 128, 500, 100, 1000,
                   2.0,  256,  64,  15, 0};
    parse_flags(argc, argv, &c);
    char *err = NULL;
    /* the signals are taken by sigwait below; the workers inherit the mask */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    unsigned port;
    struct MHD_Daemon *d = server_start(&c, &port, &err);
    if (!d)
        fail(err);
    char host[80];
    snprintf(host, sizeof host, "%.*s", (int)(strrchr(c.listen, ':') - c.listen), c.listen);
    fprintf(stderr, "arkiv-searchd: serving %s%s on http://%s:%u/\n", c.dbs[0],
            c.ndbs > 1 ? " and more" : "", host, port);
    int sig;
    sigwait(&stop, &sig);
    fprintf(stderr, "arkiv-searchd: %s: finishing the requests in flight\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT");
    server_stop(d, GRACE_SECONDS);
    fprintf(stderr, "arkiv-searchd: stopped\n");
    return 0;
}
