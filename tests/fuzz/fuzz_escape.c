// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * JSON and text escaping of strings from traced programs. Besides not
 * crashing, the outputs must hold their promise: a JSON string literal of
 * valid UTF-8 with no raw control byte, and text with no control byte (C0,
 * DEL or C1) a terminal would act on.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "output.h"

/* Length of the valid UTF-8 sequence at s, 0 if invalid (independent of output.c). */
static size_t u8len(const unsigned char *s, size_t left, unsigned *cp)
{
	size_t n = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 :
		   (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	unsigned c;

	if (!n || n > left)
		return 0;
	c = n == 1 ? s[0] : s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

static void check(const char *out, size_t len, int json)
{
	const unsigned char *s = (const unsigned char *)out;

	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = u8len(s + i, len - i, &cp);

		if (!n)
			abort();	/* invalid UTF-8 written */
		if (cp < 0x20 || cp == 0x7f || (!json && cp >= 0x80 && cp < 0xa0))
			abort();	/* a raw control character written */
		i += n;
	}
	if (json && (len < 2 || out[0] != '"' || out[len - 1] != '"'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = strndup((const char *)data, size), *out = NULL, *line;
	struct gt_json j;
	size_t len = 0;
	FILE *f;

	if (!in)
		return 0;
	f = open_memstream(&out, &len);
	if (f) {
		gt_json_escape(f, in);
		fclose(f);
		check(out, len, 1);
		free(out);
	}
	out = NULL;
	f = open_memstream(&out, &len);
	if (f) {
		gt_text_escape(f, in);
		fclose(f);
		check(out, len, 0);
		free(out);
	}
	if (gt_json_begin(&j) == 0) {
		char *v[] = { in, in };

		gt_json_str(&j, in, in);
		gt_json_strv(&j, "argv", v, 2);
		gt_json_int(&j, "n", (long long)size);
		line = gt_json_end(&j, &len);
		if (line && (len < 3 || line[0] != '{' || line[len - 1] != '\n' ||
			     memchr(line, '\n', len - 1)))
			abort();
		free(line);
	}
	free(in);
	return 0;
}
