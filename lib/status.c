/* status.c — messages for ark_status, generated from the one table. */
#include "status.h"

static const char *const messages[] = {
#define ARK_STATUS_MSG(code, msg) msg,
    ARK_STATUS_TABLE(ARK_STATUS_MSG)
#undef ARK_STATUS_MSG
};

static const char *const names[] = {
#define ARK_STATUS_NAME(code, msg) #code,
    ARK_STATUS_TABLE(ARK_STATUS_NAME)
#undef ARK_STATUS_NAME
};

const char *ark_status_message(ark_status st)
{
    if ((unsigned)st >= ARK_STATUS_COUNT)
        return "unknown status";
    return messages[st];
}

const char *ark_status_name(ark_status st)
{
    if ((unsigned)st >= ARK_STATUS_COUNT)
        return "ARK_UNKNOWN";
    return names[st];
}
