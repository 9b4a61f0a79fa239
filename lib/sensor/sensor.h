/* SPDX-License-Identifier: Apache-2.0 */
/* sensor.h: `mamori sensor`: receives logs over UDP, TCP (RFC 6587), TLS (RFC 5425), JSON lines
 * and files; parses and normalises them; watches source clocks; hands normalised events to the
 * output. See docs/SENSOR.md for the contract (limits, back-pressure, shutdown, reload).
 *
 * Threads: `workers` receive threads, each with its own epoll loop and its own copy of every
 * network listener (SO_REUSEPORT spreads connections and datagrams across them); one file-reader
 * thread; one output writer; the caller's thread runs the control loop (signals, status socket,
 * reload). */
#ifndef MM_SENSOR_H
#define MM_SENSOR_H

#include "base/prelude.h"
#include "base/error.h"
#include "config.h"

struct sensor;

/* Load the configuration, bind every listener and start the threads. On failure nothing is left
 * running and err says why. */
enum mm_status sensor_start(struct sensor **out, const char *config_path, struct mm_error *err);
/* Run the control loop until SIGTERM or SIGINT (SIGHUP reloads). The caller must have blocked
 * SIGTERM, SIGINT, SIGHUP and SIGPIPE in every thread (sensor_block_signals before
 * sensor_start). Returns after a graceful shutdown: every accepted message has been handed to the
 * output and the output is flushed. */
int sensor_run(struct sensor *s);
/* Ask a running sensor to stop (as SIGTERM does); safe from any thread. */
void sensor_request_stop(struct sensor *s);
/* Re-read the configuration (as SIGHUP does). Invalid configuration is logged and ignored. */
enum mm_status sensor_reload(struct sensor *s, struct mm_error *err);
void sensor_free(struct sensor *s);
void sensor_block_signals(void);

/* Client side of the status socket: print the JSON answer to f. */
enum mm_status sensor_status_query(const char *socket_path, FILE *f, struct mm_error *err);
/* Default status socket path for a configuration. */
/* `-t`: load the configured rules and IOC files as a start would, without starting; append what
 * loaded and one line per document or indicator not accepted to report. An error when the sensor
 * would refuse to start (rules_strict, unreadable placeholders). */
struct buf;
enum mm_status sensor_detection_check(const struct sensor_config *cfg, struct buf *report, struct mm_error *err);
void sensor_status_path(const struct sensor_config *cfg, char *out, size_t outlen);

#endif
