/*
 * banned.h - libc calls that have no place in aivalue.
 *
 * Each is either unbounded (strcpy, sprintf, gets), not reentrant (strtok,
 * gmtime, localtime) or easy to misuse; the safe replacement is named in
 * the error the compiler prints.  Included last by every .c file through
 * aiv.h, like git's banned.h.
 */
#ifndef AIV_BANNED_H
#define AIV_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gets
#define gets(x) BANNED(gets)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)

#endif
