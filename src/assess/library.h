/*
 * library.h - frameworks imported from CISO Assistant's library YAML, and
 * the crosswalk from our readiness answers to their requirements.
 *
 * A CISO Assistant library holds one framework: requirement nodes in a
 * flat list made hierarchical by parent_urn and depth, only `assessable`
 * nodes scored, optional implementation groups tagging nodes, and an
 * optional scores_definition naming the points of the framework's score
 * scale (min_score..max_score).  We import the structure (not the texts'
 * meaning) so that answers to our questionnaire, whose questions list
 * NIST AI RMF and ISO/IEC 42001 ids, can be read against the imported
 * requirement with the same ref_id: an audit view of the same evidence.
 */
#ifndef AIV_LIBRARY_H
#define AIV_LIBRARY_H

#include <jansson.h>

#include "assess/readiness.h"
#include "core/hash.h"
#include "core/tally.h"
#include "store/store.h"

struct lib_node {
	char *urn, *parent_urn, *ref_id, *name, *description;
	int depth, assessable;
	json_t *groups; /* array of implementation group ref_ids */
	/*
	 * The node's questions, in file order: [{urn, type, text,
	 * depends_on?: {question, answers: [choice urns], condition},
	 * choices: [{urn, value, add_score?, compute_result?,
	 * select_implementation_groups?, description?, color?}]}]
	 */
	json_t *questions;
};

struct library {
	char *urn, *ref_id, *name, *provider;
	long long version;
	double min_score, max_score;
	json_t *scores;  /* [{score, name, description}] */
	json_t *groups;  /* [{ref_id, name, description, default_selected}] */
	struct lib_node *nodes;
	size_t n, alloc, nassessable, nquestions;
	char sha256[SHA256_HEX];
	char *file;     /* the file's name (no directory), for the stored copy */
	char *raw;      /* the file's bytes, stored with the import */
	size_t raw_len;
	json_t *qindex; /* while loading: question urn -> [choice urns], choice urn -> "choice" */
	/*
	 * The import's accounting, unit "nodes": every node read is used
	 * (a node that cannot be read is an error), so nothing is skipped;
	 * what CISO Assistant accepts and we bend is counted, with its first
	 * FILE:LINE: assumptions (quoted version, missing depth, undefined
	 * implementation group, compute_result word, empty question text,
	 * older question: block) and things not used (scores outside the
	 * range, unknown compute_result, empty group, fields and objects we
	 * do not read).
	 */
	struct tally tally;
};

/*
 * Read and validate a library file as CISO Assistant loads it: urn, name,
 * version (an integer, or quoted digits), objects.framework with
 * requirement_nodes (unique urn, assessable, parent_urn naming an earlier
 * node, depth one more than the parent's or missing), min_score below
 * max_score, and each node's questions (unique urns; type unique_choice,
 * multiple_choice, text, date, number or boolean; text (may be empty);
 * choices for the two choice types only, each with a unique urn, a
 * value, an integer add_score, a compute_result, select_implementation_
 * groups and a #rrggbb color; depends_on naming an earlier question and
 * choices of it), or the older question: block (question_type,
 * question_choices, questions).  compute_result is stored as CISO
 * Assistant resolves it: "compliant", "non_compliant",
 * "partially_compliant" or "not_applicable".  What is accepted but bent,
 * and what is not used, is counted in l->tally.  *out is new
 * (library_free).
 */
int library_load(const char *path, struct library **out, struct aiv_err *err);
/* The same from bytes in memory; `name` is used in messages. */
int library_parse(const char *name, const char *buf, size_t len, struct library **out,
		  struct aiv_err *err);
void library_free(struct library *l);

/*
 * Store (replace) it: refused when a library with the same urn and a
 * version at least as high but other content is stored; unchanged (no
 * ledger entry) when identical.  One transaction, one ledger entry
 * "assess.import" (with the import's tally).  The file itself is kept content-addressed in
 * evidence_files (key: its SHA-256, the frameworks row's sha256), which
 * is where the questions are read back from.
 */
int library_store(struct store *s, const char *actor, const struct library *l,
		  int *changed, int64_t *seq, struct aiv_err *err);

/*
 * The crosswalk of every imported framework against a readiness answer
 * set (may be NULL): for each assessable node, the questions that list its
 * ref_id, the lowest level answered among them, and that level on the
 * framework's score scale; and the library's own questions of the node
 * (as in struct lib_node).  Release with lib_crosswalk_release (also done
 * on error); the question ids are borrowed from `q`.
 */
struct lib_cw_req {
	char *urn;
	char *ref_id;               /* NULL: the node has none */
	char *name;                 /* NULL: the node has none */
	const char **questions;     /* our questions mapping to ref_id (borrowed ids) */
	size_t nquestions;
	/* the library's own questions of the node (its document, as in struct
	 * lib_node; an owned reference), NULL when the framework's file could
	 * not be read back (lib_cw_framework.have_library_questions = 0) */
	json_t *library_questions;
	int level;                  /* lowest level answered among `questions`; -1: none */
	long long score;            /* `level` on the framework's scale, when level >= 0 */
	char *score_name;           /* that score's name, NULL when the scale names none */
};

struct lib_cw_framework {
	char *urn, *name;
	long long version, ledger_seq;
	double min_score, max_score;
	size_t assessable, covered, answered; /* requirements: all, mapped, answered */
	int have_library_questions;           /* the file could be read back */
	size_t nlibrary_questions;            /* the library's questions, when it could */
	struct lib_cw_req *reqs;
	size_t nreqs;
};

struct lib_crosswalk {
	struct lib_cw_framework *fw;
	size_t n;
};

int library_crosswalk(struct store *s, const struct questionnaire *q,
		      const struct ra_set *set, const char *group, struct lib_crosswalk *out,
		      struct aiv_err *err);
void lib_crosswalk_release(struct lib_crosswalk *c);
/*
 * As JSON (new reference): [{urn, name, version, min_score, max_score,
 * ledger_seq, summary: {assessable, covered, answered, library_questions
 * (null when unreadable)}, requirements: [{urn, ref_id, name, questions,
 * library_questions?, level (null: unanswered), score?, score_name?}]}],
 * as `assess crosswalk --json` and the JSON report print it.
 */
json_t *lib_crosswalk_json(const struct lib_crosswalk *c);

#endif
