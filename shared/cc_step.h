/*
 * The one answer of every check and run function in a handler: go on to the
 * next step, stop because the request has been answered (an error set with
 * cc_write_fail and friends, or a replayed Idempotency-Key), or stop and run
 * the whole transaction again (a serialization failure or a deadlock).
 */
#ifndef CC_STEP_H
#define CC_STEP_H

typedef enum {
    CC_GO_ON = 0, /* all is well: the next step runs */
    CC_ANSWERED,  /* the answer is set (usually an error): nothing more runs, the transaction rolls back */
    CC_RETRY,     /* roll back and run the transaction again (40001, 40P01) */
} cc_step_t;

#endif
