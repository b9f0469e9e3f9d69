// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A classic BPF interpreter restricted to what seccomp accepts, with the
 * kernel's semantics where classic BPF leaves them open: A and X start at 0,
 * a division by X == 0 returns 0 (the kernel's converted program exits with
 * 0), shifts by X use its low five bits (eBPF's 32-bit shifts).
 */
#include <string.h>
#include "sfilter.h"

#define MEMWORDS	16	/* BPF_MEMWORDS */

/* The opcodes seccomp_check_filter() lets through. */
static bool allowed(__u16 code)
{
	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_ALU | BPF_ADD | BPF_K:
	case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_K:
	case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_K:
	case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_AND | BPF_K:
	case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_K:
	case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_K:
	case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
	case BPF_JMP | BPF_JA:
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_JMP | BPF_JSET | BPF_X:
		return true;
	}
	return false;
}

/*
 * Scratch memory must be written before it is read on every path
 * (bpf_check_classic's check_load_and_stores): a forward pass that
 * intersects the set of written words where paths join.
 */
static int check_mem(const struct sock_filter *f, size_t len)
{
	static __thread __u16 masks[GT_SF_MAXINSNS];
	__u16 m = 0;	/* 0: not written */

	memset(masks, 0xff, len * sizeof(masks[0]));
	for (size_t i = 0; i < len; i++) {
		m &= masks[i];
		switch (f[i].code) {
		case BPF_ST:
		case BPF_STX:
			m |= 1u << f[i].k;
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
			if (!(m & (1u << f[i].k)))
				return -1;
			break;
		case BPF_JMP | BPF_JA:
			masks[i + 1 + f[i].k] &= m;
			m = 0xffff;	/* what follows is reached only by a jump */
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JEQ | BPF_X:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_X:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_X:
		case BPF_JMP | BPF_JSET | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_X:
			masks[i + 1 + f[i].jt] &= m;
			masks[i + 1 + f[i].jf] &= m;
			m = 0xffff;
			break;
		case BPF_RET | BPF_K:
		case BPF_RET | BPF_A:
			m = 0xffff;
			break;
		}
	}
	return 0;
}

int gt_sf_check(const struct sock_filter *f, size_t len)
{
	if (!f || len == 0 || len > GT_SF_MAXINSNS)
		return -1;
	for (size_t i = 0; i < len; i++) {
		const struct sock_filter *p = &f[i];

		if (!allowed(p->code))
			return -1;
		switch (p->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (p->k >= sizeof(struct seccomp_data) || p->k & 3)
				return -1;
			break;
		case BPF_ALU | BPF_DIV | BPF_K:
			if (p->k == 0)
				return -1;
			break;
		case BPF_ALU | BPF_LSH | BPF_K:
		case BPF_ALU | BPF_RSH | BPF_K:
			if (p->k >= 32)
				return -1;
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
		case BPF_ST:
		case BPF_STX:
			if (p->k >= MEMWORDS)
				return -1;
			break;
		case BPF_JMP | BPF_JA:
			if (p->k >= len - i - 1)
				return -1;
			break;
		default:
			if (BPF_CLASS(p->code) == BPF_JMP &&
			    (i + 1 + p->jt >= len || i + 1 + p->jf >= len))
				return -1;
		}
	}
	if (BPF_CLASS(f[len - 1].code) != BPF_RET)
		return -1;
	return check_mem(f, len);
}

__u32 gt_sf_run(const struct sock_filter *f, size_t len, const struct seccomp_data *sd)
{
	__u32 a = 0, x = 0, mem[MEMWORDS] = { 0 }, w;

	/* checked: jumps only go forward and stay inside, the last instruction returns */
	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *p = &f[pc];

		switch (p->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			memcpy(&w, (const char *)sd + p->k, 4);
			a = w;
			break;
		case BPF_LD | BPF_W | BPF_LEN: a = sizeof(*sd); break;
		case BPF_LDX | BPF_W | BPF_LEN: x = sizeof(*sd); break;
		case BPF_RET | BPF_K: return p->k;
		case BPF_RET | BPF_A: return a;
		case BPF_ALU | BPF_ADD | BPF_K: a += p->k; break;
		case BPF_ALU | BPF_ADD | BPF_X: a += x; break;
		case BPF_ALU | BPF_SUB | BPF_K: a -= p->k; break;
		case BPF_ALU | BPF_SUB | BPF_X: a -= x; break;
		case BPF_ALU | BPF_MUL | BPF_K: a *= p->k; break;
		case BPF_ALU | BPF_MUL | BPF_X: a *= x; break;
		case BPF_ALU | BPF_DIV | BPF_K: a /= p->k; break;
		case BPF_ALU | BPF_DIV | BPF_X:
			if (!x)
				return 0;
			a /= x;
			break;
		case BPF_ALU | BPF_AND | BPF_K: a &= p->k; break;
		case BPF_ALU | BPF_AND | BPF_X: a &= x; break;
		case BPF_ALU | BPF_OR | BPF_K: a |= p->k; break;
		case BPF_ALU | BPF_OR | BPF_X: a |= x; break;
		case BPF_ALU | BPF_XOR | BPF_K: a ^= p->k; break;
		case BPF_ALU | BPF_XOR | BPF_X: a ^= x; break;
		case BPF_ALU | BPF_LSH | BPF_K: a <<= p->k; break;
		case BPF_ALU | BPF_LSH | BPF_X: a <<= x & 31; break;
		case BPF_ALU | BPF_RSH | BPF_K: a >>= p->k; break;
		case BPF_ALU | BPF_RSH | BPF_X: a >>= x & 31; break;
		case BPF_ALU | BPF_NEG: a = -a; break;
		case BPF_LD | BPF_IMM: a = p->k; break;
		case BPF_LDX | BPF_IMM: x = p->k; break;
		case BPF_MISC | BPF_TAX: x = a; break;
		case BPF_MISC | BPF_TXA: a = x; break;
		case BPF_LD | BPF_MEM: a = mem[p->k & (MEMWORDS - 1)]; break;
		case BPF_LDX | BPF_MEM: x = mem[p->k & (MEMWORDS - 1)]; break;
		case BPF_ST: mem[p->k & (MEMWORDS - 1)] = a; break;
		case BPF_STX: mem[p->k & (MEMWORDS - 1)] = x; break;
		case BPF_JMP | BPF_JA: pc += p->k; break;
		case BPF_JMP | BPF_JEQ | BPF_K: pc += a == p->k ? p->jt : p->jf; break;
		case BPF_JMP | BPF_JEQ | BPF_X: pc += a == x ? p->jt : p->jf; break;
		case BPF_JMP | BPF_JGE | BPF_K: pc += a >= p->k ? p->jt : p->jf; break;
		case BPF_JMP | BPF_JGE | BPF_X: pc += a >= x ? p->jt : p->jf; break;
		case BPF_JMP | BPF_JGT | BPF_K: pc += a > p->k ? p->jt : p->jf; break;
		case BPF_JMP | BPF_JGT | BPF_X: pc += a > x ? p->jt : p->jf; break;
		case BPF_JMP | BPF_JSET | BPF_K: pc += a & p->k ? p->jt : p->jf; break;
		case BPF_JMP | BPF_JSET | BPF_X: pc += a & x ? p->jt : p->jf; break;
		default:
			return 0;	/* not reached for a checked filter */
		}
	}
	return 0;
}

/* The kernel's ACTION_ONLY(): the full action as a signed value, lower wins */
static int action_only(__u32 ret)
{
	return (int)(ret & SECCOMP_RET_ACTION_FULL);
}

long long gt_sf_chain_run(const struct gt_sf *chain, int n, const struct seccomp_data *sd)
{
	__u32 ret = SECCOMP_RET_ALLOW;

	if (n <= 0)
		return -1;
	for (int i = 0; i < n; i++) {
		__u32 cur;

		if (gt_sf_check(chain[i].insns, chain[i].len))
			return -1;
		cur = gt_sf_run(chain[i].insns, chain[i].len, sd);
		if (action_only(cur) < action_only(ret))
			ret = cur;
	}
	return ret;
}

bool gt_sf_answered(__u32 ret, int err, bool ptraced)
{
	__u32 data = ret & SECCOMP_RET_DATA;

	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ERRNO:
		if (data > 4095)	/* MAX_ERRNO: the kernel caps it */
			data = 4095;
		return data && (int)data == err;
	case SECCOMP_RET_TRACE:
		/* with no tracer attached the kernel answers ENOSYS itself */
		return !ptraced && err == 38 /* ENOSYS */;
	}
	return false;
}
