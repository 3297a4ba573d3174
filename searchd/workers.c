/* workers.c — one searcher per worker thread.
 *
 * Xapian database handles are not shared between threads, so each worker
 * opens its own on first use and keeps it.  Before every request it is
 * brought to the latest commit (a cheap check when nothing changed), so a
 * search sees what the indexer committed at most one request ago; a commit
 * landing during a search makes the library reopen and rerun it.  When the
 * index cannot be opened (not built yet, being replaced) the request gets
 * 503 and the next one tries again.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "searchd.h"
#include "xalloc.h"

static _Thread_local ark_searcher *mine;

/* Every thread's searcher, to close them all at the end. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static ark_searcher **all;
static size_t nall, capall;

static void remember(ark_searcher *s)
{
    pthread_mutex_lock(&lock);
    if (nall == capall) {
        capall = capall ? 2 * capall : 8;
        all = ark_realloc(all, capall * sizeof *all);
    }
    all[nall++] = s;
    pthread_mutex_unlock(&lock);
}

static void forget(ark_searcher *s)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < nall; i++)
        if (all[i] == s)
            all[i] = all[--nall];
    pthread_mutex_unlock(&lock);
}

static enum MHD_Result unavailable(sd_request *r)
{
    return http_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
                      "the index cannot be opened just now; try again");
}

ark_searcher *workers_searcher(sd_request *r)
{
    if (mine && ark_searcher_refresh(mine) != ARK_OK) {
        /* the index was removed or replaced under us: start afresh */
        forget(mine);
        ark_searcher_close(mine);
        mine = NULL;
    }
    if (!mine) {
        char *err = NULL;
        const sd_config *c = r->cfg;
        ark_open_options oo = {c->shard_timeout > 0 ? c->shard_timeout : c->time_limit / 4, 0};
        ark_status st = ark_searcher_open_many(c->dbs, c->ndbs, &oo, &mine, &err);
        if (st != ARK_OK) {
            fprintf(stderr, "arkiv-searchd: cannot open the index: %s\n",
                    err ? err : ark_status_message(st));
            free(err);
            unavailable(r);
            return NULL;
        }
        remember(mine);
    }
    return mine;
}

void workers_close_all(void)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < nall; i++)
        ark_searcher_close(all[i]);
    free(all);
    all = NULL;
    nall = capall = 0;
    pthread_mutex_unlock(&lock);
}
