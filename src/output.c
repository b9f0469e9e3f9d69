// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdlib.h>
#include <string.h>
#include "output.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid. */
static int utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	int n, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

int gt_utf8_len(const unsigned char *s)
{
	return utf8_len(s);
}

void gt_json_escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		int n = utf8_len(s);

		if (n == 0) {
			fputs("\\ufffd", f);
			s++;
			continue;
		}
		if (n > 1) {
			fwrite(s, 1, n, f);
			s += n;
			continue;
		}
		switch (*s) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*s < 0x20 || *s == 0x7f)
				fprintf(f, "\\u%04x", *s);
			else
				fputc(*s, f);
		}
		s++;
	}
	fputc('"', f);
}

void gt_text_escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		int n = utf8_len(s);

		/* C1 controls (U+0080..U+009F) act on terminals too */
		if (n == 2 && s[0] == 0xc2 && s[1] < 0xa0)
			n = 0;
		if (n > 1) {
			fwrite(s, 1, n, f);
			s += n;
			continue;
		}
		if (n == 1 && *s >= 0x20 && *s != 0x7f && *s != '\\') {
			fputc(*s, f);
		} else if (*s == '\\') {
			fputs("\\\\", f);
		} else if (*s == '\n') {
			fputs("\\n", f);
		} else if (*s == '\t') {
			fputs("\\t", f);
		} else if (*s == '\r') {
			fputs("\\r", f);
		} else {
			fprintf(f, "\\x%02x", *s);
		}
		s++;
	}
}

int gt_json_begin(struct gt_json *j)
{
	j->buf = NULL;
	j->len = 0;
	j->first = true;
	j->f = open_memstream(&j->buf, &j->len);
	if (!j->f)
		return -1;
	fputc('{', j->f);
	return 0;
}

static void key(struct gt_json *j, const char *k)
{
	if (!j->first)
		fputc(',', j->f);
	j->first = false;
	gt_json_escape(j->f, k);
	fputc(':', j->f);
}

void gt_json_str(struct gt_json *j, const char *k, const char *v)
{
	key(j, k);
	if (v)
		gt_json_escape(j->f, v);
	else
		fputs("null", j->f);
}

void gt_json_int(struct gt_json *j, const char *k, long long v)
{
	key(j, k);
	fprintf(j->f, "%lld", v);
}

void gt_json_null(struct gt_json *j, const char *k)
{
	key(j, k);
	fputs("null", j->f);
}

void gt_json_strv(struct gt_json *j, const char *k, char *const *v, int n)
{
	key(j, k);
	if (!v) {
		fputs("null", j->f);
		return;
	}
	fputc('[', j->f);
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(',', j->f);
		gt_json_escape(j->f, v[i]);
	}
	fputc(']', j->f);
}

void gt_json_pairs(struct gt_json *j, const char *k, const char *k1, const char *const *v1,
		   const char *k2, const char *const *v2, int n)
{
	key(j, k);
	fputc('[', j->f);
	for (int i = 0; i < n; i++) {
		fputs(i ? ",{" : "{", j->f);
		gt_json_escape(j->f, k1);
		fputc(':', j->f);
		if (v1[i])
			gt_json_escape(j->f, v1[i]);
		else
			fputs("null", j->f);
		fputc(',', j->f);
		gt_json_escape(j->f, k2);
		fputc(':', j->f);
		if (v2[i])
			gt_json_escape(j->f, v2[i]);
		else
			fputs("null", j->f);
		fputc('}', j->f);
	}
	fputc(']', j->f);
}

void gt_json_obj(struct gt_json *j, const char *k)
{
	key(j, k);
	fputc('{', j->f);
	j->first = true;
}

void gt_json_obj_end(struct gt_json *j)
{
	fputc('}', j->f);
	j->first = false;
}

void gt_json_bool(struct gt_json *j, const char *k, bool v)
{
	key(j, k);
	fputs(v ? "true" : "false", j->f);
}

void gt_json_arr(struct gt_json *j, const char *k)
{
	key(j, k);
	fputc('[', j->f);
	j->first = true;
}

void gt_json_arr_obj(struct gt_json *j)
{
	if (!j->first)
		fputc(',', j->f);
	fputc('{', j->f);
	j->first = true;
}

void gt_json_arr_end(struct gt_json *j)
{
	fputc(']', j->f);
	j->first = false;
}

char *gt_json_end(struct gt_json *j, size_t *len)
{
	fputs("}\n", j->f);
	if (fclose(j->f)) {
		free(j->buf);
		return NULL;
	}
	*len = j->len;
	return j->buf;
}
