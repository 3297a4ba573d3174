/* server.c — starting and stopping the whole daemon: tokens, the web page,
 * the HTTP server; and at the end the searchers too.
 *
 * main.c runs these around its signal handling; the HTTP fuzz target
 * (tests/fuzz/fuzz_http.c) runs the very same start-up in its own process.
 */
#include <signal.h>
#include <stdlib.h>

#include "searchd.h"

struct MHD_Daemon *server_start(const sd_config *cfg, unsigned *port, char **err)
{
    if (cfg->token_file && auth_load(cfg->token_file, err) != 0)
        return NULL;
    if (web_load(cfg->web_dir, err) != 0) {
        auth_free();
        return NULL;
    }
    /* a client that hangs up must not kill the daemon with its write */
    signal(SIGPIPE, SIG_IGN);
    struct MHD_Daemon *d = http_start(cfg, port, err);
    if (!d) {
        web_free();
        auth_free();
    }
    return d;
}

void server_stop(struct MHD_Daemon *d, unsigned grace)
{
    http_stop(d, grace);
    workers_close_all();
    web_free();
    auth_free();
}
