#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "rawz.h"

void
raw_pack(const char *raw, size_t len, char **out, size_t *outlen,
    const char **codec)
{
	uLongf n = compressBound((uLong)len);
	char *z = xmalloc(n ? n : 1);

	/* Level 6: most of what 9 saves for a third of its time on mail. */
	if (len > 0 && (uLong)len == len && compress2((Bytef *)z, &n,
	    (const Bytef *)raw, (uLong)len, 6) == Z_OK && n < len) {
		*out = z;
		*outlen = n;
		*codec = RAW_CODEC_ZLIB;
		return;
	}
	free(z);
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
