/* SPDX-License-Identifier: Apache-2.0 */
/* banned.h: libc calls that are easy to misuse become compile errors. Included by prelude.h,
 * after every system header, so a banned call anywhere in the tree fails the build. */
#ifndef MM_BANNED_H
#define MM_BANNED_H

#define MM_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) MM_BANNED(strcpy)
#undef strcat
#define strcat(x, y) MM_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) MM_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) MM_BANNED(strncat)
#undef sprintf
#define sprintf(...) MM_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) MM_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) MM_BANNED(strtok)
#undef gets
#define gets(x) MM_BANNED(gets)
#undef atoi
#define atoi(x) MM_BANNED(atoi)
#undef atol
#define atol(x) MM_BANNED(atol)
#undef atoll
#define atoll(x) MM_BANNED(atoll)
#undef atof
#define atof(x) MM_BANNED(atof)
#undef sscanf
#define sscanf(...) MM_BANNED(sscanf)
#undef gmtime
#define gmtime(x) MM_BANNED(gmtime)
#undef localtime
#define localtime(x) MM_BANNED(localtime)
#undef ctime
#define ctime(x) MM_BANNED(ctime)
#undef asctime
#define asctime(x) MM_BANNED(asctime)
#undef strerror
#define strerror(x) MM_BANNED(strerror)

#endif
