build2/kernel/kernel/main.o: kernel/main.c kernel/dsmenv.h dsm/frame.h \
 kernel/cmdline.h kernel/param.h dsm/param.h kernel/heaplayout.h \
 kernel/memlayout.h kernel/kcode.h kernel/kernel.h kernel/part.h \
 kernel/sched.h kernel/time.h shell/shell.h
kernel/dsmenv.h:
dsm/frame.h:
kernel/cmdline.h:
kernel/param.h:
dsm/param.h:
kernel/heaplayout.h:
kernel/memlayout.h:
kernel/kcode.h:
kernel/kernel.h:
kernel/part.h:
kernel/sched.h:
kernel/time.h:
shell/shell.h:
