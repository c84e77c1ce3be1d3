/*
 * sched.h: the cooperative scheduler of periodic work. Each task is a body
 * that kernel/txrun.c runs as one transaction when the task is due; the shell
 * calls sched_poll whenever it waits for input, so tasks run between
 * commands, never inside one, and never nest. A task that fails is counted
 * and tried again at its next period: it never stops the node.
 */
#ifndef PLURIX_KERNEL_SCHED_H
#define PLURIX_KERNEL_SCHED_H

#include <stdint.h>

void sched_init(void);
void sched_poll(void);
int sched_cmd_tasks(int argc, char **argv);     /* shell: tasks */
int sched_cmd_nodes(int argc, char **argv);     /* shell: nodes */

#endif
