//go:build !purego

#include "textflag.h"

// One step of RC4's generator. Registers:
//   SI  &S (the 256-byte state)     R10 i, the index of x   CX x = S[i]
//   R11 j                           R14 keystream of up to 8 steps, a byte a step
// Every index register holds a value 0..255 in its low byte and zeros above,
// so it serves as an index into S as it is.
//
// next = S[i+1] is loaded before this step's stores, so that the chain that
// carries j from step to step is one add: j += x. The store to S[j] changes
// S[i+1] only when j == i+1, and then S[i+1] is x: a branch that is almost
// never taken (1 step in 256) fixes next, where a conditional move would put
// a compare and a move on that chain. The keystream byte goes into the low
// byte of R14, which then rotates right by 8: after 8 steps the 8 bytes
// stand in order.
#define STEP(skip) \
	ADDB    CX, R11;               \
	MOVBQZX (SI)(R11*1), DX;       \
	LEAQ    1(R10), R12;           \
	MOVBQZX R12, R12;              \
	MOVBQZX (SI)(R12*1), R13;      \
	MOVB    DX, (SI)(R10*1);       \
	MOVB    CX, (SI)(R11*1);       \
	CMPQ    R11, R12;              \
	JNE     skip;                  \
	MOVQ    CX, R13;               \
skip:                              \
	ADDB    CX, DX;                \
	MOVBQZX (SI)(DX*1), DX;        \
	MOVB    DX, R14;               \
	RORQ    $8, R14;               \
	MOVQ    R12, R10;              \
	MOVQ    R13, CX

// func xorKeyStream(c *Cipher, dst, src *byte, n int)
TEXT ·xorKeyStream(SB), NOSPLIT, $0-32
	MOVQ    c+0(FP), SI
	MOVQ    dst+8(FP), DI
	MOVQ    src+16(FP), R8
	MOVQ    n+24(FP), R9
	MOVBQZX 256(SI), R10 // c.i: the last index used
	MOVBQZX 257(SI), R11 // c.j
	INCB    R10
	MOVBQZX (SI)(R10*1), CX
	XORQ    R14, R14
	CMPQ    R9, $8
	JB      tail

	PCALIGN $64
loop8:
	STEP(s0)
	STEP(s1)
	STEP(s2)
	STEP(s3)
	STEP(s4)
	STEP(s5)
	STEP(s6)
	STEP(s7)
	MOVQ    (R8), AX
	XORQ    R14, AX
	MOVQ    AX, (DI)
	ADDQ    $8, R8
	ADDQ    $8, DI
	SUBQ    $8, R9
	CMPQ    R9, $8
	JAE     loop8

tail:
	TESTQ   R9, R9
	JZ      done

	PCALIGN $32
loop1:
	STEP(t0)
	SHRQ    $56, R14 // the byte just made, back from the top
	MOVBQZX (R8), AX
	XORQ    R14, AX
	MOVB    AX, (DI)
	INCQ    R8
	INCQ    DI
	DECQ    R9
	JNZ     loop1

done:
	DECB    R10 // back to the last index used
	MOVB    R10, 256(SI)
	MOVB    R11, 257(SI)
	RET
