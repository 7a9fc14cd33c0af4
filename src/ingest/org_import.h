/*
 * org_import.h - the organisation from the directory:
 * `aivalue import org FILE... --format entra-users|okta-users|scim|csv`.
 *
 * Two stages, one typed hand-over:
 *
 *   org_read.c   export files --> struct org_directory (one org_user per
 *                user: directory id, login, email, name, title,
 *                department, manager id, groups, active), with the rows
 *                skipped by reason in a tally
 *   org_sync.c   org_directory + mapping file + the workspace's Person and
 *                Team specs --> struct org_plan (joiners, movers, leavers,
 *                new teams, identities, warnings), then applied: Team and
 *                Person specs through the apply engine (each object its own
 *                apply entry, as with `apply -f`), one org.join, org.move
 *                and org.leave entry with the counts, and the logins and
 *                emails as identities (one identities.import entry).
 *
 * Sync, not load: a user is found again by directory id (then by name), so
 * a re-import changes only what differs; a user disabled in the directory
 * or absent from a full export is marked left on --date, never deleted.
 * All-or-nothing: bad input fails naming file, record and field, and the
 * workspace is unchanged.  docs/org.md is the user's guide.
 */
#ifndef AIV_INGEST_ORG_IMPORT_H
#define AIV_INGEST_ORG_IMPORT_H

#include <jansson.h>

#include "aiv.h"
#include "catalog/catalog.h"
#include "core/tally.h"
#include "store/store.h"

/* One user as the directory gave it.  Strings owned; NULL when absent. */
struct org_user {
	char *id;         /* directory id: Graph id, Okta id, SCIM id, CSV id column */
	char *login;      /* userPrincipalName, profile.login, userName, CSV login */
	char *email;      /* mail, profile.email, the primary email, CSV email */
	char *display;    /* displayName, first and last name, name.formatted */
	char *title, *department, *office;
	char *manager;    /* the manager's directory id (or login, for Okta/CSV) */
	char *group;      /* SCIM: the first group naming the user as a member */
	int active;       /* 0: disabled, deprovisioned, suspended, inactive */
	const char *file; /* borrowed from the caller's argv */
	long record;      /* 1-based record index in file (CSV: line) */
};

struct org_directory {
	const char *format;
	struct org_user *users;
	size_t n, alloc;
	struct tally tally; /* records read, used, skipped by reason */
	char content_hash[65]; /* SHA-256 over the files' bytes, in order */
};

/*
 * Read the export files of `format` (entra-users, okta-users, scim, csv)
 * into dir (caller releases it).  `csv_columns` (borrowed, may be NULL)
 * maps the CSV's column names: {"id": "employee_id", ...}.  Returns 0, or
 * AIV_EINPUT with err naming FILE, the record and the field.
 */
int org_read_files(const char *format, const char *const *paths, size_t npaths,
		   const json_t *csv_columns, struct org_directory *dir, struct aiv_err *err);
/*
 * The same over sources that may be in memory: source i is bufs[i]
 * (lens[i] bytes, not empty) named paths[i] in messages when bufs and
 * bufs[i] are not NULL, else the file paths[i].
 */
int org_read_sources(const char *format, const char *const *paths, const char *const *bufs,
		     const size_t *lens, size_t npaths, const json_t *csv_columns,
		     struct org_directory *dir, struct aiv_err *err);
void org_directory_release(struct org_directory *dir);

/* One person whose state changes (or would). */
struct org_change {
	char *name;    /* the person */
	char *detail;  /* "team a -> b, role x -> y" for movers; "" otherwise */
};

struct org_warning {
	char *what;    /* "manager cycle", "dangling manager", "duplicate email" */
	char *detail;  /* names the records: "FILE record 3 (ana@x) ..." */
};

struct org_result {
	const char *format;
	int dry_run, unchanged;
	struct org_change *joined, *moved, *left;
	size_t njoined, nmoved, nleft, ajoined, amoved, aleft;
	char **teams_created;
	size_t nteams, ateams;
	struct org_change *teams_updated; /* name: the team; detail: "title a -> b, ..." */
	size_t nteams_updated, ateams_updated;
	struct org_warning *warnings;
	size_t nwarnings, awarnings;
	int64_t people, identities, identities_changed; /* active people after; identity rows */
	int64_t seq_join, seq_move, seq_leave, seq_identities; /* 0: no entry */
	int64_t seq_team;      /* org.team: teams renamed, re-led or re-mapped */
	char map_sha256[65];   /* "" when no mapping file */
	char content_hash[65];
	struct tally tally;    /* moved from the directory read */
};

struct org_import_opts {
	const char *format;
	const char *const *paths;
	size_t npaths;
	const char *map;       /* mapping YAML file, or NULL */
	const char *date;      /* YYYY-MM-DD leavers leave on; NULL: today (UTC) */
	const char *body;      /* with npaths 1: the export itself, paths[0] its name */
	size_t body_len;       /* (POST /api/v1/org/import) */
	int dry_run;
};

/*
 * Read, map, diff and (unless dry_run) apply, in one transaction.  res is
 * filled in both cases (caller releases it with org_result_release).
 * 0, or a negative code with err set and the workspace unchanged.
 */
int org_import(struct store *s, const struct catalog *cat, const char *actor,
	       const struct org_import_opts *o, struct org_result *res, struct aiv_err *err);
void org_result_release(struct org_result *r);
/*
 * The accounting of an import as JSON, the one form `import org --json`
 * and POST /api/v1/org/import print (docs/org.md).  A new reference.
 */
json_t *org_result_json(const struct org_result *r);

#endif
