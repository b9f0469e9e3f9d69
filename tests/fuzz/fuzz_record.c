// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Records from the ring buffer, as gt_handle_record() gets them: the kernel
 * side is trusted to write them, but a bug there, a version skew or a
 * truncated record must never crash the daemon. Input: a sequence of
 * records, each a little-endian u16 length and that many bytes, handled in
 * order so exec, fork, failed-call and exit records meet each other.
 * The first byte picks JSON (even) or text (odd) output.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "handlers.h"

static struct gt_sink sinks[2];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (gt_sink_open(&sinks[0], "/dev/null", 0) || gt_sink_open(&sinks[1], "/dev/null", 1))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gt_state st = {};

	if (size < 1)
		return 0;
	st.sink = sinks[data[0] & 1];
	data++, size--;
	gt_handlers_init(&st, 0);
	while (size >= 2) {
		size_t len = data[0] | (size_t)data[1] << 8;
		void *rec;

		data += 2, size -= 2;
		if (len > size)
			len = size;
		/* an exact-size copy: reading past the record is caught */
		rec = malloc(len ? len : 1);
		if (!rec)
			break;
		memcpy(rec, data, len);
		gt_handle_record(&st, rec, len);
		free(rec);
		data += len, size -= len;
	}
	gt_handlers_fini(&st);
	return 0;
}
