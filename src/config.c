// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "log.h"

/* Settings that make sense in a file; flags like --help do not. */
static const struct { const char *key; bool boolean; } keys[] = {
	{ "pid", false }, { "output", false }, { "format", false }, { "all-errors", true },
	{ "flush-ms", false }, { "verbose", true }, { "journal", true }, { "socket", false },
	{ "no-socket", true }, { "socket-group", false }, { "replay", false }, { "client-queue", false },
	{ "metrics-file", false },
};

static const char *config_path(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--config"))
			return i + 1 < argc ? argv[i + 1] : NULL;
		if (!strncmp(argv[i], "--config=", 9))
			return argv[i] + 9;
	}
	return NULL;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int yes_no(const char *v)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "on"))
		return 1;
	if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "off"))
		return 0;
	return -1;
}

/* Append the file's settings to *out as "--key=value" words; -1 on error. */
static int read_file(const char *path, char ***out, int *n)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, ret = -1;

	if (!f) {
		gt_err("cannot read config %s: %s", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) > 0) {
		char *k = trim(line), *v, *word = NULL, **grown;
		size_t i;

		lineno++;
		if (!*k || *k == '#')
			continue;
		v = strchr(k, '=');
		if (!v) {
			gt_err("%s:%d: expected key = value", path, lineno);
			goto cleanup;
		}
		*v++ = '\0';
		k = trim(k);
		v = trim(v);
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(k, keys[i].key))
				break;
		if (i == sizeof(keys) / sizeof(keys[0])) {
			gt_err("%s:%d: unknown setting '%s'", path, lineno, k);
			goto cleanup;
		}
		if (keys[i].boolean) {
			int b = yes_no(v);

			if (b < 0) {
				gt_err("%s:%d: %s: '%s' is not yes or no", path, lineno, k, v);
				goto cleanup;
			}
			if (!b)
				continue;
			if (asprintf(&word, "--%s", k) < 0)
				goto cleanup;
		} else if (asprintf(&word, "--%s=%s", k, v) < 0) {
			goto cleanup;
		}
		grown = realloc(*out, (*n + 2) * sizeof(**out));
		if (!grown) {
			free(word);
			goto cleanup;
		}
		*out = grown;
		(*out)[(*n)++] = word;
	}
	ret = 0;
cleanup:
	free(line);
	fclose(f);
	return ret;
}

int gt_config_expand(int *argc, char ***argv)
{
	const char *path = config_path(*argc, *argv);
	char **v = NULL, **grown;
	int n = 0;

	if (!path)
		return 0;
	v = malloc(sizeof(*v));
	if (!v)
		return -1;
	v[n++] = (*argv)[0];
	if (read_file(path, &v, &n))
		goto fail;
	grown = realloc(v, (n + *argc) * sizeof(*v));
	if (!grown)
		goto fail;
	v = grown;
	memcpy(v + n, *argv + 1, (*argc - 1) * sizeof(*v));
	n += *argc - 1;
	v[n] = NULL;
	*argc = n;
	*argv = v;
	return 0;
fail:
	for (int i = 1; i < n; i++)
		free(v[i]);
	free(v);
	return -1;
}
