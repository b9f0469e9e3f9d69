// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>
#include <systemd/sd-daemon.h>
#include "log.h"
#include "notify.h"

static void send_state(const char *state)
{
	int r = sd_notify(0, state);

	if (r < 0)
		gt_warn("sd_notify(%s): %s", state, strerror(-r));
}

void gt_notify_ready(const char *status)
{
	sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void gt_notify_status(const char *status)
{
	sd_notifyf(0, "STATUS=%s", status);
}

void gt_notify_stopping(void)
{
	send_state("STOPPING=1");
}

void gt_notify_reloading(void)
{
	send_state("RELOADING=1");
}
