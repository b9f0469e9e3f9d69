/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The config file: one `key = value` per line, the keys being the long flag
 * names (`output = /var/log/gotraced/events.json`, `journal = yes`), `#`
 * comments. Its settings are put in front of the command line's flags and
 * parsed by the same code, so a file and the flags can never disagree on
 * what a setting means, and a flag overrides the file.
 */
#ifndef GT_CONFIG_H
#define GT_CONFIG_H

enum {
	GT_OPT_CONFIG = 0x100, GT_OPT_JOURNAL, GT_OPT_SOCKET, GT_OPT_SOCKET_GROUP,
	GT_OPT_REPLAY, GT_OPT_CLIENT_QUEUE, GT_OPT_NO_SOCKET,
	GT_OPT_METRICS_FILE, GT_OPT_REPORT, GT_OPT_JUNIT,
};

/*
 * If argv names --config FILE (before any `--`), replace *argv by argv[0],
 * the file's settings as --key=value, then the rest of argv. The new vector
 * is never freed: option values point into it for the process's life
 * (a few hundred bytes per SIGHUP). Returns -1 (said why) on a bad file.
 */
int gt_config_expand(int *argc, char ***argv);

#endif
