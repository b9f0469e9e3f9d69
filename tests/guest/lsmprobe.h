/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* lsmprobe: the result block shared by lsmprobe.bpf.c and lsmprobe.c. */
#ifndef GT_LSMPROBE_H
#define GT_LSMPROBE_H

#define LSMPROBE_CTX_LEN 64

/* One per skeleton instance (only one program runs in each). */
struct result {
	__u64 hits;		/* times the program ran for our process */
	__u64 denials;		/* of those, the SELinux denial we provoked */
	__u32 denied;		/* AVC: denied permission bits */
	__s32 ret;		/* fexit/lsm: return value seen; AVC: result */
	char scontext[LSMPROBE_CTX_LEN];
	char tcontext[LSMPROBE_CTX_LEN];
	char tclass[16];
};

#endif
