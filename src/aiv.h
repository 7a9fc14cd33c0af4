/*
 * aiv.h - what every aivalue source file includes first.
 */
#ifndef AIV_H
#define AIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

#define AIV_VERSION "0.1.0"

#endif
