/*
 * cmds.h: every command of the shell's table (shell/shell.c), one block per
 * command file of shell/. A command gets the words of its line (argv[0] is
 * its name), prints its lines, and returns 0 (the shell prints `ok`) or
 * shell_error(...)'s -1 (the shell prints `error: <reason>`), docs/CONTRACT.md.
 * Commands reach the kernel only through the kernel's headers.
 */
#ifndef PLURIX_SHELL_CMDS_H
#define PLURIX_SHELL_CMDS_H

/* netcmd.c: raw frames */
int netcmd_ping(int argc, char **argv);
int netcmd_bench(int argc, char **argv);

/* diskcmd.c: the ATA drive */
int diskcmd_disk(int argc, char **argv);
int diskcmd_disktest(int argc, char **argv);

/* heapcmd.c: the distributed heap */
int heapcmd_peek(int argc, char **argv);
int heapcmd_poke(int argc, char **argv);
int heapcmd_heap(int argc, char **argv);
int heapcmd_txstat(int argc, char **argv);

/* histcmd.c: single heap words for the history test */
int histcmd_hist(int argc, char **argv);

/* workcmd.c: workloads on the heap */
int workcmd_bank(int argc, char **argv);
int workcmd_counter(int argc, char **argv);
int workcmd_txbench(int argc, char **argv);
int workcmd_txprint(int argc, char **argv);
int workcmd_fill(int argc, char **argv);
int workcmd_sum(int argc, char **argv);

/* pscmd.c: the PageServer */
int pscmd_checkpoint(int argc, char **argv);
int pscmd_pageserver(int argc, char **argv);
int pscmd_forgetps(int argc, char **argv);

/* kernelcmd.c: the kernel in the heap */
int kernelcmd_kernel(int argc, char **argv);
int kernelcmd_kobj(int argc, char **argv);

/* progcmd.c: programs in the heap */
int progcmd_proginstall(int argc, char **argv);
int progcmd_run(int argc, char **argv);
int progcmd_programs(int argc, char **argv);

/* schedcmd.c: periodic tasks and the heartbeats */
int schedcmd_tasks(int argc, char **argv);
int schedcmd_nodes(int argc, char **argv);

/* objcmd.c: the object heap (docs/CONTRACT.md, "The object heap") */
int objcmd_objstat(int argc, char **argv);
int objcmd_gc(int argc, char **argv);
int objcmd_relocate(int argc, char **argv);
int objcmd_fsmon(int argc, char **argv);
int objcmd_obj(int argc, char **argv);
int objcmd_list(int argc, char **argv);
int objcmd_objbench(int argc, char **argv);
int objcmd_fsbench(int argc, char **argv);

#endif
