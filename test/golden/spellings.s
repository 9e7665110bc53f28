// Alternative spellings that GNU as (-march=armv8.5-a+memtag) and llvm-mc 14 (-mattr=+mte,+v8.5a)
// both accept and encode alike. Hand-written; tools/gen-golden.ts assembles each line (line k at
// 0x100000000 + 4k, comments and blank lines excepted) and writes spellings.tsv with the bytes
// and llvm-objdump's text. One instruction per line.

// Immediates without '#'
add x0, x1, 16
mov x0, 0x10000
movz w1, 0xffff, lsl 16
svc 0
brk 0xf000
tbz w0, 3, #8
ccmp x1, 5, 4, ne
msr tco, 1

// Upper and mixed case
ADD X0, X1, #16
LDR X0, [SP, #8]
Mov W3, WZR
STG X0, [X1, #16]!
B.EQ #8
MRS X0, NZCV
DMB ISH

// Explicit zero offsets, shifts and extends
ldr x0, [x1, #0]
ldrb w0, [sp, #0]
stg x0, [x1, #0]
ldg x2, [sp, #0]
stgp x0, x1, [x2, #0]
st2g x3, [x4, #0]
stlr x0, [x1, #0]
ldxr x0, [x1, #0]
ldaxp x0, x1, [x2, #0]
ldapur x0, [x1, #0]
ldnp x0, x1, [x2, #0]
add x0, x1, x2, lsl #0
add x0, x1, #1, lsl #0
add x0, sp, x1, lsl #0
ldr x0, [x1, x2, lsl #0]
ldrb w0, [x1, x2, lsl #0]
ldr w0, [x1, w2, uxtw #0]
movk x0, #1, lsl #0

// Values the assembler places: mov through MOVZ, MOVN or ORR; add/cmp with lsl #12
mov x0, #0x10000
mov x0, #-1
mov w0, #-1
mov w0, #0xffffffff
mov x0, #0xffff0000ffffffff
mov x0, #0x5555555555555555
mov w1, #0x0f0f0f0f
add x0, x1, #4096
add x0, x1, #0xfff000
cmp x0, #4096
cmn w0, #4095
sub sp, sp, #0x10000

// Immediates written as expressions
add x0, x1, #(1 << 4)
add x0, x1, #2*8
mov x0, #(0x10 + 0x20)
sub sp, sp, #(16*4)
ldr x0, [x1, #(8*3)]
stg x0, [x1, #(-16*2)]
and x0, x1, #(0xff << 8)
movz x0, #(1 + 1), lsl #(8 * 2)
addg x0, x1, #(3*16), #(15 - 1)
ldp x0, x1, [sp, #-(2*8)]!
svc #(0x40 | 1)

// Aliases written as the underlying instruction
orr x0, xzr, x1
orr w0, wzr, w1, lsl #0
sub x0, xzr, x1
subs xzr, x0, #1
adds wzr, w1, w2
ands wzr, w1, w2
ands xzr, x1, #1
csinc w0, wzr, wzr, ne
csinv x0, xzr, xzr, eq
csinc x0, x1, x1, lt
ubfm x0, x1, #63, #62
ubfm w0, w1, #0, #7
sbfm x0, x1, #0, #31
sbfm w0, w1, #4, #31
bfm x0, xzr, #60, #3
extr x0, x1, x1, #7
madd x0, x1, x2, xzr
smaddl x0, w1, w2, xzr
movz x0, #1, lsl #16
movn x0, #0
add sp, x0, #0
add x0, sp, #0
hint #0
hint #34
dsb #15
dmb #11
dmb #0
isb #15
clrex #15
sys #3, c7, c5, #1, x0
sys #0, c7, c5, #0
sys #0, c8, c3, #0
sys #3, c7, c4, #3, x1
ldadd w0, wzr, [x2]
ldsetl x0, xzr, [sp]
subps xzr, x0, x1
irg x0, x1, xzr
ret x30

// Other spellings of operands
cmpp x0, x1
cmpp sp, x2
b.cs #8
b.cc #-8
b.hs #12
b.lo #-12
csel x0, x1, x2, cs
cset w0, cc
ret
mov x0, sp
mov w0, wsp
mov sp, x0
neg x0, x1
negs w0, w1, lsl #3
mvn x0, x1
tst x0, #1
mrs x0, S3_3_C4_C2_0
msr s3_3_c4_c2_0, x1
mrs x1, s3_0_c15_c2_0
mrs x0, tco
msr tco, #1
prfm #0, [x0]
prfm #6, [x0]
prfm plil3strm, [x1, x2, lsl #3]
ldr x0, [x1, #-8]
ldr x0, [x1, #1]
str w0, [sp, #-4]
ldrsw x0, [x1, #-1]
tbz x0, #0, #8
tbnz x5, #63, #-4
cbz x0, #-4
ldr x0, #8
ldr w1, #-8
ldrsw x2, #4
prfm pstl1keep, #16
adr x0, #0
add x0, sp, x1
add w0, wsp, w1
add x0, sp, w1, uxtw #2
sub x0, x1, w2, sxtw
cmp sp, x1
cmn x0, w1, uxtb #1
stadd w0, [x2]
stsetl x3, [sp]
casp x0, x1, x2, x3, [x4]
caspal w4, w5, w6, w7, [sp]
stlurb w0, [x1, #-256]
ldpsw x0, x1, [sp]
irg sp, sp
gmi x0, sp, xzr
subp x0, sp, sp
stzgm xzr, [sp]
st2g sp, [sp, #-4096]
stz2g x0, [x1], #4080
addg sp, sp, #1008, #15
subg x0, x1, #0, #0
lsl x0, x1, #0
lsr w0, w1, #31
asr x0, x1, #63
ror w0, w1, #0
lsl x0, x1, x2
ubfx x0, x1, #0, #64
sbfiz w0, w1, #31, #1
bfc x0, #0, #1
uxtb w0, w1
sxtw x0, w1
mul x0, x1, x2
umull x0, w1, w2
smulh x0, x1, x2
msr daifset, #15
msr DAIFClr, #0
msr spsel, #1
msr pan, #0
mrs x0, CurrentEL
at s1e1r, x0
dc gva, x1
dc zva, x2
ic ivau, x3
tlbi vmalle1
tlbi vae1is, x4
bti c
bti
xpaclri
esb

// A constant target without '#' is an offset from the instruction too, in both assemblers
b 16
b.eq 8
cbz x0, 8
tbz w0, #1, 32
ldr x0, 16
adr x0, 16
