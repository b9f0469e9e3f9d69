/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* `gotraced tail` and `gotraced status`: clients of the daemon's socket. */
#ifndef GT_TAIL_H
#define GT_TAIL_H

#define GT_SOCKET_DEFAULT "/run/gotraced/events.sock"

/* argv[0] is the subcommand's name; return the exit status. */
int gt_tail_main(int argc, char **argv);
int gt_status_main(int argc, char **argv);

#endif
