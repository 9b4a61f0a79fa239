/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_sensor.c: `mamori sensor`. */
#include "base/prelude.h"
#include "commands.h"

int cmd_sensor(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    die_msg("sensor: not built yet");
    return 1;
}
