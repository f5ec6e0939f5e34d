/*
 * What the process is working on, kept where a process that dies still
 * leaves it: a small file beside the store (STORE.inflight, mode 0600)
 * with one slot per thread that handles messages, written before a
 * message is read, handed in, parsed or stored and cleared after.  The
 * next run reads what a dead run left there and counts a strike against
 * each message named (pipeline.c), so that a message that kills the
 * collector again and again is recognised by its place, before it is
 * parsed again.
 *
 * A crash signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT: an abort on
 * failed allocation too) is delivered to the thread that caused it; the
 * handler notes which slot that thread had, so only its message is
 * blamed.  A process killed from outside (SIGKILL, the OOM killer) gives
 * no such note and blames no message: such a kill says nothing about
 * the message, and kills early in each run would land on the same first
 * message.  Sanitizer builds install no handler, so they blame none.
 *
 * Writes are plain pwrite() calls without fsync: they survive the death
 * of the process (the page cache keeps them), not of the machine, which
 * no message causes.  The collector's lock keeps one writer.
 */
#ifndef AC_INFLIGHT_H
#define AC_INFLIGHT_H

#include <stddef.h>

#include "util.h"

enum slot { SLOT_MAIN, SLOT_WORKER, NSLOTS };

/* What a thread does with its message; named in the strike's reason. */
enum phase { PHASE_READING = 1, PHASE_ADDING, PHASE_PARSING, PHASE_STORING };

const char *phase_name(int phase);

struct inflight;

/* Open (creating) the file for the store at store_path; RC_TEMP or
 * RC_FATAL with the reason when it cannot be used. */
enum rc inflight_open(struct inflight **ip, const char *store_path,
    struct err *e);
void inflight_close(struct inflight *in);

/* What a dead process left: for each slot that named a message and was
 * blamed, cb(arg, phase, source, folder, position).  Then the file is
 * cleared.  Called once, before the first inflight_set(). */
void inflight_take(struct inflight *in, void (*cb)(void *, int,
    const char *, const char *, const char *), void *arg);

/* The calling thread works on slot from now on (crash notes name it). */
void inflight_thread(enum slot slot);

/* Name the message slot works on, and what it does; NULL source clears
 * the slot.  Strings longer than the slot holds are cut (a position is
 * still told apart by its end: see pipeline.c). */
void inflight_set(struct inflight *in, enum slot slot, int phase,
    const char *source, const char *folder, const char *position);

#endif
