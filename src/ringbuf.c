// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include "ringbuf.h"

struct gt_ring {
	int map_fd, epfd;
	size_t page, size;		/* size: the data area, a power of two */
	unsigned long *cons;		/* consumer position (the page we may write) */
	unsigned long *prod;		/* producer position, then the data */
	char *data;
	char *wrap;			/* a record that wraps, put together */
	gt_ring_fn fn;
	void *ctx;
};

void gt_ring_free(struct gt_ring *r)
{
	if (!r)
		return;
	if (r->cons && r->cons != MAP_FAILED)
		munmap(r->cons, r->page);
	if (r->prod && r->prod != MAP_FAILED)
		munmap(r->prod, r->page + r->size);
	if (r->epfd >= 0)
		close(r->epfd);
	free(r->wrap);
	free(r);
}

struct gt_ring *gt_ring_new(int map_fd, gt_ring_fn fn, void *ctx)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	struct epoll_event ev = { .events = EPOLLIN };
	struct gt_ring *r = calloc(1, sizeof(*r));
	int err = 0;

	if (!r)
		return NULL;
	r->epfd = -1;
	r->map_fd = map_fd;
	r->fn = fn;
	r->ctx = ctx;
	r->page = sysconf(_SC_PAGESIZE);
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len) || info.type != BPF_MAP_TYPE_RINGBUF) {
		err = errno ? errno : EINVAL;
		goto fail;
	}
	r->size = info.max_entries;
	r->cons = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	/* the producer's page and the data, once (the kernel maps them twice for itself) */
	r->prod = mmap(NULL, r->page + r->size, PROT_READ, MAP_SHARED, map_fd, r->page);
	if (r->cons == MAP_FAILED || r->prod == MAP_FAILED) {
		err = errno;
		goto fail;
	}
	r->data = (char *)r->prod + r->page;
	r->wrap = malloc(r->size < 65536 ? r->size : 65536);
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!r->wrap || r->epfd < 0 || epoll_ctl(r->epfd, EPOLL_CTL_ADD, map_fd, &ev)) {
		err = errno ? errno : ENOMEM;
		goto fail;
	}
	return r;
fail:
	gt_ring_free(r);
	errno = err;
	return NULL;
}

int gt_ring_consume(struct gt_ring *r)
{
	unsigned long cons = __atomic_load_n(r->cons, __ATOMIC_ACQUIRE), prod;
	size_t mask = r->size - 1;
	int n = 0;

	for (;;) {
		prod = __atomic_load_n(r->prod, __ATOMIC_ACQUIRE);
		if (cons >= prod)
			break;
		while (cons < prod) {
			__u32 *hdr = (__u32 *)(r->data + (cons & mask));
			__u32 len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
			size_t size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
			size_t off = (cons + BPF_RINGBUF_HDR_SZ) & mask;
			void *rec = r->data + off;

			if (len & BPF_RINGBUF_BUSY_BIT)
				return n;	/* still being written: the next wake-up brings it */
			if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
				if (off + size > r->size) {
					size_t first = r->size - off;

					if (size > (r->size < 65536 ? r->size : 65536))
						return -E2BIG;
					memcpy(r->wrap, rec, first);
					memcpy(r->wrap + first, r->data, size - first);
					rec = r->wrap;
				}
				n++;
				if (r->fn(r->ctx, rec, size)) {
					cons += (size + BPF_RINGBUF_HDR_SZ + 7) & ~7UL;
					__atomic_store_n(r->cons, cons, __ATOMIC_RELEASE);
					return n;
				}
			}
			cons += (size + BPF_RINGBUF_HDR_SZ + 7) & ~7UL;
			__atomic_store_n(r->cons, cons, __ATOMIC_RELEASE);
		}
	}
	return n;
}

int gt_ring_poll(struct gt_ring *r, int timeout_ms)
{
	struct epoll_event ev;

	if (epoll_wait(r->epfd, &ev, 1, timeout_ms) < 0)
		return -errno;
	return gt_ring_consume(r);
}

int gt_ring_epoll_fd(const struct gt_ring *r)
{
	return r->epfd;
}
