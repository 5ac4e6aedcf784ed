/*
 * A gate around argon2id: each hash takes ~0.2 s and 64 MiB, so running more
 * at once than there are cores only adds memory and latency. Workers wait
 * here instead.
 */
#include <semaphore.h>

#include "cc_password.h"
#include "identity.h"

static sem_t gate;

void passwords_init(int concurrency)
{
    sem_init(&gate, 0, (unsigned)(concurrency > 0 ? concurrency : 1));
}

char *passwords_hash(const char *password)
{
    sem_wait(&gate);
    char *encoded = cc_password_hash(password);
    sem_post(&gate);
    return encoded;
}

int passwords_verify(const char *encoded, const char *password)
{
    sem_wait(&gate);
    int rc = cc_password_verify(encoded, password);
    sem_post(&gate);
    return rc;
}

void passwords_burn(const char *password)
{
    sem_wait(&gate);
    cc_password_burn(password);
    sem_post(&gate);
}
