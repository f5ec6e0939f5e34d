#include "autoconf.h"

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "rawz.h"

/*
 * One deflate stream per thread, reset for each message: a stream made
 * and freed per message costs its 256 KiB of state in allocations (and
 * the heap's growing and shrinking) every time.  The exit handler frees
 * the main thread's; other threads call raw_release before they end.
 */
static _Thread_local z_stream zs;
static _Thread_local int zs_ready;

void
raw_release(void)
{
	if (zs_ready)
		(void)deflateEnd(&zs);
	zs_ready = 0;
}

static void
raw_close(void)
{
	raw_release();
}

static void
register_close(void)
{
	atexit(raw_close);
}

/* Level 6: most of what 9 saves for a third of its time on mail. */
static int
deflate_into(const char *raw, size_t len, char *z, size_t zmax,
    size_t *zn)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	if (!zs_ready) {
		memset(&zs, 0, sizeof(zs));
		if (deflateInit(&zs, 6) != Z_OK)
			return -1;
		zs_ready = 1;
		(void)pthread_once(&once, register_close);
	} else if (deflateReset(&zs) != Z_OK) {
		return -1;
	}
	zs.next_in = (Bytef *)(uintptr_t)raw;
	zs.avail_in = (uInt)len;
	zs.next_out = (Bytef *)z;
	zs.avail_out = (uInt)zmax;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		return -1;
	*zn = zmax - zs.avail_out;
	return 0;
}

void
raw_pack(const char *raw, size_t len, char **out, size_t *outlen,
    const char **codec)
{
	size_t n = 0, max;
	char *z;

	/* Smaller by at least a byte, or not packed at all. */
	if (len > 1 && len <= UINT_MAX) {
		max = len - 1;
		z = xmalloc(max);
		if (deflate_into(raw, len, z, max, &n) == 0) {
			*out = z;
			*outlen = n;
			*codec = RAW_CODEC_ZLIB;
			return;
		}
		free(z);
	}
	*out = xmalloc(len ? len : 1);
	memcpy(*out, raw, len);
	*outlen = len;
	*codec = RAW_CODEC_NONE;
}

enum rc
raw_unpack(const char *codec, const char *data, size_t n, size_t size,
    char **out, struct err *e)
{
	uLongf got = (uLongf)size;
	char *b;
	int r;

	*out = NULL;
	if (codec != NULL && strcmp(codec, RAW_CODEC_NONE) == 0) {
		if (n != size)
			return err_set(e, RC_REJECT, "kept message has %zu "
			    "bytes, not the %zu recorded", n, size);
		*out = xmalloc(size ? size : 1);
		memcpy(*out, data, size);
		return RC_OK;
	}
	if (codec == NULL || strcmp(codec, RAW_CODEC_ZLIB) != 0)
		return err_set(e, RC_REJECT, "kept message in unknown codec "
		    "'%s'", codec ? codec : "");
	b = xmalloc(size ? size : 1);
	r = uncompress((Bytef *)b, &got, (const Bytef *)data, (uLong)n);
	if (r != Z_OK || got != (uLongf)size) {
		free(b);
		return err_set(e, RC_REJECT, "kept message does not unpack "
		    "to its %zu bytes (zlib: %s)", size, r == Z_OK ?
		    "short" : zError(r));
	}
	*out = b;
	return RC_OK;
}
