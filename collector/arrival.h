/*
 * When a message arrived, and where its report goes in time: at its own
 * time when that can be true, else at the arrival (pipeline.c stores
 * which, and why, as occurred_known and occurred_note).
 */
#ifndef AC_ARRIVAL_H
#define AC_ARRIVAL_H

#include <stddef.h>
#include <time.h>

/* The date of the message's top Received: field (the hop that delivered
 * it here): what follows the field's last semicolon.  0 when there is
 * no such field in the header, it has no date, or it is longer than
 * RECEIVED_FIELD_MAX unfolded. */
time_t arrival_received(const char *raw, size_t len);

/*
 * Where a report whose own time is occurred (0: none) goes, its message
 * having arrived at arrival: occurred itself when it is at most skew
 * seconds after the arrival and at most max_age before it, and note is
 * ""; else the arrival, and note says why ("undated: ...", "dated T, 4
 * years after its message arrived: ...").  note gets at most notesz - 1
 * bytes (160 hold every note).
 */
time_t arrival_place(time_t occurred, time_t arrival, long long skew,
    long long max_age, char *note, size_t notesz);

/* "4 years", "6 days", "3 hours", "25 minutes": the largest unit that
 * goes at least twice, minutes at the least. */
void arrival_span(long long secs, char *out, size_t outsz);

#endif
