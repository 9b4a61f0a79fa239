/* SPDX-License-Identifier: Apache-2.0 */
/* commands.h: the subcommands of the mamori binary. Each returns the process exit status. */
#ifndef MAMORI_COMMANDS_H
#define MAMORI_COMMANDS_H

int cmd_log(int argc, char **argv);
int cmd_sensor(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
int cmd_ioc(int argc, char **argv);
int cmd_server(int argc, char **argv);
int cmd_admin(int argc, char **argv);
/* cmd_store.c: `mamori log verify|search|export|import|pubkey|retention` */
int cmd_log_verify(int argc, char **argv);
int cmd_log_search(int argc, char **argv);
int cmd_log_export(int argc, char **argv);
int cmd_log_import(int argc, char **argv);
int cmd_log_pubkey(int argc, char **argv);
int cmd_log_retention(int argc, char **argv);
int cmd_log_reindex(int argc, char **argv);
int cmd_log_checkpoint(int argc, char **argv);

/* Print "mamori: <message>" to stderr. */
void die_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
