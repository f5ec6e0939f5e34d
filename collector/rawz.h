/*
 * The raw bytes of a message kept as evidence ([store] keep_raw): packed
 * with zlib when that makes them smaller, else kept as they are.  The
 * codec names are those of the store's message_raw.codec.
 */
#ifndef AC_RAWZ_H
#define AC_RAWZ_H

#include <stddef.h>

#include "util.h"

#define RAW_CODEC_NONE	"none"
#define RAW_CODEC_ZLIB	"zlib"

/*
 * Pack (raw, len): *out (the caller frees it) holds *outlen bytes in
 * codec *codec (a constant).  Never fails: what zlib cannot shrink is
 * copied as it is.
 */
void raw_pack(const char *raw, size_t len, char **out, size_t *outlen,
    const char **codec);
/* Free the calling thread's packing state; a thread that packed calls
 * it before it ends (the main thread's goes at exit). */
void raw_release(void);

/*
 * Unpack (data, n) of codec into *out (the caller frees it), which must
 * come to exactly size bytes, the message's recorded size.  RC_REJECT,
 * naming what is wrong, for an unknown codec or data that does not
 * unpack to size bytes.
 */
enum rc raw_unpack(const char *codec, const char *data, size_t n,
    size_t size, char **out, struct err *e);

#endif
