/*
 * demo.h - `aivalue demo`: a complete fictional organisation, generated
 * deterministically and loaded through the real importers.
 *
 * Two halves:
 *   demo_generate()  writes the organisation's data into a folder in the
 *                    vendors' own formats (YAML objects, GitHub Copilot
 *                    NDJSON, Microsoft 365 Copilot daily user-detail CSVs,
 *                    ChatGPT Enterprise CSVs, OTLP GenAI spans, journey
 *                    CSVs, an XES event log, a front-matter artefact
 *                    folder, readiness answers, observations).  The bytes
 *                    depend on (size, seed, industry) only.
 *   demo_load()      feeds that folder to the same library entry points
 *                    the CLI commands call (apply_sources, identity and
 *                    usage importers, journey_import_file, ingest_xes_file
 *                    + logstore_save, sync_dir, change_open/sign/merge,
 *                    readiness_save, hyp_import_csv, phase_persist,
 *                    control_decide, control_exception_act), so the demo
 *                    exercises them instead of writing rows itself.
 *
 * The data tells four stories the dashboard should reveal (docs/demo.md):
 * one function stuck in a two-tier pattern, a supported cycle-time
 * hypothesis, an AI channel whose volume grows while its conversion
 * quality falls, and one autonomous workflow running ahead of its gate.
 */
#ifndef AIV_DEMO_H
#define AIV_DEMO_H

#include <jansson.h>

#include "aiv.h"
#include "catalog/catalog.h"
#include "core/progress.h"
#include "store/store.h"

enum demo_size { DEMO_SMALL, DEMO_MEDIUM, DEMO_LARGE };
enum demo_industry { DEMO_RETAIL, DEMO_INSURANCE, DEMO_MANUFACTURING };

struct demo_opts {
	enum demo_size size;
	enum demo_industry industry;
	uint64_t seed;
	const char *dir; /* where the generated files go (created) */
	const struct catalog *cat;  /* borrowed: for the readiness questionnaire */
	const char *questionnaire;  /* questionnaire file, or NULL (built in) */
	/*
	 * Called as a step's work is done (may be NULL): progress(arg, done,
	 * total) in the unit its demo_step announced when it began.
	 */
	progress_fn progress;
	void *progress_arg;
};

/* Parse a size / industry name; 0, or -1 when unknown. */
int demo_size_parse(const char *s, enum demo_size *out);
int demo_industry_parse(const char *s, enum demo_industry *out);
const char *demo_size_name(enum demo_size s);
const char *demo_industry_name(enum demo_industry i);

/* The generated organisation (opaque; demo_free releases it). */
struct demo;

/* One finished step, for progress lines and the --json summary. */
struct demo_step {
	const char *name;  /* "organisation", "AI usage", ... */
	double seconds;    /* wall time */
	char detail[200];  /* "2,013 people in 27 teams" */
	/*
	 * 1: the step begins now (seconds and detail are not known yet), and
	 * `unit` names what its progress calls count ("files"), or is NULL
	 * when it makes none.  0: the step is finished.
	 */
	int begun;
	const char *unit;
};
typedef void (*demo_step_fn)(const struct demo_step *st, void *data);

/*
 * Generate the organisation in memory and write its files under o->dir
 * (created if missing; files there are overwritten).  *out: caller frees
 * with demo_free.  Reports one step per dataset written through `fn`
 * (may be NULL).  Errors: AIV_EIO naming the file.
 */
int demo_generate(const struct demo_opts *o, struct demo **out, demo_step_fn fn,
		  void *data, struct aiv_err *err);

/*
 * Load the generated files into an initialised, empty workspace through
 * the importers, change control, agent control and the playbook, one
 * step (and one or more ledger entries) at a time.  `actor` is recorded
 * in the ledger.  Stops at the first error (what was loaded stays: each
 * step is its own transaction, like the commands it stands for).
 */
int demo_load(struct demo *d, struct store *s, const struct catalog *cat, const char *actor,
	      demo_step_fn fn, void *data, struct aiv_err *err);

/*
 * The summary: counts per dataset and the story's subjects (stuck
 * function, AI channel, autonomous workflow, hypothesis, event log).
 * New reference.
 */
json_t *demo_summary_json(const struct demo *d);

void demo_free(struct demo *d);

#endif
