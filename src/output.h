/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Writing events: JSON lines or one readable text line each. Strings from
 * the traced programs (paths, argv, comm) are hostile input: JSON escapes
 * every control character and replaces invalid UTF-8 with U+FFFD; text
 * shows them as C escapes, so no raw control byte reaches a terminal.
 */
#ifndef GT_OUTPUT_H
#define GT_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

/* A JSON object being written to a memory buffer, then emitted as one line. */
struct gt_json {
	FILE *f;
	char *buf;
	size_t len;
	bool first;
};

int gt_json_begin(struct gt_json *j);
void gt_json_str(struct gt_json *j, const char *key, const char *val);	/* NULL -> null */
void gt_json_int(struct gt_json *j, const char *key, long long val);
void gt_json_null(struct gt_json *j, const char *key);
void gt_json_strv(struct gt_json *j, const char *key, char *const *v, int n);
/* An array of n objects {k1: v1[i], k2: v2[i]} (NULL values: null). */
void gt_json_pairs(struct gt_json *j, const char *key, const char *k1, const char *const *v1,
		   const char *k2, const char *const *v2, int n);
void gt_json_obj(struct gt_json *j, const char *key);	/* opens a nested object */
void gt_json_obj_end(struct gt_json *j);
void gt_json_bool(struct gt_json *j, const char *key, bool val);
/* An array of objects: gt_json_arr, then per element gt_json_arr_obj ... gt_json_obj_end. */
void gt_json_arr(struct gt_json *j, const char *key);
void gt_json_arr_obj(struct gt_json *j);
void gt_json_arr_end(struct gt_json *j);
/* Ends the object; the caller owns and frees the returned line (with '\n'). */
char *gt_json_end(struct gt_json *j, size_t *len);

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid. */
int gt_utf8_len(const unsigned char *s);
/* Write s as a JSON string literal. */
void gt_json_escape(FILE *f, const char *s);
/* Write s for a terminal: printable UTF-8 as is, everything else as \n, \x1b... */
void gt_text_escape(FILE *f, const char *s);

#endif
