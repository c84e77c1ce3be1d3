build2/kernel/shell/netcmd.o: shell/netcmd.c drivers/rtl8139.h \
 dsm/proto.h dsm/frame.h dsm/param.h kernel/kernel.h kernel/cmdline.h \
 kernel/net.h kernel/param.h kernel/time.h kernel/wait.h kernel/x86.h \
 shell/cmds.h shell/shell.h
drivers/rtl8139.h:
dsm/proto.h:
dsm/frame.h:
dsm/param.h:
kernel/kernel.h:
kernel/cmdline.h:
kernel/net.h:
kernel/param.h:
kernel/time.h:
kernel/wait.h:
kernel/x86.h:
shell/cmds.h:
shell/shell.h:
