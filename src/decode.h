/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Parsing of what the kernel copied at exec: argv and environment blocks, paths. */
#ifndef GT_DECODE_H
#define GT_DECODE_H

#include <stddef.h>

/* The environment variables Go derives its directories from (and PATH). */
enum gt_env_var {
	GE_GOCACHE, GE_GOTMPDIR, GE_TMPDIR, GE_GOMODCACHE, GE_GOPATH, GE_GOBIN, GE_GOROOT,
	GE_GOENV, GE_GOFLAGS, GE_HOME, GE_XDG_CACHE_HOME, GE_XDG_CONFIG_HOME, GE_PWD,
	GE_PATH,	/* to tell a PATH search (execvp) from a refusal */
	GE_MAX,
};

extern const char *const gt_env_names[GE_MAX];

struct gt_goenv {
	char *v[GE_MAX];	/* NULL when unset */
};

struct gt_argv {
	int argc;
	char **argv;		/* argc strings, NULL-terminated */
};

/* Keep the Go-relevant variables of a block of NUL-separated NAME=value strings. */
void gt_goenv_parse(struct gt_goenv *e, const char *block, size_t len);
void gt_goenv_copy(struct gt_goenv *dst, const struct gt_goenv *src);
void gt_goenv_free(struct gt_goenv *e);

/* Split a block of NUL-separated strings (the last may lack its NUL). */
int gt_argv_parse(struct gt_argv *a, const char *block, size_t len);
void gt_argv_copy(struct gt_argv *dst, const struct gt_argv *src);
void gt_argv_free(struct gt_argv *a);

/* Lexically clean an absolute path in place: "//", "/./" and "/x/../" go. */
void gt_path_clean(char *p);

/* dir + "/" + rel, cleaned (rel alone when absolute or dir is NULL). Caller frees. */
char *gt_path_join(const char *dir, const char *rel);

/* Is path equal to dir or below it? */
int gt_path_under(const char *path, const char *dir);

#endif
