/*
 * aiv.h - what every aivalue source file includes first.
 *
 * It ends with core/banned.h, which turns the banned libc calls into
 * compile errors.  The system headers that declare them come first, so a
 * later #include <string.h> is a no-op and never meets the macros.
 */
#ifndef AIV_H
#define AIV_H

#include <assert.h> /* on invariants the code guarantees; NDEBUG is never set */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

#define AIV_VERSION "0.1.0"

#include "core/banned.h" /* last: see above */

#endif
