// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdlib.h>
#include <string.h>
#include "decode.h"

const char *const gt_env_names[GE_MAX] = {
	[GE_GOCACHE] = "GOCACHE",	[GE_GOTMPDIR] = "GOTMPDIR",
	[GE_TMPDIR] = "TMPDIR",		[GE_GOMODCACHE] = "GOMODCACHE",
	[GE_GOPATH] = "GOPATH",		[GE_GOBIN] = "GOBIN",
	[GE_GOROOT] = "GOROOT",		[GE_GOENV] = "GOENV",
	[GE_GOFLAGS] = "GOFLAGS",	[GE_HOME] = "HOME",
	[GE_XDG_CACHE_HOME] = "XDG_CACHE_HOME", [GE_XDG_CONFIG_HOME] = "XDG_CONFIG_HOME",
	[GE_PWD] = "PWD",		[GE_PATH] = "PATH",
};

void gt_goenv_parse(struct gt_goenv *e, const char *block, size_t len)
{
	size_t i = 0;

	memset(e, 0, sizeof(*e));
	while (i < len) {
		const char *s = block + i, *eq;
		size_t n = strnlen(s, len - i);

		eq = memchr(s, '=', n);
		for (int k = 0; eq && k < GE_MAX; k++) {
			size_t kl = strlen(gt_env_names[k]);

			/* like getenv, the last definition wins */
			if ((size_t)(eq - s) == kl && !memcmp(s, gt_env_names[k], kl)) {
				free(e->v[k]);
				e->v[k] = strndup(eq + 1, n - kl - 1);
				break;
			}
		}
		i += n + 1;
	}
}

void gt_goenv_copy(struct gt_goenv *dst, const struct gt_goenv *src)
{
	for (int k = 0; k < GE_MAX; k++)
		dst->v[k] = src->v[k] ? strdup(src->v[k]) : NULL;
}

void gt_goenv_free(struct gt_goenv *e)
{
	for (int k = 0; k < GE_MAX; k++) {
		free(e->v[k]);
		e->v[k] = NULL;
	}
}

int gt_argv_parse(struct gt_argv *a, const char *block, size_t len)
{
	size_t i = 0;
	int n = 0;

	a->argc = 0;
	a->argv = calloc(1, sizeof(char *));
	if (!a->argv)
		return -1;
	while (i < len) {
		size_t l = strnlen(block + i, len - i);
		char **nv = realloc(a->argv, (n + 2) * sizeof(char *));

		if (!nv)
			return -1;
		a->argv = nv;
		a->argv[n++] = strndup(block + i, l);
		a->argv[n] = NULL;
		i += l + 1;
	}
	a->argc = n;
	return 0;
}

void gt_argv_copy(struct gt_argv *dst, const struct gt_argv *src)
{
	dst->argc = src->argc;
	dst->argv = calloc(src->argc + 1, sizeof(char *));
	for (int i = 0; dst->argv && i < src->argc; i++)
		dst->argv[i] = strdup(src->argv[i]);
}

void gt_argv_free(struct gt_argv *a)
{
	for (int i = 0; a->argv && i < a->argc; i++)
		free(a->argv[i]);
	free(a->argv);
	a->argv = NULL;
	a->argc = 0;
}

void gt_path_clean(char *p)
{
	char *out = p, *in = p;

	if (*in != '/')
		return;
	while (*in) {
		if (*in == '/') {
			in++;
			continue;
		}
		if (in[0] == '.' && (in[1] == '/' || !in[1])) {
			in += 1;
			continue;
		}
		if (in[0] == '.' && in[1] == '.' && (in[2] == '/' || !in[2])) {
			in += 2;
			while (out > p && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		while (*in && *in != '/')
			*out++ = *in++;
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
}

char *gt_path_join(const char *dir, const char *rel)
{
	size_t dl, rl = strlen(rel);
	char *p;

	if (rel[0] == '/' || !dir || !*dir) {
		p = strdup(rel);
	} else {
		dl = strlen(dir);
		p = malloc(dl + rl + 2);
		if (p) {
			memcpy(p, dir, dl);
			p[dl] = '/';
			memcpy(p + dl + 1, rel, rl + 1);
		}
	}
	if (p)
		gt_path_clean(p);
	return p;
}

int gt_path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (strncmp(path, dir, n))
		return 0;
	return path[n] == '\0' || path[n] == '/' || (n == 1 && dir[0] == '/');
}
