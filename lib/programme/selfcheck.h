/* SPDX-License-Identifier: Apache-2.0 */
/* selfcheck.h: self-inspection (自己点検) on the server's database: checklists of obligations
 * (遵守事項) per fiscal year, campaigns an organisation opens for everyone in its subtree, each
 * person's answers, and the rates of lib/programme/rates.h over them. Every function takes the
 * actor and keeps to its scope, as the rest of the server's model does (lib/server/server.h).
 * Subjects: officer (責任者等: CISO, managers, auditors, incident managers), system (システム責任者等:
 * system security officers), staff (行政事務従事者: everyone else). */
#ifndef MM_SELFCHECK_H
#define MM_SELFCHECK_H

#include "server/server.h"

/* A checklist for a fiscal year (the centre's or a member's administrators). */
enum mm_status checklist_create(struct db *db, const struct actor *a, int fiscal_year, const char *code,
                                const char *title_ja, const char *title_en, int64_t *id, struct mm_error *err);
/* An obligation, appended: subject officer|system|staff, its item group (情報の作成と入手, ...) and
 * the clause of the standard it comes from. */
enum mm_status obligation_add(struct db *db, const struct actor *a, int64_t checklist_id, const char *subject,
                              const char *item_group, const char *clause, const char *text_ja, const char *text_en,
                              int64_t *id, struct mm_error *err);
/* Open a campaign for everyone in org's subtree (the admin role there): each active person is a
 * target as the subject their roles make them; people on leave are targets excluded (no duties in
 * the period, as the seeds count them). *targets: how many, excluded ones included. */
enum mm_status campaign_open(struct db *db, const struct actor *a, int64_t org_id, int64_t checklist_id,
                             int64_t opens_at, int64_t closes_at, int64_t *id, size_t *targets, struct mm_error *err);
/* A person's answer to one obligation of their subject (implemented, not_implemented,
 * not_applicable; a reason for the last two), while the campaign is open. */
enum mm_status answer_put(struct db *db, const struct actor *a, int64_t campaign_id, int64_t obligation_id,
                          const char *answer, const char *reason, int64_t now, struct mm_error *err);
/* The campaign's rates (read_people at its organisation): per subject and in all, coverage
 * (reporters: targets who answered every obligation of their subject), implementation pooled,
 * METI's all-measures rate, attainment at 100/95/90 %, grades; per item group; per obligation. */
json_t *campaign_rates(struct db *db, const struct actor *a, int64_t campaign_id, enum mm_status *rc,
                       struct mm_error *err);
/* The subject a person's roles make them. */
const char *selfcheck_subject(const struct actor *person);

#endif
