/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The ring buffer's consumer. libbpf's maps the data area twice, back to
 * back, so a record that wraps reads as one piece; the pages then count
 * twice in the daemon's resident memory (16 MB for an 8 MB ring). This one
 * maps it once and copies the rare record that wraps. Same protocol as the
 * kernel's (kernel/bpf/ringbuf.c): 8-byte headers with busy/discard bits,
 * positions that only grow, the consumer position written back.
 */
#ifndef GT_RINGBUF_H
#define GT_RINGBUF_H

#include <stddef.h>

struct gt_ring;
/* Called for each record, as libbpf's ring_buffer_sample_fn; non-zero stops. */
typedef int (*gt_ring_fn)(void *ctx, void *data, size_t size);

struct gt_ring *gt_ring_new(int map_fd, gt_ring_fn fn, void *ctx);
/* Records handled, or a negative errno. */
int gt_ring_consume(struct gt_ring *r);
/* Wait up to timeout_ms for records, then consume them. */
int gt_ring_poll(struct gt_ring *r, int timeout_ms);
/* Readable when records are there (for a caller's own epoll). */
int gt_ring_epoll_fd(const struct gt_ring *r);
void gt_ring_free(struct gt_ring *r);

#endif
