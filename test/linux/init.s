// /init of the Linux oracle's initramfs (tools/linux-oracle.ts builds it; it is not a golden
// program itself). It mounts a tmpfs on /tmp, prints the kernel's uname, then runs every program
// named in /tests (one name per line) as /bin/NAME with argv = { "/bin/NAME" } and an empty
// environment, each in a child (clone + execve) whose stdout is a pipe. What comes through the
// pipe is printed on the console in hex, so the parser gets the bytes exactly (the console
// turns \n into \r\n, and kernel messages could land between lines):
//
//   @@UNAME <release>|<version>|<machine>
//   @@BEGIN <name>
//   @@O <hex bytes, at most 48 per line>
//   @@END <name> status=0x<wait status> bytes=<count>
//   @@DONE
//
// The child's stderr stays the console (lines without @@ are ignored by the parser). A child
// gets ITIMER_REAL = 30 s before execve (it survives exec), so a program that hangs dies of
// SIGALRM instead of stopping the run. Finally the machine is powered off
// (reboot(LINUX_REBOOT_CMD_POWER_OFF)).

        .include "lib.s"

        .equ SIGCHLD, 17
        .equ ITIMER_REAL, 0
        .equ EINTR, 4

main:
        stp x29, x30, [sp, #-16]!
        // mount("tmpfs", "/tmp", "tmpfs", 0, NULL)
        adr x0, s_tmpfs
        adr x1, s_tmp
        adr x2, s_tmpfs
        mov x3, #0
        mov x4, #0
        SYS SYS_mount
        cbz x0, 1f
        PUTS "@@MOUNT /tmp"
        PRES "", x0
        NL
1:      // uname
        adr x0, utsname
        SYS SYS_uname
        PUTS "@@UNAME "
        adr x0, utsname + 65 * 2
        bl puts_end
        mov w0, #'|'
        bl putc
        adr x0, utsname + 65 * 3
        bl puts_end
        mov w0, #'|'
        bl putc
        adr x0, utsname + 65 * 4
        bl puts_end
        NL
        FLUSH
        // Read /tests.
        mov x0, #AT_FDCWD
        adr x1, s_tests
        mov x2, #O_RDONLY
        mov x3, #0
        SYS SYS_openat
        mov x19, x0
        tbnz x19, #63, 9f
        adr x20, names
        mov x21, #0
2:      mov x0, x19
        add x1, x20, x21
        mov x2, #4095
        sub x2, x2, x21
        cbz x2, 3f
        SYS SYS_read
        cmp x0, #0
        b.le 3f
        add x21, x21, x0
        b 2b
3:      strb wzr, [x20, x21]
        mov x0, x19
        SYS SYS_close
        // x20 = the current name.
4:      ldrb w0, [x20]
        cbz w0, 8f
        cmp w0, #'\n'
        b.ne 5f
        add x20, x20, #1
        b 4b
5:      // Cut the name at the newline; x22 = the next name.
        mov x22, x20
6:      ldrb w0, [x22]
        cbz w0, 7f
        add x22, x22, #1
        cmp w0, #'\n'
        b.ne 6b
        sturb wzr, [x22, #-1]
7:      mov x0, x20
        bl run_one
        mov x20, x22
        b 4b
8:      PUTS "@@DONE\n"
        FLUSH
        b 10f
9:      PUTS "@@ERROR cannot open /tests"
        PRES "", x19
        NL
        FLUSH
10:     // reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, NULL)
        ldr x0, =0xfee1dead
        ldr x1, =0x28121969
        ldr x2, =0x4321fedc
        mov x3, #0
        SYS SYS_reboot
        b .

// run_one: x0 = name. Runs /bin/<name> with its stdout on a pipe and prints the framed output.
run_one:
        stp x29, x30, [sp, #-64]!
        stp x19, x20, [sp, #16]
        stp x21, x22, [sp, #32]
        stp x23, x24, [sp, #48]
        mov x19, x0
        // path = "/bin/" + name
        adr x1, path
        adr x2, s_bin
1:      ldrb w3, [x2], #1
        cbz w3, 2f
        strb w3, [x1], #1
        b 1b
2:      mov x2, x19
3:      ldrb w3, [x2], #1
        strb w3, [x1], #1
        cbnz w3, 3b
        PUTS "@@BEGIN "
        mov x0, x19
        bl puts_end
        NL
        FLUSH
        adr x0, pipefd
        mov x1, #0
        SYS SYS_pipe2
        cbnz x0, 20f
        // clone(SIGCHLD, 0, NULL, 0, NULL): a fork.
        mov x0, #SIGCHLD
        mov x1, #0
        mov x2, #0
        mov x3, #0
        mov x4, #0
        SYS SYS_clone
        cbz x0, 30f
        tbnz x0, #63, 20f
        mov x20, x0
        adr x0, pipefd
        ldr w0, [x0, #4]
        SYS SYS_close
        // Copy the pipe to the console in hex.
        mov x21, #0
4:      adr x0, pipefd
        ldr w0, [x0]
        adr x1, iobuf
        mov x2, #4096
        SYS SYS_read
        cmn x0, #EINTR
        b.eq 4b
        cmp x0, #0
        b.le 6f
        mov x23, x0
        add x21, x21, x0
        adr x24, iobuf
        mov x22, #0
5:      cmp x22, x23
        b.hs 4b
        mov x0, #48
        udiv x1, x22, x0
        msub x1, x1, x0, x22
        cbnz x1, 55f
        cbz x22, 54f
        mov w0, #'\n'
        bl putc
54:     adr x0, s_o
        bl puts_end
55:     ldrb w0, [x24, x22]
        lsr w0, w0, #4
        bl hexdigit
        ldrb w0, [x24, x22]
        and w0, w0, #0xf
        bl hexdigit
        add x22, x22, #1
        cmp x22, x23
        b.lo 5b
        mov w0, #'\n'
        bl putc
        b 4b
6:      adr x0, pipefd
        ldr w0, [x0]
        SYS SYS_close
        // wait4(pid, &status, 0, NULL)
7:      mov x0, x20
        adr x1, wstatus
        mov x2, #0
        mov x3, #0
        SYS SYS_wait4
        cmn x0, #EINTR
        b.eq 7b
        mov x22, x0
        PUTS "@@END "
        mov x0, x19
        bl puts_end
        adr x0, wstatus
        ldr w0, [x0]
        PHEX "status", x0
        PDEC "bytes", x21
        tbz x22, #63, 8f
        PRES "wait4", x22
8:      NL
        FLUSH
        b 40f
20:     mov x22, x0
        PUTS "@@ERROR "
        mov x0, x19
        bl puts_end
        PRES "", x22
        NL
        FLUSH
        b 40f
30:     // Child: stdout = the pipe's write end, a 30 s alarm, then execve.
        adr x0, pipefd
        ldr w0, [x0, #4]
        mov x1, #1
        mov x2, #0
        SYS SYS_dup3
        adr x0, pipefd
        ldr w0, [x0]
        SYS SYS_close
        adr x0, pipefd
        ldr w0, [x0, #4]
        SYS SYS_close
        mov x0, #ITIMER_REAL
        adr x1, itimer
        mov x2, #0
        SYS SYS_setitimer
        adr x0, path
        adr x1, child_argv
        str x0, [x1]
        adr x2, child_envp
        SYS SYS_execve
        mov x0, #127
        SYS SYS_exit_group
40:     ldp x23, x24, [sp, #48]
        ldp x21, x22, [sp, #32]
        ldp x19, x20, [sp, #16]
        ldp x29, x30, [sp], #64
        ret

        .ltorg

        .section .rodata
s_tmpfs:        .asciz "tmpfs"
s_tmp:          .asciz "/tmp"
s_tests:        .asciz "/tests"
s_bin:          .asciz "/bin/"
s_o:            .asciz "@@O "

        .data
        .balign 8
itimer:         .quad 0, 0, 30, 0
child_argv:     .quad 0, 0
child_envp:     .quad 0
pipefd:         .word 0, 0
wstatus:        .word 0, 0

        .bss
        .balign 16
utsname:        .space 65 * 6 + 8
path:           .space 256
names:          .space 4096
iobuf:          .space 4096
