/* SPDX-License-Identifier: Apache-2.0 */
/* commands.h: the subcommands of the mamori binary. Each returns the process exit status. */
#ifndef MAMORI_COMMANDS_H
#define MAMORI_COMMANDS_H

int cmd_log(int argc, char **argv);
int cmd_sensor(int argc, char **argv);

/* Print "mamori: <message>" to stderr. */
void die_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
